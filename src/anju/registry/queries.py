"""The one door to registry records: every read goes through these scoped functions."""

import re

from django.db.models import Q

from anju.crypto import lookup_hash
from anju.divisions.scope import narrowed, not_found, scoped
from anju.registry.models import Attachment, House, Household, Member

_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")


def looks_like_id_number(text: str) -> bool:
    return bool(_ID_NUMBER.match(text))


def households_for_user(user, *, division: str | None = None, q: str | None = None):
    """Households in scope; `q` is a head name fragment, or an 18-character ID number matched
    exactly (a head's or a member's)."""
    queryset = narrowed(user, Household.objects.all(), division)
    q = (q or "").strip()
    if q and looks_like_id_number(q):
        digest = lookup_hash(q)  # numbers are encrypted: compare their keyed hashes
        queryset = queryset.filter(
            Q(head_id_hash=digest) | Q(pk__in=Member.objects.filter(id_number_hash=digest)
                                       .values("household_id")))
    elif q:
        queryset = queryset.filter(head_name__contains=q)
    return queryset


def get_household_for_user(user, household_id: int) -> Household:
    household = scoped(user, Household.objects.filter(pk=household_id)).first()
    if household is None:
        raise not_found(Household, pk=household_id)
    return household


def house_search_q(q: str, *, via: str = "") -> Q:
    """What a clerk types in a search box: an address fragment, the head's full name or an ID
    number (the head's or a member's). `via` names the path to the house from another model,
    e.g. "house__" for ledger entries."""
    q = q.strip()
    if looks_like_id_number(q):
        # An ID number is matched exactly, never as a fragment (R-CJ-3: one person, one record).
        digest = lookup_hash(q)
        return (Q(**{f"{via}household__head_id_hash": digest})
                | Q(**{f"{via}household_id__in": Member.objects.filter(id_number_hash=digest)
                       .values("household_id")}))
    return Q(**{f"{via}address__contains": q}) | Q(**{f"{via}household__head_name": q})


def houses_for_user(user, *, division: str | None = None,
                    grade: str | list[str] | None = None,
                    occupancy: str | None = None, use: str | None = None,
                    household_id: int | None = None, q: str | None = None,
                    status: str = "standing"):
    """Houses in scope, priority houses first (R-CJ-1), then by village and record; standing
    houses only unless `status` says `demolished` or `all` (R-CJ-8a)."""
    queryset = narrowed(user, House.objects.all(), division)
    # One filter() of every condition: each call copies and re-plans the query in Python.
    conditions = {"status": status} if status != "all" else {}
    if isinstance(grade, (list, tuple, set, frozenset)):
        conditions["grade__in"] = grade
    elif grade:
        conditions["grade"] = grade
    if occupancy:
        conditions["occupancy"] = occupancy
    if use:
        conditions["use"] = use
    if household_id:
        conditions["household_id"] = household_id
    q = (q or "").strip()
    # Naming both values of is_priority lets SQLite and PostgreSQL walk house_list_status_idx
    # as two ordered range scans instead of sorting every house in the range (bench/).
    return queryset.filter(house_search_q(q) if q else Q(), is_priority__in=(True, False),
                           **conditions).order_by("-is_priority", "division_code", "id")


def house_columns_for_user(user, *columns):
    """The columns of houses in scope, as named tuples: a list's rows, once its keys are chosen
    (anju.web.pages.KeysFirst)."""
    return scoped(user, House.objects.all()).values_list(*columns, named=True)


def get_house_for_user(user, house_id: int) -> House:
    house = scoped(user, House.objects.filter(pk=house_id)).first()
    if house is None:
        raise not_found(House, pk=house_id)
    return house


def attachments_for_user(user, *, house: House | None = None,
                         household: Household | None = None):
    """The photos and scans on a house's or a household's file, oldest first."""
    queryset = scoped(user, Attachment.objects.all())
    if house is not None:
        queryset = queryset.filter(house=house)
    if household is not None:
        queryset = queryset.filter(household=household)
    return queryset.order_by("id")


def get_attachment_for_user(user, attachment_id: int, *, house: House | None = None,
                            household: Household | None = None) -> Attachment:
    attachment = attachments_for_user(user, house=house, household=household).filter(
        pk=attachment_id).first()
    if attachment is None:
        raise not_found(Attachment, pk=attachment_id)
    return attachment
