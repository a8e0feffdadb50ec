"""The doors of the villagers' side: a sign by its token (public: answers None for unknown
and revoked alike), the township's signs and leads through the ledger's scope."""

from datetime import date

from anju.divisions.scope import narrowed, not_found
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
