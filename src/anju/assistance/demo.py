"""Demo housing-security work for `anju demo`: the county's low-income households certified by
their departments (R-MH-1), a register of craftsmen, and cases at every stage of the procedure,
each brought there through the verbs by the role that acts (nothing is written directly).

Drawn from a seeded generator, so the same demo database gets the same cases; idempotent."""

import io
import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from anju.accounts.models import Department, User
from anju.assistance import actions, commands
from anju.assistance.actions.review import dangerous_parts
from anju.assistance.acts import ACTS
from anju.assistance.codes import CERTIFIER, NoticeLevel
from anju.assistance.models import Certification, Contractor, Craftsman
from anju.divisions.scope import within
from anju.evidence import demo as evidence_demo
from anju.policy.rules import profile_for
from anju.registry import actions as registry_actions
from anju.registry.commands import AttachFile
from anju.registry.models import House
from anju.registry.rules import id_check_character

COUNTY = "220581"  # 梅河口市
# Where each demo case is left: the stages of R-MH-3..13, some twice.
STAGES = ("applied", "village_reviewed", "township_reviewed", "notice_running", "noticed",
          "approved_by_one", "approved", "notified", "under_construction", "completed",
          "accepted", "paid", "closed", "rejected", "noticed", "under_construction",
          "accepted", "closed")
ORDER = ("applied", "village_reviewed", "township_reviewed", "noticed", "approved_by_one",
         "approved", "notified", "under_construction", "completed", "accepted", "paid",
         "closed")
CRAFTSMEN = (("赵铁柱", "220581100"), ("钱广生", "220581100"), ("孙德胜", "220581101"),
             ("李春山", "220581102"), ("周永福", "220581103"), ("吴长海", "220581104"))


class Demo:
    """The cast of the county and a picture maker for the files each act puts on file."""

    def __init__(self, rng: random.Random, *, photo_size=(480, 360), noise: bool = False):
        names = ("mhk_housing", "mhk_civil", "mhk_rural", "mhk_finance", "shancheng",
                 "hongmei", "cadre")
        self.users = {u.username: u for u in User.objects.filter(username__in=names)}
        self.rng = rng
        self.today = timezone.localdate()
        # Benchmarks ask for phone-sized photos with grain, which compress as real ones do.
        self.photo_size, self.noise = photo_size, noise

    def user(self, name: str):
        return self.users.get(name) or self.users["mhk_housing"]

    def township(self, code: str):
        """The township's own officer where the demo has one, else the county housing
        department (which may act for a township)."""
        return {"220581100": self.user("shancheng"), "220581101": self.user("hongmei")}.get(
            code[:9], self.users["mhk_housing"])

    def village(self, code: str):
        cadre = self.users.get("cadre")
        return cadre if cadre and code.startswith(cadre.scope) else self.township(code)

    def picture(self) -> bytes:
        from PIL import Image, ImageDraw

        width, height = self.photo_size
        shade = tuple(self.rng.randrange(90, 200) for _ in range(3))
        image = Image.new("RGB", self.photo_size, shade)
        if self.noise:
            grain = Image.effect_noise(self.photo_size, 40).convert("RGB")
            image = Image.blend(image, grain, 0.35)
        draw = ImageDraw.Draw(image)
        for _ in range(6):  # something like a wall and a roof line
            x, y = self.rng.randrange(40, width - 40), self.rng.randrange(40, height - 40)
            draw.rectangle([x - 30, y - 20, x + 30, y + 20], outline=(40, 40, 40), width=3)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=70)
        return out.getvalue()

    def attach(self, user, household, title: str) -> int:
        upload = SimpleUploadedFile(f"{title}.jpg", self.picture(), content_type="image/jpeg")
        return registry_actions.attach_file(household, AttachFile(kind="photo", title=title),
                                            upload=upload, acting_user=user).pk


def seed_demo(county: str = COUNTY, *, certifications: int = 60, seed: int = 2026) -> dict:
    """Certify up to `certifications` of the county's low-income households and open cases for
    those whose only house is C or D; nothing when the county already has certifications."""
    if Certification.objects.filter(within(county)).exists():
        return {"certified": 0, "cases": 0, "craftsmen": 0}
    demo = Demo(random.Random(seed))
    if "mhk_housing" not in demo.users:
        return {"certified": 0, "cases": 0, "craftsmen": 0}
    craftsmen = register_craftsmen(demo)
    certified = _certify(demo, county, certifications)
    # R-MH-2 from the register: the household's one standing house
    single = (House.objects.standing().filter(within(county)).values("household_id")
              .annotate(n=Count("id")).filter(n=1).values("household_id"))
    houses = list(House.objects.standing().filter(within(county), household_id__in=[
        c.household_id for c in certified], is_only_house=True, grade__in=("C", "D"),
        color_steel=False).filter(household_id__in=single).select_related("household")
        .order_by("id"))
    for index, house in enumerate(houses):
        stage = STAGES[index % len(STAGES)]
        if stage in ("paid", "closed") and not house.household.bank_account:
            stage = "accepted"  # R-MH-12: no 一卡通 account, no payment
        build_case(demo, house, stage, craftsmen[index % len(craftsmen)])
    return {"certified": len(certified), "cases": len(houses), "craftsmen": len(craftsmen)}


