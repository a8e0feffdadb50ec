"""The verbs of data quality (R-CJ-3): the recheck on every save, the sweep over a division,
点对点核实比对 and 面对面抽查. 举一反三 is in `similar`."""

import random
import secrets
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.audit.actions import record as audit
from anju.audit.models import Action
from anju.divisions.models import Division, Level
from anju.divisions.scope import LEVEL_LENGTHS, covers, within
from anju.kit.dates import date_errors
from anju.kit.errors import Code, NotFound, RuleViolation, raise_if
from anju.kit.events import RecordsChanged, records_changed
from anju.kit.origin import Origin
from anju.policy.rules import profile_for, profile_resolver
from anju.quality import fields
from anju.quality.commands import DrawSpotCheck, RecordVerification, RunSweep
from anju.quality.facts import Chunk, chunks, context_for, context_for_house, load_facts
from anju.quality.models import (
    EventAction,
    Finding,
    FindingKind,
    FindingSource,
    FindingStatus,
    SpotCheck,
    SpotCheckHouse,
    Verification,
)
from anju.quality.reconcile import NewFinding, close_findings, open_findings, reconcile
from anju.quality.rules import CHECKS, RULE, VERIFICATION_RULE, needs_of
from anju.registry.models import House, RecordEvent

ALL_NEEDS = needs_of(CHECKS)
SPOT_CHECK_MAX = 50
SEED_LIMIT = 2**63
SWEEP_RETRIES = 3


def _fail(code: str, message: str, field: str) -> RuleViolation:
    return RuleViolation(code, message, field=field, rule=RULE)


def deadline_resolver(today: date):
    resolve = profile_resolver(today)
    return lambda code: resolve(code).finding_deadline_days


def check_division(user, division: str, field: str = "division") -> str:
    """A division code the caller may act on: well formed and inside the caller's scope."""
    division = (division or "").strip()
    if not division.isdigit() or len(division) not in LEVEL_LENGTHS:
        raise NotFound("区划代码应为 2、4、6、9 或 12 位数字", field=field)
    if user is not None and not covers(user.scope, division):
        raise NotFound("该区划不在您的管辖范围内", field=field)
    return division


def _is_conflict(error: Exception) -> bool:
    # The bulk-insert seam's COPY raises the driver's own error, not Django's IntegrityError.
    return isinstance(error, IntegrityError) or type(error).__name__ == "UniqueViolation"


def on_records_changed(change: RecordsChanged) -> None:
    """R-CJ-3: every change of a house re-runs the checks on it."""
    for house_id in sorted(change.houses):
        recheck_house(house_id)


def recheck_house(house_id: int, *, today: date | None = None) -> tuple[int, int]:
    """Run every check on one house (called inside each saving transaction through
    the "records changed" event); returns (opened, closed)."""
    today = today or timezone.localdate()
    houses = Chunk(House.objects.filter(pk=house_id), (house_id, house_id + 1))
    facts = load_facts(houses, ALL_NEEDS)
    if not facts:
        return 0, 0
    for attempt in range(SWEEP_RETRIES):
        try:
            with transaction.atomic():  # a savepoint: a race with a sweep never fails the save
                return reconcile(houses, facts, context_for_house(today),
                                 source=FindingSource.SAVE, deadline_days=deadline_resolver(today))
        except Exception as error:
            if not _is_conflict(error) or attempt == SWEEP_RETRIES - 1:
                raise
    return 0, 0


def sweep(cmd: RunSweep, *, acting_user=None, origin: Origin | None = None,
          today: date | None = None, progress=None, chunk_size: int | None = None) -> dict:
    """Run every check on every house of `division`: open what fires, close what was fixed.

    Each chunk is one transaction, so a long sweep never holds the database for long, and an
    interrupted one leaves every house it reached consistent; running it again changes
    nothing. Returns {checked, opened, closed}.
    """
    if acting_user is not None:
        check(acting_user, "quality.verify")
    division = check_division(acting_user, cmd.division)
    today = today or timezone.localdate()
    ctx = context_for(division, today)
    deadline_days = deadline_resolver(today)
    houses = House.objects.filter(within(division))
    total = houses.count()
    result = {"checked": 0, "opened": 0, "closed": 0}
    for chunk in chunks(houses, chunk_size):
        for attempt in range(SWEEP_RETRIES):
            try:
                with transaction.atomic():
                    facts = load_facts(chunk, ALL_NEEDS)
                    opened, closed = reconcile(chunk, facts, ctx, source=FindingSource.SWEEP,
                                               deadline_days=deadline_days, actor=acting_user)
                break
            except Exception as error:
                # A clerk's save opened the same finding meanwhile: read the chunk again.
                if not _is_conflict(error) or attempt == SWEEP_RETRIES - 1:
                    raise
        result["checked"] += len(facts)
        result["opened"] += opened
        result["closed"] += closed
        if progress:
            progress(result["checked"], total)
    if acting_user is not None:
        audit(Action.TRANSITION, actor=acting_user, division_code=division, origin=origin,
              details={"workflow": "quality", "action": "sweep", **result})
    return result


