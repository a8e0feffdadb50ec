"""Each check of grading.md §4 (R-CJ-3): a record that breaks it opens a finding for the house,
and the fix that makes the rule pass closes it, with the closing on record."""

from datetime import date, timedelta

import pytest

from anju.appraisal.models import Screening
from anju.conftest import valid_id_number
from anju.quality.actions import recheck_house
from anju.quality.models import Finding, FindingEvent, ValidIdHash
from anju.quality.rules import CHECKS
from anju.quality.tests.conftest import ALL_A, LAT, LNG, appraise, open_problems
from anju.registry.models import House, Member, ResponsiblePerson

TODAY = date.today()


def update(house, **fields):
    House.objects.filter(pk=house.pk).update(**fields)
    house.refresh_from_db()


def save_household(house, **fields):
    household = house.household
    for name, value in fields.items():
        setattr(household, name, value)
    household.save()  # through the ORM, so the ID number's lookup hash follows


def bad_checksum(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def fix_members(house):
    for member in house.household.members.all():
        member.id_number = valid_id_number("20050101")
        member.save()


def responsible(house, *roles):
    for role in roles:
        ResponsiblePerson.objects.create(house=house, role=role, name="王大山")


# rule, [(kind, field)] it opens, how a record breaks it, how the record is put right
CASES = [
    ("grade_without_reason", [("wrong_grade", "grade")],
     lambda h, u: appraise(h, u, computed_grade="B", grade="C"),
     lambda h, u: appraise(h, u, computed_grade="B", grade="B", on=TODAY)),
    ("grade_without_reason", [("wrong_grade", "grade")],
     lambda h, u: appraise(h, u, computed_grade="B", grade="C"),
     lambda h, u: h.appraisals.update(override_reason="综合判定：墙体整体歪斜")),
    ("dangerous_site_not_d", [("wrong_grade", "grade")],
     lambda h, u: appraise(h, u, site="landslide", computed_grade="D", grade="C",
                           override_reason="业主坚持"),
     lambda h, u: appraise(h, u, site="landslide", computed_grade="D", grade="D")),
    ("rural_form_for_multistorey", [("wrong_grade", "grade")],
     lambda h, u: (update(h, floors=3, storey_band="3"), appraise(h, u)),
     lambda h, u: appraise(h, u, method="urban", computed_grade="", components={})),
    ("serious_screening_graded_ab", [("wrong_grade", "grade")],
     lambda h, u: (update(h, grade="B"), Screening.objects.create(
         house=h, division_code=h.division_code, checked_on=TODAY, level="village",
         result="serious", recorded_by=u)),
     lambda h, u: appraise(h, u, computed_grade="B", grade="B", on=TODAY)),
    ("owner_missing", [("missing_field", "household_id")],
     lambda h, u: (setattr(h, "kept", h.household), update(h, household=None)),
     lambda h, u: update(h, household=h.kept)),
    ("owner_missing", [("missing_field", "head_name")],
     lambda h, u: save_household(h, head_name=" "),
     lambda h, u: save_household(h, head_name="王大山")),
    ("head_id_missing", [("missing_field", "head_id_number")],
     lambda h, u: save_household(h, head_id_number=""),
     lambda h, u: save_household(h, head_id_number=valid_id_number())),
    ("structure_missing", [("missing_field", "structure")],
     lambda h, u: update(h, structure=""),
     lambda h, u: update(h, structure="masonry_cast")),
    ("storeys_missing", [("missing_field", "floors")],
     lambda h, u: update(h, floors=0),
     lambda h, u: update(h, floors=1)),
    ("build_year_band_missing", [("missing_field", "build_year_band")],
     lambda h, u: update(h, build_year_band="", built_year=None),
     lambda h, u: update(h, build_year_band="≤1980")),
    ("coordinates_missing", [("missing_field", "lat")],
     lambda h, u: update(h, lat=None, lng=None),
     lambda h, u: update(h, lat=LAT, lng=LNG)),
    ("coordinates_missing", [("missing_field", "lng")],
     lambda h, u: update(h, lng=None),
     lambda h, u: update(h, lng=LNG)),
    ("responsible_persons_missing", [("missing_field", "responsible_persons")],
     lambda h, u: update(h, grade="C"),
     lambda h, u: responsible(h, "owner", "user", "supervisor")),
    ("responsible_persons_missing", [("missing_field", "responsible_persons")],
     lambda h, u: (update(h, grade="D", use="business", business_sector="retail"),
                   responsible(h, "owner", "user", "supervisor")),
     lambda h, u: responsible(h, "competent_department", "approving_department")),
    ("component_photos_missing", [("missing_field", "component_photos")],
     lambda h, u: appraise(h, u, photos=False, components={**ALL_A, "roof": "b"}),
     lambda h, u: appraise(h, u, on=TODAY)),
    ("id_number_invalid", [("wrong_field", "head_id_number")],
     lambda h, u: save_household(h, head_id_number=bad_checksum(h.household.head_id_number)),
     lambda h, u: save_household(h, head_id_number=valid_id_number())),
    ("id_number_invalid", [("wrong_field", "members")],
     lambda h, u: Member.objects.create(household=h.household, name="王小山", relation="child",
                                        id_number=bad_checksum(valid_id_number("20050101"))),
     lambda h, u: fix_members(h)),
    ("division_unknown", [("wrong_field", "division_code")],
     lambda h, u: update(h, division_code="220581100999"),
     lambda h, u: update(h, division_code=h.household.division_code)),
    ("coordinates_outside_county", [("wrong_field", "lat")],
     lambda h, u: update(h, lat="40.100000"),
     lambda h, u: update(h, lat=LAT)),
    ("coordinates_outside_county", [("wrong_field", "lng")],
     lambda h, u: update(h, lng="121.000000"),
     lambda h, u: update(h, lng=LNG)),
    ("built_year_in_future", [("wrong_field", "built_year")],
     lambda h, u: update(h, built_year=TODAY.year + 1),
     lambda h, u: update(h, built_year=1995)),
    ("floor_area_out_of_range", [("wrong_field", "floor_area")],
     lambda h, u: update(h, floor_area=0),
     lambda h, u: update(h, floor_area=80)),
    ("floor_area_out_of_range", [("wrong_field", "floor_area")],
     lambda h, u: update(h, floor_area=2000.5),
     lambda h, u: update(h, floor_area=2000)),
    ("floors_out_of_range", [("wrong_field", "floors")],
     lambda h, u: update(h, floors=11),
     lambda h, u: update(h, floors=2)),
]


def test_every_check_of_grading_md_section_4_has_a_case_here():
    assert {c.code for c in CHECKS} == {rule for rule, *_ in CASES}


@pytest.mark.parametrize("rule, opened, break_record, fix_record", CASES,
                         ids=[f"{c[0]}-{c[1][0][1]}" for c in CASES])
def test_a_broken_record_opens_the_finding_and_its_fix_closes_it(
        cast, clean_house, rule, opened, break_record, fix_record):
    house = clean_house()
    assert open_problems(house) == set()

    break_record(house, cast.appraiser1)
    recheck_house(house.pk)
    assert open_problems(house) == {(kind, rule, field) for kind, field in opened}
    findings = list(Finding.objects.filter(house=house, rule=rule))
    assert all(f.source == "save" and f.found_on == TODAY and f.message for f in findings)
    assert all(f.due_on == TODAY + timedelta(days=15) for f in findings)  # Meihekou profile
    assert all(f.division_code == house.division_code for f in findings)
    recheck_house(house.pk)  # a rerun opens nothing twice
    assert Finding.objects.filter(house=house).count() == len(opened)

    fix_record(house, cast.appraiser1)
    recheck_house(house.pk)
    assert open_problems(house) == set()
    for finding in Finding.objects.filter(house=house):
        assert (finding.status, finding.closed_on) == ("closed", TODAY)
        assert list(finding.events.values_list("action", "note")) == [
            ("opened", ""), ("closed", "已整改：规则复核通过")]


def test_a_valid_id_number_is_remembered_by_its_hash_and_an_invalid_one_never(cast, clean_house):
    house = clean_house()
    valid_hash = house.household.head_id_hash
    assert ValidIdHash.objects.filter(hash=valid_hash).exists()

    save_household(house, head_id_number=bad_checksum(house.household.head_id_number))
    recheck_house(house.pk)
    house.household.refresh_from_db()
    assert not ValidIdHash.objects.filter(hash=house.household.head_id_hash).exists()
    assert open_problems(house) == {("wrong_field", "id_number_invalid", "head_id_number")}


def test_a_house_just_outside_its_county_box_is_on_the_edge_not_misplaced(clean_house):
    # 梅河口市's box starts at 42.30° N; the boxes are rough, so 1 km beyond is tolerated.
    house = clean_house(lat="42.295000")
    assert open_problems(house) == set()


def test_a_county_without_a_box_is_not_checked_for_coordinates(clean_house):
    house = clean_house("220523100001", lat="10.000000", lng="100.000000")
    assert open_problems(house) == set()


def test_messages_name_the_problem_in_chinese(cast, clean_house):
    house = clean_house()
    update(house, grade="C", floor_area=2500)
    recheck_house(house.pk)
    messages = dict(Finding.objects.filter(house=house).values_list("rule", "message"))
    assert messages == {
        "responsible_persons_missing": "C 级危房未明确产权人、使用人、安全监管责任人",
        "floor_area_out_of_range": "建筑面积 2500.0 ㎡ 不合理：应大于 0 且不超过 2000 ㎡",
    }


def test_a_finding_message_follows_the_record_while_it_stays_open(clean_house):
    house = clean_house()
    update(house, grade="C")
    recheck_house(house.pk)
    responsible(house, "owner", "user")
    recheck_house(house.pk)
    finding = Finding.objects.get(house=house)
    assert (finding.status, finding.message) == ("open", "C 级危房未明确安全监管责任人")
    assert FindingEvent.objects.filter(finding=finding).count() == 1


def test_photos_are_wanted_only_for_damaged_components_in_one_finding(cast, clean_house):
    house = clean_house()
    appraise(house, cast.appraiser1, photos=False)  # every component rated a
    recheck_house(house.pk)
    assert open_problems(house) == set()

    appraise(house, cast.appraiser1, photos=False, on=TODAY + timedelta(days=1),
             components={**ALL_A, "foundation": "c", "roof": "b"})
    recheck_house(house.pk)
    finding = Finding.objects.get(house=house, rule="component_photos_missing", status="open")
    assert finding.field == "component_photos"
    assert finding.message == "鉴定中地基基础（c 级）、屋面（椽、瓦）（b 级）缺少照片，请补拍上传"


def test_the_next_check_folds_old_per_component_photo_findings_into_one(cast, clean_house):
    house = clean_house()
    appraise(house, cast.appraiser1, photos=False, components={**ALL_A, "roof": "b"})
    recheck_house(house.pk)
    # findings of the earlier kind, one per component, including one rated a
    Finding.objects.filter(house=house).delete()
    for name in ("foundation", "bearing_wall", "roof"):
        Finding.objects.create(house=house, division_code=house.division_code,
                               kind="missing_field", rule="component_photos_missing",
                               field=f"component_photos.{name}", message="缺少照片",
                               found_on=TODAY, due_on=TODAY, source="sweep")
    recheck_house(house.pk)
    assert list(Finding.objects.filter(house=house, status="open").values_list(
        "field", flat=True)) == ["component_photos"]
    assert Finding.objects.filter(house=house, status="closed").count() == 3
