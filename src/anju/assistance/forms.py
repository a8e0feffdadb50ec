"""The page forms of housing security, generated from the acts' commands (CommandForm): an
act's form is its command's fields, labelled by its `Ui`. Only where a page needs more than
the command says is a form written here: choices read from the case, initial values, the
acceptance's members. Files go onto the household's file (一户一档) and their ids to the act's
verb, in one transaction; the verbs decide, and each error lands beside the field it names."""

from functools import cache

from django import forms
from django.utils import timezone

from anju.assistance import actions, commands
from anju.assistance.acts import ACTS
from anju.assistance.codes import (
    Account,
    Action,
    DocumentKind,
    MemberRole,
    Method,
    NoticeContent,
    NoticeLevel,
    RepairPart,
    Stage,
)
from anju.assistance.queries import contractors_for_user, craftsmen_for_user
from anju.evidence.models import Act as EvidenceAct
from anju.evidence.queries import evidence_choices
from anju.kit.masks import mask_account
from anju.web.forms import BLANK, CommandForm


class HouseholdFiles:
    """Uploads go on the household's file."""

    household = None

    def files_owner(self) -> dict:
        return {"household": self.household}


# ---------------------------------------------------------------- the acts on a case


class CaseForm(HouseholdFiles, CommandForm):
    """The form of one act on a case: its command's fields, dated today unless changed; the
    files it keeps are titled by the case's number (一户一档)."""

    action: str = ""

    def __init__(self, *args, user, case, origin=None, **kwargs):
        self.case, self.household = case, case.household
        self.today = timezone.localdate()
        super().__init__(*args, user=user, target=case, instance=case, origin=origin, **kwargs)

    def setup(self) -> None:
        if "on" in self.fields:
            self.initial.setdefault("on", self.today)
        if "comment" in self.fields:  # the remark closes the form
            self.order_fields([n for n in self.fields if n != "comment"] + ["comment"])

    def upload_title(self, name: str) -> str:
        return f"{self.case.number} {super().upload_title(name)}"

    def act(self, cmd):
        return ACTS[self.action].verb(self.case, cmd, acting_user=self.user,
                                      origin=self.origin)


class NoticeForm(CaseForm):
    action, command = Action.PUBLISH_NOTICE, commands.PublishNotice

    def setup(self):
        from anju.policy.rules import profile_for

        super().setup()
        days = profile_for(self.case.division_code, self.today).notice_days
        self.fields["ends_on"].help_text = (f"公示期不少于 {days} 天；纸质公示张贴后补录，"
                                            "填写实际张贴日期")
        self.initial.setdefault("level", NoticeLevel.VILLAGE)
        # R-MH-4: what the notice published, one box each
        self.fields["contents"] = forms.MultipleChoiceField(
            label="公示内容", required=False, choices=NoticeContent.choices,
            widget=forms.CheckboxSelectMultiple)
        self.initial.setdefault("contents", list(NoticeContent.values))

    def command_data(self, values):
        return {**values, "contents": self.cleaned_data.get("contents") or []}


class ObjectionForm(CaseForm):
    action, command = Action.RECORD_OBJECTION, commands.RecordObjection
    field_order = ["on", "notice_id", "text"]

    def setup(self):
        super().setup()
        self.fields["notice_id"].choices = BLANK + [
            (n.pk, f"{n.get_level_display()}公示 {n.starts_on:%Y-%m-%d} 至 {n.ends_on:%Y-%m-%d}")
            for n in self.case.notices.all()]


class ResolveForm(CaseForm):
    action, command = Action.RESOLVE_OBJECTION, commands.ResolveObjection

    def setup(self):
        super().setup()
        self.fields["objection_id"].choices = BLANK + [
            (o.pk, f"{o.raised_on:%Y-%m-%d} {o.text[:40]}")
            for o in self.case.objections.filter(resolved_on__isnull=True)]


class BuilderForm(CaseForm):
    """Only craftsmen with a certificate valid today and qualified contractors are offered
    (R-MH-8); an id posted anyway is judged by the verb."""

    action, command = Action.REGISTER_BUILDER, commands.RegisterBuilder
    craftsman_id = forms.IntegerField(label="农村建筑工匠", required=False)
    contractor_id = forms.IntegerField(label="或 施工单位", required=False)

    def setup(self):
        super().setup()
        self.fields["craftsman_id"].widget = forms.Select(choices=BLANK + [
            (c.pk, f"{c.name}（证书 {c.certificate_no}，有效期至 {c.valid_until:%Y-%m-%d}）")
            for c in craftsmen_for_user(self.user, valid_on=self.today)])
        self.fields["contractor_id"].widget = forms.Select(choices=BLANK + [
            (c.pk, f"{c.name}（资质有效期至 {c.valid_until:%Y-%m-%d}）")
            for c in contractors_for_user(self.user, valid_on=self.today)])


