"""A household that moves to another village takes its whole file along (一户一档): its houses,
certifications, case, payments, attachments, appraisal and ledger records, findings and field
captures now carry the new village, so the new township reads them and the old one gets 404.

The models are found by walking the foreign keys: any model with a `division_code` and a path
to a household or a house is expected to follow, unless it is named below as a record of
where something happened. A new model of that kind fails here until it follows too."""

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import Q

from anju.assistance.codes import Status
from anju.assistance.tests.conftest import AGO, Case
from anju.conftest import HONGMEI_V1, SHANCHENG_V1
from anju.registry.models import Attachment, House, Household, RecordEvent, ResponsiblePerson

pytestmark = pytest.mark.django_db

OLD, NEW = SHANCHENG_V1, HONGMEI_V1  # 山城镇 and 红梅镇 of 梅河口市
# Where something happened, not a copy of the household's village.
KEPT = {"assistance.Notice": "the place where the notice was posted (village, township or "
                             "county code)"}


def owner_paths(model, depth: int = 3) -> list[tuple[str, type]]:
    """Lookups from `model` to a household or a house, along foreign keys."""
    found, frontier = [], [("", model)]
    for _ in range(depth):
        following = []
        for prefix, current in frontier:
            for field in current._meta.get_fields():
                if not (field.many_to_one and field.concrete):
                    continue
                lookup = f"{prefix}{field.name}"
                if field.related_model in (Household, House):
                    found.append((lookup, field.related_model))
                else:
                    following.append((f"{lookup}__", field.related_model))
        frontier = following
    return found


def _copies():
    models = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if "division_code" in names and model is not Household and owner_paths(model):
            models.append(model)
    return sorted(models, key=lambda m: m._meta.label)


COPIES = _copies()
FOLLOWING = [m for m in COPIES if m._meta.label not in KEPT]


def linked(model, household: Household) -> Q:
    house_ids = list(House.objects.filter(household=household).values_list("pk", flat=True))
    rows = Q(pk__in=[])
    for lookup, target in owner_paths(model):
        rows |= (Q(**{lookup: household.pk}) if target is Household
                 else Q(**{f"{lookup}__in": house_ids}))
    return rows


def codes_of(model, household: Household) -> list[str]:
    return sorted(model.objects.filter(linked(model, household)).distinct()
                  .values_list("division_code", flat=True))


# ---------------------------------------------------------------- the whole file


def appraisal_body(rating: str, on) -> dict:
    from anju.appraisal.codes import Component

    return {"appraised_on": str(on), "appraiser": "张工", "organization": "梅河口市住建局",
            "site": "safe", "components": {c: rating for c in Component.values},
            "prevention": "full"}


def ok(response, status=201):
    assert response.status_code == status, response.json()
    return response.json()


