"""The audit log: what is recorded, that nobody can change or remove a row, and the audit
administrator's search and export."""

import csv
import io
import re
from datetime import date
from urllib.parse import unquote

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from anju.audit.actions import record
from anju.audit.models import AuditEvent
from anju.conftest import PASSWORD, sign_in


def test_every_login_is_recorded_with_time_offset_user_and_address(cast):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post("/login/", {"username": "shancheng", "password": "Wrong@pass1"})
    client.post("/login/", {"username": "shancheng", "password": PASSWORD})
    client.post("/logout/")
    rows = list(AuditEvent.objects.filter(username="shancheng").order_by("id"))
    assert [(e.action, e.result, e.username, e.client_ip) for e in rows] == [
        ("login_failed", "failed", "shancheng", "10.1.2.3"),
        ("login", "ok", "shancheng", "10.1.2.3"),
        ("logout", "ok", "shancheng", "10.1.2.3"),
    ]
    assert rows[1].actor == cast.shancheng and rows[1].role == "township_officer"
    assert rows[1].at.utcoffset() is not None


def test_a_township_officers_full_view_of_an_id_number_is_refused_and_audited(
        api, cast, make_household):
    household = make_household()
    r = api(cast.shancheng).get(f"/api/v1/households/{household.pk}", {"reveal": "true"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "reveal_not_allowed")
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.username, event.result, event.object_type, event.object_id,
            event.division_code, event.details["code"]) == (
        "shancheng", "refused", "registry.household", str(household.pk),
        household.division_code, "reveal_not_allowed")
    assert event.details["path"] == f"/api/v1/households/{household.pk}"


def test_a_permitted_full_view_is_audited(api, cast, make_household):
    household = make_household()
    r = api(cast.mhk_civil).get(f"/api/v1/households/{household.pk}", {"reveal": "true"})
    assert r.json()["head_id_number"] == household.head_id_number
    event = AuditEvent.objects.get(action="full_view")
    assert (event.username, event.object_id, event.details["fields"]) == (
        "mhk_civil", str(household.pk), ["head_id_number", "phone", "bank_account"])


def test_a_refused_page_is_audited(cast):
    client = sign_in(Client(), cast.appraiser1)
    assert client.get("/registry/households/new").status_code == 403
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.username, event.details["path"]) == ("appraiser1", "/registry/households/new")


def test_changes_of_users_and_roles_are_audited(cast):
    from anju.accounts.actions import change_user, create_user
    from anju.accounts.commands import CreateUser, UpdateUser

    user = create_user(CreateUser(username="lihua", password="Li#Hua-2026x", scope="220581100",
                                  role="township_officer"), acting_user=cast.admin)
    change_user(user, UpdateUser(role="village_cadre", scope="220581100001"),
                acting_user=cast.admin)
    rows = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    assert [(e.action, e.username) for e in rows.order_by("id")] == [
        ("user_created", "admin"), ("role_changed", "admin")]
    assert rows.get(action="role_changed").details["changes"] == {
        "role": ["township_officer", "village_cadre"], "scope": ["220581100", "220581100001"]}


def row():
    return record("export", actor=None, details={"what": "test"})


def test_an_audit_row_cannot_be_changed_or_deleted_through_the_application(db):
    event = row()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(result="failed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).result == "ok"


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET result = 'failed' WHERE id = %s",
    "DELETE FROM audit_auditevent WHERE id = %s",
])
def test_the_database_refuses_to_change_or_delete_an_audit_row(db, statement):
    event = row()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).result == "ok"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_to_truncate_the_audit_log(db):
    row()
    before = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        # The row's foreign-key check is deferred; run it now, or TRUNCATE refuses for that.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == before


def test_only_the_audit_administrator_reads_the_log(cast):
    for name in ("admin", "security", "mhk_housing", "shancheng"):
        assert sign_in(Client(), getattr(cast, name)).get("/audit/").status_code == 403, name
    assert sign_in(Client(), cast.auditor).get("/audit/").status_code == 200


def test_audit_administrator_searches_and_exports_the_log(cast):
    Client().post("/login/", {"username": "hongmei", "password": "Wrong@pass1"})
    auditor = sign_in(Client(), cast.auditor)
    page = auditor.get("/audit/", {"username": "hongmei", "action": "login_failed"})
    assert page.status_code == 200
    assert len(re.findall(r"<tr class=\"row-alert\">", page.content.decode())) == 1

    r = auditor.get("/audit/export.csv", {"username": "hongmei"})
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert unquote(r["Content-Disposition"].split("''")[1]) == (
        f"审计日志-吉林省-22-{date.today():%Y%m%d}.csv")  # the auditor's province
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:5] == ["时间", "用户名", "角色", "操作", "结果"]
    assert [(r[1], r[3], r[4]) for r in rows[1:]] == [("hongmei", "login_failed", "failed")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", rows[1][0])
    export = AuditEvent.objects.get(action="export")
    assert (export.username, export.details["rows"]) == ("auditor", 1)