# --- 点对点核实比对 ------------------------------------------------------------------------


def _check_differences(items, recorded: dict, today: date, seen: set):
    errors, differences = [], []
    for i, item in enumerate(items):
        where = f"differences[{i}]"
        name = item.field
        if name not in fields.VERIFIABLE:
            errors.append(_fail(Code.CHOICE_INVALID,
                                f"第 {i + 1} 项核实字段“{name}”不是可核实的字段",
                                f"{where}.field"))
            continue
        label = fields.VERIFIABLE[name].label
        if name in seen:
            errors.append(_fail(Code.FIELD_DUPLICATE, f"{label}重复核实", f"{where}.field"))
            continue
        seen.add(name)
        try:
            observed = fields.parse_observed(name, item.observed, today)
        except ValueError as e:
            errors.append(_fail(Code.OBSERVED_INVALID, f"{label}的实地值{e}", f"{where}.observed"))
            continue
        if fields.same(name, recorded[name], observed):
            errors.append(_fail(Code.NOT_A_DIFFERENCE, f"{label}的实地值与记录一致，应列为核实一致",
                                f"{where}.observed"))
            continue
        reason = item.reason.strip()
        if not reason:
            errors.append(_fail(Code.REASON_REQUIRED, f"{label}与记录不一致，应写明原因",
                                f"{where}.reason"))
        differences.append({"field": name, "recorded": fields.as_json(
            fields.normalized(name, recorded[name])), "observed": fields.as_json(observed),
            "reason": reason})
    return errors, differences


def _finding_kind(name: str, recorded) -> str:
    if name == "grade":
        return FindingKind.WRONG_GRADE
    if fields.normalized(name, recorded) is None:
        return FindingKind.MISSING_FIELD
    return FindingKind.WRONG_FIELD


@transaction.atomic
def record_verification(house: House, cmd: RecordVerification, *, acting_user,
                        origin: Origin | None = None, today: date | None = None) -> Verification:
    """Record a field-by-field comparison of the house with its record. Each difference needs
    a reason and becomes a finding for the township, due by the profile's deadline (R-CJ-3)."""
    check(acting_user, "quality.verify")
    if not covers(acting_user.scope, house.division_code):
        raise NotFound()
    today = today or timezone.localdate()
    verified_on = cmd.verified_on
    errors = date_errors(verified_on, "verified_on", "核实日期", today)
    recorded = fields.recorded_values(house)
    seen: set[str] = set()
    more, differences = _check_differences(cmd.differences, recorded, today, seen)
    errors += more
    confirmed = []
    for i, name in enumerate(cmd.confirmed):
        if name not in fields.VERIFIABLE:
            errors.append(_fail(Code.CHOICE_INVALID, f"核实一致的字段“{name}”不是可核实的字段",
                                f"confirmed[{i}]"))
        elif name in seen:
            errors.append(_fail(Code.FIELD_DUPLICATE, f"{fields.VERIFIABLE[name].label}重复核实",
                                f"confirmed[{i}]"))
        else:
            seen.add(name)
            confirmed.append(name)
    if not seen and not errors:
        errors.append(_fail(Code.NOTHING_COMPARED, "至少应核实一个字段", "differences"))
    note = cmd.note.strip()
    raise_if(errors)

    verification = Verification.objects.create(
        house=house, division_code=house.division_code, verified_on=verified_on,
        verifier=acting_user, differences=differences, confirmed=confirmed, note=note)
    earlier = {f.field: f for f in Finding.objects.select_for_update().filter(
        house=house, rule=VERIFICATION_RULE, status=FindingStatus.OPEN)}
    # A new look on site replaces an earlier one on the same field: a different observed
    # value, or a record now confirmed as right.
    stale = [f.pk for name, f in earlier.items()
             if (name in confirmed and not fields.same(name, recorded[name], f.expected))
             or any(d["field"] == name and not fields.same(name, d["observed"], f.expected)
                    for d in differences)]
    close_findings(stale, today=today, actor=acting_user, action=EventAction.SUPERSEDED,
                   note=f"被 {verified_on:%Y-%m-%d} 的核实取代", announce=False)
    deadline = profile_for(house.division_code, today).finding_deadline_days
    for d in differences:
        name = d["field"]
        if name in earlier and earlier[name].pk not in stale:
            continue  # the same difference is already open
        label = fields.VERIFIABLE[name].label
        message = (f"点对点核实：{label}记录为“{fields.shown(name, d['recorded'])}”，实地为"
                   f"“{fields.shown(name, d['observed'])}”（{d['reason']}）")
        open_findings([NewFinding(house.pk, house.division_code,
                                  _finding_kind(name, recorded[name]), VERIFICATION_RULE, name,
                                  message)],
                      source=FindingSource.VERIFICATION, today=today,
                      deadline_days=lambda _code: deadline, actor=acting_user,
                      note=d["reason"], verification=verification, expected=d["observed"],
                      announce=False)
    RecordEvent.objects.create(
        actor=acting_user, action="verification_recorded", house=house,
        division_code=house.division_code,
        changes={"verification": verification.pk, "verified_on": str(verified_on),
                 "differences": [d["field"] for d in differences], "confirmed": confirmed})
    audit(Action.TRANSITION, actor=acting_user, obj=verification, origin=origin,
          details={"workflow": "quality", "action": "verify",
                   "differences": [d["field"] for d in differences], "superseded": len(stale)})
    # Once: the house's file gained a verification and its open findings changed, so the
    # phones and the statistics read it again.
    records_changed(houses=[house.pk])
    return verification


