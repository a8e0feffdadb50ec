"""pgbouncer follows the primary (docs/decisions/0055): ask the pg_auto_failover monitor which
node is primary, and when the pooler's database line names another, rewrite it and have
pgbouncer reload. `anju pooler_follow` runs it on each application machine, woken by the
monitor's `state` notifications and asking again every few seconds in case one is missed."""

import logging
import os
import re
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

log = logging.getLogger("anju.pooler")

# The node that is primary and settled: the old primary is gone or demoted by then.
PRIMARY = ("SELECT nodehost, nodeport FROM pgautofailover.node "
           "WHERE formationid = %s AND reportedstate IN ('single', 'primary', 'wait_primary') "
           "AND goalstate = reportedstate")


def primary(monitor, formation: str = "default") -> tuple[str, int] | None:
    """(host, port) of the formation's primary, or None while none is settled (mid-failover)."""
    rows = monitor.execute(PRIMARY, [formation]).fetchall()
    return (rows[0][0], int(rows[0][1])) if len(rows) == 1 else None


def _line(database: str) -> re.Pattern:
    return re.compile(rf"^(\s*{re.escape(database)}\s*=)(.*)$")


def target(ini: str, database: str) -> tuple[str, int] | None:
    """(host, port) the `[databases]` line of `database` points at."""
    in_databases = False
    for line in ini.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_databases = stripped.lower() == "[databases]"
        elif in_databases and (found := _line(database).match(line)):
            params = dict(re.findall(r"(\w+)\s*=\s*(\S+)", found.group(2)))
            return params.get("host", ""), int(params.get("port", 5432))
    return None


def pointed_at(ini: str, database: str, host: str, port: int) -> str:
    """`ini` with the `[databases]` line of `database` naming host and port (its other
    settings kept); refuses a file without that line rather than guess where it goes."""
    out, in_databases, done = [], False, False
    for line in ini.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("["):
            in_databases = stripped.lower() == "[databases]"
        elif in_databases and not done and (found := _line(database).match(line.rstrip("\n"))):
            params = [p for p in re.findall(r"\w+\s*=\s*\S+", found.group(2))
                      if p.split("=")[0].strip() not in ("host", "port")]
            ending = line[len(line.rstrip("\r\n")):]
            line = f"{found.group(1)} {' '.join([f'host={host}', f'port={port}', *params])}{ending}"
            done = True
        out.append(line)
    if not done:
        raise ValueError(f"no line for the database {database!r} under [databases]")
    return "".join(out)


def _replace(path: Path, text: str) -> None:
    """Write the new file beside the old and rename it over: pgbouncer never reads half."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as new:
        new.write(text)
    stat = path.stat()
    os.chmod(name, stat.st_mode & 0o777)
    if hasattr(os, "chown"):
        try:
            os.chown(name, stat.st_uid, stat.st_gid)
        except PermissionError:  # not root: the file stays ours, as the old one was
            pass
    os.replace(name, path)


def reload_by_admin(admin_url: str) -> Callable[[], None]:
    """RELOAD on pgbouncer's admin console (simple query protocol: a client-side cursor)."""
    def reload() -> None:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3,
                             cursor_factory=psycopg.ClientCursor) as conn:
            conn.execute("RELOAD")
    return reload


def reload_by_signal(pidfile: Path) -> Callable[[], None]:
    def reload() -> None:
        os.kill(int(pidfile.read_text().split()[0]), signal.SIGHUP)
    return reload


def point(monitor, ini_path: Path, database: str, reload: Callable[[], None],
          formation: str = "default") -> tuple[str, int] | None:
    """One look: repoint and reload if the primary moved; returns the new (host, port), or
    None when nothing changed or no primary is settled yet."""
    found = primary(monitor, formation)
    if found is None:
        return None
    ini = ini_path.read_text()
    if target(ini, database) == found:
        return None
    _replace(ini_path, pointed_at(ini, database, *found))
    try:
        reload()
    except Exception:
        _replace(ini_path, ini)  # the file says what pgbouncer runs: the next look tries again
        raise
    log.info("pgbouncer: %s now points at %s:%s", database, *found)
    return found


def follow(monitor_url: str, ini_path: Path, database: str, reload: Callable[[], None], *,
           formation: str = "default", every: float = 5.0,
           stop: Callable[[], bool] = lambda: False) -> None:
    """Keep pgbouncer on the primary until `stop()`: look at once, then on each `state`
    notification of the monitor and at least every `every` seconds; a monitor that does not
    answer is asked again a second later (the pooler keeps its line meanwhile)."""
    while not stop():
        try:
            with psycopg.connect(monitor_url, autocommit=True, connect_timeout=3) as monitor:
                monitor.execute("LISTEN state")
                while not stop():
                    point(monitor, ini_path, database, reload, formation)
                    # any notification wakes us; its payload is not needed
                    for _ in monitor.notifies(timeout=every, stop_after=1):
                        pass
        except (psycopg.OperationalError, OSError) as error:
            log.warning("pgbouncer follower: %s", str(error).strip()[:200])
            time.sleep(1)
