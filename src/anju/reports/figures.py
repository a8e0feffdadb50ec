"""The figures of the supervision statistics, as one table: the rollup columns, the keys of
`GET /stats/summary`, the dashboard's labels and which figures the daily snapshot keeps all
come from here."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str  # the rollup column
    group: str  # the summary's object that holds it ("" = a top-level number)
    key: str  # its key in that object (the API's code)
    label: str
    daily: bool = False  # kept in the daily snapshot for the progress charts


def _group(prefix: str, group: str, items, daily=()) -> list[Figure]:
    return [Figure(f"{prefix}_{key.lower()}", group, key, label, key in daily)
            for key, label in items]


# Application statuses of housing security (R-MH-3..12, api.md); counted only when the
# assistance app is installed (reports.applications).
APPLICATION_STATUSES = (
    ("applied", "已申请"), ("village_reviewed", "村级已评议"),
    ("township_reviewed", "乡镇已初审"), ("approved", "已审批"), ("notified", "已书面告知"),
    ("under_construction", "施工中"), ("completed", "已竣工"), ("accepted", "已验收"),
    ("paid", "已拨付"), ("waived", "放弃改造"), ("rejected", "未通过"), ("closed", "已归档结案"),
)

FIGURES: tuple[Figure, ...] = (
    Figure("houses", "", "houses", "房屋（栋）", daily=True),
    *_group("grade", "grades", (("A", "A 级"), ("B", "B 级"), ("C", "C 级"), ("D", "D 级"),
                                ("unrated", "未鉴定")), daily=("C", "D", "unrated")),
    *_group("screening", "screening", (("serious", "存在严重安全隐患"),
                                       ("some", "存在一定安全隐患"), ("none", "未发现安全隐患"),
                                       ("not_screened", "未排查"))),
    *_group("occupancy", "occupancy", (("occupied", "有人居住"), ("vacant", "无人居住"),
                                       ("evacuated", "已搬离"), ("sealed", "腾空封房"))),
    *_group("ledger", "ledger", (("open", "待整治"), ("controlled", "已管控"),
                                 ("accepted", "已验收"), ("closed", "已销号")),
            daily=("open", "controlled", "accepted", "closed")),
    # R-CJ-6 住人不危房、危房不住人: occupied C/D houses not signed off; R-CJ-8 business found
    # in use; R-CJ-2 occupied houses with a major hazard awaiting appraisal
    Figure("red_alerts", "", "red_alerts", "危房住人（户）", daily=True),
    Figure("hazard_alerts", "", "hazard_alerts", "重大隐患住人待鉴定（户）"),
    Figure("business_alerts", "", "business_alerts", "未销号发现经营（户）"),
    # R-CJ-7: a control check found a measure no longer holding
    Figure("broken_alerts", "", "broken_alerts", "管控失效（户）"),
    Figure("open_findings", "", "open_findings", "数据质量问题待整改（条）", daily=True),
    Figure("overdue_checks", "overdue", "checks", "管控检查逾期（户）", daily=True),
    Figure("overdue_findings", "overdue", "findings", "问题整改逾期（条）", daily=True),
    Figure("overdue_payments", "overdue", "payments", "补助拨付逾期（户）", daily=True),
    # R-CJ-2 ordered controls not carried out in the profile's days; R-CJ-5 engineering plans
    # past their due date
    Figure("overdue_controls", "overdue", "controls", "管控措施逾期（户）", daily=True),
    Figure("overdue_engineering", "overdue", "engineering", "工程计划逾期（户）", daily=True),
    # R-CJ-1 priority areas
    *_group("priority", "priority", (("houses", "重点区域房屋（栋）"),
                                     ("ledger", "重点区域未销号台账（户）"),
                                     ("red_alerts", "重点区域危房住人（户）")),
            daily=("ledger", "red_alerts")),
    # R-MH-12: unpaid past the deadline now, and payments made after it (api.md)
    Figure("payments_overdue", "", "payments_overdue", "补助未拨付且已逾期（户）"),
    Figure("payments_late", "", "payments_late", "补助逾期拨付（笔）"),
    # R-CJ-7 村民监督: villagers' reports at a warning sign not yet answered by a visit, and
    # those past their deadline (profile villager_report_days)
    Figure("villager_leads", "", "villager_leads", "村民监督线索待核查（条）"),
    Figure("overdue_leads", "overdue", "leads", "村民监督线索逾期（条）"),
    # R-MH-14: low-income households' houses due for their periodic inspection
    Figure("inspections_due", "", "inspections_due", "定期巡检到期（栋）"),
    *_group("app", "applications", APPLICATION_STATUSES,
            daily=("approved", "under_construction", "accepted", "paid")),
)
NAMES = tuple(f.name for f in FIGURES)
DAILY = tuple(f.name for f in FIGURES if f.daily)
BY_NAME = {f.name: f for f in FIGURES}
GROUPS = tuple(dict.fromkeys(f.group for f in FIGURES if f.group))


def nested(values: dict) -> dict:
    """The summary's shape of one division's figures: top-level numbers and keyed groups."""
    out: dict = {group: {} for group in GROUPS}
    for f in FIGURES:
        value = values.get(f.name, 0)
        if f.group:
            out[f.group][f.key] = value
        else:
            out[f.key] = value
    return out
