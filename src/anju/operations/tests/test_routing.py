"""Which database a read goes to in a province with a read replica (ADR 0043).

The router under test answers "replica" or "primary" as in production; the spy records the
answer and then reads the test database either way, so the pages still see the test's rows.
"""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone

from anju.conftest import SHANCHENG
from anju.exchange.models import Job
from anju.exchange.runner import _since_queued
from anju.kit import reads
from anju.operations import middleware, routing
from anju.registry.models import House
from anju.settings import database


class Spy(routing.ReplicaRouter):
    def __init__(self):
        self.behind = 0.0  # seconds; None: the replica does not answer
        super().__init__(replica="default", lag=lambda: self.behind)
        self.reads = []

    def db_for_read(self, model, **hints):
        self.reads.append((model._meta.label, "replica" if self.reads_replica(model)
                           else "primary"))
        return self.primary

    def on(self, where: str) -> set[str]:
        return {label for label, target in self.reads if target == where}


@pytest.fixture
def spy(settings):
    router = Spy()
    settings.DATABASE_ROUTERS = [router]
    settings.REPLICA_READS = True
    settings.REPLICA_MAX_LAG = 30
    routing.forget_lag()
    yield router
    routing.forget_lag()


def house_form(house, **changes):
    return {"version": house.version, "household_id": "", "division_code": house.division_code,
            "address": house.address, "structure": house.structure, "floors": house.floors,
            "built_year": house.built_year or "", "build_method": house.build_method,
            "floor_area": str(house.floor_area), "use": house.use,
            "business_sector": house.business_sector, "occupancy": house.occupancy,
            "lat": "", "lng": "", **changes}


def test_the_house_list_reads_the_replica_but_who_is_signed_in_comes_from_the_primary(
        spy, browser, cast, make_house):
    make_house()
    client = browser(cast.shancheng)
    spy.reads.clear()
    assert client.get("/registry/houses/").status_code == 200
    assert "registry.House" in spy.on("replica")
    assert "registry.House" not in spy.on("primary")
    assert {"sessions.Session", "accounts.User"} <= spy.on("primary")


def test_a_page_that_did_not_declare_staleness_reads_only_the_primary(spy, browser, cast,
                                                                      make_house):
    house = make_house()
    client = browser(cast.shancheng)
    spy.reads.clear()
    assert client.get(f"/registry/houses/{house.pk}/").status_code == 200
    assert "registry.House" in spy.on("primary")
    assert spy.on("replica") == set()


def test_a_write_sends_every_later_read_of_the_same_work_to_the_primary(spy, make_house):
    house = make_house()
    spy.reads.clear()
    with reads.replica_reads(reads.LIST):
        assert House.objects.get(pk=house.pk).floors == 1
        House.objects.filter(pk=house.pk).update(floors=2)
        assert House.objects.get(pk=house.pk).floors == 2
    assert spy.reads == [("registry.House", "replica"), ("registry.House", "primary")]


def test_reads_inside_a_write_transaction_go_to_the_primary(spy, make_house):
    house = make_house()
    spy.reads.clear()
    with reads.replica_reads(reads.LIST), transaction.atomic():
        House.objects.get(pk=house.pk)
    assert spy.reads == [("registry.House", "primary")]


def test_after_saving_a_house_the_clerks_lists_read_the_primary_for_the_max_lag(
        spy, browser, cast, make_house, monkeypatch):
    house = make_house()
    clerk, colleague = browser(cast.shancheng), browser(cast.hongmei)
    saved = clerk.post(f"/registry/houses/{house.pk}/edit", house_form(house, floors=2))
    assert saved.status_code == 302
    assert saved.cookies[middleware.PRIMARY_COOKIE]["max-age"] == 30 + routing.LAG_CACHE_SECONDS

    spy.reads.clear()
    assert clerk.get("/registry/houses/").status_code == 200
    assert "registry.House" in spy.on("primary")
    assert spy.on("replica") == set()

    spy.reads.clear()
    colleague.get("/registry/houses/")
    assert "registry.House" in spy.on("replica")

    # The window is over: the clerk's lists read the replica again.
    later = middleware.time.time() + 30 + routing.LAG_CACHE_SECONDS + 1
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    spy.reads.clear()
    clerk.get("/registry/houses/")
    assert "registry.House" in spy.on("replica")


def test_a_forged_primary_cookie_is_ignored_and_a_list_view_alone_sets_none(
        spy, browser, cast, make_house):
    make_house()
    client = browser(cast.shancheng)
    client.cookies[middleware.PRIMARY_COOKIE] = "9999999999"  # not signed
    spy.reads.clear()
    response = client.get("/registry/houses/")
    assert "registry.House" in spy.on("replica")
    assert middleware.PRIMARY_COOKIE not in response.cookies


