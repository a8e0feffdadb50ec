"""Objects whose rule clocks the reminders read: a ledger entry, a finding, a case, a roster
row, each in 山城镇 演示一村 unless told."""

from datetime import date
from decimal import Decimal

import pytest

from anju.conftest import SHANCHENG_V1, valid_id_number

TODAY = date(2026, 12, 6)


@pytest.fixture
def household(make_household):
    return make_household(head_name="王大山", phone="13812345678",
                          bank_account="6217000012345678")


@pytest.fixture
def make_entry(make_house, household):
    from anju.rectification.models import LedgerEntry

    def make(next_check_due, **fields):
        house = make_house(household=household, grade="C")
        values = {"house": house, "household": household, "division_code": house.division_code,
                  "grade": "C", "status": "controlled", "opened_on": date(2026, 6, 1),
                  "next_check_due": next_check_due, **fields}
        return LedgerEntry.objects.create(**values)

    return make


@pytest.fixture
def make_finding(make_house, household):
    from anju.quality.models import Finding

    def make(due_on, **fields):
        house = make_house(household=household)
        values = {"house": house, "division_code": house.division_code, "kind": "missing_field",
                  "rule": "structure_missing", "field": "structure", "message": "结构类型未填写",
                  "status": "open", "source": "sweep", "found_on": date(2026, 11, 1),
                  "due_on": due_on, **fields}
        return Finding.objects.create(**values)

    return make


@pytest.fixture
def make_case(cast, make_house):
    from anju.assistance.models import Application, Certification

    def make(household, **fields):
        certification = Certification.objects.create(
            household=household, division_code=household.division_code, category="dibao",
            department="civil_affairs", certified_on=date(2026, 3, 1),
            certified_by=cast.mhk_civil)
        values = {"division_code": household.division_code, "year": 2026, "category": "dibao",
                  "certification": certification, "grade": "D", "method": "rebuild",
                  "persons": 3, "main_area": Decimal("60"),
                  "subsidy_amount": Decimal("35000"), "applied_on": date(2026, 3, 10),
                  "created_by": cast.mhk_housing, **fields}
        return Application.objects.create(household=household,
                                          house=make_house(household=household), **values)

    return make


@pytest.fixture
def make_roster_person(cast, make_house, make_household):
    from anju.roster.models import RosterLoad, RosterPerson

    def make(appraisal_due_on, division_code=SHANCHENG_V1, name="李小红"):
        household = make_household(division_code, head_name=name)
        house = make_house(division_code, household=household)
        load = RosterLoad.objects.create(
            owner=cast.mhk_civil, department="civil_affairs", period="2026-11",
            division_code="220581", status="succeeded", received_on=date(2026, 12, 3),
            list_due_on=date(2026, 12, 5))
        return RosterPerson.objects.create(
            load=load, period="2026-11", division_code=division_code, name=name,
            id_number=valid_id_number(), category="dibao", change="identified", row=2,
            household=household, matched_as="head", house=house, house_count=1,
            appraisal_due_on=appraisal_due_on)

    return make
