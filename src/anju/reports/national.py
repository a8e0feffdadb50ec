"""The national roll-up (docs/national-rollup.md, ADR 0045): a province's figures as a file
the nation can add up, and the nation's sum of the provinces' files.

A province's file holds the rollup rows (anju.reports.rollup) of the province, its
prefectures and its counties: division codes, names and the counts of figures.FIGURES, nothing
else. No row names a person or a house, and `read` refuses a file with any other column, so a
personal field cannot travel in one by mistake. The nation checks each file (format, digest,
the counties adding up to their prefecture and the prefectures to the province) and keeps one
file per province: a province sent again replaces its earlier file, never adds to it.
"""

import csv
import hashlib
import io
import json
from datetime import date

from django.utils import timezone

from anju.accounts.access import can
from anju.audit.actions import record
from anju.audit.models import Action
from anju.divisions.models import Division
from anju.divisions.scope import covers, within
from anju.kit.errors import Code, Forbidden, NotFound, RuleViolation
from anju.reports.figures import NAMES
from anju.reports.models import DivisionStat

FORMAT = "anju-rollup/1"
NATIONAL_FORMAT = "anju-national/1"
LEVELS = (2, 4, 6)  # province, prefectures, counties: the nation needs nothing finer
ROW_FIELDS = ("code", "level", "name", *NAMES)
HEAD_FIELDS = ("format", "province", "name", "as_of", "generated_at", "pending_villages")
RULE = "national-rollup.md"


# ---------------------------------------------------------------- a province's file


def get_province_for_export(province: str, user) -> Division:
    """The province whose rollup `user` may export: only a province-level user of that
    province, or a national one (empty scope); the one door of province_rollup."""
    if not (len(province) == 2 and province.isdigit()):
        raise RuleViolation(Code.DIVISION_INVALID, "省级区划代码应为 2 位数字",
                            field="province", rule=RULE)
    if not can(user, "reports.view") or len(user.scope) > 2:
        raise Forbidden("只有省级或全国用户可以导出全省汇总", code=Code.DIVISION_OUT_OF_SCOPE,
                        rule=RULE)
    if not covers(user.scope, province):
        raise NotFound("该区划不在您的管辖范围内", field="province")
    found = Division.objects.filter(code=province).first()
    if found is None:
        raise NotFound("区划代码不存在", field="province")
    return found


def province_rollup(province: str, *, acting_user, today: date | None = None) -> dict:
    """The rollup of `province` (two digits) as the nation receives it, from the rollup rows
    as they stand (run rollup.refresh() first to count the changed villages)."""
    found = get_province_for_export(province, acting_user)
    names = dict(Division.objects.filter(within(province, "code"), level__in=LEVELS)
                 .values_list("code", "name"))
    rows = [{"code": row["code"], "level": row["level"], "name": names.get(row["code"], ""),
             **{n: row[n] for n in NAMES}}
            for row in DivisionStat.objects.filter(within(province, "code"), level__in=LEVELS)
            .order_by("code").values("code", "level", *NAMES)]
    document = {
        "format": FORMAT, "province": province, "name": found.name,
        "as_of": (today or timezone.localdate()).isoformat(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        # villages whose records changed since they were counted: zero after a refresh
        "pending_villages": DivisionStat.objects.filter(within(province, "code"), level=12,
                                                        dirty=True).count(),
        "divisions": rows,
    }
    document["digest"] = digest(document)
    record(Action.EXPORT, actor=acting_user, division_code=province,
           details={"export": "national/rollup", "divisions": len(rows),
                    "as_of": document["as_of"]})
    return document


def digest(document: dict) -> str:
    """SHA-256 of the file's content in one canonical form, whatever its carrier (JSON or
    CSV): a file cut short or edited on the way no longer matches."""
    head = [str(document[f]) for f in HEAD_FIELDS]
    body = [[str(row[f]) for f in ROW_FIELDS] for row in document["divisions"]]
    canonical = json.dumps([head, body], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def dumps(document: dict, fmt: str = "json") -> str:
    """The file's text: JSON, or CSV (a head row of `key=value` cells, then the columns)."""
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"{f}={document[f]}" for f in (*HEAD_FIELDS, "digest")])
    writer.writerow(ROW_FIELDS)
    for row in document["divisions"]:
        writer.writerow([row[f] for f in ROW_FIELDS])
    return out.getvalue()


def loads(text: str) -> dict:
    """A province's file (JSON or CSV) back as a checked document; refuses anything that is
    not exactly what `province_rollup` writes."""
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            raise _invalid("文件不是有效的 JSON") from None
    else:
        document = _from_csv(text)
    check(document)
    return document


def _invalid(message: str, field: str = "file") -> RuleViolation:
    return RuleViolation(Code.FORMAT_INVALID, message, field=field, rule=RULE)


