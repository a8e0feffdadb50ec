"""The shared cast of the test suite: the policy roles of one county, and one outsider.

Divisions of 梅河口市, 辉南县 and 昌吉州 with demo villages, and the users, are created once
per test session; each test runs in a transaction that is rolled back. `nothing_written` is
how a test says that a refused act changed nothing.
"""

import itertools
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db.models import QuerySet
from django.test import Client

from anju.accounts.actions import create_user
from anju.accounts.commands import CreateUser
from anju.accounts.models import ApiToken, User
from anju.divisions.demo import ensure_demo_villages
from anju.divisions.loader import load_divisions
from anju.registry.models import House, Household
from anju.registry.rules import derived_house_fields, id_check_character

SHANCHENG = "220581100"  # 山城镇, 梅河口市
HONGMEI = "220581101"  # 红梅镇, 梅河口市
SHANCHENG_V1 = SHANCHENG + "001"
SHANCHENG_V2 = SHANCHENG + "002"
HONGMEI_V1 = HONGMEI + "001"
HUINAN_V1 = "220523100001"  # a village of 辉南县, the neighbouring county
CHANGJI_V1 = "652301100001"

# username -> (scope, role, department)
CAST = {
    "admin": ("22", "admin", ""),
    "mhk_housing": ("220581", "county_officer", "housing"),
    "mhk_civil": ("220581", "county_officer", "civil_affairs"),
    "mhk_rural": ("220581", "county_officer", "rural_revitalization"),
    "mhk_finance": ("220581", "county_officer", "finance"),
    "shancheng": (SHANCHENG, "township_officer", "township_government"),
    "hongmei": (HONGMEI, "township_officer", "township_government"),
    "cadre": (SHANCHENG_V1, "village_cadre", ""),
    "appraiser1": ("220581", "appraiser", "housing"),
    "mhk_health": ("220581", "county_officer", "health"),  # a sector department (R-CJ-2)
    # 六、责任分工: the departments with a part on a case beside the three that approve it
    "mhk_land": ("220581", "county_officer", "natural_resources"),
    "mhk_water": ("220581", "county_officer", "water"),
    "mhk_power": ("220581", "county_officer", "power"),
    "changji": ("6523", "prefecture_officer", "housing"),
    "cj_appraiser": ("6523", "appraiser", "housing"),  # where seismic items are required
    "huinan_housing": ("220523", "county_officer", "housing"),
    "security": ("22", "security_admin", ""),
    "auditor": ("22", "audit_admin", ""),
}
PASSWORD = "Cast@Test-2026"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_divisions(("22", "6523"))
        ensure_demo_villages([SHANCHENG, HONGMEI, "220523100", "652301100"], 3)
        for username, (scope, role, department) in CAST.items():
            create_user(CreateUser(username=username, password=PASSWORD, scope=scope, role=role,
                                   department=department), check_password=False)


class Cast:
    """The users of CAST by name: cast.mhk_housing, cast.shancheng, ..."""

    def __getattr__(self, name):
        if name not in CAST:
            raise AttributeError(f"{name} is not in the cast (anju.conftest.CAST)")
        return User.objects.get(username=name)


@pytest.fixture
def cast(db):
    return Cast()


def _counts(models) -> dict[str, int]:
    from anju.audit.models import Action, AuditEvent

    counts = {m._meta.label: m._base_manager.count() for m in models}
    if AuditEvent in models:  # a refusal is recorded: that row is the refusal, not a write
        counts[AuditEvent._meta.label] = AuditEvent.objects.exclude(
            action=Action.ACCESS_DENIED).count()
    return counts


def _rows(records) -> list:
    return [list((r if isinstance(r, QuerySet) else type(r)._base_manager.filter(pk=r.pk))
                 .order_by("pk").values()) for r in records]


