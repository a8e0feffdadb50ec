"""Loading `HouseFacts` for many houses at once: one query for the house rows and one per kind
of related record the checks need, never one per house, and no model instances (the sweep
reads a county of 300,000 houses through here)."""

from django.db import connections
from django.db.models import (
    Count,
    Exists,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast

from anju.appraisal.models import Appraisal, Screening
from anju.divisions.boxes import county_box
from anju.divisions.models import Division
from anju.divisions.scope import within
from anju.quality.models import ValidIdHash
from anju.quality.rules import (
    APPRAISAL,
    ID_NUMBERS,
    MEMBERS,
    RESPONSIBLE,
    SCREENING,
    Context,
    HouseFacts,
    LatestAppraisal,
)
from anju.registry import bulk
from anju.registry.models import Household, Member, ResponsiblePerson
from anju.registry.rules import id_number_valid

HOUSE_COLUMNS = ("id", "division_code", "household_id", "household__head_name",
                 "household__head_id_hash", "structure", "floors", "build_year_band",
                 "built_year", "lat_value", "lng_value", "area_value", "grade", "use",
                 "occupancy", "only_house")
# Houses a sweep reads and writes in one transaction. SQLite holds its one write lock that
# long, so it gets smaller chunks; PostgreSQL joins a chunk's households by hashing the whole
# table at county scale, so fewer, larger chunks pay there.
CHUNK_SIZE = {"sqlite": 20000, "postgresql": 50000}
DENSE = 1 / 3  # share of a stretch of house ids that makes reading it in id order pay
ID_CHECK = "id_number_invalid"


def _not_known_valid(hash_field: str):
    # Matched by the database in a subquery, never through long lists of values that Django
    # would prepare one parameter at a time.
    return ~Exists(ValidIdHash.objects.filter(hash=OuterRef(hash_field)))


class Chunk:
    """Some houses, and how to select the rows of other tables that belong to them."""

    def __init__(self, houses: QuerySet, id_range: tuple[int, int] | None = None):
        self.houses = houses
        self.id_range = id_range

    def of_houses(self, field: str = "house_id") -> Q:
        """Rows whose `field` names one of these houses. An id range selects rows of houses
        of other divisions too; they simply find no facts to join."""
        if self.id_range is not None:
            low, high = self.id_range
            if high == low + 1:  # one house: an equality the (house, ...) indexes serve
                return Q(**{field: low})
            return Q(**{f"{field}__gte": low, f"{field}__lt": high})
        return Q(**{f"{field}__in": self.houses.order_by().values("id")})


def load_facts(houses: QuerySet | Chunk, needs: frozenset) -> list[HouseFacts]:
    """The facts of every house in `houses`, in the queryset's order."""
    chunk = houses if isinstance(houses, Chunk) else Chunk(houses)
    houses = chunk.houses
    # Numbers are read as floats and the flag as 0/1: the checks compare them with limits, and
    # a column without a converter costs a fraction of a Decimal or a bool on SQLite.
    rows = houses.annotate(
        lat_value=Cast("lat", FloatField()), lng_value=Cast("lng", FloatField()),
        area_value=Cast("floor_area", FloatField()),
        only_house=Cast("is_only_house", IntegerField()),
    ).values_list(*HOUSE_COLUMNS)
    facts = [HouseFacts(*row) for row in rows]
    if not facts:
        return facts
    if ID_NUMBERS in needs:
        _load_head_id_numbers(facts, houses)
    ids = chunk.of_houses()
    if MEMBERS in needs:
        _load_members(facts, houses)
    if RESPONSIBLE in needs:
        roles: dict[int, set] = {}
        for house_id, role in ResponsiblePerson.objects.filter(ids).values_list(
                "house_id", "role"):
            roles.setdefault(house_id, set()).add(role)
        for f in facts:
            if f.id in roles:
                f.responsible_roles = frozenset(roles[f.id])
    if SCREENING in needs:
        latest = {}
        for house_id, result, checked_on in Screening.objects.filter(ids).order_by(
                "house_id", "checked_on", "id").values_list("house_id", "result", "checked_on"):
            latest[house_id] = (result, checked_on)
        for f in facts:
            f.screening = latest.get(f.id)
    if APPRAISAL in needs:
        latest = {}
        for house_id, *values in Appraisal.objects.filter(ids).order_by(
                "house_id", "appraised_on", "id").values_list(
                "house_id", "method", "appraised_on", "site", "components", "computed_grade",
                "grade", "override_reason", "component_photos"):
            latest[house_id] = values
        for f in facts:
            if (values := latest.get(f.id)) is not None:
                f.appraisal = LatestAppraisal(*values)
    return facts


def _load_head_id_numbers(facts: list[HouseFacts], houses: QuerySet) -> None:
    # R-CJ-3 ID checks: decrypt only the numbers not already known to be valid; the others
    # are known valid by their hash.
    unknown = dict(Household.objects.filter(pk__in=houses.order_by().values("household_id"))
                   .exclude(head_id_hash="").filter(_not_known_valid("head_id_hash"))
                   .values_list("pk", "head_id_number"))
    for f in facts:
        if f.head_id_hash:
            f.head_id_number = unknown.get(f.household_id)
            f.head_id_known_valid = f.head_id_number is None


def _load_members(facts: list[HouseFacts], houses: QuerySet) -> None:
    members_of = Member.objects.filter(household_id__in=houses.order_by().values("household_id"))
    rows = list(members_of.order_by("household_id", "id").values_list(
        "pk", "household_id", "name", "id_number_hash"))
    if not rows:
        return
    numbers = dict(members_of.exclude(id_number_hash="").filter(
        _not_known_valid("id_number_hash")).values_list("pk", "id_number"))
    members: dict[int, list] = {}
    for pk, household_id, name, number_hash in rows:
        members.setdefault(household_id, []).append((name, numbers.get(pk), number_hash))
    for f in facts:
        if f.household_id in members:
            f.members = tuple(members[f.household_id])


def remember_valid_ids(facts: list[HouseFacts], hits: dict[int, dict]) -> None:
    """Put on record the hashes of the numbers decrypted for these facts that passed the ID
    check: `hits` are the findings the checks gave for each house id."""
    hashes = set()
    for f in facts:
        fired = hits.get(f.id, ())
        if f.head_id_number is not None and (ID_CHECK, "head_id_number") not in fired:
            hashes.add(f.head_id_hash)
        if f.members:
            members_fired = (ID_CHECK, "members") in fired
            hashes.update(number_hash for _, number, number_hash in f.members if number is not None
                          and (not members_fired or id_number_valid(number)))
    # Only numbers found unknown in this transaction were decrypted, so none of these is on
    # record yet (a set keeps a number seen as a head and as a member once); a sweep that races
    # with a save on the same number fails on the key and reads its chunk again.
    if hashes:  # in key order: the index takes them page by page
        bulk.insert_rows(ValidIdHash, ("hash",), ((h,) for h in sorted(hashes)))


def context_for(division: str, today) -> Context:
    """Checks' context for a sweep of `division`: its division codes are read once."""
    known = set(Division.objects.filter(within(division, "code")).values_list("code", flat=True))
    return Context(today=today, division_exists=known.__contains__, county_box=county_box)


def context_for_house(today) -> Context:
    return Context(today=today,
                   division_exists=lambda code: Division.objects.filter(code=code).exists(),
                   county_box=county_box)


def chunks(houses: QuerySet, size: int | None = None):
    """`houses` in chunks of about `size` houses each.

    `houses` must be narrowed by division only (scope, prefixes, villages left out). When the
    division's houses fill most of their stretch of the table, as a county's do, the chunks
    are id ranges: the rows are read in table order, several to a page, at a fraction of the
    cost of seeking each one. Otherwise (a township among many) a chunk is a run of whole
    villages, named by their codes (`division_code IN (...)`): equality seeks on the
    (division_code, id) index. Kept beside the division's own range, SQLite would seek by
    that range instead and read the whole division for each chunk.
    """
    size = size or CHUNK_SIZE.get(connections[houses.db].vendor, CHUNK_SIZE["sqlite"])
    stats = houses.aggregate(n=Count("id"), low=Min("id"), high=Max("id"))
    if not stats["n"]:
        return
    span = stats["high"] - stats["low"] + 1
    if stats["n"] / span >= DENSE:
        step = max(size * span // stats["n"], 1)
        for start in range(stats["low"], stats["high"] + 1, step):
            yield Chunk(houses.filter(id__gte=start, id__lt=start + step),
                        (start, start + step))
        return
    villages = (houses.order_by("division_code").values_list("division_code")
                .annotate(n=Count("id")))
    everything = houses.model.objects.all()
    codes, count = [], 0
    for code, n in villages:
        codes.append(code)
        count += n
        if count >= size:
            yield Chunk(everything.filter(division_code__in=codes))
            codes, count = [], 0
    if codes:
        yield Chunk(everything.filter(division_code__in=codes))
