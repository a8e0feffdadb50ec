"""One vocabulary for every figure Anju shows: what is counted, in which unit, and the list it
counts. Home pages, dashboards, the field app and the /glossary/ page read their words here, so
a figure means the same thing and carries the same unit wherever it appears."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The units: a house is a building (栋), a household a family (户), a finding a line of the
# quality list (条), a case a file of housing security (件), a person of the roster (人).
HOUSE, HOUSEHOLD, FINDING, CASE, PERSON, REQUEST, EVENT = (
    _("栋"), _("户"), _("条"), _("件"), _("人"), _("笔"), _("条"))


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    counts: str  # what is counted, in a sentence a clerk understands
    url: str  # the URL name of the list it counts
    query: str = ""  # the filter that list needs to show exactly what is counted
    rule: str = ""  # the policy rule, for the API and the glossary page only

    @property
    def anchor(self) -> str:
        return f"g-{self.key}"


FIGURES: tuple[Figure, ...] = (
    Figure("households", _("农户"), HOUSEHOLD, _("辖区内登记的农户（家庭）"),
           "registry:household_list"),
    Figure("houses", _("房屋"), HOUSE, _("辖区内登记的房屋（每栋一条）"), "registry:house_list"),
    Figure("red_alerts", _("危房仍有人居住"), HOUSE,
           _("C 级、D 级危房尚未销号且仍有人居住，以及重大隐患待鉴定仍住人的房屋：应立即搬离人员"),
           "rectification:ledger_list", "alert=red", "R-CJ-6"),
    Figure("hazard_alerts", _("重大隐患待鉴定仍住人"), HOUSE,
           _("排查发现重大安全隐患、尚未鉴定而仍有人居住的房屋"),
           "rectification:ledger_list", "", "R-CJ-2"),
    Figure("control_overdue", _("管控措施逾期未落实"), HOUSE,
           _("台账中已下达管控措施、超过期限仍未落实的房屋"),
           "quality:worklist", "tab=control_overdue", "R-CJ-2"),
    Figure("engineering_overdue", _("工程措施计划逾期"), HOUSE,
           _("台账中工程措施计划完成日期已过仍未完成的房屋"),
           "quality:worklist", "tab=engineering_overdue", "R-CJ-5"),
    Figure("villager_leads", _("村民监督线索待核查"), FINDING,
           _("村民扫描危房警示标志反映、乡镇尚未到现场核查的线索"), "public:leads",
           "status=open", "R-CJ-7"),
    Figure("villager_leads_overdue", _("村民监督线索逾期未核查"), FINDING,
           _("超过核查期限仍未到现场核查的村民监督线索"), "public:leads",
           "status=open&overdue=1", "R-CJ-7"),
    Figure("open_findings", _("待整改数据问题"), FINDING,
           _("数据质量检查发现、尚未整改的问题（一栋房屋可有多条）"), "quality:page"),
    Figure("findings_overdue", _("数据问题逾期未整改"), FINDING,
           _("超过整改期限仍未整改的数据质量问题"), "quality:page", "overdue=1"),
    Figure("inspections_due", _("定期巡检到期"), HOUSE,
           _("低收入群体房屋到期应做定期巡检的房屋"), "appraisal:inspections_due", "",
           "R-MH-14"),
    Figure("roster_late", _("以人找房逾期未鉴定"), PERSON,
           _("部门名单中的人员，其住房超过期限仍未鉴定"), "roster:page", "status=late"),
    Figure("approvals_waiting", _("待本部门审批"), CASE,
           _("乡镇已初审、等待本部门审批意见的住房保障申请"), "assistance:queue", "",
           "R-MH-3"),
    Figure("payments_due", _("待拨付补助"), CASE,
           _("已验收、补助尚未拨付的住房保障案件"), "assistance:case_list", "status=accepted",
           "R-MH-12"),
    Figure("payments_late", _("补助逾期未拨付"), CASE,
           _("超过拨付期限仍未拨付补助的住房保障案件"), "assistance:case_list", "late=payment",
           "R-MH-12"),
    Figure("acceptance_due", _("已竣工待验收"), CASE,
           _("已竣工、等待乡镇组织验收的住房保障案件"), "assistance:case_list", "status=completed",
           "R-MH-10"),
    Figure("department_queue", _("待本部门办理"), CASE,
           _("等待本部门办理其职责事项（规划审批、确权、饮水、用电）的住房保障案件"),
           "assistance:department_queue"),
    Figure("disbursements", _("待办资金拨付申请"), REQUEST,
           _("乡镇提交、等待审核或拨付的资金拨付申请"), "assistance:funds", "", "R-MH-12a"),
    Figure("cases_open", _("住房保障在办案件"), CASE,
           _("已申请、尚未拨付或结案的住房保障案件"), "assistance:case_list"),
    Figure("unrated_houses", _("待鉴定房屋"), HOUSE,
           _("辖区内尚未鉴定安全等级的房屋"), "registry:house_list", "grade=unrated"),
    Figure("audit_events", _("审计日志"), EVENT, _("登录、查看敏感信息和每次修改的记录"),
           "audit:event_list"),
)

GLOSSARY: dict[str, Figure] = {f.key: f for f in FIGURES}