@pytest.fixture
def nothing_written(db):
    """`with nothing_written(*records, but=()):` fails if a row of any model of Anju is added
    or removed inside the block, or one of `records` (model instances or querysets) changes.

    `but` names the models whose rows the refusal itself keeps (a rejected field capture, a
    failed import job); the API tokens of the test clients and the audit rows of a refusal
    (access_denied) are not writes either."""
    from django.apps import apps

    @contextmanager
    def check(*records, but=()):
        models = [m for m in apps.get_models()
                  if m.__module__.startswith("anju.") and m is not ApiToken and m not in but]
        before, rows = _counts(models), _rows(records)
        yield
        assert _counts(models) == before
        assert _rows(records) == rows

    return check


class ApiClient:
    """A test client that speaks JSON with a bearer token, as other systems do."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, key = ApiToken.issue(user)
            self.headers["Authorization"] = f"Bearer {key}"

    def _send(self, method, path, data=None, **kwargs):
        import json

        body = json.dumps(data) if data is not None and not isinstance(data, str) else data
        call = getattr(self.client, method)
        if method in ("get", "delete"):
            return call(path, data=kwargs.pop("params", None), headers=self.headers, **kwargs)
        return call(path, body, content_type="application/json", headers=self.headers, **kwargs)

    def get(self, path, params=None):
        return self._send("get", path, params=params)

    def post(self, path, data=None):
        return self._send("post", path, data)

    def patch(self, path, data=None):
        return self._send("patch", path, data)

    def put(self, path, data=None):
        return self._send("put", path, data)

    def upload(self, path, data):
        """A multipart POST: `data` holds the form fields and the files."""
        return self.client.post(path, data, headers=self.headers)


def sign_in(client: Client, user) -> Client:
    """Log `client` in as `user` by session, with the second factor passed when the user
    needs one (administrators and full-view roles), as after the login and code pages."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from anju.accounts.models import Authenticator
    from anju.accounts.rules import needs_second_factor

    client.force_login(user)
    if needs_second_factor(user):
        device = (Authenticator.objects.filter(user=user, confirmed=True).first()
                  or Authenticator.objects.create(user=user, name="test", confirmed=True))
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def api(db):
    """api(user) -> a JSON client authenticated as `user`; api() is anonymous."""
    return ApiClient


@pytest.fixture
def browser(db):
    """browser(user) -> a test client signed in as `user` (a session with the second factor
    passed where the role needs one, like a clerk after the login pages)."""
    return lambda user: sign_in(Client(), user)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and generated files go to a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


_serial = itertools.count(1)


def valid_id_number(birth: str = "19800101", region: str = "220581") -> str:
    first17 = f"{region}{birth}{next(_serial) % 1000:03d}"
    return first17 + id_check_character(first17)


@pytest.fixture
def make_household(db):
    def make(division_code=SHANCHENG_V1, **fields) -> Household:
        values = {"head_name": "王大山", "head_id_number": valid_id_number(), "persons": 3,
                  "phone": "13812345678", "bank_account": "6217000012345678", **fields}
        return Household.objects.create(division_code=division_code, **values)

    return make


@pytest.fixture
def make_house(db):
    def make(division_code=SHANCHENG_V1, **fields) -> House:
        values = {"address": f"{division_code} {next(_serial)} 号", "structure": "masonry_cast",
                  "floors": 1, "built_year": 1995, "floor_area": Decimal("80"),
                  "use": "residence", "occupancy": "occupied", "priority_tags": [], **fields}
        values |= derived_house_fields(values)
        return House.objects.create(division_code=division_code, **values)

    return make


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences"}


def pytest_collection_modifyitems(config, items):
    """ANJU_TESTS_DATABASE_ONLY=1 keeps the tests that touch the database (through pytest-django,
    or marked `database` when they open connections of their own): the second database's run
    skips what the first already ran identically (pure rules, source checks, SQLite files)."""
    import os

    if os.environ.get("ANJU_TESTS_DATABASE_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = (item.get_closest_marker("django_db") or item.get_closest_marker("database")
                   or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
        (keep if uses_db else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep
