"""Each workflow's table of acts (ACTS in the app's acts.py) is complete: every action has one
verb, at least one move, and a command unless only the system makes its moves."""

import pytest
from django.utils.module_loading import import_string

from anju.kit.commands import Command
from anju.kit.workflow import Act

TABLES = ["anju.assistance.acts.ACTS", "anju.rectification.acts.ACTS"]


@pytest.mark.parametrize("table", TABLES)
def test_every_act_has_one_verb_its_moves_and_a_command_unless_the_system_makes_it(table):
    acts = import_string(table)
    assert acts
    for action, act in acts.items():
        assert isinstance(act, Act), action
        assert callable(act.verb), action
        assert act.moves, f"{action} has no move"
        assert {m.action for m in act.moves} == {action}, action
        if all(m.capability is None for m in act.moves):
            continue  # made by the system (an appraisal, a sweep): nobody types a command
        assert isinstance(act.command, type) and issubclass(act.command, Command), action
