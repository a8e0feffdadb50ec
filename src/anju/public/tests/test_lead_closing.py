"""R-CJ-7 村民监督: a lead closes when an official goes to the house, however the visit is
recorded: the ledger's control check on the entry's own page, an inspection of the house, or
the answer from the lead. The visit and the closing are one transaction; the closing is a
transition row. The household's own check, or a check dated before the report, closes
nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.appraisal.actions import record_inspection
from anju.appraisal.commands import RecordInspection
from anju.appraisal.models import Inspection
from anju.kit.errors import RuleViolation
from anju.public.actions import answer_lead
from anju.public.models import LeadTransition, VillagerReport
from anju.rectification.actions import record_control_check
from anju.rectification.commands import RecordControlCheck
from anju.rectification.models import ControlCheck, LedgerEntry


@pytest.fixture
def reported(signed, villager):
    """A house on the ledger with its sign, and two villagers' open leads about it."""
    entry_id, token = signed()
    for kind in ("occupied", "sign_damaged"):
        assert villager().post(f"/public/h/{token}/", {"kind": kind}).status_code == 200
    return LedgerEntry.objects.get(pk=entry_id)


def check(entry, user, *, level="township", on=None, holds=True, note=""):
    return record_control_check(entry, RecordControlCheck(
        level=level, checked_on=on or timezone.localdate(), holds=holds, note=note,
        version=entry.version), acting_user=user)


def answers(entry):
    return [(t.action, t.to_status, t.actor_id, t.details)
            for t in LeadTransition.objects.filter(report__entry=entry, action="answer")]


def test_a_control_check_recorded_on_the_ledger_closes_the_houses_open_leads(reported, cast):
    row = check(reported, cast.shancheng, level="village", holds=True)
    leads = VillagerReport.objects.filter(entry=reported)
    assert {(lead.status, lead.closed_on, lead.control_check_id) for lead in leads} == {
        ("closed", timezone.localdate(), row.pk)}
    assert answers(reported) == [
        ("answer", "closed", cast.shancheng.pk,
         {"control_check": row.pk, "level": "village", "holds": True})] * 2


def test_an_inspection_of_the_house_closes_its_open_leads(reported, cast):
    inspection = record_inspection(reported.house, RecordInspection(
        level="county", inspected_on=timezone.localdate(), findings="已无人居住，封挡完好"),
        acting_user=cast.shancheng)
    leads = VillagerReport.objects.filter(entry=reported)
    assert {(lead.status, lead.inspection_id, lead.control_check_id) for lead in leads} == {
        ("closed", inspection.pk, None)}
    assert [d["inspection"] for *_, d in answers(reported)] == [inspection.pk] * 2


def test_the_households_own_check_leaves_the_leads_open(reported, cast):
    check(reported, cast.shancheng, level="household_self")
    record_inspection(reported.house, RecordInspection(
        level="villager_report", inspected_on=timezone.localdate()), acting_user=cast.shancheng)
    assert set(VillagerReport.objects.values_list("status", flat=True)) == {"open"}
    assert answers(reported) == []


def test_a_check_dated_before_the_report_leaves_the_leads_open(reported, cast):
    reported.opened_on = timezone.localdate() - timedelta(days=30)
    LedgerEntry.objects.filter(pk=reported.pk).update(opened_on=reported.opened_on)
    check(reported, cast.shancheng, on=timezone.localdate() - timedelta(days=2))
    assert set(VillagerReport.objects.values_list("status", flat=True)) == {"open"}


def test_answering_a_lead_by_the_households_own_check_is_refused_naming_the_field(reported,
                                                                                  cast):
    lead = VillagerReport.objects.filter(entry=reported).first()
    with pytest.raises(RuleViolation) as refused:
        answer_lead(lead, RecordControlCheck(
            level="household_self", checked_on=timezone.localdate(), holds=True,
            version=reported.version), acting_user=cast.shancheng)
    assert (refused.value.field, refused.value.rule) == ("level", "R-CJ-7")
    assert ControlCheck.objects.count() == 0 and Inspection.objects.count() == 0


def test_answering_one_lead_closes_the_others_about_the_same_house(reported, cast):
    first, second = VillagerReport.objects.filter(entry=reported)
    closed = answer_lead(first, RecordControlCheck(
        level="township", checked_on=timezone.localdate(), holds=True,
        version=reported.version), acting_user=cast.shancheng)
    second.refresh_from_db()
    assert (closed.status, second.status) == ("closed", "closed")
    assert closed.control_check_id == second.control_check_id is not None
