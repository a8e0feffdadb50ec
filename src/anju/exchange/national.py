"""What the national layouts (national-exchange.md N1–N5, L1) may take from Anju: the named
accessors a layout file's columns name, the records each layout reads, and the counts of the
supervision matrix.

A layout file says only which accessor fills a column and how its codes read nationally; what
an accessor means is here, in code, so that a file can be corrected without a release but
cannot run anything. An accessor gives a plain value, an Anju code, a list of codes or None;
None (or "") is "not known", and the export leaves the cell empty rather than guess.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, TextField
from django.db.models.functions import Cast, Length, Substr

from anju.divisions.models import Division
from anju.divisions.scope import narrowed, within
from anju.kit import keyset
from anju.rectification.models import LedgerEntry, Measure
from anju.registry.codes import (
    BUSINESS_USES,
    Alteration,
    BuildMethod,
    BusinessUse,
    Energy,
    Grade,
    LandType,
    LowIncomeCategory,
    ScreeningResult,
    StoreyBand,
    Structure,
)

YES_NO = ("yes", "no")
BANDS_FIVE = ("≤1980", "1981-1990", "1991-2000", "2001-2010", "≥2011")
BANDS_SIX = ("≤1980", "1981-1990", "1991-2000", "2001-2010", "2011-2015", "≥2016")
BAND_SETS = {"five": BANDS_FIVE, "six": BANDS_SIX}
SECURITY_OUTCOMES = ("appraised_safe", "renovated", "secured")
# The three classes of 住房安全有保障 (national-exchange.md N5), by the route of a finished case.
RENOVATION_METHODS = ("repair_reinforce", "rebuild", "new_build", "buy_idle")
SECURING_METHODS = ("collective_build", "renovate_idle", "public_rental", "relatives",
                    "nursing_home", "turnover")
CASE_DONE = ("accepted", "paid", "closed")


@dataclass(frozen=True)
class Context:
    names: dict  # division code -> name
    reveal: bool  # the caller may see ID numbers in full


@dataclass(frozen=True)
class Accessor:
    paths: tuple[str, ...]  # the values_list paths it reads
    get: Callable  # (row: dict, ctx: Context) -> value, code, list of codes or None
    domain: tuple[str, ...] | None = None  # the Anju codes it can give: mapped by the layout
    band_set: str = ""  # the build-year band set it gives, if any
    text: str = ""  # what it is, for the layout files' readers
    # when the record must have a value here (the incomplete-rows report): e.g. a business
    # approval only for a house used for business; reads `when_paths`
    when: Callable | None = None
    when_paths: tuple[str, ...] = ()

    def only_if(self, paths: tuple[str, ...], when: Callable) -> "Accessor":
        from dataclasses import replace

        return replace(self, when=when, when_paths=paths)


def plain(path: str, text: str = "") -> Accessor:
    return Accessor((path,), lambda r, c: r[path], text=text)


def number(path: str, text: str = "") -> Accessor:
    return Accessor((path,), lambda r, c: None if r[path] is None else float(r[path]), text=text)


def date(path: str, text: str = "") -> Accessor:
    return Accessor((path,), lambda r, c: r[path].strftime("%Y-%m-%d") if r[path] else None,
                    text=text)


def coded(path: str, choices, text: str = "", skip: tuple = ()) -> Accessor:
    values = tuple(v for v in choices.values if v not in skip)
    return Accessor((path,), lambda r, c: r[path] if r[path] in values else None, values,
                    text=text)


def flag(path: str, text: str = "") -> Accessor:
    def get(r, c):
        value = r[path]
        return None if value is None else ("yes" if value else "no")

    return Accessor((path,), get, YES_NO, text=text)


def many(path: str, choices, text: str = "") -> Accessor:
    return Accessor((path,), lambda r, c: list(r[path] or []) or None, tuple(choices.values),
                    text=text)


def id_number(path: str, text: str = "") -> Accessor:
    from anju.kit.masks import mask_id_number

    def get(r, c):
        value = r[path] or ""
        return (value if c.reveal else mask_id_number(value)) or None

    return Accessor((path,), get, text=text)


def division(width: int, text: str) -> Accessor:
    return Accessor(("division_code",),
                    lambda r, c: c.names.get((r["division_code"] or "")[:width]) or None,
                    text=text)


def year_band(path: str, bands: str) -> Accessor:
    edges = ((1980, "≤1980"), (1990, "1981-1990"), (2000, "1991-2000"), (2010, "2001-2010"))
    edges += ((2015, "2011-2015"),) if bands == "six" else ()
    last = BAND_SETS[bands][-1]

    def get(r, c):
        year = r[path]
        if year is None:
            return None
        return next((band for edge, band in edges if year <= edge), last)

    return Accessor((path,), get, BAND_SETS[bands], band_set=bands,
                    text=f"建造年代（{'六' if bands == 'six' else '五'}档）")


def _is_business(r, c):
    return "yes" if r["use"] in BUSINESS_USES else "no"


def _measure(r, name):
    # a house never on the ledger needs no measure: the cell stays empty
    if not r["on_ledger"]:
        return None
    return "yes" if r[name] else "no"


def _grade(r, c):
    return r["grade"] if r["grade"] in ("A", "B", "C", "D") else None


def _outcome(r, c):
    method = r["done_method"]
    if method in RENOVATION_METHODS:
        return "renovated"
    if method in SECURING_METHODS:
        return "secured"
    return "appraised_safe" if r["safe_house"] else None


PLACE = {
    "division.code": plain("division_code", "区划代码（12 位）"),
    "division.province": division(2, "省"), "division.city": division(4, "市"),
    "division.county": division(6, "县"), "division.township": division(9, "乡镇"),
    "division.village": division(12, "村"),
    "blank": Accessor((), lambda r, c: None, text="Anju 没有此项：留空"),
}

HOUSE_FIELDS = {
    **PLACE,
    "house.id": plain("id", "安居房屋编号"),
    "house.national_code": Accessor(("national_code",), lambda r, c: r["national_code"] or None,
                                    text="全国房屋编码"),
    "house.address": plain("address"),
    "owner.name": plain("household__head_name", "户主/产权人"),
    "owner.id_number": id_number("household__head_id_number", "户主身份证号（按角色脱敏）"),
    "house.floors": plain("floors", "层数"),
    "house.storey_band": coded("storey_band", StoreyBand),
    "house.local_floors": plain("local_floors", "局部层数"),
    "house.height": number("height", "房屋高度（米）"),
    "house.floor_area": number("floor_area"),
    "house.built_year": plain("built_year"),
    "house.build_year_band5": year_band("built_year", "five"),
    "house.build_year_band6": year_band("built_year", "six"),
    "house.structure": coded("structure", Structure),
    "house.build_method": coded("build_method", BuildMethod),
    "house.land_type": coded("land_type", LandType),
    "house.homestead_permit": flag("homestead_permit"),
    "house.planning_permit": flag("planning_permit"),
    "house.completion_permit": flag("completion_permit"),
    "house.registration_permit": flag("registration_permit"),
    "house.altered": flag("altered"),
    "house.alteration_count": plain("alteration_count").only_if(
        ("altered",), lambda r: r["altered"]),
    "house.alterations": many("alterations", Alteration).only_if(
        ("altered",), lambda r: r["altered"]),
    "house.is_business": Accessor(("use",), _is_business, YES_NO, text="是否用作经营（由用途）"),
    "house.business_approval": flag("business_approval").only_if(
        ("use",), lambda r: r["use"] in BUSINESS_USES),
    "house.business_use": coded("business_use", BusinessUse).only_if(
        ("use",), lambda r: r["use"] in BUSINESS_USES),
    "house.heating_energy": coded("heating_energy", Energy),
    "house.cooking_energy": coded("cooking_energy", Energy),
    "house.screening_result": coded("screening_result", ScreeningResult),
    "house.grade": Accessor(("grade",), _grade, ("A", "B", "C", "D"), text="鉴定结论",
                            when=lambda r: r["grade"] != Grade.UNRATED, when_paths=("grade",)),
    "house.appraised": Accessor(("grade",), lambda r, c: "no" if r["grade"] == Grade.UNRATED
                                else "yes", YES_NO, text="是否经过安全鉴定"),
    "house.appraised_on": date("appraised_on", "最近一次鉴定日期").only_if(
        ("grade",), lambda r: r["grade"] != Grade.UNRATED),
    "house.lat": number("lat"), "house.lng": number("lng"),
    "house.control_measure": Accessor(("on_ledger", "control_measure"),
                                      lambda r, c: _measure(r, "control_measure"), YES_NO,
                                      text="管理措施（列入整治台账的房屋）"),
    "house.engineering_measure": Accessor(("on_ledger", "engineering_measure"),
                                          lambda r, c: _measure(r, "engineering_measure"),
                                          YES_NO, text="工程措施（列入整治台账的房屋）"),
}

CASE_FIELDS = {
    **PLACE,
    "case.id": plain("id", "案卷编号"),
    "case.national_code": Accessor(("house__national_code",),
                                   lambda r, c: r["house__national_code"] or None),
    "owner.name": plain("household__head_name"),
    "owner.id_number": id_number("household__head_id_number"),
    "case.persons": plain("persons"),
    "case.category": coded("category", LowIncomeCategory),
    "case.grade": Accessor(("grade",), lambda r, c: r["grade"] if r["grade"] in ("C", "D")
                           else None, ("C", "D")),
    "case.method": Accessor(("method",), lambda r, c: r["method"] or None, None),  # see below
    "case.build_mode": Accessor(("township_built",),
                                lambda r, c: "collective" if r["township_built"] else "self",
                                ("self", "collective"), text="建设方式"),
    "case.started_on": date("started_on"), "case.completed_on": date("completed_on"),
    "case.accepted_on": date("accepted_on"),
    "case.main_area": number("main_area"), "case.subsidy_amount": number("subsidy_amount"),
    "case.paid_on": date("last_paid_on", "最近一次拨付日期"),
}

HOUSEHOLD_FIELDS = {
    **PLACE,
    "household.id": plain("id", "安居农户编号"),
    "owner.name": plain("head_name"),
    "owner.id_number": id_number("head_id_number"),
    "household.persons": plain("persons"),
    "household.category": coded("low_income_category", LowIncomeCategory),
    "household.outcome": Accessor(("done_method", "safe_house"), _outcome, SECURITY_OUTCOMES,
                                  text="住房安全有保障类别"),
    "household.address": Accessor(("lived_address",), lambda r, c: r["lived_address"] or None,
                                  text="现住房地址"),
}

def _with_case_codes():
    # The case's codes come from the assistance app, which a plain install may leave out.
    if not apps.is_installed("anju.assistance"):
        return
    from anju.assistance.codes import Method

    CASE_FIELDS["case.method"] = coded("method", Method)


_with_case_codes()


# --- the records each layout reads ------------------------------------------------------------


def _appraised_on():
    from anju.appraisal.models import Appraisal

    return Subquery(Appraisal.objects.filter(house=OuterRef("pk")).order_by("-appraised_on")
                    .values("appraised_on")[:1])


def houses(user, division):
    from anju.rectification.models import LedgerEntry, Measure
    from anju.registry.models import House

    entries = LedgerEntry.objects.filter(house=OuterRef("pk"))
    measures = Measure.objects.filter(entry__house=OuterRef("pk"))
    # R-CJ-8a: the national record holds standing houses
    return narrowed(user, House.objects.standing(), division).annotate(
        appraised_on=_appraised_on(), on_ledger=Exists(entries),
        control_measure=Exists(measures.exclude(kind__in=ENGINEERING)),
        engineering_measure=Exists(measures.filter(kind__in=ENGINEERING)))


def cases(user, division):
    from anju.assistance.models import Application, Payment

    last_paid = Subquery(Payment.objects.filter(application=OuterRef("pk"))
                         .order_by("-paid_on").values("paid_on")[:1])
    # entered after approval (N3): approved cases and those further on, not the refused
    return narrowed(user, Application.objects.filter(
        approved_on__isnull=False).exclude(status__in=("rejected", "waived")),
        division).annotate(last_paid_on=last_paid)


def households(user, division):
    from anju.registry.models import House, Household

    standing = House.objects.standing().filter(household=OuterRef("pk"))
    found = narrowed(user, Household.objects.exclude(low_income_category=""), division)
    found = found.annotate(
        safe_house=Exists(standing.filter(grade__in=("A", "B"))),
        lived_address=Subquery(standing.order_by("-is_only_house", "id").values("address")[:1]))
    if apps.is_installed("anju.assistance"):
        from anju.assistance.models import Application

        done = Application.objects.filter(household=OuterRef("pk"), status__in=CASE_DONE)
        found = found.annotate(done_method=Subquery(done.order_by("-accepted_on", "-id")
                                                    .values("method")[:1]))
    else:
        from django.db.models import CharField, Value

        found = found.annotate(done_method=Value("", output_field=CharField()))
    return found


CHUNK = 2000


def by_values(found, paths: list[str]):
    """Each record as {path: value}, in the order of the national files (village, then id)."""
    for values in keyset.rows(found.order_by("division_code", "id").values_list(*paths),
                              CHUNK):
        yield dict(zip(paths, values, strict=True))


@dataclass(frozen=True)
class Source:
    records: Callable  # (user, division) -> scoped queryset with id and division_code
    fields: dict  # accessor name -> Accessor
    label: str  # the path that names a record in the incomplete-rows report
    needs: str = ""  # the app it needs
    # (records, paths) -> each record as a dict holding at least `paths`, in file order: a
    # source whose rows are derived for a whole list at once reads them its own way
    rows: Callable = by_values


SOURCES = {
    "houses": Source(houses, HOUSE_FIELDS, "address"),
    "cases": Source(cases, CASE_FIELDS, "household__head_name", needs="anju.assistance"),
    "households": Source(households, HOUSEHOLD_FIELDS, "head_name"),
}
# Sources an app above the exchange provides (its AppConfig.ready calls provide()): N4's
# monthly monitoring ledger is the monthly roster's people (anju.roster, ADR 0034), which the
# exchange may not import. Without that app the layout is not offered.
PROVIDED_FROM_ABOVE = {"monitored": "anju.roster"}


def provide(name: str, source: Source) -> None:
    if name not in PROVIDED_FROM_ABOVE:
        raise ValueError(f"no national source {name!r} is provided from above")
    SOURCES[name] = source


# --- the supervision matrix (L1) --------------------------------------------------------------


def _bands(bands: str) -> dict:
    out = {}
    for band in BAND_SETS[bands]:
        if band.startswith("≤"):
            out[band] = Q(built_year__lte=int(band[1:]))
        elif band.startswith("≥"):
            out[band] = Q(built_year__gte=int(band[1:]))
        else:
            low, high = band.split("-")
            out[band] = Q(built_year__gte=int(low), built_year__lte=int(high))
    return out


ENGINEERING = ("demolish", "rebuild", "repair_reinforce")


def _tagged(tag: str) -> Q:
    # the tags as JSON text (matrix() annotates it): one test for SQLite and PostgreSQL alike
    return Q(is_priority=True, tags_text__contains=f'"{tag}"')

def _entries(**lookups) -> Q:
    """The house has a ledger entry matching `lookups`: an EXISTS, not a join, so that a house
    on the ledger more than once counts once without COUNT(DISTINCT)."""
    return Q(Exists(LedgerEntry.objects.filter(house=OuterRef("pk"), **lookups)))


def _measures(**lookups) -> Q:
    return Q(Exists(Measure.objects.filter(entry__house=OuterRef("pk"), **lookups)))


# name -> the houses it counts (a Q over standing houses); None: Anju has no source, left empty.
MEASURES: dict[str, Q | None] = {
    "houses.screened": ~Q(screening_result=""),
    "houses.business": Q(use__in=BUSINESS_USES),
    "houses.other_use": ~Q(use__in=BUSINESS_USES),
    "land.state": Q(land_type="state"), "land.collective": Q(land_type="collective"),
    "area.urban_fringe": _tagged("urban_fringe"),
    "area.urban_village": _tagged("urban_village"),
    "area.resettlement": _tagged("resettlement"),
    "area.township_built_up": _tagged("township_built_up"),
    "area.near_school": _tagged("near_school"),
    "area.near_hospital": _tagged("near_hospital"),
    "area.near_market": _tagged("near_market"),
    "floors.above_three": Q(floors__gt=3), "floors.three_or_less": Q(floors__lte=3),
    **{f"built.{band}": q for band, q in _bands("six").items()},
    "screening.suspect": Q(screening_result__in=("serious", "some")),
    "screening.serious": Q(screening_result="serious"),
    "screening.none": Q(screening_result="none"),
    "screening.some": Q(screening_result="some"),
    "appraisal.done": ~Q(grade=Grade.UNRATED),
    **{f"appraisal.{g}": Q(grade=g) for g in "ABCD"},
    "appraisal.dangerous": Q(grade__in=("C", "D")),
    "ledger.all": _entries(),
    "ledger.open": _entries(status="open"),
    "ledger.controlled": _entries(status="controlled"),
    "ledger.done": _entries(status__in=("accepted", "closed")),
    # an entry with measures taken, none of them engineering
    "ledger.control_measure": Q(Exists(LedgerEntry.objects.filter(
        house=OuterRef("pk"), measures__isnull=False).exclude(measures__kind__in=ENGINEERING))),
    "ledger.engineering_measure": _measures(kind__in=ENGINEERING),
    "ledger.watched": _entries(status__in=("open", "controlled")),
    "unknown": None,
}
# The patrols count inspections, not houses.
INSPECTIONS = "inspections.count"
MEASURE_NAMES = (*MEASURES, INSPECTIONS)


def _counted(rows, width: int | None, **counts) -> dict[str, dict[str, int]]:
    """{alias: {"": whole, child: n}} from one pass (grouped by child when `width`); a child
    with none is left out, as a grouped count of the matching houses leaves it out."""
    if not width:
        found = rows.aggregate(**counts)
        return {alias: {"": found[alias] or 0} for alias in counts}
    out = {alias: {"": 0} for alias in counts}
    for row in (rows.order_by().annotate(child=Substr("division_code", 1, width))
                .values("child").annotate(**counts)):
        for alias in counts:
            if row[alias]:
                out[alias][row["child"]] = row[alias]
                out[alias][""] += row[alias]
    return out


@contextmanager
def _without_jit(alias: str):
    """PostgreSQL compiles the one-pass count of forty indicators with its JIT for longer than
    it takes to run (5 of 6 seconds at 200,000 houses): off for this transaction only, which
    the pooler allows (SET LOCAL keeps no session state)."""
    connection = connections[alias]
    with transaction.atomic(using=alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def matrix(user, division: str | None, prefix: str, width: int | None,
           names: list[str]) -> dict[str, dict[str, int | None]]:
    """{measure: {child code or "": count}} over the standing houses in scope; "" is the
    whole (the sum of the children: every house is in one).

    Two passes over the houses whatever the number of indicators (docs/decisions/0055): every
    indicator as a conditional count of houses in one (those through the ledger are EXISTS,
    see _entries), the patrols as the inspections joined to the houses in the other."""
    from anju.registry.models import House

    base = narrowed(user, House.objects.standing(), division).annotate(
        tags_text=Cast("priority_tags", TextField()))
    wanted = list(dict.fromkeys(names))
    alias = {name: f"m{i}" for i, name in enumerate(wanted)}
    counted = {alias[n]: Count("id", filter=MEASURES[n]) for n in wanted
               if MEASURES.get(n) is not None}
    with _without_jit(base.db):
        counts = _counted(base, width, **counted) if counted else {}
        if INSPECTIONS in alias:
            # one row per inspection: each is joined to its one house, so none counts twice
            counts |= _counted(base, width, **{alias[INSPECTIONS]: Count("inspections")})
    return {name: counts.get(alias[name], {}) for name in wanted}


def children(prefix: str, width: int | None) -> list[tuple[str, str]]:
    if not width:
        return []
    return list(Division.objects.filter(within(prefix, "code")).annotate(size=Length("code"))
                .filter(size=width).order_by("code").values_list("code", "name"))


def division_names(prefix: str) -> dict[str, str]:
    """The names of the divisions a row may name: the ancestors of `prefix` and all below it
    (down from its county)."""
    ancestors = [prefix[:n] for n in (2, 4, 6, 9) if n < len(prefix)]
    found = Division.objects.filter(Q(code__in=ancestors) | within(prefix[:6] or prefix, "code"))
    return dict(found.values_list("code", "name"))