def whole_file(api, cast, make_household, make_house, until=Status.PAID) -> Case:
    """A household of 山城镇 with a record of every kind that belongs to it."""
    from anju.field.tests.conftest import capture, screening
    from anju.rectification.models import LedgerEntry
    from anju.roster.models import RosterLoad, RosterPerson
    from anju.supervision.models import Campaign, CampaignHouse

    flow = Case(cast, make_household, make_house, lat=42.5, lng=125.7)
    house = flow.house
    for role, name in (("owner", "王大山"), ("user", "王大山"), ("supervisor", "李镇长")):
        ResponsiblePerson.objects.create(house=house, role=role, name=name, phone="13900001111")
    clerk = api(cast.shancheng)
    ok(clerk.post(f"/api/v1/houses/{house.pk}/screenings",
                  {"checked_on": str(AGO[60]), "level": "village", "items": []}))
    ok(clerk.post(f"/api/v1/houses/{house.pk}/inspections", {
        "level": "township", "inspected_on": str(AGO[60]), "findings": "后墙倾斜",
        "major_hazard": True}))
    ok(api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals",
                                 appraisal_body("d", AGO[60])))
    entry = LedgerEntry.objects.get(house=house).pk
    ok(clerk.post(f"/api/v1/rectifications/{entry}/checks",
                  {"level": "village", "checked_on": str(AGO[40]), "holds": True}))
    ok(api(cast.mhk_housing).post(f"/api/v1/houses/{house.pk}/verifications", {
        "verified_on": str(AGO[40]),
        "differences": [{"field": "floors", "observed": 2, "reason": "加盖一层"}]}))
    ok(api(cast.cadre).post("/api/v1/field/submissions",
                            capture("screening", screening(house))))
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anju.evidence.tests.conftest import picture

    ok(api(cast.cadre).upload(f"/api/v1/evidence/houses/{house.pk}/captures", {
        "act": "site_visit", "lat": "42.5", "lng": "125.7", "accuracy_m": "10",
        "camera": [SimpleUploadedFile("p.jpg", picture(house.pk), content_type="image/jpeg")]}))
    for owner in (house, None):
        attachment = Attachment(
            division_code=house.division_code, household=flow.household, house=owner,
            kind="document", title="档案", content_type="application/pdf", size=9,
            sha256="1" * 64, uploaded_by=cast.cadre)
        attachment.file.save("file.pdf", ContentFile(b"%PDF-1.4\n"))
    ok(clerk.post(f"/api/v1/rectifications/{entry}/measures", {
        "kind": "demolish", "started_on": str(AGO[40]), "completed_on": str(AGO[30])}))
    from anju.rectification.tests.conftest import at_the_house

    ok(clerk.post(f"/api/v1/rectifications/{entry}/acceptance", {
        "accepted_on": str(AGO[30]), "passed": True, "inspectors": ["张工"],
        "evidence_id": at_the_house(entry, cast.shancheng)}))
    ok(api(cast.mhk_housing).post("/api/v1/programmes/renovation/plan/rows",
                                  {"year": AGO[60].year, "house_id": house.pk}))
    campaign = Campaign.objects.create(division_code="220581", opened_on=AGO[40],
                                       deadline=AGO[5], opened_by=cast.mhk_housing)
    CampaignHouse.objects.create(campaign=campaign, house=house, reason="signed_off",
                                 division_code=house.division_code)
    from anju.exchange.models import Difference, Job

    job = Job.objects.create(owner=cast.mhk_housing, kind="reconcile_house_collection",
                             division_code="220581", params={"layout": "house-collection"})
    Difference.objects.create(job=job, house=house, division_code=house.division_code,
                              column="土地性质", field="house.land_type")
    roster = RosterLoad.objects.create(
        owner=cast.mhk_civil, department="civil_affairs", period=f"{AGO[60]:%Y-%m}",
        division_code="220581", received_on=AGO[40], list_due_on=AGO[40], status="succeeded")
    RosterPerson.objects.create(
        load=roster, period=roster.period, division_code=flow.household.division_code,
        name="王大山", id_number=flow.household.head_id_number, category="dibao",
        change="identified", row=2, household=flow.household, matched_as="head", house=house,
        house_count=1, appraisal_due_on=AGO[30])
    from anju.public.models import LeadTransition, SignToken, VillagerReport

    SignToken.objects.create(entry_id=entry, division_code=house.division_code,
                             token_hash=f"{entry:064d}", token="t", created_by=cast.shancheng)
    report = VillagerReport.objects.create(entry_id=entry, division_code=house.division_code,
                                           kind="occupied", due_on=AGO[5])
    LeadTransition.objects.create(report=report, division_code=house.division_code,
                                  action="file", to_status="open")
    flow.to(until)
    ok(clerk.post("/api/v1/window-cases", {
        "kind": "dispute", "household_id": flow.household.pk, "application_id": flow.case.pk,
        "subject": "工程纠纷"}))
    if until == Status.PAID:
        from anju.assistance.models import ArchiveReview, ArchiveReviewItem

        ok(api(cast.mhk_water).post(f"/api/v1/applications/{flow.case.pk}/transitions",
                                    {"action": "drinking_water"}), 200)
        review = ArchiveReview.objects.create(division_code=OLD[:9], reviewed_on=AGO[5],
                                              sample_size=1, reviewer=cast.mhk_housing)
        ArchiveReviewItem.objects.create(review=review, application=flow.case,
                                         division_code=flow.case.division_code)
    flow.entry_id = entry
    return flow


def move(api, cast, household: Household, to_code: str = NEW):
    version = Household.objects.values_list("version", flat=True).get(pk=household.pk)
    return ok(api(cast.mhk_housing).patch(f"/api/v1/households/{household.pk}",
                                          {"version": version, "division_code": to_code}), 200)


@pytest.fixture
def moved(api, cast, make_household, make_house, settings, tmp_path):
    """(the household that moved, a neighbour that stayed, the rows of each model before)."""
    settings.MEDIA_ROOT = tmp_path
    flow = whole_file(api, cast, make_household, make_house)
    # (one craftsman builds both: the neighbour's case waits for its builder)
    neighbour = whole_file(api, cast, make_household, make_house, until=Status.NOTIFIED)
    before = {m._meta.label: (codes_of(m, flow.household), codes_of(m, neighbour.household))
              for m in COPIES}
    flow.house.refresh_from_db()
    move(api, cast, flow.household)
    return flow, neighbour, before


def test_the_walk_finds_the_records_of_a_household():
    labels = {m._meta.label for m in COPIES}
    assert {"registry.House", "registry.Attachment", "assistance.Certification",
            "assistance.Application", "assistance.Payment", "rectification.LedgerEntry",
            "appraisal.Inspection", "quality.Finding", "field.Submission"} <= labels
    assert "audit.AuditEvent" not in labels and "exchange.Job" not in labels


