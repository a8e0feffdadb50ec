"""The field app's sync timed over the seeded county, called by bench/run.py's worker.

A village cadre's first download of their village's houses (every page, bytes on the wire and
seconds), the next download when nothing changed, and for comparison a township officer's
first download; then a phone's queue of 1,000 captures (screenings and inspections of the
village's houses) sent one after another, and sent again as a phone does after a lost answer.
Requests go through django.test.Client in-process, so seconds include the JSON encoding but
no network.
"""

import time
import uuid
from datetime import date

CAPTURES = 1000


def _download(client, headers, since: int = 0) -> dict:
    path = f"/api/v1/field/houses?since={since}"
    pages = houses = size = 0
    cursor = None
    started = time.perf_counter()
    while path:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.content[:500]
        data = response.json()
        pages, houses, size = pages + 1, houses + len(data["houses"]), size + len(
            response.content)
        cursor, path = data["cursor"], data["next"]
    seconds = time.perf_counter() - started
    return {"houses": houses, "pages": pages, "bytes": size,
            "kb_per_house": round(size / 1024 / max(houses, 1), 2),
            "seconds": round(seconds, 3), "cursor": cursor}


def _capture(house_id: int, n: int) -> dict:
    today = date.today().isoformat()
    if n % 10 < 7:
        kind, payload = "screening", {
            "house_id": house_id, "checked_on": today, "level": "village",
            "items": [{"kind": "wall_crack", "level": "general", "count": 1 + n % 2}]}
    else:
        kind, payload = "inspection", {"house_id": house_id, "inspected_on": today,
                                       "level": "village", "findings": "例行检查"}
    return {"client_uuid": str(uuid.uuid4()), "kind": kind,
            "captured_at": f"{today}T10:00:00+08:00", "lat": 42.5, "lng": 125.7,
            "accuracy_m": 10.0, "base_version": None, "photos": [], "payload": payload}


def measure(county: str) -> dict:
    from django.test import Client

    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import ApiToken
    from anju.divisions.scope import within
    from anju.registry.models import House

    village = (House.objects.filter(within(county)).order_by("division_code")
               .values_list("division_code", flat=True).first())
    cadre = create_user(CreateUser(username="bench_field_cadre", password="x", scope=village,
                                   role="village_cadre"), check_password=False)
    township = create_user(CreateUser(username="bench_field_township", password="x",
                                      scope=village[:9], role="township_officer"),
                           check_password=False)
    client = Client()
    headers = {"Authorization": f"Bearer {ApiToken.issue(cadre)[1]}"}
    client.get("/api/v1/field/forms", headers=headers)  # warm-up: imports, schemas, connection
    first = _download(client, headers)
    again = _download(client, headers, since=first["cursor"])
    township_first = _download(
        client, {"Authorization": f"Bearer {ApiToken.issue(township)[1]}"})

    house_ids = list(House.objects.filter(division_code=village).order_by("id")
                     .values_list("id", flat=True))
    queue = [_capture(house_ids[n % len(house_ids)], n) for n in range(CAPTURES)]

    def send_all() -> tuple[float, dict]:
        statuses: dict[int, int] = {}
        started = time.perf_counter()
        for body in queue:
            response = client.post("/api/v1/field/submissions", body,
                                   content_type="application/json", headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        return time.perf_counter() - started, statuses

    seconds, statuses = send_all()
    assert statuses == {201: CAPTURES}, statuses
    resend_seconds, resend_statuses = send_all()
    assert resend_statuses == {200: CAPTURES}, resend_statuses
    after = _download(client, headers, since=first["cursor"])
    return {
        "village": village, "village_houses": len(house_ids),
        "first_download": first, "unchanged_download": again,
        "township_first_download": township_first,
        "captures": {"count": CAPTURES, "seconds": round(seconds, 2),
                     "per_s": round(CAPTURES / seconds, 1),
                     "resend_per_s": round(CAPTURES / resend_seconds, 1)},
        "download_after_captures": after,
    }