class StageForm(CaseForm):
    action, command = Action.STAGE_INSPECTION, commands.StageInspect

    def setup(self):
        super().setup()
        self.fields["evidence_id"].choices = BLANK + evidence_choices(
            self.user, self.case.house_id, EvidenceAct.STAGE_INSPECTION)

    def upload_title(self, name):
        stage = self.cleaned_data.get("stage")
        what = f"{Stage(stage).label}阶段检查照片" if stage in Stage.values else "检查照片"
        return f"{self.case.number} {what}"


class AcceptForm(CaseForm):
    """R-MH-10: one row per member the plan names (技术人员、村级质量安全监督员、工匠或施工单位、
    农户)."""

    action, command = Action.ACCEPT, commands.Accept

    def setup(self):
        super().setup()
        self.fields["evidence_id"].choices = BLANK + evidence_choices(
            self.user, self.case.house_id, EvidenceAct.ACCEPTANCE)
        for role in MemberRole:
            self.fields[f"member_{role.value}"] = forms.CharField(
                label=f"验收人员：{role.label}", required=False, max_length=40)
        case = self.case
        builder = case.contractor or case.craftsman
        if builder is not None:
            self.initial.setdefault("member_builder", builder.name)
        self.initial.setdefault("member_household", case.household.head_name)
        self.initial.setdefault("main_area", case.main_area)
        self.initial.setdefault("auxiliary_area", case.auxiliary_area)
        # R-MH-6: a purchase is paid its appraised price, other cases their audited account
        if case.method == Method.BUY_IDLE:
            self.fields.pop("final_account", None)
        else:
            self.fields.pop("appraised_price", None)

    def member_fields(self):
        return [self[f"member_{r.value}"] for r in MemberRole]

    def command_data(self, values):
        cleaned = self.cleaned_data
        return {**values, "members": [
            {"role": r.value, "name": cleaned.get(f"member_{r.value}") or ""}
            for r in MemberRole if (cleaned.get(f"member_{r.value}") or "").strip()]}

    def show(self, error):
        if error.field == "members":
            blank = [f"member_{r.value}" for r in MemberRole
                     if not (self.cleaned_data.get(f"member_{r.value}") or "").strip()]
            if blank:
                self.note_rule(error)
                for name in blank:
                    self.add_error(name, error.message)
                return
        super().show(error)


class PayForm(CaseForm):
    """R-MH-12: the amount is prefilled with what remains of the payable amount (R-MH-6)."""

    action, command = Action.PAY, commands.Pay

    def setup(self):
        super().setup()
        case = self.case
        self.initial.setdefault("paid_on", self.today)
        payable = case.subsidy_amount if case.payable_amount is None else case.payable_amount
        self.initial.setdefault("amount", payable - case.paid_amount)
        self.initial.setdefault("account", Account.YIKATONG)
        account = case.household.bank_account
        self.fields["account"].help_text = (
            f"一卡通账号 {mask_account(account)}" if account else
            "农户未登记一卡通账号：请先在农户档案中登记，或凭农户书面申请现金发放")
        if not case.township_built:
            del self.fields["retention"], self.fields["warranty_until"]


class DocumentForm(CaseForm):
    action, command = Action.ADD_DOCUMENT, commands.AddDocument

    def upload_title(self, name):
        kind = self.cleaned_data.get("kind") or ""
        label = DocumentKind(kind).label if kind in DocumentKind.values else "材料"
        return f"{self.case.number} {label}"


WRITTEN = {f.action: f for f in (NoticeForm, ObjectionForm, ResolveForm, BuilderForm,
                                 StageForm, AcceptForm, PayForm, DocumentForm)}


@cache
def case_form(action: str) -> type[CaseForm] | None:
    """The page form of an act on a case: written above, or generated from its command."""
    if action == Action.APPLY or action not in ACTS:
        return None
    if action in WRITTEN:
        return WRITTEN[action]
    command = ACTS[action].command
    return type(f"{command.__name__}Form", (CaseForm,), {"action": action, "command": command})


# ---------------------------------------------------------------- the household's forms


