"""A case of housing security driven through the verbs to any status, as the policy runs it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from anju.assistance import actions, commands
from anju.assistance.acts import ACTS
from anju.assistance.codes import Status
from anju.evidence.demo import on_site
from anju.registry.models import Attachment

TODAY = timezone.localdate()
AGO = {n: TODAY - timedelta(days=n) for n in (60, 40, 30, 20, 10, 5)}


def scan(household, user, title="扫描件"):
    return Attachment.objects.create(
        division_code=household.division_code, household=household, kind="document",
        title=title, file="attachments/scan.pdf", content_type="application/pdf", size=10,
        sha256="0" * 64, uploaded_by=user)


def certify(household, user, category, on, **fields):
    """R-MH-1 through the verb, as the department does it."""
    return actions.certify(household, commands.Certify(
        household_id=household.pk, category=category, certified_on=on, **fields),
        acting_user=user)


def act(case, action, user, **data):
    """One act on `case` through its verb, with its command made of `data`."""
    row = ACTS[action]
    return row.verb(case, row.command.model_validate(data), acting_user=user)


class Case:
    """Drives one D rebuild case forward step by step, each act by its own role."""

    def __init__(self, cast, make_household, make_house, **house_fields):
        self.cast = cast
        self.household = make_household(persons=3)
        self.house = make_house(household=self.household, grade=house_fields.pop("grade", "D"),
                                **house_fields)
        certify(self.household, cast.mhk_civil, "dibao", AGO[60])
        form = scan(self.household, cast.cadre, "申请书").pk
        self.case = actions.apply(self.household, commands.Apply(
            household_id=self.household.pk, document_id=form, house_id=self.house.pk,
            method="rebuild" if self.house.grade == "D" else "repair_reinforce",
            main_area=Decimal("50"), auxiliary_area=Decimal("10"),
            subsidy_amount=Decimal("40000") if self.house.grade == "D" else Decimal("10000"),
            applied_on=AGO[40], **({} if self.house.grade == "D" else {
                "reinforcement_parts": ["bearing_wall", "roof"],
                "reinforcement_plan": "承重墙加设构造柱，屋架更换"})), acting_user=cast.cadre)

    def on_site(self, act, user=None):
        """A clear capture at the house for a presence act (R-MH-9, R-MH-10)."""
        return on_site(self.house, act, acting_user=user or self.cast.shancheng).pk

    def doc(self, title="扫描件"):
        return scan(self.household, self.cast.shancheng, title).pk

    def act(self, action, user, **data):
        act(self.case, action, user, **data)
        self.case.refresh_from_db()
        return self.case

    STEPS = (
        Status.APPLIED, Status.VILLAGE_REVIEWED, Status.TOWNSHIP_REVIEWED, Status.APPROVED,
        Status.NOTIFIED, Status.UNDER_CONSTRUCTION, Status.COMPLETED, Status.ACCEPTED,
        Status.PAID, Status.CLOSED)

    def to(self, status):
        c = self.cast
        for step in self.STEPS[self.STEPS.index(self.case.status) + 1:
                               self.STEPS.index(status) + 1]:
            getattr(self, "_" + step)(c)
        assert self.case.status == status
        return self.case

    def _village_reviewed(self, c):
        self.act("village_review", c.cadre, passed=True, on=AGO[30], attendance=35,
                 minutes_id=self.doc("会议记录"))

    def _township_reviewed(self, c):
        self.act("township_review", c.shancheng, passed=True, on=AGO[30])
        # R-MH-4 三级公示: village, township and county, each for its full period
        for level in ("village", "township", "county"):
            self.act("publish_notice", c.cadre, level=level, starts_on=AGO[20],
                     ends_on=AGO[10], photo_id=self.doc("公示照片"))

    def _approved(self, c):
        for user in (c.mhk_civil, c.mhk_rural, c.mhk_housing):
            self.act("department_approve", user, decision="approve", on=AGO[5])

    def _notified(self, c):
        self.act("notify", c.shancheng, on=AGO[5])

    def _under_construction(self, c):
        from anju.assistance.models import Craftsman

        # one craftsman of the county builds every test case
        craftsman = Craftsman.objects.filter(certificate_no="GJ-001").first() or \
            Craftsman.objects.create(
            name="李工匠", id_number="220581198001010011", division_code="220581100",
            certificate_no="GJ-001", trained_on=AGO[60], valid_until=TODAY + timedelta(365),
            created_by=c.shancheng)
        self.act("register_design", c.shancheng, kind="standard", reference="吉林省农房图集 A-3",
                 document_ids=[self.doc("图集")])
        self.act("register_builder", c.shancheng, craftsman_id=craftsman.pk,
                 document_ids=[self.doc("工匠证书")])
        self.act("register_agreement", c.shancheng, kind="contract",
                 document_ids=[self.doc("施工协议")])
        self.act("start_construction", c.shancheng, on=AGO[5], photo_ids=[self.doc("改造前")])

    def _completed(self, c):
        for stage in ("foundation", "main_structure"):
            self.act("stage_inspection", c.shancheng, stage=stage, passed=True, on=AGO[5],
                     photo_ids=[self.doc(stage)], evidence_id=self.on_site("stage_inspection"))
        self.act("complete", c.shancheng, on=TODAY, photo_ids=[self.doc("改造后")])

    MEMBERS = [{"role": "technical", "name": "赵技术"}, {"role": "supervisor", "name": "钱监督"},
               {"role": "builder", "name": "李工匠"}, {"role": "household", "name": "王大山"}]

    def _accepted(self, c):
        self.act("accept", c.shancheng, passed=True, on=TODAY, members=self.MEMBERS,
                 final_cost=Decimal("52000"), main_area=Decimal("50"),
                 auxiliary_area=Decimal("10"), report_ids=[self.doc("验收报告")],
                 evidence_id=self.on_site("acceptance"))

    def _paid(self, c):
        # R-MH-10: payment waits for the city office's check of the acceptance report
        if self.case.city_checked_on is None:
            self.act("city_check", c.mhk_housing, passed=True, on=TODAY)
        payable = self.case.payable_amount
        payable = self.case.subsidy_amount if payable is None else payable
        self.act("pay", c.mhk_finance, amount=payable - self.case.paid_amount,
                 paid_on=TODAY, account="yikatong", voucher="PZ-2026-001",
                 voucher_id=self.doc("凭证"), receipt_id=self.doc("签收单"))

    def _closed(self, c):
        self.act("record_old_house", c.shancheng, treatment="demolished", on=TODAY,
                 photo_ids=[self.doc("原房拆除")])
        for kind in ("certification", "appraisal"):
            self.act("add_document", c.cadre, kind=kind, attachment_id=self.doc(kind))
        self.act("close", c.mhk_housing, on=TODAY)


@pytest.fixture
def new_case(cast, make_household, make_house):
    def make(**house_fields) -> Case:
        return Case(cast, make_household, make_house, **house_fields)

    return make
