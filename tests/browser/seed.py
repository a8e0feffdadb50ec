"""Known records for the browser tests, added to the demo data through the registry verbs.

Run as a script with ANJU_DATA_DIR (and DATABASE_URL) of the browser test server.
"""

import os

import django
from django.core.management import call_command

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
django.setup()

from anju.accounts.models import User  # noqa: E402
from anju.divisions.demo import ensure_demo_villages  # noqa: E402
from anju.registry import actions  # noqa: E402
from anju.registry.commands import RegisterHouse, RegisterHousehold  # noqa: E402
from anju.registry.models import House, Household  # noqa: E402
from anju.registry.rules import id_check_character  # noqa: E402

SHANCHENG = "220581100"
VILLAGE = SHANCHENG + "001"
ADDRESS = "山城镇演示一村试验路 9 号"
HEAD = "韩冬梅"
# test_one_house_one_life: a D house of 红梅镇 with its rebuild case approved and notified, not
# yet appraised by Anju's appraiser (so not yet on the ledger)
HONGMEI = "220581101"
REBUILD_VILLAGE = HONGMEI + "001"
REBUILD_ADDRESS = "红梅镇演示一村后街 5 号"
REBUILD_HEAD = "鲍秀兰"


def main():
    ensure_demo_villages([SHANCHENG], 3)
    clerk = User.objects.get(username="shancheng")
    if Household.objects.filter(head_name=HEAD).exists():
        return
    first17 = "22058119700315" + "771"
    household = actions.register_household(RegisterHousehold(
        division_code=VILLAGE, head_name=HEAD, head_id_number=first17 + id_check_character(
            first17), phone="13900001234", persons=3,
        members=[{"name": "李大成", "relation": "spouse", "id_number": ""}]), acting_user=clerk)
    house = actions.register_house(RegisterHouse(
        household_id=household.pk, division_code=VILLAGE, address=ADDRESS,
        structure="earth_wood", floors=1, built_year=1978, floor_area="72.5", use="residence",
        occupancy="occupied", is_only_house=True), acting_user=clerk)
    # The grade comes from an appraisal, which is not the registry's verb: set it directly.
    House.objects.filter(pk=house.pk).update(grade="D")
    call_command("ledger_backfill", SHANCHENG)  # and onto the ledger, as `anju demo` does
    print(f"seeded house {house.pk}")
    seed_rebuild_case()
    seed_c_repair()
    seed_role_day()
    seed_evidence_case()
    seed_reminders()
    seed_sign_and_lead()


# test_evidence: a D rebuild case of 山城镇演示一村 under construction, its house at a known
# position, where the village cadre captures the foundation inspection on a phone
EVIDENCE_ADDRESS = "山城镇演示一村东岭 21 号"
EVIDENCE_AT = (42.531200, 125.671500)


def seed_evidence_case():
    import random
    from datetime import timedelta

    from django.utils import timezone

    from anju.assistance import actions as assistance
    from anju.assistance import commands
    from anju.assistance.demo import Demo, build_case
    from anju.assistance.models import Craftsman

    clerk, civil = (User.objects.get(username=u) for u in ("shancheng", "mhk_civil"))
    house = _dangerous_house(clerk, VILLAGE, "滕秋菊", "22058119680517" + "144",
                             EVIDENCE_ADDRESS)
    House.objects.filter(pk=house.pk).update(lat=EVIDENCE_AT[0], lng=EVIDENCE_AT[1])
    house.refresh_from_db()
    assistance.certify(house.household, commands.Certify(
        household_id=house.household_id, category="dibao",
        certified_on=timezone.localdate() - timedelta(days=90)), acting_user=civil)
    craftsman = Craftsman.objects.filter(division_code__startswith="220581").order_by(
        "id").first()
    case = build_case(Demo(random.Random(26)), house, "under_construction", craftsman)
    print(f"seeded evidence case {case.pk} ({case.status}) of house {house.pk}")


