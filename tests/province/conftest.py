"""The province tests: Anju on a pg_auto_failover formation (a primary, its synchronous
standby, a read replica that is never promoted) with pgbouncer in front of the primary, all
started by `scripts/province.sh start DIR` (`make test-province` starts and stops it).

They run without pytest-django (`pytest -p no:django tests/province`): Anju runs in
subprocesses (`anju worker`, `anju scheduler`, driver.py) as it does in a province, and the
tests look at the databases with psycopg.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent


def province_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: these tests need a running province — run "
                    "`make test-province`, or `eval \"$(bash scripts/province.sh start DIR)\"` "
                    "first", pytrace=False)
    return value


@dataclass(frozen=True)
class Province:
    dir: Path
    primary_url: str  # multi-host, read-write: whichever of node1 and node2 is primary
    replica_url: str
    pooler_url: str
    monitor_url: str

    def monitor(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.monitor_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def primary_name(self) -> str:
        rows = self.monitor("SELECT nodename FROM pgautofailover.node "
                            "WHERE reportedstate IN ('single', 'primary', 'wait_primary') "
                            "AND goalstate = reportedstate")
        return rows[0][0] if len(rows) == 1 else ""

    def query(self, sql: str, params=()) -> list[tuple]:
        """A query on the current primary."""
        with psycopg.connect(self.primary_url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="session")
def province() -> Province:
    return Province(dir=Path(province_env("ANJU_PROVINCE_DIR")),
                    primary_url=province_env("ANJU_PROVINCE_PRIMARY_URL"),
                    replica_url=province_env("ANJU_PROVINCE_REPLICA_URL"),
                    pooler_url=province_env("ANJU_PROVINCE_POOLER_URL"),
                    monitor_url=province_env("ANJU_PROVINCE_MONITOR_URL"))


@pytest.fixture(scope="session")
def anju(province, tmp_path_factory):
    """Runs Anju on the province's primary: `anju(*args)` runs a command to its end,
    `anju.start(*args)` starts one. The schema is migrated and the driver's setup done once."""
    env = {**os.environ, "DATABASE_URL": province.primary_url,
           "ANJU_DATA_DIR": str(tmp_path_factory.mktemp("anju-data")),
           "DJANGO_SETTINGS_MODULE": "anju.settings",
           "PYTHONPATH": os.pathsep.join(
               p for p in (str(HERE), os.environ.get("PYTHONPATH")) if p)}
    env.pop("ANJU_REPLICA_URL", None)

    class Anju:
        def __call__(self, *args, timeout=300, **settings) -> str:
            done = subprocess.run(self._argv(args), env={**env, **settings}, cwd=ROOT,
                                  capture_output=True, text=True, timeout=timeout)
            assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
            return done.stdout

        def start(self, *args, **kwargs) -> subprocess.Popen:
            return subprocess.Popen(self._argv(args), env=env, cwd=ROOT, text=True, **kwargs)

        @staticmethod
        def _argv(args):
            if args[0] == "driver":
                return [sys.executable, str(HERE / "driver.py"), *args[1:]]
            return [str(BIN / "anju"), *args]

    runner = Anju()
    runner("migrate", "--verbosity", "0")
    runner("driver", "setup")
    return runner


def pytest_collection_modifyitems(items):
    # The failover test kills the primary: it runs after every other province test.
    items.sort(key=lambda item: item.path.name == "test_failover.py")
