"""The same capture arriving twice at the same moment (a phone retrying on a weak signal) is
stored and applied once: the unique client UUID decides which request is second, and the
second answers the first one's result."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from anju.appraisal.models import Screening
from anju.conftest import SHANCHENG_V1, ApiClient
from anju.field import actions
from anju.field.models import Submission
from anju.field.tests.conftest import TODAY, capture, screening

URL = "/api/v1/field/submissions"


def test_a_second_arrival_that_looked_before_the_first_was_stored_answers_its_result(
        api, cast, house, monkeypatch):
    client = api(cast.cadre)
    body = capture("screening", screening(house))
    first = client.post(URL, body)
    # The second request looked for the UUID before the first had stored it; its insert then
    # meets the unique constraint.
    monkeypatch.setattr(actions, "already_stored", lambda client_uuid: None)
    again = client.post(URL, body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Screening.objects.filter(house=house).count() == 1
    changed = client.post(URL, {**body, "payload": screening(house, note="改过")})
    assert (changed.status_code, changed.json()["error"]["code"]) == (409, "client_uuid_reused")
    assert Screening.objects.filter(house=house).count() == 1


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """The cast's village cadre and a new house of their village, committed: the requests
    below run on connections of their own, outside any test transaction. Not a `db` test
    (whose transaction the other connections could not see) nor a `transaction=True` one
    (whose flush the append-only audit table refuses); it cleans up after itself, and as a
    test without `db` it runs after all of those."""
    from django.utils import timezone

    from anju.accounts.models import ApiToken, User
    from anju.field.models import FieldChange
    from anju.registry.models import House

    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database (shared cache) refuses a second writer "
                    "instead of making it wait; the unique-constraint path is tested above, "
                    "and this test runs on PostgreSQL")
    started = timezone.now()
    with django_db_blocker.unblock():
        cadre = User.objects.get(username="cadre")
        house = House.objects.create(
            division_code=SHANCHENG_V1, address="演示一村 1 组 9 号", structure="masonry_cast",
            floors=1, storey_band="1", floor_area=Decimal("80"), use="residence",
            occupancy="occupied", lat=Decimal("42.5"), lng=Decimal("125.7"))
        try:
            yield cadre, house
        finally:
            Submission.objects.filter(house=house).delete()
            FieldChange.objects.filter(house_id=house.pk).delete()
            house.delete()
            ApiToken.objects.filter(user=cadre, created_at__gte=started).delete()
            connection.close()


@pytest.mark.database
def test_the_same_capture_sent_on_four_connections_at_once_is_stored_and_applied_once(
        committed):
    cadre, house = committed
    # Without screening items: the outcome does not depend on the catalogue.
    body = capture("screening", {"house_id": house.pk, "checked_on": TODAY, "items": []})
    clients = [ApiClient(cadre) for _ in range(4)]
    start = threading.Barrier(len(clients))
    answers, failures = [], []

    def send(client):
        try:
            start.wait()
            response = client.post(URL, body)
            answers.append((response.status_code, response.json()))
        except Exception as error:
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert failures == []
    assert sorted(status for status, _ in answers) == [200, 200, 200, 201]
    bodies = {(a["id"], a["status"], a["result"]["screening_id"]) for _, a in answers}
    assert len(bodies) == 1
    assert Submission.objects.filter(client_uuid=body["client_uuid"]).count() == 1
    assert Screening.objects.filter(house=house).count() == 1
