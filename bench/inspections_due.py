"""Periodic inspection due list (R-MH-14) at county scale, called by bench/run.py's worker on
its seeded county, or on its own:

    .venv/bin/python bench/inspections_due.py [--houses 300000] [--low-income 20000]

Makes exactly `low_income` of the county's households certified low-income (the seed draws its
own), gives their houses and some others a history of inspections at mixed levels and dates
(bulk_create, as a benchmark may), then times `GET /api/v1/inspections/due?division=COUNTY`
(the first page, 50 rows, with its total) as a county officer inside Django's handler, beside
the floor: the same two SQL statements (count and first page) run through a bare cursor in
the same process on the same data. Each is timed as wall time and as this thread's CPU time
(on SQLite the statements run in this thread; on PostgreSQL the server's share is not in it),
in `rounds` rounds of `requests` requests, with the load average before and after: on a
shared machine the wall time follows the load, the CPU time much less. Target ≤ 50 ms median.
"""

import random
import statistics
import time
from datetime import timedelta

TARGET_MS = 50


def prepare(county: str, low_income: int, *, seed: int = 14) -> dict:
    from django.db import connection
    from django.utils import timezone

    from anju.accounts.models import User
    from anju.appraisal.models import Inspection
    from anju.divisions.scope import within
    from anju.registry.bulk import refresh_statistics
    from anju.registry.models import House, Household

    rng = random.Random(seed)
    today = timezone.localdate()
    Household.objects.filter(within(county)).exclude(low_income_category="").update(
        low_income_category="")
    ids = list(Household.objects.filter(within(county)).values_list("pk", flat=True))
    chosen = sorted(rng.sample(ids, min(low_income, len(ids))))
    categories = ("dibao", "tekun", "dibao_edge", "at_risk", "other_lifted")
    for start in range(0, len(chosen), 4000):
        Household.objects.filter(pk__in=chosen[start:start + 4000]).update(
            low_income_category=categories[start // 4000 % len(categories)])
    recorder = User.objects.filter(role="county_officer").first() or User.objects.create(
        username="bench_inspector", role="county_officer", scope=county)
    certified = set(chosen)
    rows, levels = [], ("village", "township", "household_self", "county", "lookback")
    houses = House.objects.filter(within(county)).values_list("pk", "division_code",
                                                              "household_id")
    for pk, code, household_id in houses.iterator(chunk_size=20000):
        # Low-income houses: most inspected once or more, some long ago, some never; other
        # houses: an inspection now and then, which the list must pass over.
        n = rng.choice((0, 1, 1, 2, 3)) if household_id in certified else (
            1 if rng.random() < 0.1 else 0)
        for _ in range(n):
            rows.append(Inspection(house_id=pk, division_code=code, level=rng.choice(levels),
                                   inspected_on=today - timedelta(days=rng.randrange(1, 900)),
                                   inspector="巡查员", recorded_by=recorder))
        if len(rows) >= 20000:
            Inspection.objects.bulk_create(rows)
            rows = []
    Inspection.objects.bulk_create(rows)
    # After a bulk load, as the seed does: statistics, and on PostgreSQL the visibility map
    # (the certifications above rewrote the certified houses' rows).
    refresh_statistics([Household, House, Inspection])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"low_income_households": len(chosen),
            "inspections": Inspection.objects.filter(within(county)).count()}


def _median(values) -> float:
    return round(statistics.median(values), 2)


def measure(handler_times: list, *, requests: int, county: str, low_income: int = 20_000,
            rounds: int = 1) -> dict:
    import os

    from django.db import connection
    from django.test import Client

    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import ApiToken
    from anju.appraisal.queries import inspections_due_for_user, with_last_inspection

    seeded = prepare(county, low_income)
    officer = create_user(CreateUser(username="bench_due", password="x", scope=county,
                                     role="county_officer"), check_password=False)
    client = Client()
    headers = {"Authorization": f"Bearer {ApiToken.issue(officer)[1]}"}
    path = f"/api/v1/inspections/due?division={county}&page_size=50"
    for _ in range(5):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code, response.content)

    # The floor: the two statements the route runs, through a bare cursor.
    queryset = inspections_due_for_user(officer, division=county)
    count_sql, count_params = queryset.order_by().values("pk").query.sql_with_params()
    count_sql = f"SELECT COUNT(*) FROM ({count_sql}) due"
    page = with_last_inspection(queryset).only("id", "household_id", "division_code",
                                               "address")
    page_sql, page_params = page[:50].query.sql_with_params()

    runs = []
    for _ in range(rounds):
        load_before = os.getloadavg()
        handler_times.clear()
        cpu = []
        for _ in range(requests):
            started = time.thread_time()
            response = client.get(path, headers=headers)
            cpu.append((time.thread_time() - started) * 1000)
        ms = sorted(t * 1000 for t in handler_times)
        body = response.json()
        floor, floor_cpu = [], []
        with connection.cursor() as cursor:
            for i in range(requests + 5):
                started, started_cpu = time.perf_counter(), time.thread_time()
                cursor.execute(count_sql, count_params)
                total = cursor.fetchone()[0]
                cursor.execute(page_sql, page_params)
                rows = cursor.fetchall()
                if i >= 5:
                    floor.append((time.perf_counter() - started) * 1000)
                    floor_cpu.append((time.thread_time() - started_cpu) * 1000)
        assert total == body["total"] and len(rows) == len(body["items"])
        assert [r[0] for r in rows] == [item["house_id"] for item in body["items"]]
        runs.append({"median_ms": _median(ms), "p90_ms": round(ms[int(len(ms) * 0.9) - 1], 2),
                     "max_ms": round(ms[-1], 2), "cpu_median_ms": _median(cpu),
                     "floor_median_ms": _median(floor), "floor_cpu_median_ms": _median(floor_cpu),
                     "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())]})
    return {"seeded": seeded, "path": path, "total": body["total"], "requests": requests,
            "rounds": rounds,
            **{k: _median([r[k] for r in runs]) for k in ("median_ms", "p90_ms", "max_ms",
                                                           "cpu_median_ms", "floor_median_ms",
                                                           "floor_cpu_median_ms")},
            "runs": runs,
            "plan_count": str(queryset.order_by().values("pk").explain()).splitlines(),
            "plan_page": str(page[:50].explain()).splitlines(),
            "target_ms": TARGET_MS}


def main() -> None:
    import argparse
    import json

    from standalone import django_county

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=300_000)
    parser.add_argument("--low-income", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    _, county = django_county("due")
    from django.core.handlers.base import BaseHandler

    from anju.registry.demo_data import seed

    seed(county, args.houses)
    handler_times: list[float] = []
    original = BaseHandler.get_response

    def timed(self, request):
        t = time.perf_counter()
        response = original(self, request)
        handler_times.append(time.perf_counter() - t)
        return response

    BaseHandler.get_response = timed
    result = measure(handler_times, requests=args.requests, county=county,
                     low_income=args.low_income, rounds=args.rounds)
    from django.db import connection

    result["engine"] = connection.vendor
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
