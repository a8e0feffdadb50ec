"""The villagers' side as a phone sees it: `villager(address)` is a client with no account
whose every response is kept; after each test none of them may hold a name, ID number, phone,
account or house address of anyone on the register (nor an 18-character ID pattern). One
exception, the seed's (R-MH-4 补助对象): a notice's online list names the heads of the
households it lists, while the notice is up, and no one else."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from anju.assistance.tests.conftest import new_case  # noqa: F401
from anju.public.actions import print_signs
from anju.public.models import SignToken, VillagerReport
from anju.rectification.models import LedgerEntry
from anju.rectification.tests.conftest import dangerous_house, on_ledger  # noqa: F401
from anju.registry.models import House, Household, Member, ResponsiblePerson

ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def personal_values() -> set[str]:
    values = set()
    for h in Household.objects.all():
        values |= {h.head_name, h.head_id_number, h.phone, h.bank_account}
    for m in Member.objects.all():
        values |= {m.name, m.id_number}
    for p in ResponsiblePerson.objects.all():
        values |= {p.name, p.phone}
    values |= set(House.objects.values_list("address", flat=True))
    values |= {r.phone for r in VillagerReport.objects.all()}
    return {v for v in values if v}


@pytest.fixture
def villager(db):
    responses = []

    class Phone(Client):
        def request(self, **request):
            response = super().request(**request)
            responses.append(response)
            return response

    yield lambda address="203.0.113.7": Phone(REMOTE_ADDR=address)
    personal = personal_values()
    for response in responses:
        body = response.content.decode()
        leaked = sorted(v for v in personal if v in body)
        assert leaked == [], (response.request["PATH_INFO"], leaked)
        assert ID_PATTERN.search(body) is None, response.request["PATH_INFO"]


@pytest.fixture
def signed(on_ledger, cast):  # noqa: F811
    """signed(**house_fields) -> (entry id, token): a C house on the ledger whose sign the
    township (山城镇) printed."""

    def make(**fields):
        _, entry_id = on_ledger("c", **fields)
        [(_, token)] = print_signs([LedgerEntry.objects.get(pk=entry_id)],
                                   acting_user=cast.shancheng)
        assert SignToken.objects.get(entry_id=entry_id, revoked_at__isnull=True).token == token
        return entry_id, token

    return make


@pytest.fixture
def one_late(signed, villager):
    """Two houses with a villager's lead each; the first lead is a day past its deadline.
    Returns the late lead."""
    from datetime import timedelta

    for _ in range(2):
        _, token = signed()
        assert villager().post(f"/public/h/{token}/", {"kind": "occupied"}).status_code == 200
    late = VillagerReport.objects.order_by("id").first()
    VillagerReport.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - timedelta(days=1))
    late.refresh_from_db()
    return late