class ApplicationForm(HouseholdFiles, CommandForm):
    """R-MH-3 the household's application: the methods offered are those the chosen house's
    grade allows (R-MH-5); the page shows each method's cap and the area standard."""

    command = commands.Apply
    exclude = ("household_id", "house_id", "year")
    field_order = ["applied_on", "method", "persons", "main_area", "auxiliary_area",
                   "area_reason", "subsidy_amount", "fully_subsidised", "co_owned",
                   "township_built", "reinforcement_parts", "reinforcement_plan",
                   "host_house_id", "lease_years", "annual_rent", "document_id"]
    verb = actions.apply
    # R-MH-5: the host house is any house of the register, typed by its number
    host_house_id = forms.IntegerField(
        label="接养人房屋编号", required=False, min_value=1,
        help_text="投亲靠友、子女接养时填写：接养人在册房屋的编号（须已鉴定）")
    reinforcement_parts = forms.MultipleChoiceField(
        label="加固的危险部位", required=False, choices=RepairPart.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="维修加固时填写：依据鉴定的危险部位；只粉刷、装饰、换门窗不属于维修加固")

    def __init__(self, *args, household, house, methods, **kwargs):
        self.household, self.house, self.methods = household, house, methods
        super().__init__(*args, target=household, **kwargs)

    def setup(self):
        self.fields["method"].choices = BLANK + [(m, label) for m, label, _ in self.methods]
        self.initial.setdefault("applied_on", timezone.localdate())
        self.initial.setdefault("persons", self.household.persons)
        if self.house is not None and self.methods:  # the grade's own method comes first
            self.initial.setdefault("method", self.methods[0][0])

    def command_data(self, values):
        return {**values, "household_id": self.household.pk,
                "house_id": self.house.pk if self.house else None}


class CertifyForm(HouseholdFiles, CommandForm):
    """R-MH-1: the categories offered are those of the user's own department."""

    command = commands.Certify
    exclude = ("household_id",)
    verb = actions.certify

    def __init__(self, *args, household, categories, **kwargs):
        self.household, self.categories = household, categories
        super().__init__(*args, target=household, **kwargs)

    def setup(self):
        self.fields["category"].choices = BLANK + list(self.categories)
        self.initial.setdefault("certified_on", timezone.localdate())

    def command_data(self, values):
        return {**values, "household_id": self.household.pk}


class LapseForm(CommandForm):
    command = commands.Lapse
    verb = actions.lapse

    def setup(self):
        self.initial.setdefault("lapsed_on", timezone.localdate())


# ---------------------------------------------------------------- the register (R-MH-8)


class RegisterForm(CommandForm):
    def __init__(self, *args, townships, **kwargs):
        self.townships = townships
        super().__init__(*args, **kwargs)

    def setup(self):
        self.fields["division_code"].choices = BLANK + list(self.townships)
        if len(self.user.scope) >= 9:
            self.initial.setdefault("division_code", self.user.scope[:9])


class CraftsmanForm(RegisterForm):
    command = commands.RegisterCraftsman
    verb = actions.register_craftsman


class ContractorForm(RegisterForm):
    command = commands.RegisterContractor
    verb = actions.register_contractor
    field_order = ["name", "credit_code", "qualification_no", "division_code", "valid_until"]


# ---------------------------------------------------------------- R-MH-12a funds


class ReviewDisbursementForm(CommandForm):
    command = commands.ReviewDisbursement
    verb = actions.review_disbursement

    def setup(self):
        self.initial.setdefault("on", timezone.localdate())


class TransferDisbursementForm(CommandForm):
    """Finance transfers exactly the requested amount, prefilled."""

    command = commands.TransferDisbursement
    verb = actions.transfer_disbursement

    def setup(self):
        self.initial.setdefault("on", timezone.localdate())
        self.initial.setdefault("amount", self.target.requested_amount)


def _due(case):
    payable = case.subsidy_amount if case.payable_amount is None else case.payable_amount
    return payable - case.paid_amount


class FileDisbursementForm(CommandForm):
    """R-MH-12a: the township picks its accepted, city-checked cases still to be paid."""

    command = commands.FileDisbursement
    exclude = ("division_code",)

    def __init__(self, *args, township: str, cases, **kwargs):
        self.township, self.cases = township, cases
        super().__init__(*args, target=township, **kwargs)

    def setup(self):
        self.initial.setdefault("on", timezone.localdate())
        self.fields["application_ids"] = forms.TypedMultipleChoiceField(
            label="报账案件", required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
            choices=[(c.pk, f"{c.number} {c.household.head_name}户 待拨付 {_due(c):,.2f} 元")
                     for c in self.cases])
        self.order_fields(["application_ids", "on", "note"])

    def command_data(self, values):
        return {**values, "division_code": self.township,
                "application_ids": self.cleaned_data.get("application_ids") or []}

    def act(self, cmd):
        return actions.file_disbursement(self.township, cmd, acting_user=self.user,
                                         origin=self.origin)