def register_craftsmen(demo: Demo) -> list:
    made = []
    for i, (name, township) in enumerate(CRAFTSMEN):
        number = f"JL-MHK-GJ-2025-{i + 1:03d}"
        if found := Craftsman.objects.filter(certificate_no=number).first():
            made.append(found)
            continue
        first17 = f"{township[:6]}19{68 + i:02d}{i % 12 + 1:02d}{10 + i:02d}{100 + i:03d}"
        made.append(actions.register_craftsman(commands.RegisterCraftsman(
            name=name, id_number=first17 + id_check_character(first17),
            phone=f"1390435{1000 + i:04d}", division_code=township, certificate_no=number,
            trained_on=demo.today - timedelta(days=300 + 20 * i),
            valid_until=demo.today + timedelta(days=400 + 30 * i)),
            acting_user=demo.township(township)))
    if Contractor.objects.filter(credit_code="91220581MA0Y6ANJU8").exists():
        return made
    actions.register_contractor(commands.RegisterContractor(
        name="梅河口市安居建筑工程有限公司", credit_code="91220581MA0Y6ANJU8",
        qualification_no="D322058100", division_code="220581100",
        valid_until=demo.today + timedelta(days=900)), acting_user=demo.users["mhk_housing"])
    return made


def _certify(demo: Demo, county: str, limit: int) -> list:
    """R-MH-1: each category by its own department."""
    from anju.registry.models import Household

    low_income = Household.objects.filter(within(county)).exclude(low_income_category="")
    # those whose only house is dangerous first: they are the cases (R-MH-2)
    dangerous = set(House.objects.filter(within(county), grade__in=("C", "D"),
                                         is_only_house=True, household__in=low_income)
                    .values_list("household_id", flat=True))
    households = sorted(low_income, key=lambda h: (h.pk not in dangerous, h.pk))[:limit]
    officers = {Department.CIVIL_AFFAIRS: demo.users["mhk_civil"],
                Department.RURAL_REVITALIZATION: demo.users["mhk_rural"]}
    made = []
    for household in households:
        officer = officers[CERTIFIER[household.low_income_category]]
        made.append(actions.certify(household, commands.Certify(
            household_id=household.pk, category=household.low_income_category,
            certified_on=demo.today - timedelta(days=demo.rng.randrange(90, 400)),
            valid_until=demo.today + timedelta(days=demo.rng.randrange(200, 700))),
            acting_user=officer))
    return made


def _areas(house, persons: int) -> tuple[Decimal, Decimal]:
    """R-MH-7: a main house at the lower bound of the standard, auxiliary rooms a third."""
    low, _ = profile_for(house.division_code, timezone.localdate()).main_area_bounds(
        max(persons, 1))
    main = Decimal(low) + 2
    return main, (main / 3).quantize(Decimal("0.01"))


