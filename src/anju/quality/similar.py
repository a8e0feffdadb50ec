"""举一反三 (R-CJ-3): from one finding, the houses of the county's other townships with the same
problem, and the notices that tell those townships to look for it."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.audit.actions import record as audit
from anju.audit.models import Action
from anju.divisions.models import Level
from anju.divisions.queries import names_for
from anju.divisions.scope import covers, within
from anju.kit.origin import Origin
from anju.quality import fields
from anju.quality.actions import deadline_resolver, townships_of
from anju.quality.facts import chunks, context_for, load_facts
from anju.quality.models import (
    EventAction,
    Finding,
    FindingEvent,
    FindingSource,
    FindingStatus,
    Notice,
)
from anju.quality.reconcile import NewFinding, open_findings
from anju.quality.rules import BY_CODE, RULE_LABELS, VERIFICATION_RULE, evaluate
from anju.registry.models import House


@dataclass(frozen=True)
class Match:
    house_id: int
    division_code: str
    kind: str
    field: str
    message: str
    open_finding_id: int | None

    @property
    def township_code(self) -> str:
        return self.division_code[:Level.TOWNSHIP]


def search_area(user, finding: Finding) -> str | None:
    """The part of the finding's county the caller can see, or None."""
    county = finding.division_code[:6]
    if covers(user.scope, county):
        return county
    if covers(county, user.scope):
        return user.scope
    return None


def similar_cases(finding: Finding, *, acting_user, today: date | None = None) -> list[Match]:
    """The houses of the other townships of the finding's county (inside the caller's scope)
    with the same problem, by village code.

    For a rule of grading.md §4 the rule is run afresh on those houses, so houses no sweep has
    reached yet are found too. A verification mismatch is something seen on site, which no
    record shows by itself: there "the same problem" means the houses whose record of the same
    field is already known to be wrong, that is with an open finding on that field.
    """
    check(acting_user, "quality.view")
    area = search_area(acting_user, finding)
    if area is None:
        return []
    houses = House.objects.filter(within(area)).exclude(within(finding.township_code))
    if finding.rule == VERIFICATION_RULE:
        seen = {}
        for pk, house_id, code, kind, message in Finding.objects.filter(
                within(area), status=FindingStatus.OPEN, field=finding.field).exclude(
                within(finding.township_code)).order_by("division_code", "house_id", "id") \
                .values_list("pk", "house_id", "division_code", "kind", "message"):
            seen.setdefault(house_id, Match(house_id, code, kind, finding.field, message, pk))
        return list(seen.values())
    rule = BY_CODE.get(finding.rule)
    if rule is None:
        return []
    today = today or timezone.localdate()
    ctx = context_for(area, today)
    already = {(house_id, field): pk for pk, house_id, field in Finding.objects.filter(
        within(area), status=FindingStatus.OPEN, rule=rule.code).values_list(
        "pk", "house_id", "field")}
    matches = []
    for chunk in chunks(houses):
        for facts in load_facts(chunk, rule.needs):
            for (_, field), (kind, message) in evaluate(facts, ctx, (rule,)).items():
                matches.append(Match(facts.id, facts.division_code, kind, field, message,
                                     already.get((facts.id, field))))
    return sorted(matches, key=lambda m: (m.division_code, m.house_id, m.field))


def by_township(matches: list[Match]) -> dict[str, list[Match]]:
    grouped: dict[str, list[Match]] = {}
    for m in matches:
        grouped.setdefault(m.township_code, []).append(m)
    return grouped


def _notice_text(finding: Finding, found_in: str, count: int) -> str:
    if finding.rule == VERIFICATION_RULE:
        label = fields.field_label(finding.field)
        return (f"{found_in}点对点核实发现房屋“{label}”与实际不符（{finding.message}）。"
                f"请举一反三，核对本乡镇房屋的{label}；"
                f"目前本乡镇已有 {count} 栋房屋的该项存在问题。")
    return (f"{found_in}发现“{RULE_LABELS.get(finding.rule, finding.rule)}”问题"
            f"（{finding.message}）。请举一反三，排查本乡镇同类问题；系统核查发现本乡镇有 {count} "
            "栋房屋存在同一问题，已列入问题清单。")


@transaction.atomic
def notify_similar(finding: Finding, *, acting_user, origin: Origin | None = None,
                   today: date | None = None) -> dict:
    """Tell the other townships of the county about the finding's problem: one notice per
    township, and a finding (source "similar") for each of their houses where the rule fires.
    Calling it again adds nothing already there. Returns {notices, created, opened}."""
    check(acting_user, "quality.verify")
    today = today or timezone.localdate()
    matches = similar_cases(finding, acting_user=acting_user, today=today)
    grouped = by_township(matches)
    if finding.rule == VERIFICATION_RULE:
        # Something seen on site can hide in any township's records: every other township
        # of the county in the caller's scope is told, whether or not a house is known yet.
        area = search_area(acting_user, finding)
        townships = [t for t in (townships_of(area) if area else [])
                     if t != finding.township_code]
    else:
        townships = sorted(grouped)
    fresh = [m for m in matches if m.open_finding_id is None]
    opened = open_findings(
        [NewFinding(m.house_id, m.division_code, m.kind, finding.rule, m.field, m.message)
         for m in fresh],
        source=FindingSource.SIMILAR, today=today, deadline_days=deadline_resolver(today),
        actor=acting_user, note=f"举一反三：由问题 #{finding.pk} 发现")
    told = set(Notice.objects.filter(finding=finding).values_list("township_code", flat=True))
    found_in = names_for([finding.township_code]).get(finding.township_code, "")
    notices = Notice.objects.bulk_create([
        Notice(township_code=t, finding=finding, rule=finding.rule,
               message=_notice_text(finding, found_in, len(grouped.get(t, [])))[:400],
               house_count=len(grouped.get(t, [])), created_by=acting_user)
        for t in townships if t not in told])
    audit(Action.TRANSITION, actor=acting_user, obj=finding, origin=origin,
          details={"workflow": "quality", "action": "notify_similar",
                   "notices": len(notices), "opened": len(opened)})
    if notices:
        names = names_for([n.township_code for n in notices])
        FindingEvent.objects.create(
            finding=finding, action=EventAction.NOTIFIED, actor=acting_user,
            note=("已通知：" + "、".join(names.get(n.township_code, n.township_code)
                                     for n in notices))[:300])
    return {"notices": list(Notice.objects.filter(finding=finding).order_by("township_code")),
            "created": len(notices), "opened": len(opened)}
