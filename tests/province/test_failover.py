"""Anju keeps writing while the primary dies: pg_auto_failover promotes the synchronous
standby, Anju reconnects through the multi-host URL, and no acknowledged write is lost;
pgbouncer follows the new primary by itself, and the killed node, started again, rejoins as
the new primary's standby."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOWNTIME_BOUND_S = 60


def _wait(what, check, timeout):
    until = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < until, f"timed out waiting for {what}"
        time.sleep(0.2)


def _acknowledged(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _crash(province, node: str):
    """The node's machine stops: its keeper, postgres and every backend, at once."""
    os.killpg(int((province.dir / f"{node}.pgid").read_text()), signal.SIGKILL)


def test_killing_the_primary_loses_no_acknowledged_write(province, anju, tmp_path):
    out, stop, run = tmp_path / "acknowledged.jsonl", tmp_path / "stop", f"failover-{os.getpid()}"
    out.touch()
    old = province.primary_name()
    assert old in ("node1", "node2")
    loop = anju.start("driver", "write-loop", str(out), str(stop), run,
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait("writes before the crash", lambda: len(_acknowledged(out)) >= 20, 120)
        _crash(province, old)
        crashed = time.time()
        _wait("a new primary", lambda: province.primary_name() not in ("", old), 90)
        # A loaded machine (the other test runs beside this one) slows the loop, not the promotion:
        # a handful of writes after the crash shows Anju carries on.
        _wait("writes after the failover",
              lambda: sum(a["at"] > crashed for a in _acknowledged(out)) >= 5, 180)
    finally:
        stop.touch()
        said, errors = loop.communicate(timeout=120)
    assert loop.returncode == 0, errors

    acknowledged = _acknowledged(out)
    [(found,)] = province.query("SELECT count(*) FROM registry_house WHERE address LIKE %s",
                                (f"{run}-%",))
    moments = [a["at"] for a in acknowledged]
    downtime = max(b - a for a, b in zip(moments, moments[1:], strict=False))
    line = (f"failover: acknowledged writes {len(acknowledged)}, found after failover {found}, "
            f"downtime {downtime:.1f} seconds")
    print(f"\n{line}  ({said.strip()})")
    (province.dir / "failover.txt").write_text(line + "\n")
    assert found == len(acknowledged)
    assert len({a["address"] for a in acknowledged}) == found
    assert downtime < DOWNTIME_BOUND_S

    # The killed node comes back (its pg_autoctl started again) while pgbouncer is checked.
    new = province.primary_name()
    rejoin = subprocess.Popen(["bash", "scripts/province.sh", "rejoin", str(province.dir), old],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        # pgbouncer follows the new primary by itself (anju pooler_follow): no repoint.
        address = f"{run}-through-pgbouncer"
        said = json.loads(anju("driver", "write-once", address, "60", timeout=120,
                               DATABASE_URL=province.pooler_url,
                               ANJU_DB_POOLER="pgbouncer").strip().splitlines()[-1])
        assert province.query("SELECT count(*) FROM registry_house WHERE address = %s",
                              (address,)) == [(1,)]
        port = province.monitor("SELECT nodeport FROM pgautofailover.node WHERE nodename = %s",
                                (new,))[0][0]
        assert f"port={port} " in (province.dir / "pgbouncer.ini").read_text()
        print(f"pooler: a write through pgbouncer {time.time() - crashed:.1f} s after the "
              f"crash ({said['seconds']} s of retries), pgbouncer on {new} without a repoint")
        rejoined, _ = rejoin.communicate(timeout=240)
    finally:
        if rejoin.poll() is None:
            rejoin.kill()
    assert rejoin.returncode == 0, rejoined
    states = dict(province.monitor("SELECT nodename, reportedstate FROM pgautofailover.node "
                                   "WHERE reportedstate = goalstate"))
    print(f"rejoin: {old} {states.get(old)}, {new} {states.get(new)}")
    assert states[old] == "secondary" and states[new] == "primary"
    assert province.query("SELECT count(*) FROM registry_house WHERE address LIKE %s",
                          (f"{run}-%",)) == [(found + 1,)]