def test_every_record_of_a_household_moves_with_it_and_no_neighbours(moved):
    # One move, every model checked against it: the whole file is costly to build, and a
    # failure names each model that stayed behind.
    flow, neighbour, before = moved
    wrong = {}
    for model in FOLLOWING:
        label = model._meta.label
        own_before, neighbour_before = before[label]
        own_after = codes_of(model, flow.household)
        if not own_before:
            wrong[label] = "add a row of it to whole_file(): the test must see it move"
        elif set(own_before) != {OLD} or set(own_after) != {NEW}:
            wrong[label] = f"before {sorted(set(own_before))}, after {sorted(set(own_after))}"
        elif len(own_after) < len(own_before):  # history adds the move, never loses a row
            wrong[label] = f"{len(own_before)} rows before, {len(own_after)} after"
        elif codes_of(model, neighbour.household) != neighbour_before:
            wrong[label] = "the neighbour's rows changed"
    assert wrong == {}
    for label in KEPT:  # where something happened stays where it happened
        assert codes_of(apps.get_model(label), flow.household) == before[label][0], label


def test_the_new_township_reads_the_file_and_the_old_one_gets_404(api, cast, moved):
    flow, _, _ = moved
    household, house, case = flow.household, flow.house, flow.case
    document = Attachment.objects.filter(household=household, house=None, size=9).get()
    photo = Attachment.objects.filter(house=house, size=9).get()
    from anju.evidence.models import Capture

    capture = Capture.objects.get(house=house, act="site_visit")
    paths = [f"/api/v1/households/{household.pk}", f"/api/v1/houses/{house.pk}",
             f"/api/v1/applications/{case.pk}", f"/api/v1/rectifications/{flow.entry_id}",
             f"/api/v1/households/{household.pk}/archive",
             f"/api/v1/households/{household.pk}/attachments/{document.pk}/file",
             f"/api/v1/houses/{house.pk}/attachments/{photo.pk}/file",
             f"/api/v1/evidence/captures/{capture.pk}"]
    for path in paths:
        assert api(cast.hongmei).get(path).status_code == 200, path
        assert api(cast.shancheng).get(path).status_code == 404, path
    certifications = {"household_id": household.pk}
    assert len(api(cast.hongmei).get("/api/v1/certifications", certifications).json()) == 1
    assert api(cast.shancheng).get("/api/v1/certifications", certifications).json() == []
    assert api(cast.shancheng).get("/api/v1/applications").json()["total"] == 1  # the neighbour
    assert [c["id"] for c in api(cast.hongmei).get("/api/v1/applications").json()["items"]] == [
        case.pk]


def test_the_move_is_written_in_the_history_of_the_household_and_its_houses(api, cast, moved):
    flow, _, _ = moved
    moves = RecordEvent.objects.filter(changes__has_key="moved_from").order_by("id")
    # the rebuilt house, a new record of the household since its acceptance (R-CJ-8a), moves
    # along with the old one
    rebuilt = House.objects.get(replaces_house=flow.house)
    assert [(e.action, e.household_id, e.house_id, e.changes["moved_from"], e.division_code)
            for e in moves] == [
        ("household_updated", flow.household.pk, None, OLD, NEW),
        ("house_updated", flow.household.pk, flow.house.pk, OLD, NEW),
        ("house_updated", flow.household.pk, rebuilt.pk, OLD, NEW)]
    house = House.objects.get(pk=flow.house.pk)
    assert house.version == flow.house.version + 1  # a clerk's stale edit of it is a 409


def test_a_house_that_moves_alone_takes_its_own_records(api, cast, make_household, make_house):
    from anju.assistance.tests.conftest import certify

    household = make_household()
    house = make_house(household=household, grade="D")
    ok(api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals",
                                 appraisal_body("d", AGO[5])))
    certify(household, cast.mhk_civil, "dibao", AGO[10])
    version = House.objects.values_list("version", flat=True).get(pk=house.pk)
    ok(api(cast.mhk_housing).patch(f"/api/v1/houses/{house.pk}", {
        "version": version, "division_code": NEW, "household_id": None}), 200)

    of_house = {}
    for model in FOLLOWING:
        for lookup, target in owner_paths(model):
            if target is House:
                of_house.setdefault(model._meta.label, set()).update(model.objects.filter(
                    **{lookup: house.pk}).values_list("division_code", flat=True))
    assert of_house["appraisal.Appraisal"] == of_house["rectification.LedgerEntry"] == {NEW}
    assert all(codes <= {NEW} for codes in of_house.values()), of_house
    assert api(cast.hongmei).get(f"/api/v1/houses/{house.pk}/appraisals").status_code == 200
    assert api(cast.shancheng).get(f"/api/v1/houses/{house.pk}/appraisals").status_code == 404
    # the household it left keeps its village and its own records
    assert Household.objects.get(pk=household.pk).division_code == OLD
    assert household.certifications.get().division_code == OLD


def test_both_villages_are_counted_again_when_a_household_without_a_house_moves(
        api, cast, make_household):
    from anju.assistance.tests.conftest import certify
    from anju.reports.models import DivisionStat

    household = make_household()
    certify(household, cast.mhk_civil, "dibao", AGO[10])
    DivisionStat.objects.filter(code__in=[OLD, NEW]).update(dirty=False)
    move(api, cast, household)
    assert set(DivisionStat.objects.filter(code__in=[OLD, NEW], dirty=True)
               .values_list("code", flat=True)) == {OLD, NEW}