# --- 面对面抽查 ---------------------------------------------------------------------------


@transaction.atomic
def draw_spot_check(cmd: DrawSpotCheck, *, acting_user, origin: Origin | None = None,
                    today: date | None = None) -> SpotCheck:
    """Draw `per_township` houses at random from each township of `division` for a face-to-face
    check. The same seed over the same houses draws the same sample."""
    check(acting_user, "quality.verify")
    division = check_division(acting_user, cmd.division)
    per_township, seed = cmd.per_township, cmd.seed
    if not 1 <= per_township <= SPOT_CHECK_MAX:
        raise _fail(Code.PER_TOWNSHIP_OUT_OF_RANGE,
                    f"每个乡镇抽取的房屋应在 1 到 {SPOT_CHECK_MAX} 栋之间", "per_township")
    if seed is None:
        seed = secrets.randbelow(2**31)
    elif not 0 <= seed < SEED_LIMIT:
        raise _fail(Code.SEED_INVALID, "随机种子应为非负整数", "seed")
    by_township: dict[str, list[int]] = {}
    # R-CJ-8a: a house pulled down is not visited
    for pk, code in House.objects.standing().filter(within(division)).order_by("id").values_list(
            "id", "division_code"):
        by_township.setdefault(code[:Level.TOWNSHIP], []).append(pk)
    if not by_township:
        raise _fail(Code.NO_HOUSES, "该区划内没有房屋，无法抽查", "division")
    spot_check = SpotCheck.objects.create(
        division_code=division, drawn_on=today or timezone.localdate(),
        per_township=per_township, seed=seed, drawn_by=acting_user)
    rows = []
    for township, ids in sorted(by_township.items()):
        # One generator per township: a township's sample does not depend on the others.
        sample = random.Random(f"{seed}:{township}").sample(ids, min(per_township, len(ids)))
        rows += [SpotCheckHouse(spot_check=spot_check, house_id=pk, township_code=township)
                 for pk in sorted(sample)]
    SpotCheckHouse.objects.bulk_create(rows)
    audit(Action.TRANSITION, actor=acting_user, obj=spot_check, origin=origin,
          details={"workflow": "quality", "action": "spot_check", "houses": len(rows),
                   "seed": seed})
    return spot_check


def townships_of(prefix: str) -> list[str]:
    """Township codes at or under `prefix` in the division tree."""
    if len(prefix) >= Level.TOWNSHIP:
        return [prefix[:Level.TOWNSHIP]]
    return list(Division.objects.filter(within(prefix, "code"), level=Level.TOWNSHIP)
                .order_by("code").values_list("code", flat=True))
