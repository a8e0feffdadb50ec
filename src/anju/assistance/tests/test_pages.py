"""The housing-security pages, role by role: each sees its own pages and only its buttons, a
refused form says the rule beside its field and keeps the input, the lists cost the same few
queries however many cases there are, and the two PDFs read back in Chinese."""

import io
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anju.assistance import actions, commands
from anju.assistance.models import Application, Craftsman, Transition
from anju.assistance.tests.conftest import act as act_on
from anju.assistance.tests.conftest import certify as certify_household
from anju.audit.models import AuditEvent
from anju.conftest import SHANCHENG_V1, sign_in, valid_id_number
from anju.evidence.demo import on_site
from anju.registry import actions as registry_actions
from anju.registry.commands import AttachFile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days_ago(n: int):
    return TODAY - timedelta(days=n)


def png(color=(180, 90, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return out.getvalue()


def upload(name: str = "照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), content_type="image/png")


def page(user) -> Client:
    return sign_in(Client(), user)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def low_income_household(cast, make_household, make_house):
    """A 低保 household of 山城镇演示一村 whose only house is graded D (R-MH-1, R-MH-2)."""

    def make(village=SHANCHENG_V1, grade="D", certify=True, **fields):
        household = make_household(village, **fields)
        make_house(village, household=household, grade=grade, is_only_house=True)
        if certify:
            certify_household(household, cast.mhk_civil, "dibao", days_ago(60))
        return household

    return make


STAGES = ("applied", "village_reviewed", "township_reviewed", "noticed", "approved",
          "notified", "under_construction", "completed", "accepted", "paid", "closed")


@pytest.fixture
def craftsman(cast):
    return actions.register_craftsman(commands.RegisterCraftsman(
        name="赵铁柱", id_number=valid_id_number("19750101"), phone="13900002222",
        division_code="220581100", certificate_no="JL-GJ-2026-001",
        trained_on=days_ago(400), valid_until=TODAY + timedelta(days=700)),
        acting_user=cast.shancheng)


@pytest.fixture
def make_case(cast, low_income_household, craftsman):
    """make_case(stage) -> a D rebuild case brought to `stage` through the verbs, as each
    role does it."""

    def attach(user, household, name="照片.png"):
        return registry_actions.attach_file(household, AttachFile(kind="photo", title=name),
                                            upload=upload(name), acting_user=user).pk

    def act(action, case, user, **data):
        act_on(case, action, user, version=case.version, **data)
        case.refresh_from_db()

    def make(stage="applied", household=None, notice_ends=2):
        household = household or low_income_household()
        case = actions.apply(household, commands.Apply(
            household_id=household.pk, house_id=household.houses.get().pk, method="rebuild",
            persons=3, main_area=Decimal("50"), auxiliary_area=Decimal("20"),
            subsidy_amount=Decimal("40000"), applied_on=days_ago(30),
            document_id=attach(cast.cadre, household, "申请书.png")), acting_user=cast.cadre)
        wanted = STAGES.index(stage)

        def reached(name):
            return wanted >= STAGES.index(name)

        if reached("village_reviewed"):
            act("village_review", case, cast.cadre, on=days_ago(28), passed=True,
                meeting_kind="村民代表会议", attendance=31,
                minutes_id=attach(cast.cadre, household, "会议记录.png"))
        if reached("township_reviewed"):
            act("township_review", case, cast.shancheng, on=days_ago(26), passed=True)
        if reached("noticed"):  # R-MH-4 三级公示
            for level, place in (("village", "村委会公示栏"), ("township", "镇政府公示栏"),
                                 ("county", "市住建局网站")):
                act("publish_notice", case, cast.shancheng, level=level,
                    starts_on=days_ago(notice_ends + 8), ends_on=days_ago(notice_ends),
                    place=place, photo_id=attach(cast.shancheng, household, "公示.png"))
        if reached("approved"):
            for officer in (cast.mhk_civil, cast.mhk_rural, cast.mhk_housing):
                act("department_approve", case, officer, decision="approve")
        if reached("notified"):
            act("notify", case, cast.shancheng)
        if reached("under_construction"):
            act("register_design", case, cast.shancheng, kind="standard",
                reference="吉林省农房通用图集 JL-2021-03",
                document_ids=[attach(cast.shancheng, household, "图纸.png")])
            act("register_builder", case, cast.shancheng, craftsman_id=craftsman.pk,
                document_ids=[attach(cast.shancheng, household, "证书.png")])
            act("register_agreement", case, cast.shancheng, kind="contract",
                document_ids=[attach(cast.shancheng, household, "协议.png")])
            act("start_construction", case, cast.shancheng,
                photo_ids=[attach(cast.shancheng, household, "改造前.png")])
        if reached("completed"):
            for stage_name in ("foundation", "main_structure"):
                act("stage_inspection", case, cast.shancheng, stage=stage_name,
                    passed=True, photo_ids=[attach(cast.shancheng, household, "检查.png")],
                    evidence_id=on_site(case.house, "stage_inspection",
                                        acting_user=cast.shancheng).pk)
            act("complete", case, cast.shancheng,
                photo_ids=[attach(cast.shancheng, household, "改造后.png")])
        if reached("accepted"):
            act("accept", case, cast.shancheng, passed=True, final_cost=Decimal("61000"),
                main_area=Decimal("50"), auxiliary_area=Decimal("20"),
                members=[{"role": r, "name": n} for r, n in (
                    ("technical", "刘工"), ("supervisor", "孙监督"), ("builder", "赵铁柱"),
                    ("household", household.head_name))],
                report_ids=[attach(cast.shancheng, household, "验收报告.png")],
                evidence_id=on_site(case.house, "acceptance", acting_user=cast.shancheng).pk)
        if reached("paid"):
            act("city_check", case, cast.mhk_housing, passed=True)
            act("pay", case, cast.mhk_finance, amount=Decimal("40000"), paid_on=TODAY,
                account="yikatong", voucher="MHK-2026-0001",
                voucher_id=attach(cast.mhk_finance, household, "凭证.png"),
                receipt_id=attach(cast.mhk_finance, household, "签收单.png"))
        if reached("closed"):
            act("record_old_house", case, cast.shancheng, treatment="demolished",
                photo_ids=[attach(cast.shancheng, household, "拆除.png")])
            for kind in ("certification", "appraisal"):
                act("add_document", case, cast.shancheng, kind=kind,
                    attachment_id=attach(cast.shancheng, household, f"{kind}.png"))
            act("close", case, cast.mhk_housing)
        return case

    return make


# ---------------------------------------------------------------- who sees what


@pytest.mark.parametrize("username", ["mhk_civil", "mhk_rural", "mhk_housing", "mhk_finance",
                                      "shancheng", "cadre", "changji"])
def test_every_official_sees_the_case_list_and_the_register(cast, username):
    client = page(getattr(cast, username))
    assert client.get("/assistance/").status_code == 200
    assert client.get("/assistance/craftsmen/").status_code == 200


@pytest.mark.parametrize("username,status", [("mhk_civil", 200), ("mhk_rural", 200),
                                             ("mhk_housing", 200), ("shancheng", 403),
                                             ("cadre", 403), ("admin", 403)])
def test_the_approval_queue_is_the_county_departments_page(cast, username, status):
    assert page(getattr(cast, username)).get("/assistance/queue/").status_code == status


def test_the_administrators_see_no_housing_security_page(cast):
    for username in ("admin", "security", "auditor"):
        assert page(getattr(cast, username)).get("/assistance/").status_code == 403


def test_the_queue_holds_only_what_waits_for_the_departments_own_decision(cast, make_case):
    waiting = make_case("noticed")
    decided = make_case("noticed")
    act_on(decided, "department_approve", cast.mhk_civil, decision="approve")
    make_case("village_reviewed")
    civil = page(cast.mhk_civil).get("/assistance/queue/").content.decode()
    assert waiting.number in civil and decided.number not in civil
    rural = page(cast.mhk_rural).get("/assistance/queue/").content.decode()
    assert waiting.number in rural and decided.number in rural
    assert "民政：同意" in rural


def test_a_case_of_another_county_answers_404_on_every_page(cast, make_case):
    case = make_case("notified")
    other = page(cast.huinan_housing)
    for path in (f"/assistance/cases/{case.pk}/", f"/assistance/cases/{case.pk}/archive/",
                 f"/assistance/cases/{case.pk}/notice.pdf",
                 f"/assistance/cases/{case.pk}/archive.pdf",
                 f"/assistance/cases/{case.pk}/register_design/",
                 f"/assistance/households/{case.household_id}/",
                 f"/assistance/households/{case.household_id}/apply/",
                 f"/assistance/notices/{case.notices.filter(level='village').get().pk}/"):
        assert other.get(path).status_code == 404, path
    assert case.number not in other.get("/assistance/").content.decode()


def test_the_township_list_counts_cases_by_stage_and_filters_them(cast, make_case):
    make_case("applied")
    make_case("applied")
    reviewed = make_case("township_reviewed")
    client = page(cast.shancheng)
    body = client.get("/assistance/").content.decode()
    assert 'data-status="applied"><span class="n">2</span>' in body
    assert 'data-status="township_reviewed"><span class="n">1</span>' in body
    only = client.get("/assistance/?status=township_reviewed").content.decode()
    assert reviewed.number in only and only.count('class="mono"><a href="/assistance/cases/') == 1
    assert client.get("/assistance/?division=220581101").content.decode().count(
        "/assistance/cases/") == 0
    # R-MH-12: overdue follows from the dates, whether or not the daily sweep has run
    Application.objects.filter(pk=reviewed.pk).update(payment_due_on=days_ago(3))
    late = client.get("/assistance/?late=payment").content.decode()
    assert reviewed.number in late and "拨付逾期" in late


# ---------------------------------------------------------------- the case page


def steps_of(body: str) -> dict:
    """{action: open?} of the case page's buttons."""
    import re

    found = {}
    for action, inner in re.findall(r'<div class="step" data-action="(\w+)">(.*?)</div>', body):
        found[action] = 'aria-disabled="true"' not in inner
    return found


def test_each_role_sees_only_the_buttons_it_may_use(cast, make_case):
    case = make_case("noticed")
    path = f"/assistance/cases/{case.pk}/"
    civil = page(cast.mhk_civil).get(path).content.decode()
    assert steps_of(civil)["department_approve"] is True
    assert "民政部门审批" in civil and "reject" not in steps_of(civil)
    finance = steps_of(page(cast.mhk_finance).get(path).content.decode())
    assert "department_approve" not in finance and "reject" not in finance
    township = steps_of(page(cast.shancheng).get(path).content.decode())
    assert "department_approve" not in township
    assert township["reject"] and township["publish_notice"]
    cadre = steps_of(page(cast.cadre).get(path).content.decode())
    assert "reject" not in cadre and cadre["record_objection"]

    act_on(case, "department_approve", cast.mhk_civil, decision="approve")
    assert "department_approve" not in steps_of(page(cast.mhk_civil).get(path).content.decode())
    assert steps_of(page(cast.mhk_rural).get(path).content.decode())["department_approve"]


def test_a_disabled_button_says_why_not(cast, make_case):
    case = make_case("noticed", notice_ends=-3)  # the notice period runs three more days
    body = page(cast.mhk_housing).get(f"/assistance/cases/{case.pk}/").content.decode()
    assert steps_of(body)["department_approve"] is False
    end = TODAY + timedelta(days=3)
    assert f"公示期至 {end:%Y-%m-%d}，期满后方可审批" in body


def test_the_case_page_is_a_timeline_of_who_did_what_newest_last(cast, make_case):
    case = make_case("notified")
    body = page(cast.shancheng).get(f"/assistance/cases/{case.pk}/").content.decode()
    timeline = body[body.index('id="case-timeline"'):]
    order = [timeline.index(text) for text in (
        "提出申请", "村级民主评议", "乡镇初审", "村级公示", "民政：同意", "乡村振兴：同意",
        "住建：同意", "书面告知")]
    assert order == sorted(order)
    assert "村民代表会议，通过，参会 31 人" in timeline
    assert Transition.objects.filter(application=case).count() == timeline.count("<li")


# ---------------------------------------------------------------- forms and refusals


def test_a_refused_form_shows_each_rule_beside_its_field_and_keeps_the_input(cast, make_case):
    case = make_case("applied")
    before = Transition.objects.count()
    r = page(cast.cadre).post(f"/assistance/cases/{case.pk}/village_review/", {
        "version": case.version, "on": str(TODAY + timedelta(days=2)), "attendance": "27",
        "meeting_kind": "村民会议", "comment": "全票同意"})
    assert r.status_code == 422
    body = r.content.decode()
    minutes = body[body.index('id="field-minutes_id"'):]
    assert "须上传民主评议会议记录扫描件" in minutes[:minutes.index("</div>")]
    on = body[body.index('id="field-on"'):]
    assert "评议日期不能晚于今天" in on[:on.index("</div>")]
    assert "须填写评议结果" in body
    assert 'value="27"' in body and "全票同意" in body
    assert Transition.objects.count() == before
    assert Application.objects.get(pk=case.pk).status == "applied"


def test_the_approval_refused_for_an_open_objection_shows_the_rule(cast, make_case):
    case = make_case("noticed")
    act_on(case, "record_objection", cast.cadre, text="该户有两处住房")
    case.refresh_from_db()
    r = page(cast.mhk_civil).post(f"/assistance/cases/{case.pk}/department_approve/", {
        "version": case.version, "decision": "approve", "on": str(TODAY)})
    assert r.status_code == 422
    assert "尚有 1 条公示异议未处理，处理后方可审批" in r.content.decode()
    assert not case.approvals.exists()


def test_the_builder_form_does_not_offer_an_expired_craftsman(cast, make_case, craftsman):
    expired = Craftsman.objects.create(
        name="钱过期", id_number=valid_id_number("19700101"), division_code="220581100",
        certificate_no="JL-GJ-2019-009", trained_on=days_ago(2000),
        valid_until=days_ago(1), created_by=cast.shancheng)
    case = make_case("notified")
    client = page(cast.shancheng)
    body = client.get(f"/assistance/cases/{case.pk}/register_builder/").content.decode()
    assert "赵铁柱" in body and "钱过期" not in body
    r = client.post(f"/assistance/cases/{case.pk}/register_builder/", {
        "version": case.version, "craftsman_id": expired.pk})
    assert r.status_code == 422
    assert f"培训合格证书已于 {days_ago(1):%Y-%m-%d} 过期" in r.content.decode()
    assert Application.objects.get(pk=case.pk).craftsman_id is None


def test_the_application_form_offers_the_grades_methods_and_refuses_above_the_cap(
        cast, low_income_household):
    household = low_income_household(grade="C")
    client = page(cast.cadre)
    body = client.get(f"/assistance/households/{household.pk}/apply/").content.decode()
    assert '<option value="repair_reinforce"' in body and '"rebuild"' not in body
    assert "维修加固：每户不高于 10,000 元" in body
    assert "3 口之家新建或重建主房 39–60 ㎡" in body
    house = household.houses.get()
    r = client.post(f"/assistance/households/{household.pk}/apply/", {
        "house": house.pk, "method": "repair_reinforce", "persons": "3",
        "main_area": "60", "subsidy_amount": "12000", "applied_on": str(TODAY)})
    assert r.status_code == 422
    text = r.content.decode()
    assert "补助金额 12,000.00 元超过该改造方式的上限 10,000.00 元" in text
    assert 'value="12000"' in text
    assert not Application.objects.filter(household=household).exists()
    r = client.post(f"/assistance/households/{household.pk}/apply/", {
        "house": house.pk, "method": "repair_reinforce", "persons": "3",
        "main_area": "60", "subsidy_amount": "9000", "applied_on": str(TODAY),
        "reinforcement_parts": ["bearing_wall"], "reinforcement_plan": "承重墙加设圈梁、构造柱",
        "document_id": upload("申请书.png")})
    case = Application.objects.get(household=household)
    assert r.status_code == 302 and r["Location"] == f"/assistance/cases/{case.pk}/"
    assert case.documents.get().kind == "application"


def test_a_department_certifies_only_its_own_categories_and_lapses_its_own(
        cast, low_income_household):
    household = low_income_household(certify=False)
    civil = page(cast.mhk_civil)
    body = civil.get(f"/assistance/households/{household.pk}/").content.decode()
    assert '<option value="dibao"' in body and '<option value="at_risk"' not in body
    rural_body = page(cast.mhk_rural).get(
        f"/assistance/households/{household.pk}/").content.decode()
    assert '<option value="at_risk"' in rural_body and '<option value="dibao"' not in rural_body
    r = civil.post(f"/assistance/households/{household.pk}/", {
        "category": "at_risk", "certified_on": str(TODAY)})
    assert r.status_code == 422 and not household.certifications.exists()
    r = civil.post(f"/assistance/households/{household.pk}/", {
        "category": "tekun", "certified_on": str(TODAY), "document_id": upload("名册.png")})
    assert r.status_code == 302
    made = household.certifications.get()
    assert (made.category, made.department, made.document.title) == (
        "tekun", "civil_affairs", "低收入群体认定材料")
    household.refresh_from_db()
    assert household.low_income_category == "tekun"
    assert page(cast.mhk_finance).post(f"/assistance/households/{household.pk}/", {
        "category": "tekun", "certified_on": str(TODAY)}).status_code == 403
    assert page(cast.mhk_rural).get(
        f"/assistance/certifications/{made.pk}/lapse/").status_code == 200
    r = page(cast.mhk_rural).post(f"/assistance/certifications/{made.pk}/lapse/", {
        "lapsed_on": str(TODAY), "reason": "收入增加"})
    assert r.status_code == 403
    r = civil.post(f"/assistance/certifications/{made.pk}/lapse/", {
        "lapsed_on": str(TODAY), "reason": "家庭收入超过低保标准"})
    assert r.status_code == 302
    household.refresh_from_db()
    assert household.low_income_category == ""


def test_the_register_masks_id_numbers_and_adds_a_craftsman(cast, craftsman):
    client = page(cast.shancheng)
    body = client.get("/assistance/craftsmen/").content.decode()
    assert "赵铁柱" in body and craftsman.id_number not in body
    assert craftsman.id_number[:6] + "********" + craftsman.id_number[-4:] in body
    r = client.post("/assistance/craftsmen/new/", {
        "name": "周建国", "id_number": "123", "division_code": "220581100",
        "certificate_no": "JL-GJ-2026-002", "trained_on": str(days_ago(30)),
        "valid_until": str(days_ago(1))})
    assert r.status_code == 422
    text = r.content.decode()
    assert "身份证号应为 18 位，现在是 3 位，请核对" in text
    assert "工匠培训合格证书已过期或未填写有效期" in text
    r = client.post("/assistance/craftsmen/new/", {
        "name": "周建国", "id_number": valid_id_number("19800808"), "division_code": "220581100",
        "certificate_no": "JL-GJ-2026-002", "trained_on": str(days_ago(30)),
        "valid_until": str(TODAY + timedelta(days=365))})
    assert r.status_code == 302 and Craftsman.objects.filter(name="周建国").exists()
    assert page(cast.cadre).get("/assistance/craftsmen/new/").status_code == 403


def test_the_pay_form_is_prefilled_with_the_remaining_approved_amount(cast, make_case):
    case = make_case("accepted")
    body = page(cast.mhk_finance).get(f"/assistance/cases/{case.pk}/pay/").content.decode()
    assert 'name="amount" value="40000.00"' in body
    assert "一卡通账号 ****5678" in body


def test_the_public_list_shows_names_and_masked_id_numbers_only(cast, make_case):
    first, second = make_case("noticed"), make_case("noticed")
    notice = first.notices.filter(level="village").get()
    body = page(cast.shancheng).get(f"/assistance/notices/{notice.pk}/").content.decode()
    for case in (first, second):
        number = case.household.head_id_number
        assert number not in body and number[:6] + "********" + number[-4:] in body
    assert "13812345678" not in body and "6217000012345678" not in body
    assert "D 级危房拆除重建：每户不高于 40,000 元" in body
    assert f"{notice.starts_on:%Y年%-m月%-d日} 至 {notice.ends_on:%Y年%-m月%-d日}" in body


# ---------------------------------------------------------------- archive and documents


def test_the_archive_lists_what_is_on_file_and_what_is_missing(cast, make_case):
    case = make_case("under_construction")
    body = page(cast.shancheng).get(f"/assistance/cases/{case.pk}/archive/").content.decode()
    assert 'data-kind="village_minutes">' in body
    row = body[body.index('data-kind="village_minutes"'):]
    assert "已归档" in row[:row.index("</tr>")] and "会议记录.png" in row[:row.index("</tr>")]
    row = body[body.index('data-kind="acceptance_report"'):]
    assert "缺失" in row[:row.index("</tr>")]
    row = body[body.index('data-kind="notice"'):]
    assert "书面告知通知单（系统生成）" in row[:row.index("</tr>")]


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True)
    return "".join(done.stdout.decode().split())  # lines wrap anywhere in Chinese text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_written_notice_and_the_archive_bundle_read_back_in_chinese(cast, make_case):
    case = make_case("closed")
    client = page(cast.mhk_housing)
    r = client.get(f"/assistance/cases/{case.pk}/notice.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    notice = pdf_text(r.content)
    assert "农村危房改造书面告知通知单" in notice
    assert "改造方式：拆除重建" in notice and "核定补助40,000.00元" in notice
    r = client.get(f"/assistance/cases/{case.pk}/archive.pdf")
    bundle = pdf_text(r.content)
    for heading in ("农村危房改造档案（一户一档）", "应有材料齐全", "三部门联合审批",
                    "关键节点检查", "竣工验收", "补助资金拨付", "MHK-2026-0001"):
        assert heading in bundle, heading
    exports = AuditEvent.objects.filter(action="export", object_id=str(case.pk))
    assert exports.count() == 2


def test_no_notice_pdf_before_the_joint_approval(cast, make_case):
    case = make_case("noticed")
    assert page(cast.mhk_housing).get(
        f"/assistance/cases/{case.pk}/notice.pdf").status_code == 404


# ---------------------------------------------------------------- query counts


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_lists_cost_the_same_queries_for_two_cases_or_twelve(
        cast, make_case, django_assert_max_num_queries):
    for _ in range(2):
        make_case("noticed")
    township, civil = page(cast.shancheng), page(cast.mhk_civil)
    few_list = queries(township, "/assistance/")
    few_queue = queries(civil, "/assistance/queue/")
    for _ in range(10):
        make_case("noticed")
    with django_assert_max_num_queries(few_list):
        township.get("/assistance/")
    with django_assert_max_num_queries(few_queue):
        civil.get("/assistance/queue/")


def test_every_act_form_renders_its_commands_fields(cast, make_case):
    from anju.assistance.acts import ACTS
    from anju.assistance.forms import case_form
    from anju.assistance.transitions import WORKFLOW

    actor = {"assistance.apply": cast.cadre, "assistance.review": cast.shancheng,
             "assistance.build": cast.shancheng, "assistance.approve": cast.mhk_civil,
             "assistance.pay": cast.mhk_finance, "assistance.supervise": cast.mhk_housing,
             "assistance.natural_resources": cast.mhk_land, "assistance.water": cast.mhk_water,
             "assistance.power": cast.mhk_power}
    case = make_case("completed")
    for action in ACTS:
        form = case_form(action)
        if form is None:
            assert action == "apply"
            continue
        client = page(actor[WORKFLOW.capability_of(action)])
        response = client.get(f"/assistance/cases/{case.pk}/{action}/")
        assert response.status_code == 200, action
        body = response.content.decode()
        for name in form.base_fields:
            # township-built cases only; a purchase only
            if name not in ("retention", "warranty_until", "appraised_price"):
                assert f'name="{name}"' in body, (action, name)
    body = page(cast.shancheng).get(f"/assistance/cases/{case.pk}/accept/").content.decode()
    assert 'name="member_technical"' in body and 'name="report_ids"' in body
