"""pgbouncer follows the primary (docs/decisions/0055): the follower reads the primary from the
monitor, rewrites the pooler's database line only when it names another server, keeps the
line's other settings and the rest of the file, and reloads pgbouncer; a reload that fails
leaves the file as pgbouncer runs it, so the next look tries again."""

import pytest

from anju.operations import pooler

INI = """\
[databases]
anju = host=10.0.0.1 port=5432 dbname=anju user=postgres
anju_archive = host=10.0.0.9 port=5432 dbname=archive

[pgbouncer]
listen_port = 6432
pool_mode = transaction
"""


class Monitor:
    """The monitor's answer to the primary query: the rows of settled primaries."""

    def __init__(self, *rows):
        self.rows = list(rows)

    def execute(self, sql, params):
        assert "pgautofailover.node" in sql and params == ["default"]
        return self

    def fetchall(self):
        return self.rows


@pytest.fixture
def ini(tmp_path):
    path = tmp_path / "pgbouncer.ini"
    path.write_text(INI)
    return path


def test_after_a_failover_the_line_names_the_new_primary_and_pgbouncer_reloads(ini):
    reloads = []
    moved = pooler.point(Monitor(("10.0.0.2", 5433)), ini, "anju", lambda: reloads.append(1))
    assert moved == ("10.0.0.2", 5433) and reloads == [1]
    assert ini.read_text() == INI.replace(
        "anju = host=10.0.0.1 port=5432 dbname=anju user=postgres",
        "anju = host=10.0.0.2 port=5433 dbname=anju user=postgres")
    assert pooler.target(ini.read_text(), "anju_archive") == ("10.0.0.9", 5432)


def test_a_line_already_on_the_primary_is_left_alone_and_nothing_reloads(ini):
    reloads = []
    assert pooler.point(Monitor(("10.0.0.1", 5432)), ini, "anju", lambda: reloads.append(1)) is None
    assert reloads == [] and ini.read_text() == INI


def test_mid_failover_with_no_settled_primary_nothing_changes(ini):
    reloads = []
    assert pooler.point(Monitor(), ini, "anju", lambda: reloads.append(1)) is None
    assert reloads == [] and ini.read_text() == INI


def test_a_failed_reload_puts_the_file_back_so_the_next_look_tries_again(ini):
    def broken():
        raise OSError("pgbouncer is not running")

    with pytest.raises(OSError):
        pooler.point(Monitor(("10.0.0.2", 5433)), ini, "anju", broken)
    assert ini.read_text() == INI
    reloads = []
    assert pooler.point(Monitor(("10.0.0.2", 5433)), ini, "anju", lambda: reloads.append(1))
    assert reloads == [1]


def test_a_file_without_the_database_line_is_refused_not_guessed():
    with pytest.raises(ValueError, match="anju"):
        pooler.pointed_at("[pgbouncer]\nlisten_port = 6432\n", "anju", "h", 1)
