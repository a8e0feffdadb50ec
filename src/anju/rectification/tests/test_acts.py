"""The ledger's table of acts is the one statement of its workflow: every action has its verb,
its moves and, unless only the system makes it, its command; what "open" means is read from it;
a measure's change reaches the entry once."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from anju.conftest import sign_in
from anju.kit.commands import Command
from anju.rectification import transitions
from anju.rectification.acts import ACTS
from anju.rectification.codes import NOT_CLOSED, UNDER_CONTROL_CHECKS, Action, EntryStatus
from anju.rectification.models import LedgerEntry
from anju.rectification.tests.conftest import days_ago
from anju.rectification.tests.test_closed_loop import entry_path


def test_every_action_has_one_verb_its_moves_and_a_command_unless_the_system_makes_it():
    assert set(ACTS) == set(Action.values)
    for action, act in ACTS.items():
        assert callable(act.verb), action
        assert act.moves, action
        assert {m.action for m in act.moves} == {action}
        system = {m.capability is None for m in act.moves}
        assert len(system) == 1, f"{action}: a move is either the system's or a person's"
        if system == {True}:
            assert act.command is None, action
        else:
            assert issubclass(act.command, Command), action
            assert act.verb.__name__ in {"record_measure", "record_engineering_plan",
                                         "record_control_check", "record_acceptance",
                                         "sign_off_rectification", "reopen_rectification"}


def test_one_verb_takes_each_command_and_each_page_step_is_a_persons_act():
    verbs = {}
    for act in ACTS.values():
        if act.command is not None:
            verbs.setdefault(act.command, set()).add(act.verb)
    assert all(len(v) == 1 for v in verbs.values())
    for action, _label in transitions.STEPS.values():
        assert ACTS[action].command is not None


def test_open_and_ended_statuses_are_read_from_the_table():
    workflow = transitions.WORKFLOW
    assert workflow.ended == {EntryStatus.CLOSED}
    assert set(workflow.open) == {EntryStatus.OPEN, EntryStatus.CONTROLLED,
                                  EntryStatus.ACCEPTED}
    assert NOT_CLOSED == transitions.open_statuses() == ("open", "controlled", "accepted")
    assert UNDER_CONTROL_CHECKS == transitions.checked_statuses() == ("open", "controlled")
    # only a recorded reopening leads out of "closed"
    assert [(m.source, m.action) for m in workflow.moves if m.source in workflow.ended] == [
        (EntryStatus.CLOSED, Action.REOPEN)]


def test_no_template_of_the_ledger_or_of_appraisal_tests_membership_in_a_string():
    # `status in "open controlled"` is true of any substring: a set from the view says it.
    root = Path(__file__).resolve().parents[2]
    found = []
    for app in ("rectification", "appraisal"):
        for template in (root / app / "templates").rglob("*.html"):
            found += [f"{template.name}: {m[0]}"
                      for m in re.finditer(r"{%[^%]*\bin\s+[\"'][^%]*%}", template.read_text())]
    assert found == []


@pytest.mark.parametrize("status", EntryStatus.values)
def test_the_ledger_list_marks_a_check_overdue_only_where_checks_fall_due(cast, on_ledger,
                                                                         status):
    _, entry_id = on_ledger("c")
    past = timezone.localdate() - timedelta(days=3)
    LedgerEntry.objects.filter(pk=entry_id).update(status=status, next_check_due=past)
    client = sign_in(Client(), cast.mhk_housing)
    body = client.get("/rectification/").content.decode()
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(past.isoformat()) + r".*?</tr>",
                    body, re.S)
    assert row is not None
    shown = "逾期" in row[0]
    assert shown == (status in ("open", "controlled")), status


def _count_syncs(monkeypatch) -> list:
    """The houses whose entry is brought in step with them, however sync_house_entries is
    reached (it reads the house's programme once per call)."""
    from anju.rectification.actions import ledger

    calls, real = [], ledger._programme
    monkeypatch.setattr(ledger, "_programme",
                        lambda house, on: calls.append(house.pk) or real(house, on))
    return calls


def test_a_measure_that_empties_the_house_syncs_its_entry_once(api, cast, on_ledger,
                                                               monkeypatch):
    house, entry_id = on_ledger("d", occupancy="occupied")
    assert LedgerEntry.objects.get(pk=entry_id).red_alert is True
    calls = _count_syncs(monkeypatch)
    r = api(cast.shancheng).post(entry_path(entry_id, "measures"), {
        "kind": "evacuate", "started_on": days_ago(3), "completed_on": days_ago(2)})
    assert r.status_code == 201, r.json()
    assert calls == [house.pk]
    entry = LedgerEntry.objects.get(pk=entry_id)
    assert (entry.red_alert, entry.house.occupancy, entry.status) == (
        False, "evacuated", "controlled")


def test_a_measure_that_leaves_the_house_as_it_is_does_not_sync_it(api, cast, on_ledger,
                                                                   monkeypatch):
    _, entry_id = on_ledger("d")
    calls = _count_syncs(monkeypatch)
    r = api(cast.shancheng).post(entry_path(entry_id, "measures"), {
        "kind": "warning_sign", "started_on": days_ago(3), "completed_on": days_ago(2)})
    assert r.status_code == 201, r.json()
    assert calls == []


@pytest.mark.parametrize("step", ["measure", "check", "plan", "acceptance"])
def test_every_field_of_a_step_form_is_on_its_page(browser, cast, on_ledger, step):
    _, entry_id = on_ledger("c")
    r = browser(cast.mhk_housing).get(f"/rectification/{entry_id}/{step}")
    assert r.status_code == 200
    shown = set(re.findall(r'name="([^"]+)"', r.content.decode()))
    assert [name for name in r.context["form"].fields if name not in shown] == []
