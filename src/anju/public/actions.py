"""The verbs of the villagers' side (docs/decisions/0046). The township prints and revokes
warning signs and answers leads; a villager files a report and a household looks up its case
through `admit`, which refuses a client or subject over its limit (429) and records every
request as a row with keyed hashes only."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anju.accounts.access import check
from anju.assistance.codes import Status
from anju.assistance.models import Application, Notice
from anju.audit import actions as audit
from anju.audit.models import Action as AuditAction
from anju.crypto import decrypt as open_token
from anju.crypto import encrypt
from anju.divisions.scope import covers
from anju.kit.errors import AnjuError, Code, Conflict, Forbidden, RuleViolation
from anju.kit.events import CONTROL_CHECK, RecordsChanged, records_changed
from anju.kit.origin import Origin
from anju.policy.rules import profile_for
from anju.public import rules
from anju.public.codes import (
    LeadAction,
    LeadStatus,
    ReportKind,
    RequestKind,
    RequestResult,
)
from anju.public.commands import FileReport, LookUpStatus, SetTownshipPhone
from anju.public.models import (
    LeadTransition,
    NoticeLink,
    PublicRequest,
    SignToken,
    TownshipPhone,
    VillagerReport,
)
from anju.rectification.actions import record_control_check
from anju.rectification.codes import EntryStatus
from anju.rectification.commands import RecordControlCheck
from anju.rectification.models import LedgerEntry
from anju.registry.models import Household


class TooManyRequests(AnjuError):
    status = 429

    def __init__(self, message: str):
        super().__init__(Code.TOO_MANY_REQUESTS, message)


# ---------------------------------------------------------------- every public request


def record_request(kind: str, result: str, client: str, subject: str = "") -> None:
    PublicRequest.objects.create(kind=kind, result=result, client_hash=client,
                                 subject_hash=subject)


def admit(kind: str, client: str, subject: str = "", *, misses: bool = False,
          reports: bool = False) -> None:
    """Refuse (429, recorded) a client over the page limit, or, for `reports`, over the
    report limits per client and per house, or, for `misses`, over the look-up misses per
    client and per household. Counted from the rows, so it holds across web processes."""
    now = timezone.now()
    checks = [(rules.PAGES_PER_CLIENT, {"client_hash": client})]
    if reports:
        checks += [(rules.REPORTS_PER_CLIENT, {"client_hash": client, "kind": kind,
                                               "result": RequestResult.OK}),
                   (rules.REPORTS_PER_HOUSE, {"subject_hash": subject, "kind": kind,
                                              "result": RequestResult.OK})]
    if misses:
        checks += [(rules.MISSES_PER_CLIENT, {"client_hash": client, "kind": kind,
                                              "result": RequestResult.MISS}),
                   (rules.MISSES_PER_HOUSEHOLD, {"subject_hash": subject, "kind": kind,
                                                 "result": RequestResult.MISS})]
    for limit, lookup in checks:
        if PublicRequest.objects.filter(at__gte=now - limit.window, **lookup).count() \
                >= limit.count:
            record_request(kind, RequestResult.LIMITED, client, subject)
            raise TooManyRequests(limit.message)


PRUNE_CHUNK = 5000


def prune_requests(days: int, *, now=None) -> int:
    """Delete the public request rows older than `days` (never inside the limits' window), in
    chunks so that a busy site's table is not locked for long. Returns the number deleted."""
    before = (now or timezone.now()) - rules.request_rows_kept(days)
    deleted = 0
    while True:
        ids = list(PublicRequest.objects.filter(at__lt=before).order_by("at")
                   .values_list("pk", flat=True)[:PRUNE_CHUNK])
        if not ids:
            return deleted
        deleted += PublicRequest.objects.filter(pk__in=ids).delete()[0]


# ---------------------------------------------------------------- the township's signs


def _in_scope(user, code: str) -> None:
    if not covers(user.scope, code):
        raise Forbidden("该乡镇不在您的管辖范围内")


@transaction.atomic
def set_township_phone(township: str, cmd: SetTownshipPhone, *, acting_user,
                       origin: Origin | None = None) -> TownshipPhone:
    """The number printed on the township's warning signs."""
    check(acting_user, "rectification.record")
    _in_scope(acting_user, township)
    phone = rules.clean_phone(cmd.phone)
    if not phone:
        raise RuleViolation(Code.FIELD_REQUIRED, "请填写乡镇联系电话", field="phone",
                            rule="R-CJ-2")
    row, _ = TownshipPhone.objects.update_or_create(
        division_code=township, defaults={"phone": phone, "updated_by": acting_user})
    audit.record(AuditAction.TRANSITION, actor=acting_user, obj=row, origin=origin,
                 division_code=township, details={"act": "township_phone"})
    return row


@transaction.atomic
def print_signs(entries, *, acting_user, origin: Origin | None = None) -> list[tuple]:
    """The warning signs (R-CJ-2, R-CJ-5 张贴警示标识) of `entries`, one each: the live token
    of each house (made on its first print), the print counted and audited. Returns
    (entry, token) pairs. A signed-off entry gets no sign."""
    check(acting_user, "rectification.record")
    out = []
    now = timezone.now()
    for entry in entries:
        if entry.status == EntryStatus.CLOSED:
            raise Conflict(Code.ENTRY_CLOSED, f"{entry.number} 已销号，不再张贴警示标志",
                           field="entry", rule="R-CJ-8")
        sign = (SignToken.objects.select_for_update()
                .filter(entry=entry, revoked_at__isnull=True).first())
        if sign is None:
            token = rules.new_token()
            sign = SignToken.objects.create(entry=entry, division_code=entry.division_code,
                                            token_hash=rules.token_hash(token), token=token,
                                            created_by=acting_user)
        SignToken.objects.filter(pk=sign.pk).update(printed_count=F("printed_count") + 1,
                                                    last_printed_at=now)
        audit.record(AuditAction.EXPORT, actor=acting_user, obj=entry, origin=origin,
                     details={"export": "warning-sign", "sign": sign.pk})
        out.append((entry, sign.token))
    return out


@transaction.atomic
def revoke_sign(entry: LedgerEntry, *, acting_user, origin: Origin | None = None) -> SignToken:
    """作废: the house's sign no longer answers (a torn or copied sign); the next print
    carries a new token."""
    check(acting_user, "rectification.record")
    sign = SignToken.objects.filter(entry=entry, revoked_at__isnull=True).first()
    if sign is None or SignToken.objects.filter(pk=sign.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=acting_user) != 1:
        raise Conflict(Code.TRANSITION_NOT_ALLOWED, "该房屋没有在用的警示标志", field="entry",
                       rule="R-CJ-5")
    audit.record(AuditAction.TOKEN_REVOKED, actor=acting_user, obj=sign, origin=origin,
                 division_code=entry.division_code, details={"sign": sign.pk})
    sign.refresh_from_db()
    return sign


# ---------------------------------------------------------------- 村民监督


@transaction.atomic
def file_report(sign: SignToken, cmd: FileReport, *, photo: bytes | None, client: str,
                today: date | None = None) -> VillagerReport:
    """A villager's report at a sign lands in the township's queue as a lead with a
    deadline (profile villager_report_days). The caller was admitted (`admit`)."""
    today = today or timezone.localdate()
    entry = sign.entry
    if entry.status == EntryStatus.CLOSED:
        raise Conflict(Code.ENTRY_CLOSED, "该房屋已销号", rule="R-CJ-8")
    if cmd.kind not in ReportKind.values:
        raise RuleViolation(Code.CHOICE_INVALID, "请选择反映的情况", field="kind",
                            rule="R-CJ-7")
    text = rules.clean_text(cmd.text)
    phone = rules.clean_phone(cmd.phone)
    picture = rules.reencoded_photo(photo) if photo else None
    path = ""
    if picture:
        path = default_storage.save(f"public/reports/{uuid.uuid4().hex}.jpg",
                                    ContentFile(picture))
    days = profile_for(entry.division_code, today).villager_report_days
    report = VillagerReport.objects.create(
        entry=entry, division_code=entry.division_code, kind=cmd.kind, text=text,
        photo=path, phone=phone, due_on=today + timedelta(days=days))
    LeadTransition.objects.create(report=report, division_code=report.division_code,
                                  action=LeadAction.FILE, to_status=LeadStatus.OPEN,
                                  details={"kind": cmd.kind})
    records_changed(divisions=[report.division_code])  # the dashboards count it
    record_request(RequestKind.REPORT, RequestResult.OK, client, subject_of(sign))
    return report


def subject_of(sign: SignToken) -> str:
    return rules.household_key("entry", str(sign.entry_id))


@transaction.atomic
def answer_lead(lead: VillagerReport, cmd: RecordControlCheck, *, acting_user,
                origin: Origin | None = None) -> VillagerReport:
    """The township inspects the house (the ledger's control check, R-CJ-7); the check
    closes the open leads about the house (`close_leads`, told by the ledger's verb)."""
    check(acting_user, "rectification.record")
    if lead.status != LeadStatus.OPEN:
        raise Conflict(Code.ALREADY_DECIDED, "该线索已核查", field="version", rule="R-CJ-7")
    if cmd.level in rules.NOT_ANSWERING_LEVELS:
        raise RuleViolation(Code.CHOICE_INVALID, "村民监督线索应由村、乡镇或县市工作人员到现场核查",
                            field="level", rule="R-CJ-7")
    if cmd.checked_on < timezone.localdate(lead.reported_at):
        raise RuleViolation(Code.DATE_OUT_OF_ORDER, "核查日期不能早于村民反映的日期",
                            field="checked_on", rule="R-CJ-7")
    entry = LedgerEntry.objects.get(pk=lead.entry_id)
    row = record_control_check(entry, cmd, acting_user=acting_user, origin=origin)
    lead.refresh_from_db()
    if lead.control_check_id != row.pk:
        raise Conflict(Code.VERSION_CONFLICT, "线索已被他人处理，请刷新后重试", field="version")
    return lead


def close_leads(change: RecordsChanged) -> None:
    """R-CJ-7: a visit to a house (a control check on its ledger entry or an inspection of
    it, by an official, on or after the day of the report) closes the open leads about the
    house, inside the visit's own transaction, each with a transition row."""
    for seen in change.checks:
        leads = list(VillagerReport.objects.select_for_update()
                     .filter(entry__house_id=seen.house_id, status=LeadStatus.OPEN))
        link = ({"control_check_id": seen.record} if seen.kind == CONTROL_CHECK
                else {"inspection_id": seen.record})
        for lead in leads:
            if not rules.answers_lead(seen.level, seen.on,
                                      timezone.localdate(lead.reported_at)):
                continue
            VillagerReport.objects.filter(pk=lead.pk, status=LeadStatus.OPEN).update(
                status=LeadStatus.CLOSED, closed_on=seen.on, version=F("version") + 1, **link)
            LeadTransition.objects.create(
                report=lead, division_code=lead.division_code, action=LeadAction.ANSWER,
                from_status=LeadStatus.OPEN, to_status=LeadStatus.CLOSED, actor=seen.actor,
                details={seen.kind: seen.record, "level": seen.level, "holds": seen.holds})


# ---------------------------------------------------------------- a household's status


@dataclass(frozen=True)
class CaseStatus:
    """What a household sees of its own case: no name, no number, nothing of anyone else."""

    year: int
    stage: str
    method: str
    approved: bool
    subsidy: Decimal | None
    paid_amount: Decimal
    paid_on: date | None
    status: str = ""  # the stage's code (api.md `stage`), "" with no case yet


_DUMMY: dict = {}


def _dummy_token() -> str:
    # the miss path decrypts and compares as the hit path does (similar timing)
    if "token" not in _DUMMY:
        _DUMMY["token"] = encrypt("000000000000000000")
    return _DUMMY["token"]


APPROVED_STATUSES = frozenset({Status.APPROVED, Status.NOTIFIED, Status.UNDER_CONSTRUCTION,
                               Status.COMPLETED, Status.ACCEPTED, Status.PAID, Status.CLOSED})


def look_up_status(cmd: LookUpStatus, *, client: str) -> CaseStatus | None:
    """The household's latest case, if the head's name, the last six characters of the ID
    and the village match one household; None (recorded as a miss) for any other answer,
    with the same queries and work on both paths. No case yet is a hit with no status."""
    subject = rules.household_key(cmd.village, cmd.head_name)
    admit(RequestKind.STATUS, client, subject, misses=True)
    candidates = list(Household.objects.filter(division_code=cmd.village,
                                               head_name=cmd.head_name.strip())
                      .values_list("pk", "head_id_number")[:5])
    found = None
    for pk, token in candidates or [(None, _dummy_token())]:
        # the encrypted column arrives decrypted; the dummy is decrypted here
        number = token if pk is not None else open_token(token)
        if rules.same_digits(number, cmd.id_last_six) and pk is not None and found is None:
            found = pk
    case = (Application.objects.filter(household_id=found or 0)
            .order_by("-year", "-id").first())
    if found is None:
        record_request(RequestKind.STATUS, RequestResult.MISS, client, subject)
        return None
    record_request(RequestKind.STATUS, RequestResult.OK, client, subject)
    if case is None:
        return CaseStatus(0, "", "", False, None, Decimal("0"), None)
    approved = case.status in APPROVED_STATUSES
    return CaseStatus(case.year, case.get_status_display(), case.get_method_display(),
                      approved, case.subsidy_amount if approved else None,
                      case.paid_amount, case.paid_on, case.status)


# ---------------------------------------------------------------- the notices' QR codes


@transaction.atomic
def notice_link(notice: Notice) -> str:
    """The token of the notice's public address, made on its first print (R-MH-4)."""
    link = NoticeLink.objects.select_for_update().filter(notice=notice).first()
    if link is None:
        token = rules.new_token()
        link = NoticeLink.objects.create(notice=notice, token_hash=rules.token_hash(token),
                                         token=token)
    return link.token