def _scan(household, user, title):
    from anju.registry.models import Attachment

    return Attachment.objects.create(
        division_code=household.division_code, household=household, kind="document",
        title=title, file="attachments/scan.pdf", content_type="application/pdf", size=10,
        sha256="0" * 64, uploaded_by=user).pk


def seed_rebuild_case():
    """The procedure before building (R-MH-1, R-MH-3, R-MH-4, R-MH-8) through its verbs."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from anju.assistance import actions as cases
    from anju.assistance import commands
    from anju.assistance.acts import ACTS
    from anju.assistance.models import Craftsman

    ensure_demo_villages([HONGMEI], 3)
    users = {u.username: u for u in User.objects.filter(username__in=(
        "mhk_civil", "mhk_rural", "mhk_housing", "hongmei"))}
    housing, township = users["mhk_housing"], users["hongmei"]
    today = timezone.localdate()
    ago = {n: today - timedelta(days=n) for n in (200, 60, 40, 30, 20, 10, 5)}
    first17 = "22058119581106" + "224"
    household = actions.register_household(RegisterHousehold(
        division_code=REBUILD_VILLAGE, head_name=REBUILD_HEAD,
        head_id_number=first17 + id_check_character(first17), phone="13900005678",
        persons=2, bank_account="6217000011223344", bank_name="梅河口农商银行"),
        acting_user=township)
    house = actions.register_house(RegisterHouse(
        household_id=household.pk, division_code=REBUILD_VILLAGE, address=REBUILD_ADDRESS,
        structure="earth_wood", floors=1, built_year=1969, floor_area="58", use="residence",
        occupancy="occupied", is_only_house=True), acting_user=township)
    House.objects.filter(pk=house.pk).update(grade="D")  # the county's earlier survey
    house.refresh_from_db()
    cases.certify(household, commands.Certify(
        household_id=household.pk, category="dibao", certified_on=ago[60]),
        acting_user=users["mhk_civil"])
    case = cases.apply(household, commands.Apply(
        household_id=household.pk, document_id=_scan(household, township, "申请书"),
        house_id=house.pk, method="rebuild", main_area=Decimal("40"),
        auxiliary_area=Decimal("10"), subsidy_amount=Decimal("40000"), applied_on=ago[40]),
        acting_user=township)

    def act(action, user, **data):
        row = ACTS[action]
        row.verb(case, row.command.model_validate(data), acting_user=user)
        case.refresh_from_db()

    act("village_review", housing, passed=True, on=ago[30], attendance=28,
        minutes_id=_scan(household, township, "会议记录"))
    act("township_review", township, passed=True, on=ago[30])
    for level in ("village", "township", "county"):
        act("publish_notice", township, level=level, starts_on=ago[20], ends_on=ago[10],
            photo_id=_scan(household, township, "公示照片"))
    for officer in ("mhk_civil", "mhk_rural", "mhk_housing"):
        act("department_approve", users[officer], decision="approve", on=ago[5])
    act("notify", township, on=ago[5])
    craftsman = Craftsman.objects.create(
        name="鲁长海", id_number="220581197505050017", division_code=HONGMEI,
        certificate_no="JL-MHK-GJ-2026-207", trained_on=ago[200],
        valid_until=today + timedelta(days=500), created_by=township)
    act("register_design", township, kind="standard", reference="吉林省农房图集 A-3",
        document_ids=[_scan(household, township, "图集")])
    act("register_builder", township, craftsman_id=craftsman.pk,
        document_ids=[_scan(household, township, "工匠证书")])
    act("register_agreement", township, kind="contract",
        document_ids=[_scan(household, township, "施工协议")])
    print(f"seeded rebuild case {case.pk} ({case.status}) of house {house.pk}")


REPAIR_HEAD = "缪春兰"


def seed_c_repair():
    """A 低保 household whose only house is graded C, its repair built and completed through
    the verbs (the demo's own procedure): the acceptance onwards is the browser test's."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from anju.assistance import actions as assistance
    from anju.assistance import commands
    from anju.assistance.demo import Demo, build_case
    from anju.assistance.models import Craftsman

    if Household.objects.filter(head_name=REPAIR_HEAD).exists():
        return
    clerk = User.objects.get(username="shancheng")
    first17 = "22058119580611" + "242"
    household = actions.register_household(RegisterHousehold(
        division_code=VILLAGE, head_name=REPAIR_HEAD, head_id_number=first17 +
        id_check_character(first17), phone="13900005678", persons=2,
        bank_account="6217000055554444", bank_name="梅河口农商银行"), acting_user=clerk)
    house = actions.register_house(RegisterHouse(
        household_id=household.pk, division_code=VILLAGE, address="山城镇演示一村西街 3 号",
        structure="earth_wood", floors=1, built_year=1985, floor_area="58", use="residence",
        occupancy="occupied", is_only_house=True), acting_user=clerk)
    House.objects.filter(pk=house.pk).update(grade="C")
    house.refresh_from_db()
    assistance.certify(household, commands.Certify(
        household_id=household.pk, category="dibao",
        certified_on=timezone.localdate() - timedelta(days=90)),
        acting_user=User.objects.get(username="mhk_civil"))
    craftsman = Craftsman.objects.filter(division_code="220581100").order_by("id").first()
    case = build_case(Demo(random.Random(7)), house, "completed", craftsman)
    print(f"seeded repair case {case.pk}")


# test_roles_day: an occupied D house of 山城镇 on the ledger (the clerk evacuates it), and two
# 红梅镇 cases: one publicised and waiting for the departments' approval, one accepted and
# checked by the city office, waiting for finance's payment.
EVACUATE_ADDRESS = "山城镇演示二村东街 3 号"
CAPTURE_ADDRESS = "山城镇演示一村南街 1 号"
APPROVE_HEAD = "田秋月"
PAY_HEAD = "孔德平"


def _dangerous_house(clerk, village, head, first17, address, grade="D"):
    household = actions.register_household(RegisterHousehold(
        division_code=village, head_name=head, head_id_number=first17 +
        id_check_character(first17), phone="13900007788", persons=2,
        bank_account="6217000066667777", bank_name="梅河口农商银行"), acting_user=clerk)
    house = actions.register_house(RegisterHouse(
        household_id=household.pk, division_code=village, address=address,
        structure="earth_wood", floors=1, built_year=1975, floor_area="60", use="residence",
        occupancy="occupied", is_only_house=True), acting_user=clerk)
    House.objects.filter(pk=house.pk).update(grade=grade)
    house.refresh_from_db()
    return house


def seed_role_day():
    import random
    from datetime import timedelta

    from django.utils import timezone

    from anju.assistance import actions as assistance
    from anju.assistance import commands
    from anju.assistance.acts import ACTS
    from anju.assistance.demo import Demo, build_case
    from anju.assistance.models import Craftsman

    if Household.objects.filter(head_name=APPROVE_HEAD).exists():
        return
    clerk, hongmei = (User.objects.get(username=u) for u in ("shancheng", "hongmei"))
    _dangerous_house(clerk, SHANCHENG + "002", "周春生", "22058119620304" + "118",
                     EVACUATE_ADDRESS)
    _dangerous_house(clerk, VILLAGE, "褚玉华", "22058119700921" + "127", CAPTURE_ADDRESS,
                     grade="A")  # the village cadre's capture on a phone
    call_command("ledger_backfill", SHANCHENG)
    civil, housing = (User.objects.get(username=u) for u in ("mhk_civil", "mhk_housing"))
    craftsman = Craftsman.objects.filter(division_code__startswith="220581").order_by(
        "id").first()
    ago = timezone.localdate() - timedelta(days=90)
    for head, first17, address, stage in (
            (APPROVE_HEAD, "22058119640812" + "226", "红梅镇演示二村南街 8 号", "noticed"),
            (PAY_HEAD, "22058119550127" + "137", "红梅镇演示三村北街 12 号", "accepted")):
        village = HONGMEI + ("002" if stage == "noticed" else "003")
        house = _dangerous_house(hongmei, village, head, first17, address)
        assistance.certify(house.household, commands.Certify(
            household_id=house.household_id, category="dibao", certified_on=ago),
            acting_user=civil)
        case = build_case(Demo(random.Random(11)), house, stage, craftsman)
        if stage == "accepted":  # R-MH-10: the city office checks before payment
            row = ACTS["city_check"]
            row.verb(case, row.command.model_validate(
                {"passed": True, "comment": "验收资料齐全"}), acting_user=housing)
        print(f"seeded {stage} case {case.pk}")


def seed_reminders():
    """test_villagers: three unread reminders of 红梅镇's clerk, as reminders_queue leaves them
    (no other browser test opens hongmei's reminders, so the count is the test's own)."""
    from datetime import timedelta

    from django.utils import timezone

    from anju.reminders import gateways, wording
    from anju.reminders.models import Kind, Message, Recipient

    clerk = User.objects.get(username="hongmei")
    due = timezone.localdate() + timedelta(days=3)
    for i in range(1, 4):
        Message.objects.create(
            recipient=Recipient.OFFICIAL, user=clerk,
            channel=gateways.channel_for(Recipient.OFFICIAL), kind=Kind.CHECK_DUE,
            text=wording.render(Kind.CHECK_DUE, place="红梅镇演示一村", household=f"第{i}户",
                                number=f"TZ-SEED-{i}", due=due.isoformat()),
            division_code=REBUILD_VILLAGE, subject="ledger_entry", subject_id=900000 + i,
            due_on=due, dedupe_key=f"browser-seed-reminder-{i}",
            next_attempt_at=timezone.now())
    print("seeded 3 reminders of hongmei")


SIGN_ADDRESS = "红梅镇演示一村北坡 6 号"


# test_accessibility: a printed warning sign of a 红梅镇 house with an open villager's report
# (the lead) and a flagged capture; 红梅镇, so that 山城镇's leads stay test_villagers' own.
def seed_sign_and_lead():
    import io
    import random

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from anju.evidence import actions as evidence
    from anju.evidence.commands import RecordCapture
    from anju.public import actions as public
    from anju.public.commands import FileReport
    from anju.public.queries import live_sign
    from anju.rectification.models import LedgerEntry

    hongmei = User.objects.get(username="hongmei")
    house = _dangerous_house(hongmei, REBUILD_VILLAGE, "蒋桂芝", "22058119520716" + "243",
                             SIGN_ADDRESS)
    # onto the ledger alone: the rebuild case's D house stays off it (test_one_house_one_life)
    others = dict(House.objects.filter(division_code__startswith=HONGMEI, grade__in=("C", "D"))
                  .exclude(pk=house.pk).values_list("pk", "grade"))
    House.objects.filter(pk__in=others).update(grade="B")
    call_command("ledger_backfill", HONGMEI)
    for pk, grade in others.items():
        House.objects.filter(pk=pk).update(grade=grade)
    entry = LedgerEntry.objects.select_related("house").get(house=house)
    [(_, token)] = public.print_signs([entry], acting_user=hongmei)
    public.file_report(live_sign(token), FileReport(
        kind="occupied", text="夜里有人进出"), photo=None, client="seed")
    rng = random.Random(2020)
    small = Image.new("L", (16, 12))
    small.putdata([rng.randrange(256) for _ in range(16 * 12)])
    out = io.BytesIO()
    small.resize((640, 480)).convert("RGB").save(out, "JPEG", quality=85)
    capture = evidence.record_capture(entry.house, RecordCapture(act="stage_inspection"), photos=[
        (SimpleUploadedFile("old.jpg", out.getvalue(), content_type="image/jpeg"), "gallery")],
        acting_user=hongmei)
    print(f"seeded-value sign_token {token}")
    print(f"seeded-value capture {capture.pk}")
    print(f"seeded-value sign_house {entry.house_id}")


if __name__ == "__main__":
    main()
