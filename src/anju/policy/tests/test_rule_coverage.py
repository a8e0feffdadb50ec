"""Every rule of the catalogue is enforced by a function and checked by a test, and nothing
cites a rule the catalogue does not hold (ADR 0049). The index is read from the source each
time, so this fails as soon as a citation is lost or misspelt."""

import ast
import textwrap
from dataclasses import fields

from anju.policy import catalogue as cat
from anju.policy.citations import cite_file, rule_constants
from anju.policy.profiles import LABELS, Profile


def test_every_rule_has_an_enforcing_function_unless_exempt_with_a_reason():
    missing = [r.id for r in cat.catalogue().values() if not r.functions and not r.exempt]
    assert missing == []


def test_every_rule_has_a_test_unless_exempt_with_a_reason():
    missing = [r.id for r in cat.catalogue().values() if not r.tests and not r.exempt]
    assert missing == []


def test_no_function_or_test_cites_a_rule_the_catalogue_does_not_hold():
    assert [f"{c.rule} {c.path}:{c.line}" for c in cat.unknown_citations()] == []


def test_an_exemption_states_its_reason_and_an_enforced_rule_claims_none():
    for rule in cat.catalogue().values():
        assert rule.exempt.strip() == rule.exempt, rule.id
        if rule.exempt:
            assert len(rule.exempt) >= 10, rule.id


def test_each_rule_carries_its_seed_sentence_document_and_section():
    rules = cat.catalogue()
    assert len(rules) == 28
    assert {r.document for r in rules.values()} == {"昌州农排函〔2023〕1号", "梅政办发〔2021〕17号"}
    for rule in rules.values():
        assert rule.title and rule.section and len(rule.sentence) >= 20, rule.id
        assert rule.sentence.endswith(("。", "”。")), rule.id


def test_every_number_of_the_profile_serves_a_rule_and_has_a_label():
    served = {name for r in cat.catalogue().values() for name in r.profile}
    assert sorted(set(cat.profile_fields()) - served) == []
    assert sorted(served - {f.name for f in fields(Profile)}) == []
    assert [n for n in cat.profile_fields() if cat.field_label(n) == n] == []


def test_the_rule_a_refusal_names_for_a_missing_number_serves_that_number():
    for name, (_label, rule) in LABELS.items():
        assert name in cat.catalogue()[rule].profile, name


def _cite(source: str, relative="anju/x/tests/test_y.py", constants=None):
    source = textwrap.dedent(source)
    return {(c.rule, c.name, c.is_test)
            for c in cite_file(relative, source, ast.parse(source), constants or {})}


def test_a_citation_belongs_to_the_innermost_function_around_it():
    assert _cite('''
        """Module text citing R-CJ-1 belongs to no function."""
        def check(x):
            """Refuses (R-MH-6)."""
            def inner():
                return "R-MH-7"
            raise RuleViolation("x", "y", rule="R-CJ-8")
        ''', "anju/x/rules.py") == {("R-MH-6", "anju.x.rules.check", False),
                                    ("R-CJ-8", "anju.x.rules.check", False),
                                    ("R-MH-7", "anju.x.rules.check.inner", False)}


def test_a_rule_id_in_a_comment_cites_nothing():
    """A remark beside code is not the code enforcing or testing the rule."""
    assert _cite('''
        def check(x):
            # R-CJ-8 beside the check
            return x
        def test_sign_off():
            # R-CJ-8
            assert True
        ''', "anju/x/rules.py") == set()
    assert _cite('''
        def test_sign_off():
            # R-CJ-8
            assert True
        ''') == set()


def test_a_test_cites_by_its_name_its_text_or_a_rule_constant_and_its_helpers_do_not():
    source = '''
        from anju.x.rules import RULE
        def test_r_mh_12_payment_is_late():
            pass
        def test_refusal_names_its_rule(api):
            assert error["rule"] == RULE
        def helper():
            return "R-CJ-2"
        '''
    constants = {"anju.x.rules": rule_constants(ast.parse('RULE = "R-CJ-3"\n'))}
    assert _cite(source, constants=constants) == {
        ("R-MH-12", "anju.x.tests.test_y.test_r_mh_12_payment_is_late", True),
        ("R-CJ-3", "anju.x.tests.test_y.test_refusal_names_its_rule", True)}


def test_an_exempt_rule_shows_on_its_page_as_not_enforced(browser, cast, monkeypatch):
    from dataclasses import replace

    rules = dict(cat.catalogue())
    rules["R-MH-9"] = replace(rules["R-MH-9"], exempt="由乡镇在纸质记录中完成，系统不记录")
    monkeypatch.setattr("anju.policy.views.catalogue", lambda: rules)
    page = browser(cast.shancheng).get("/rules/R-MH-9/").content.decode()
    assert "<strong>未在系统中执行</strong>：由乡镇在纸质记录中完成，系统不记录" in page
