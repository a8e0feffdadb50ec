"""N4 低收入群体住房安全动态监测台账 (national-exchange.md N4) from the monthly rosters: one row
per listed person and their house, with the two deadlines (the list by the 5th, the house
appraised by the 20th) and the row's state as `queries.rows_of` derives it. The exchange writes
the file; it may not import this app, so `apps.ready` provides this source to it."""

from itertools import islice

from django.utils import timezone

from anju.appraisal.models import Appraisal
from anju.assistance.codes import Method
from anju.assistance.models import Application
from anju.exchange.national import (
    CHUNK,
    PLACE,
    Accessor,
    Source,
    coded,
    date,
    id_number,
    plain,
)
from anju.kit import keyset
from anju.rectification.codes import Programme
from anju.registry.codes import LowIncomeCategory
from anju.roster import queries
from anju.roster.codes import Change, PersonStatus

# The departments that certify the listed people (ADR 0034)
CERTIFYING = ("civil_affairs", "rural_revitalization")
GRADES = ("A", "B", "C", "D")


def _route(r, c):
    # the case's method once a case is opened; before it, the programme a dangerous house is
    # routed to (R-CJ-9)
    return r["case_method"] or r["programme"] or None


APPRAISED = (PersonStatus.DANGEROUS, PersonStatus.CLOSED)


def _has_house(r) -> bool:
    return r["has_house"]


def _appraised(r) -> bool:
    return r["status"] in APPRAISED


FIELDS = {
    **PLACE,
    "person.id": plain("id", "名单人员编号"),
    "person.name": plain("name", "姓名"),
    "person.id_number": id_number("id_number", "身份证号（按角色脱敏）"),
    "person.category": coded("category", LowIncomeCategory),
    "person.department": Accessor(("department",), lambda r, c: r["department"] or None,
                                  CERTIFYING, text="认定部门"),
    "person.change": coded("change", Change),
    "roster.period": plain("period", "名单月份（YYYY-MM）"),
    "roster.list_due_on": date("list_due_on", "名单应移交日期（次月 5 日）"),
    "roster.received_on": date("received_on", "名单移交日期"),
    "house.address": Accessor(("house_address",), lambda r, c: r["house_address"] or None,
                              text="唯一住房地址").only_if(("has_house",), _has_house),
    "house.national_code": Accessor(("house_national_code",),
                                    lambda r, c: r["house_national_code"] or None,
                                    text="全国房屋编码").only_if(("has_house",), _has_house),
    # the appraisal since the list's month; a house already dangerous or closed without one
    # shows its latest appraisal (an awaited one is not stood in for by an old grade)
    "house.grade": Accessor(("grade",), lambda r, c: r["grade"] if r["grade"] in GRADES
                            else None, GRADES, text="鉴定等级").only_if(("status",), _appraised),
    "house.appraised_on": date("appraised_on", "鉴定日期").only_if(("status",), _appraised),
    "person.appraisal_due_on": date("appraisal_due_on", "鉴定期限（次月 20 日）"),
    "person.route": Accessor(("case_method", "programme"), _route,
                             (*Method.values, *Programme.values), text="保障方式").only_if(
        ("status",), lambda r: r["status"] == PersonStatus.DANGEROUS),
    "person.status": coded("status", PersonStatus),
    "person.closed_on": date("closed_on", "销号日期").only_if(
        ("status",), lambda r: r["status"] == PersonStatus.CLOSED),
}


def records(user, division):
    """The listed people a user may see (NotFound for a division out of scope)."""
    return queries.people_for_user(user, division)


def _methods(house_ids) -> dict[int, str]:
    found = {}
    for house_id, method in (Application.objects.filter(house_id__in=house_ids)
                             .exclude(status__in=("rejected", "waived"))
                             .order_by("id").values_list("house_id", "method")):
        found[house_id] = method  # the latest case of the house
    return found


def _latest_appraisals(house_ids) -> dict[int, tuple[str, object]]:
    found = {}
    for house_id, grade, on in (Appraisal.objects.filter(house_id__in=house_ids)
                                .order_by("appraised_on", "id")
                                .values_list("house_id", "grade", "appraised_on")):
        found[house_id] = (grade, on)
    return found


def rows(found, paths):
    """Each person's N4 row, derived a chunk at a time (a few queries per chunk)."""
    today = timezone.localdate()
    people = keyset.rows(found.select_related("load", "house").order_by("division_code", "id"),
                         CHUNK)
    while chunk := list(islice(people, CHUNK)):
        houses = {p.house_id for p in chunk if p.house_id}
        methods, latest = _methods(houses), _latest_appraisals(houses)
        for row in queries.rows_of(chunk, today):
            person, state, house = row.person, row.state, row.person.house
            grade, appraised_on = state.grade, state.appraised_on
            if appraised_on is None and state.status in APPRAISED:
                grade, appraised_on = latest.get(person.house_id, ("", None))
            yield {
                "id": person.pk, "division_code": person.division_code, "name": person.name,
                "id_number": person.id_number, "category": person.category,
                "department": person.load.department, "change": person.change,
                "period": person.period, "list_due_on": person.load.list_due_on,
                "received_on": person.load.received_on,
                "has_house": house is not None,
                "house_address": house.address if house else "",
                "house_national_code": house.national_code if house else "",
                "grade": grade, "appraised_on": appraised_on,
                "appraisal_due_on": person.appraisal_due_on,
                "case_method": methods.get(person.house_id, ""), "programme": row.programme,
                "status": state.status, "closed_on": state.closed_on,
            }


SOURCE = Source(records, FIELDS, "name", needs="anju.roster", rows=rows)
