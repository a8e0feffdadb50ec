"""The rule catalogue: each rule id with its policy sentence (data/rules_catalogue.toml), the
region's numbers that serve it, and the functions and tests that cite it (read from the
source by anju.policy.citations). The rule pages and the coverage test read this (ADR 0049).
"""

import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from anju.policy.citations import Citation, all_citations
from anju.policy.profiles import LABELS, UNKNOWN, Profile

CATALOGUE = Path(__file__).parent / "data" / "rules_catalogue.toml"
# A profile's identity, not a number of any rule.
NOT_A_VALUE = {"code", "name", "sources"}
# The words of the profile's coded values.
WORDS = {"village": "村", "township": "乡镇", "county": "市（县）",
         "renovation": "农村危房改造", "seismic": "农房抗震防灾工程"}


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    document: str  # the seed document's number, 昌州农排函〔2023〕1号
    document_title: str
    section: str
    sentence: str
    reading: str = ""  # Anju's reading where the sentence leaves a choice
    profile: tuple[str, ...] = ()
    exempt: str = ""  # why Anju does not enforce the rule; empty where it does
    functions: tuple[Citation, ...] = field(default=(), compare=False)
    tests: tuple[Citation, ...] = field(default=(), compare=False)

    @property
    def sort_key(self) -> tuple:
        prefix, number = self.id.rsplit("-", 1)
        digits = "".join(c for c in number if c.isdigit())
        return prefix, int(digits), number


@cache
def _data() -> dict:
    with CATALOGUE.open("rb") as f:
        return tomllib.load(f)


def field_label(name: str) -> str:
    return LABELS[name][0] if name in LABELS else _data()["fields"].get(name, name)


def rule_ids() -> set[str]:
    """The ids of the catalogue, without reading the source."""
    return {entry["id"] for entry in _data()["rules"]}


def title_of(rule_id: str) -> str | None:
    return next((e["title"] for e in _data()["rules"] if e["id"] == rule_id), None)


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule of the catalogue by id, in the order of the policy notes (CJ, then MH)."""
    data = _data()
    by_rule: dict[str, tuple[list, list]] = {}
    for citation in all_citations():
        pair = by_rule.setdefault(citation.rule, ([], []))
        pair[1 if citation.is_test else 0].append(citation)
    rules = []
    for entry in data["rules"]:
        document = data["documents"][entry["document"]]
        functions, tests = by_rule.get(entry["id"], ([], []))
        rules.append(Rule(
            id=entry["id"], title=entry["title"], document=document["code"],
            document_title=document["title"], section=entry["section"],
            sentence=entry["sentence"], reading=entry.get("reading", ""),
            profile=tuple(entry.get("profile", ())), exempt=entry.get("exempt", ""),
            functions=tuple(sorted(functions, key=lambda c: c.name)),
            tests=tuple(sorted(tests, key=lambda c: c.name))))
    return {r.id: r for r in sorted(rules, key=lambda r: r.sort_key)}


def unknown_citations() -> list[Citation]:
    """Citations of an id the catalogue does not hold (a misspelt or retired rule)."""
    known = catalogue()
    return [c for c in all_citations() if c.rule not in known]


def profile_fields() -> list[str]:
    """The profile fields that are numbers of a rule."""
    return [f.name for f in fields(Profile) if f.name not in NOT_A_VALUE]


def show_value(value) -> str:
    """A profile value as the rule page writes it; a value the region's policy does not give
    says so (R-CJ-9: never borrowed)."""
    if value is None or value == ():
        return UNKNOWN
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return "—".join(f"{m} 月 {d} 日" for m, d in value)  # a (month, day) window
    if isinstance(value, tuple):
        return "、".join(show_value(v) for v in value)
    return WORDS.get(value, str(value))


def profile_values(rule: Rule, profile: Profile) -> list[tuple[str, str, str]]:
    """(field, label, value) of the region's profile for each number the rule takes."""
    return [(name, field_label(name), show_value(getattr(profile, name)))
            for name in rule.profile]


def search(rules, query: str) -> list[Rule]:
    """The rules whose id, title, section or sentence holds the query (case ignored)."""
    query = query.strip().casefold()
    if not query:
        return list(rules)
    return [r for r in rules
            if any(query in text.casefold() for text in
                   (r.id, r.title, r.section, r.sentence, r.reading, r.document))]
