"""The rule catalogue for integrators (api.md "Rules"): each rule id with its policy sentence,
where it stands in the policy, the numbers in force for the caller's region on a date, and the
functions and tests that cite it — the same catalogue as the `/rules/` pages (ADR 0049)."""

from datetime import date

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from anju.accounts.access import requires
from anju.kit.errors import NotFound
from anju.policy.catalogue import Rule, catalogue, profile_values, search
from anju.policy.rules import profile_for
from anju.web.apikit import ERRORS

rules_router = Router(tags=["规则"])


class Source(Schema):
    document: str = Field(description="文件编号，如 昌州农排函〔2023〕1号")
    title: str = Field(description="文件标题")
    section: str = Field(description="条款所在章节")


class ProfileValue(Schema):
    field: str
    label: str
    value: str = Field(description="本地区在该日期适用的取值；政策未规定的写明“本地区政策未规定”")


class CitationOut(Schema):
    name: str = Field(description="函数或测试的完整名称")
    path: str
    line: int


class RuleOut(Schema):
    id: str
    title: str
    text: str = Field(description="政策原文")
    reading: str = Field(description="原文留有选择时 Anju 的理解；没有则为空")
    source: Source
    profile_values: list[ProfileValue]
    enforced_by: list[CitationOut]
    tests: list[CitationOut]
    exempt: str = Field(description="Anju 不执行该规则的原因；执行的为空")


class RuleFilters(Schema):
    q: str = Field("", description="按编号、标题或原文文字查找")
    on: date | None = Field(None, description="取值的日期，默认今天")


def present_rule(rule: Rule, profile) -> dict:
    return {
        "id": rule.id, "title": rule.title, "text": rule.sentence, "reading": rule.reading,
        "source": {"document": rule.document, "title": rule.document_title,
                   "section": rule.section},
        "profile_values": [{"field": f, "label": label, "value": value}
                           for f, label, value in profile_values(rule, profile)],
        "enforced_by": [{"name": c.name, "path": c.path, "line": c.line}
                        for c in rule.functions],
        "tests": [{"name": c.name, "path": c.path, "line": c.line} for c in rule.tests],
        "exempt": rule.exempt}


@rules_router.get("", response={200: list[RuleOut], **ERRORS},
                  summary="规则目录：原文、本地区取值、执行的函数和引用的测试")
@requires("accounts.self")
def list_rules(request, filters: Query[RuleFilters]):
    profile = profile_for(request.user.scope or "", filters.on or timezone.localdate())
    return [present_rule(r, profile) for r in search(catalogue().values(), filters.q)]


@rules_router.get("/{rule_id}", response={200: RuleOut, **ERRORS}, summary="一条规则")
@requires("accounts.self")
def get_rule(request, rule_id: str, on: date | None = None):
    rule = catalogue().get(rule_id)
    if rule is None:
        raise NotFound(f"没有编号为 {rule_id} 的规则", field="rule_id")
    return present_rule(rule, profile_for(request.user.scope or "", on or timezone.localdate()))