def test_a_replica_further_behind_than_the_page_or_the_max_lag_is_not_read(
        spy, settings, browser, cast, make_house):
    make_house()
    client = browser(cast.shancheng)

    def house_reads(path):
        # The page's own records (who is signed in always comes from the primary).
        spy.reads.clear()
        assert client.get(path).status_code == 200
        return {target for label, target in spy.reads
                if label.split(".")[0] not in routing.PRIMARY_APPS}

    spy.behind = 31  # beyond ANJU_REPLICA_MAX_LAG (30)
    assert house_reads("/registry/houses/") == {"primary"}
    settings.REPLICA_MAX_LAG = 600
    spy.behind = 90  # the list tolerates 60 s, the dashboard 300 s
    assert house_reads("/registry/houses/") == {"primary"}
    assert house_reads(f"/reports/{SHANCHENG}/") == {"replica"}
    spy.behind = 30
    assert house_reads("/registry/houses/") == {"replica"}


def test_an_unreachable_replica_sends_reads_to_the_primary(spy, browser, cast, make_house):
    make_house()
    client = browser(cast.shancheng)
    spy.behind = None
    spy.reads.clear()
    assert client.get("/registry/houses/").status_code == 200
    assert spy.on("replica") == set()


class FakeReplica:
    vendor = "postgresql"

    def __init__(self, lag=None):
        self.lag, self.asked, self.closed = lag, 0, 0

    def cursor(self):
        self.asked += 1
        if self.lag is None:
            raise OperationalError("connection refused")
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql):
        assert "pg_last_wal_replay_lsn" in sql

    def fetchone(self):
        return (self.lag,)

    def close(self):
        self.closed += 1


def test_the_lag_is_measured_once_per_few_seconds_and_a_silent_replica_less_often(
        monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(routing.time, "monotonic", lambda: now[0])
    replica = FakeReplica(lag=2.5)
    monkeypatch.setattr(routing, "connections", {"replica": replica})
    routing.forget_lag()
    assert [routing.replica_lag(), routing.replica_lag()] == [2.5, 2.5]
    assert replica.asked == 1
    now[0] += routing.LAG_CACHE_SECONDS
    replica.lag = None  # it stops answering
    assert routing.replica_lag() is None
    assert (replica.asked, replica.closed) == (2, 1)
    now[0] += routing.LAG_CACHE_SECONDS
    assert routing.replica_lag() is None
    assert replica.asked == 2  # not asked again before DOWN_RETRY_SECONDS
    now[0] += routing.DOWN_RETRY_SECONDS
    replica.lag = 0.0
    assert routing.replica_lag() == 0.0
    routing.forget_lag()


def test_the_lag_query_runs_on_the_database_and_a_primary_is_not_behind(db):
    assert routing.measure_lag("default") == 0.0


def test_a_streamed_export_reads_the_replica_while_it_is_written(spy, api, cast, make_house):
    make_house()
    spy.reads.clear()
    response = api(cast.shancheng).get("/api/v1/exports/houses.csv")
    assert response.status_code == 200
    spy.reads.clear()  # the rows are read as the file is sent, after the view returned
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count("\n") == 2  # the header and the house
    assert "registry.House" in spy.on("replica")
    assert "registry.House" not in spy.on("primary")


def test_an_export_job_reads_only_a_replica_that_has_what_was_saved_before_it(cast):
    job = Job(owner=cast.shancheng, created_at=timezone.now() - timedelta(seconds=12))
    assert _since_queued(job) == 12
    job.created_at = timezone.now() - timedelta(hours=1)
    assert _since_queued(job) == reads.EXPORT
    job.created_at = timezone.now() + timedelta(seconds=5)  # the worker's clock is behind
    assert _since_queued(job) == 0


def test_a_multi_host_database_url_is_handed_to_libpq_with_health_checks():
    config = database("postgres://anju:pw@10.0.0.1:5433,10.0.0.2/anju"
                      "?target_session_attrs=read-write")
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "10.0.0.1,10.0.0.2", "5433,5432", "anju", "anju")
    assert config["OPTIONS"] == {"target_session_attrs": "read-write"}
    assert config["CONN_HEALTH_CHECKS"] is True
    single = database("postgres://anju@db:5432/anju")
    assert (single["HOST"], single["PORT"]) == ("db", 5432)


def test_behind_pgbouncer_every_alias_drops_server_side_cursors_and_prepared_statements(
        tmp_path):
    env = {**os.environ, "ANJU_DATA_DIR": str(tmp_path), "ANJU_DB_POOLER": "pgbouncer",
           "DATABASE_URL": "postgres://anju@10.0.0.1:6432/anju",
           "ANJU_REPLICA_URL": "postgres://anju@10.0.0.3:6432/anju",
           "DJANGO_SETTINGS_MODULE": "anju.settings"}
    shown = subprocess.run(
        [sys.executable, "-c", "import json; from django.conf import settings as s; print("
         "json.dumps([s.DATABASES, s.DATABASE_ROUTERS], default=str))"],
        env=env, capture_output=True, text=True, check=True).stdout
    databases, routers = json.loads(shown)
    assert routers == ["anju.operations.routing.ReplicaRouter"]
    assert sorted(databases) == ["default", "replica"]
    for alias in databases.values():
        assert alias["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert alias["OPTIONS"]["prepare_threshold"] is None
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}
    assert databases["replica"]["OPTIONS"]["connect_timeout"] == 3