def build_case(demo: Demo, house, stage: str, craftsman):
    """One case of `house`'s household brought to `stage` through the verbs, each act by the
    role the plan gives it, with the files each act puts on file."""
    household, today = house.household, demo.today
    village, township = demo.village(house.division_code), demo.township(house.division_code)
    persons = household.persons or 1
    repair = house.grade == "C"
    main, auxiliary = _areas(house, persons)
    if repair:
        main, auxiliary = Decimal(13 * persons), Decimal("0")
    subsidy = Decimal("9000") if repair else Decimal("40000")

    def act(action, user, **data):
        row = ACTS[action]
        row.verb(case, row.command(version=case.version, **data), acting_user=user)
        case.refresh_from_db()

    def on_site(act_name):
        # R-MH-9/R-MH-10: the township at the house, its phone's capture the act rests on
        return evidence_demo.on_site(house, act_name, acting_user=township,
                                     seed=demo.rng.randrange(1 << 30)).pk

    def files(user, title):
        return demo.attach(user, household, f"{household.head_name}户 {title}")

    case = actions.apply(household, commands.Apply(
        household_id=household.pk, house_id=house.pk,
        method="repair_reinforce" if repair else "rebuild", persons=persons, main_area=main,
        auxiliary_area=auxiliary, subsidy_amount=subsidy, applied_on=today - timedelta(days=45),
        document_id=files(village, "申请书"), **({
            # R-MH-5 加固方案: the appraisal's dangerous parts, and the bearing walls
            "reinforcement_parts": sorted(dangerous_parts(house) | {"bearing_wall"}),
            "reinforcement_plan": "依据鉴定的危险部位加固：承重墙加设构造柱和圈梁"}
            if repair else {})), acting_user=village)
    final = "noticed" if stage == "notice_running" else (
        "township_reviewed" if stage == "rejected" else stage)
    reached = ORDER.index(final)

    def at(name):
        return reached >= ORDER.index(name)

    if at("village_reviewed"):
        act("village_review", village, on=today - timedelta(days=42), passed=True,
            meeting_kind="村民代表会议", attendance=demo.rng.randrange(21, 45),
            minutes_id=files(village, "民主评议会议记录"))
    if at("township_reviewed"):
        act("township_review", township, on=today - timedelta(days=40),
            passed=stage != "rejected", comment="" if stage != "rejected" else
            "经核实，该户另有一处安全住房，不符合申请条件")
    if stage == "rejected":
        return case
    if at("noticed"):
        # R-MH-4 三级公示: village, township and county notices of the same list
        starts = today - timedelta(days=3 if stage == "notice_running" else 38)
        for level, place, by in (("village", "村委会公示栏", village),
                                 ("township", "镇政府公示栏", township),
                                 ("county", "梅河口市住建局网站", township)):
            act("publish_notice", by, level=level, starts_on=starts,
                ends_on=starts + timedelta(days=7), place=place,
                contents=["policy", "recipients", "review_result", "subsidy_standard"],
                photo_id=files(by, f"{NoticeLevel(level).label}公示照片"))
    if at("approved_by_one"):
        act("department_approve", demo.users["mhk_civil"],
            on=today - timedelta(days=28), decision="approve")
    if at("approved"):
        for name in ("mhk_rural", "mhk_housing"):
            act("department_approve", demo.users[name], on=today - timedelta(days=28),
                decision="approve")
    if at("notified"):
        act("notify", township, on=today - timedelta(days=26))
    if at("under_construction"):
        act("register_design", township, kind="standard",
            reference="吉林省农村危房改造通用图集 JL-2021-0" + ("2" if repair else "3"),
            document_ids=[files(township, "基本结构设计")])
        act("register_builder", township, craftsman_id=craftsman.pk,
            document_ids=[files(township, "工匠培训合格证书")])
        act("register_agreement", township, kind="contract",
            document_ids=[files(township, "施工协议")])
        act("start_construction", township, photo_ids=[files(township, "改造前")])
    if at("completed"):
        for name, label in (("foundation", "基础"), ("main_structure", "主体结构")):
            act("stage_inspection", township, stage=name, passed=True,
                findings="", photo_ids=[files(township, f"{label}阶段检查")],
                evidence_id=on_site("stage_inspection"))
        act("complete", township, photo_ids=[files(township, "改造后")])
    if at("accepted"):
        act("accept", township, passed=True, final_account=subsidy + 6000,
            main_area=main, auxiliary_area=auxiliary,
            members=[{"role": "technical", "name": "梅河口市住建局 刘工"},
                     {"role": "supervisor", "name": "村质量安全监督员"},
                     {"role": "builder", "name": craftsman.name},
                     {"role": "household", "name": household.head_name}],
            report_ids=[files(township, "竣工验收报告")], evidence_id=on_site("acceptance"))
    if at("paid"):
        # R-MH-10: the city office checks the acceptance report before payment
        act("city_check", demo.users["mhk_housing"], passed=True, comment="验收资料齐全")
        # R-MH-12a 市级报账制: the township files with the city's finance, which reviews and
        # transfers to the township's finance office before the household is paid
        finance, code = demo.users["mhk_finance"], case.division_code[:9]
        filed = actions.file_disbursement(code, commands.FileDisbursement(
            division_code=code, application_ids=[case.pk]), acting_user=township)
        actions.review_disbursement(filed, commands.ReviewDisbursement(passed=True),
                                    acting_user=finance)
        actions.transfer_disbursement(filed, commands.TransferDisbursement(
            amount=filed.requested_amount, voucher=f"MHK-CZ-BZ-{filed.pk:05d}"),
            acting_user=finance)
        case.refresh_from_db()
        act("pay", demo.users["mhk_finance"], amount=subsidy, paid_on=today,
            account="yikatong", voucher=f"MHK-CZ-{today:%Y}-{case.pk:05d}",
            voucher_id=files(demo.users["mhk_finance"], "拨付凭证"),
            receipt_id=files(demo.users["mhk_finance"], "农户签收单"))
    if at("closed"):
        if not repair:
            act("record_old_house", township, treatment="demolished",
                photo_ids=[files(township, "原房拆除")])
        for kind, title in (("certification", "低收入认定材料"), ("appraisal", "房屋安全鉴定")):
            act("add_document", township, kind=kind, attachment_id=files(township, title))
        act("close", demo.users["mhk_housing"])
    return case

