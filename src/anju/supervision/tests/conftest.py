import pytest

from anju.accounts.models import User
from anju.assistance.tests.conftest import new_case  # noqa: F401  (a fixture)
from anju.rectification.tests.conftest import dangerous_house, on_ledger  # noqa: F401


@pytest.fixture
def tonghua(db):
    """The prefecture over 梅河口市 and 辉南县, which receives their work summaries."""
    return User.objects.create_user(username="tonghua", password="x", scope="2205",
                                    role="prefecture_officer", department="housing")
