"""The auditor reads the log in words: role names, objects as a clerk names them (names masked,
the auditor may not see them in full), changes as "field: old → new", and filters by who, what,
when and where."""

from django.test import Client

from anju.audit.actions import record
from anju.audit.models import Action
from anju.conftest import SHANCHENG_V1, sign_in
from anju.divisions.models import Division


def page(cast, **query) -> str:
    client = sign_in(Client(), cast.auditor)
    response = client.get("/audit/", query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_role_change_reads_as_role_names_and_division_names(cast):
    from anju.accounts.actions import change_user, create_user
    from anju.accounts.commands import CreateUser, UpdateUser

    user = create_user(CreateUser(username="lihua", password="Li#Hua-2026x", scope="220581100",
                                  role="township_officer"), acting_user=cast.admin)
    change_user(user, UpdateUser(role="village_cadre", scope=SHANCHENG_V1),
                acting_user=cast.admin)
    html = page(cast, action="role_changed")
    township = Division.objects.get(code="220581100").name
    village = Division.objects.get(code=SHANCHENG_V1).name
    assert "乡镇干部 → 村干部" in html
    assert f"{township} → {village}" in html
    assert "用户 lihua" in html
    assert "township_officer" not in html and "{&#x27;" not in html


def test_a_household_is_named_by_its_masked_head_and_village(cast, make_household):
    household = make_household(head_name="张三丰")
    record(Action.FULL_VIEW, actor=cast.mhk_civil, obj=household,
           details={"fields": ["head_id_number", "phone"]})
    html = page(cast, action="full_view")
    village = Division.objects.get(code=SHANCHENG_V1).name
    assert f"农户 张**户（{village}）" in html or f"张**户（{village}）" in html
    assert "张三丰" not in html
    assert "户主身份证号、联系电话" in html
    assert "registry.household" not in html


def test_the_auditor_filters_by_division_and_date(cast, make_household):
    here = make_household(head_name="李四")
    there = make_household(division_code="220523100001", head_name="赵五")
    record(Action.FULL_VIEW, actor=cast.mhk_civil, obj=here)
    record(Action.FULL_VIEW, actor=cast.mhk_civil, obj=there)
    html = page(cast, division="220581100")
    assert "李*户" in html and "赵*户" not in html
    assert "共 0 条记录" in page(cast, since="2000-01-01", until="2000-01-02")


def test_only_the_auditor_reads_the_log(cast):
    assert sign_in(Client(), cast.shancheng).get("/audit/").status_code == 403


def test_an_apps_own_acts_and_details_read_in_words(cast):
    """A capture's flags, a department's approval, an exported warning sign: the auditor reads
    what happened, not the codes the apps wrote."""
    from anju.audit.wording import change_lines

    def said(object_type, details):
        return [f"{line.label}：{line.text}" for line in change_lines(object_type, details)]

    assert said("evidence.capture", {
        "action": "record_capture", "act": "stage_inspection", "status": "flagged",
        "flags": ["accuracy", "gallery"], "photos": 2}) == [
        "操作：现场取证", "用途：关键节点检查", "状态：有疑点待审核", "疑点：定位精度差、相册照片",
        "照片张数：2"]
    assert said("assistance.application", {
        "action": "department_approve", "from": "township_reviewed", "to": "approved"})[0] == (
        "操作：部门审批")
    assert said("assistance.certification", {"action": "certify", "category": "dibao"}) == [
        "操作：认定低收入群体", "认定类别：农村低保户"]
    assert said("rectification.ledgerentry", {"export": "warning-sign", "sign": 3}) == [
        "导出：危房警示标志", "警示标志编号：3"]


def test_a_download_and_a_field_sync_read_in_words(cast):
    from anju.audit.wording import change_lines

    def said(object_type, details):
        return [f"{line.label}：{line.text}" for line in change_lines(object_type, details)]

    download = {"kind": "photo", "size": 5416, "path": "/x", "method": "GET"}
    assert said("registry.attachment", download) == ["类型：照片", "文件大小（字节）：5416"]
    assert said("registry.house", {"workflow": "field", "action": "apply"})[:2] == [
        "操作：采集入库", "业务：信息采集助手"]