def _from_csv(text: str) -> dict:
    lines = list(csv.reader(io.StringIO(text)))
    if len(lines) < 2 or any("=" not in cell for cell in lines[0]):
        raise _invalid("CSV 文件应以“键=值”的表头行开始")
    document: dict = dict(cell.split("=", 1) for cell in lines[0])
    if tuple(lines[1]) != ROW_FIELDS:
        raise _invalid("CSV 文件的列与汇总格式不符", field="columns")
    rows = []
    for line in lines[2:]:
        if len(line) != len(ROW_FIELDS):
            raise _invalid("CSV 文件的行与列数不符", field="divisions")
        rows.append(dict(zip(ROW_FIELDS, line, strict=True)))
    document["divisions"] = rows
    try:
        document["pending_villages"] = int(document.get("pending_villages", ""))
        for row in rows:
            for f in ("level", *NAMES):
                row[f] = int(row[f])
    except ValueError:
        raise _invalid("汇总数应为整数", field="divisions") from None
    return document


def check(document: dict) -> None:
    """What the nation checks of each province's file before adding it up."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _invalid(f"不是安居省级汇总文件（格式应为 {FORMAT}）", field="format")
    if set(document) != {*HEAD_FIELDS, "digest", "divisions"}:
        raise _invalid("文件含有汇总格式以外的项", field="format")
    province = document["province"]
    if not (isinstance(province, str) and len(province) == 2 and province.isdigit()):
        raise _invalid("省级区划代码应为 2 位数字", field="province")
    rows = document["divisions"]
    for row in rows:
        # only codes, names and counts: a column beyond them is refused, whatever it holds
        if not isinstance(row, dict) or set(row) != set(ROW_FIELDS):
            raise _invalid("汇总行含有汇总格式以外的列", field="divisions")
        code = row["code"]
        if (not isinstance(code, str) or not code.startswith(province)
                or len(code) != row["level"] or row["level"] not in LEVELS):
            raise _invalid(f"区划 {code} 不属于 {province} 或级别不符", field="divisions")
        if any(not isinstance(row[n], int) or row[n] < 0 for n in NAMES):
            raise _invalid(f"区划 {code} 的汇总数应为非负整数", field="divisions")
    if digest(document) != document["digest"]:
        raise RuleViolation(Code.ROLLUP_DIGEST_MISMATCH, f"{province} 的汇总文件摘要不符，"
                            "文件可能不完整或被改动", field="digest", rule=RULE)
    by_code = {row["code"]: row for row in rows}
    if province not in by_code:
        raise _invalid(f"文件缺少全省（{province}）的汇总行", field="divisions")
    for parent_len, child_len in ((2, 4), (4, 6)):
        for parent in (r for r in rows if r["level"] == parent_len):
            kids = [r for r in rows if r["level"] == child_len
                    and r["code"].startswith(parent["code"])]
            if not kids:
                continue
            for name in NAMES:
                if sum(k[name] for k in kids) != parent[name]:
                    raise RuleViolation(
                        Code.ROLLUP_SUMS_MISMATCH,
                        f"{parent['code']} 的“{name}”不等于其下级区划之和", field="divisions",
                        rule=RULE)


# ---------------------------------------------------------------- the nation's sum


def merge_provinces(documents: list[dict]) -> dict:
    """The national figures: the sum of one file per province. A province sent again
    replaces its earlier file (the later `as_of`, then `generated_at`); the same file twice
    counts once; two different files of one province stamped alike are refused."""
    kept: dict[str, dict] = {}
    replaced = []
    for document in documents:
        check(document)
        province = document["province"]
        earlier = kept.get(province)
        if earlier is None:
            kept[province] = document
            continue
        if earlier["digest"] == document["digest"]:
            continue
        stamp, earlier_stamp = _stamp(document), _stamp(earlier)
        if stamp == earlier_stamp:
            raise RuleViolation(Code.ROLLUP_PROVINCE_TWICE,
                                f"{province} 有两份同一时间生成、内容不同的汇总文件",
                                field="province", rule=RULE)
        newer, older = (document, earlier) if stamp > earlier_stamp else (earlier, document)
        kept[province] = newer
        replaced.append({"province": province, "as_of": older["as_of"],
                         "generated_at": older["generated_at"]})
    totals = dict.fromkeys(NAMES, 0)
    provinces = []
    for province in sorted(kept):
        document = kept[province]
        row = next(r for r in document["divisions"] if r["code"] == province)
        for name in NAMES:
            totals[name] += row[name]
        provinces.append({"province": province, "name": document["name"],
                          "as_of": document["as_of"],
                          "generated_at": document["generated_at"],
                          "pending_villages": document["pending_villages"],
                          "digest": document["digest"],
                          "figures": {n: row[n] for n in NAMES}})
    return {"format": NATIONAL_FORMAT, "provinces": provinces, "replaced": replaced,
            "figures": totals}


def _stamp(document: dict) -> tuple[str, str]:
    return document["as_of"], document["generated_at"]
