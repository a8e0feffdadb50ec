"""The doors of the villagers' side: a sign by its token (public: answers None for unknown
and revoked alike), the township's signs and leads through the ledger's scope."""

from dataclasses import dataclass
from datetime import date

from anju.assistance.codes import Action as CaseAction
from anju.assistance.codes import NoticeContent
from anju.assistance.models import Application, Transition
from anju.assistance.present import notice_batch
from anju.divisions.queries import place_names
from anju.divisions.scope import narrowed, not_found
from anju.policy.rules import profile_for
from anju.public import rules
from anju.public.codes import LeadStatus
from anju.public.models import NoticeLink, SignToken, TownshipPhone, VillagerReport
from anju.public.rules import token_hash
from anju.rectification.queries import ledger_for_user
from anju.rectification.transitions import open_statuses


def live_sign(token: str) -> SignToken | None:
    """The live sign a token names, or None: an unknown, malformed or revoked token is one
    answer."""
    if not token or len(token) > 100:
        return None
    return (SignToken.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
            .select_related("entry").first())


def notice_by_token(token: str) -> NoticeLink | None:
    if not token or len(token) > 100:
        return None
    return (NoticeLink.objects.filter(token_hash=token_hash(token))
            .select_related("notice", "notice__application").first())


def signable_entries(user, *, division: str | None = None):
    """The entries whose house carries a warning sign: on the ledger, not signed off."""
    return ledger_for_user(user, division=division).filter(status__in=open_statuses())


def live_signs(entry_ids) -> dict[int, SignToken]:
    return {s.entry_id: s for s in SignToken.objects.filter(entry_id__in=list(entry_ids),
                                                            revoked_at__isnull=True)}


def township_phone(division_code: str) -> str:
    return (TownshipPhone.objects.filter(division_code=division_code[:9])
            .values_list("phone", flat=True).first() or "")


def leads_for_user(user, *, division: str | None = None, status: str | None = None,
                   overdue_on: date | None = None):
    """村民监督线索 in the user's scope (narrowed to the ledger entries the user reads)."""
    leads = narrowed(user, VillagerReport.objects.all(), division).filter(
        entry__in=ledger_for_user(user).values("pk"))
    if status:
        leads = leads.filter(status=status)
    if overdue_on:
        leads = leads.filter(status=LeadStatus.OPEN, due_on__lt=overdue_on)
    return leads


def get_lead_for_user(user, lead_id: int) -> VillagerReport:
    lead = leads_for_user(user).filter(pk=lead_id).select_related("entry", "entry__house").first()
    if lead is None:
        raise not_found(VillagerReport, pk=lead_id)
    return lead


@dataclass(frozen=True)
class PublicNotice:
    """What the online list of a notice shows today (R-MH-4, rules.names_published): `rows`
    are (head's name, village, method, review result), empty outside the period or when the
    notice did not publish its recipients; `count` is the number of households listed."""

    notice: object
    place: str
    state: str  # "before", "up" or "ended"
    contents: tuple[str, ...]
    rows: list[tuple[str, str, str, str]]
    count: int
    policy: str
    sources: str
    caps: list[tuple[str, object]]


def public_notice(notice, today: date) -> PublicNotice:
    contents = tuple(notice.contents or NoticeContent.values)  # unrecorded: the paper's four
    batch = list(notice_batch(notice, Application.objects.all()))
    state = ("before" if today < notice.starts_on else "ended" if today > notice.ends_on
             else "up")
    rows = []
    if NoticeContent.RECIPIENTS in contents and rules.names_published(
            notice.starts_on, notice.ends_on, today):
        places = place_names({n.application.division_code for n in batch})
        stage = {}
        for details, source in (Transition.objects.filter(
                action=CaseAction.PUBLISH_NOTICE, application_id__in=[
                    n.application_id for n in batch]).values_list("details", "from_status")):
            stage[(details or {}).get("notice")] = source
        show_review = NoticeContent.REVIEW_RESULT in contents
        rows = [(rules.public_name(n.application.household.head_name),
                 places.get(n.application.division_code, ""),
                 n.application.get_method_display(),
                 rules.REVIEW_RESULTS.get(stage.get(n.pk), "") if show_review else "")
                for n in batch]
    profile = profile_for(notice.application.division_code, notice.starts_on)
    caps = [("C 级危房维修加固", profile.cap_c_repair), ("D 级危房拆除重建", profile.cap_d_rebuild),
            ("无房户新建", profile.cap_new_build), ("保障性公有住房", profile.cap_public_housing)]
    place = place_names([notice.division_code]).get(notice.division_code, "").replace(" ", "")
    return PublicNotice(notice, place, state, contents, rows, len(batch),
                        rules.POLICY_SUMMARY, f"{profile.name}（{'、'.join(profile.sources)}）",
                        caps)
