"""Error codes are one enum (anju.kit.errors.Code): every member is raised somewhere, no two
members name the same failure in other words, and no error is made with a bare string."""

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

import anju
from anju.kit.errors import Code

SRC = Path(anju.__file__).parent
# The error types and where their code goes: the first argument, or `code=`.
CODE_FIRST = {"AnjuError", "RuleViolation", "Conflict", "Malformed", "Unmet"}
CODE_KEYWORD_ONLY = {"Forbidden"}  # its first argument is the message
FILLER = {"of", "out"}


@cache
def source_trees() -> dict[str, ast.Module]:
    """The parsed modules of Anju's source, tests and migrations left out."""
    trees = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        trees[str(path.relative_to(SRC))] = ast.parse(path.read_text(), str(path))
    return trees


def test_every_code_is_used_in_the_source():
    used = {node.attr for tree in source_trees().values() for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "Code"}
    assert sorted(m.name for m in Code if m.name not in used) == []


def test_no_two_codes_say_the_same_failure_in_other_words():
    # choice_invalid / invalid_choice, date_order / date_out_of_order
    by_words = defaultdict(list)
    for member in Code:
        by_words[frozenset(member.value.split("_")) - FILLER].append(member.value)
    assert [codes for codes in by_words.values() if len(codes) > 1] == []


def _code_argument(call: ast.Call) -> ast.expr | None:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(
        call.func, "id", None)
    keyword = next((k.value for k in call.keywords if k.arg == "code"), None)
    if name in CODE_FIRST:
        return keyword or (call.args[0] if call.args else None)
    if name in CODE_KEYWORD_ONLY:
        return keyword
    return None


def test_no_error_is_made_with_a_bare_string_code():
    bare = []
    for path, tree in source_trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                code = _code_argument(node)
                if isinstance(code, ast.JoinedStr) or (
                        isinstance(code, ast.Constant) and isinstance(code.value, str)):
                    bare.append(f"{path}:{node.lineno}")
    assert bare == []


def test_the_walk_finds_a_bare_string_code():
    """The test above would see one: by position, by keyword, through the module."""
    for made in ('RuleViolation("choice_invalid", "x")', 'errors.Conflict(code="x", message="")',
                 'Forbidden("x", code=f"{kind}_denied")', 'Unmet("x", "R-1", "f", "m")'):
        assert isinstance(_code_argument(ast.parse(made).body[0].value),
                          ast.Constant | ast.JoinedStr), made
    assert _code_argument(ast.parse('Forbidden("没有权限")').body[0].value) is None
