from anju.settings import database as _database


def test_a_province_url_lists_both_hosts_and_asks_for_the_read_write_one():
    config = _database("postgres://postgres@10.0.0.1:5432,10.0.0.2:5433/anju"
                       "?target_session_attrs=read-write")
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "10.0.0.1,10.0.0.2", "5432,5433", "anju", "postgres")
    assert config["OPTIONS"] == {"target_session_attrs": "read-write"}
    assert config["CONN_HEALTH_CHECKS"] is True


def test_a_single_host_url_reads_as_before():
    config = _database("postgres://anju:secret@db.example:6432/anju")
    assert (config["HOST"], config["PORT"], config["PASSWORD"], config["CONN_MAX_AGE"]) == (
        "db.example", 6432, "secret", 60)
