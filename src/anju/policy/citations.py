"""Which functions and tests cite which rule ids, read from Anju's own source (ADR 0049).

A function cites a rule where its code carries the id: its docstring ("(R-MH-12)"), a string
of its code (`rule="R-MH-12"` in the error it raises, an `Unmet(..., "R-MH-12", ...)`), a
rule constant it names (`rule=RULE`), or a test's name. A `#` comment is not code: an id
written only there cites nothing, so a rule cannot look enforced by a remark. A citation
belongs to the innermost function or class around it; module-level text (a module
docstring) belongs to no function. Test functions (`test_*` in
a tests folder) are counted as tests, every other function of the package outside the tests
folders as enforcing code.
Nothing here is kept by hand: the rule pages and the coverage test both read this.
"""

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import anju

RULE_ID = re.compile(r"\bR-[A-Z]{2,}-\d+[a-z]?\b")
PACKAGE = Path(anju.__file__).parent
# The rule browser's own tests name rule ids to check the pages; they are not the tests of
# those rules.
SELF_CITING = {"anju/policy/tests/test_rule_browser.py", "anju/policy/tests/test_rule_coverage.py"}


@dataclass(frozen=True)
class Citation:
    rule: str
    name: str  # anju.assistance.rules.check_subsidy, or Class.method inside its module
    path: str  # anju/assistance/rules.py, from the package's parent
    line: int
    is_test: bool


def _scopes(tree: ast.Module):
    """Every function and class, with its qualified name inside the module."""
    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                yield child, name
                yield from walk(child, name + ".")
            elif isinstance(child, ast.stmt | ast.excepthandler | ast.match_case):
                yield from walk(child, prefix)  # a definition stands only among statements
    yield from walk(tree, "")


def rule_constants(tree: ast.Module) -> dict[str, set[str]]:
    """The module's names bound to a rule id (`RULE = "R-CJ-2"`), for `rule=RULE`."""
    constants = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and (ids := set(RULE_ID.findall(node.value.value)))):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = ids
    return constants


def cite_file(relative: str, source: str, tree: ast.Module,
              constants: dict[str, dict[str, set[str]]]) -> list[Citation]:
    """The citations of one source file; `constants` are the rule constants of every module."""
    module = relative.removesuffix(".py").replace("/", ".")
    parts = relative.split("/")
    in_tests = "tests" in parts[:-1] or parts[-1] == "conftest.py"
    scopes = []
    for node, name in _scopes(tree):
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        scopes.append((first, node.end_lineno, node, name))
    found: dict[tuple[int, int], set[str]] = {}  # (first line, last line) of the scope -> ids

    def note(line: int, ids: set[str]):
        best = None
        for first, last, _node, _name in scopes:
            if first <= line <= last and (best is None or first >= best[0]):
                best = (first, last)
        if best is not None and ids:
            found.setdefault(best, set()).update(ids)

    # Only the strings of the code (docstrings among them) cite; comments are not in the tree.
    if "R-" in source:
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and "R-" in node.value):
                note(node.lineno, set(RULE_ID.findall(node.value)))
    # A function citing its rule through a constant, its own module's or an imported one.
    local = dict(constants.get(module, {}))
    names = {name for found in constants.values() for name in found}
    for node in ast.walk(tree) if any(name in source for name in names) else ():
        if isinstance(node, ast.ImportFrom) and node.module in constants:
            for alias in node.names:
                if alias.name in constants[node.module]:
                    local[alias.asname or alias.name] = constants[node.module][alias.name]
    if local:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in local:
                note(node.lineno, local[node.id])
    citations = []
    for first, last, node, name in scopes:
        is_test = (in_tests and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                   and node.name.startswith("test_"))
        if in_tests and not is_test:
            continue  # a test's helper or fixture enforces nothing
        ids = set(found.get((first, last), ()))
        # a test's name may carry the id too: test_r_mh_12_... (spelt with underscores)
        ids.update(m.upper().replace("_", "-", 2) for m in
                   re.findall(r"(?<![a-z0-9])r_[a-z]{2}_\d+[a-z]?(?![a-z0-9])", node.name))
        for rule in sorted(ids):
            citations.append(Citation(rule, f"{module}.{name}", relative, node.lineno, is_test))
    return citations


def source_files(root: Path = PACKAGE):
    """The package's Python files (migrations left out: they replay history, enforce nothing);
    paths as `anju/...`. Where the repository's own `tests` folder lies beside `src` (an
    editable install), its browser tests are read too."""
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).as_posix()
        if "/migrations/" in relative or relative in SELF_CITING:
            continue
        yield path, relative
    outer = root.parent.parent / "tests"
    if root.parent.name == "src" and outer.is_dir():
        for path in sorted(outer.rglob("test_*.py")):
            yield path, "tests/" + path.relative_to(outer).as_posix()


@cache
def all_citations() -> tuple[Citation, ...]:
    """Every citation of the installed package, read once per process."""
    sources = {relative: path.read_text(encoding="utf-8") for path, relative in source_files()}
    trees = {relative: ast.parse(source, relative) for relative, source in sources.items()
             if "R-" in source and RULE_ID.search(source)}
    constants = {}
    for relative, tree in trees.items():
        if found := rule_constants(tree):
            constants[relative.removesuffix(".py").replace("/", ".")] = found
    names = {name for found in constants.values() for name in found}
    for relative, source in sources.items():
        if relative not in trees and any(name in source for name in names):
            trees[relative] = ast.parse(source, relative)
    citations = []
    for relative, tree in trees.items():
        citations.extend(cite_file(relative, sources[relative], tree, constants))
    return tuple(citations)
