"""Statistics over HTTP (api.md `GET /stats/summary`): the figures of a division in the
caller's scope and of each child division, read from the rollup tables; and the compact house
points of the map."""

from datetime import datetime

from django.http import JsonResponse
from ninja import Field, Router, Schema

from anju.accounts.access import requires
from anju.kit.glossary import FIGURES
from anju.reports import queries
from anju.reports.present import present_summary
from anju.web.apikit import ERRORS

router = Router(tags=["统计"])


class DivisionFigures(Schema):
    code: str
    name: str
    level: str = Field(description="province、prefecture、county、township、village")
    houses: int = Field(description="房屋（栋）")
    grades: dict[str, int] = Field(description="按安全等级：A、B、C、D、unrated")
    screening: dict[str, int] = Field(
        description="按排查初判：serious、some、none、not_screened（未排查）")
    occupancy: dict[str, int] = Field(description="按居住状态：occupied、vacant、evacuated、sealed")
    ledger: dict[str, int] = Field(description="整治台账按状态：open、controlled、accepted、closed")
    applications: dict[str, int] = Field(description="农村危房改造申请按状态（api.md 的状态代码）")
    red_alerts: int = Field(description="红色预警：有人居住且未销号的 C/D 级危房（R-CJ-6）、"
                            "未销号发现经营（R-CJ-8）、重大隐患房屋有人居住待鉴定（R-CJ-2）")
    hazard_alerts: int = Field(
        description="重大隐患房屋有人居住、尚待鉴定（R-CJ-2，已计入 red_alerts）")
    business_alerts: int = Field(description="台账未销号的房屋发现经营（R-CJ-8）")
    priority: dict[str, int] = Field(
        description="重点区域（R-CJ-1）：houses 房屋、ledger 未销号台账、red_alerts 危房住人")
    broken_alerts: int = Field(description="管控检查发现管控措施失效的台账（R-CJ-7）")
    open_findings: int = Field(description="待整改的数据质量问题（R-CJ-3）")
    payments_overdue: int = Field(description="补助未拨付且已过拨付期限的申请（R-MH-12）")
    payments_late: int = Field(description="超过拨付期限后才拨付的补助笔数（R-MH-12）")
    inspections_due: int = Field(
        0, description="定期巡检到期：低收入群体房屋超过巡检间隔未检查（R-MH-14）")
    villager_leads: int = Field(
        0, description="村民监督线索待核查：村民扫描警示标志反映、尚未到现场核查（R-CJ-7）")
    overdue: dict[str, int] = Field(
        description="逾期：checks 管控检查（R-CJ-7）、findings 问题整改（R-CJ-3）、"
        "payments 补助拨付（R-MH-12）、controls 管控措施未按期落实（R-CJ-2）、"
        "engineering 工程措施计划过期（R-CJ-5）、leads 村民监督线索超过核查期限（R-CJ-7）")


class StatsSummaryOut(DivisionFigures):
    refreshed_at: datetime | None = Field(description="本区划统计的最近更新时间")
    pending_villages: int = Field(
        description="记录已变化或期限已过、尚待后台任务重新统计的村数（0 表示统计是最新的）")
    children: list[DivisionFigures] = Field(description="各下级区划，按区划代码排序")


class MapOut(Schema):
    fields: list[str] = Field(description="每个点的字段：id、lat、lng、grade、alert（1：红色预警）")
    points: list[list[int | float | str]]
    dangerous_only: bool = Field(description="true：只含 C/D 级房屋")
    truncated: bool = Field(description="true：房屋过多，只返回了前一部分")


class MapHouseOut(Schema):
    id: int
    address: str
    village: str
    head: str = Field(description="户主姓名（遮蔽，如 王**）；无农户时为空")
    grade: str
    grade_label: str
    occupancy: str


@router.get("/map/houses/{house_id}", response={200: MapHouseOut, **ERRORS},
            summary="地图弹窗：房屋地址、所在村、户主（遮蔽）和等级")
@requires("reports.view")
def map_house(request, house_id: int):
    return queries.map_house(request.user, house_id)


@router.get("/summary", response={200: StatsSummaryOut, **ERRORS}, summary="区划统计汇总")
@requires("reports.view")
def summary(request, division: str | None = None):
    """Counts by grade, screening result, occupancy, ledger status and application status; red
    alerts; overdue checks, findings and payments; the same for each child division. Served
    from the rollup tables, which a background task keeps current."""
    place = queries.get_division_for_report(request.user, division)
    return present_summary(queries.summary(place))


class GlossaryFigure(Schema):
    key: str = Field(description="数字的代码，与首页 data-figure、统计接口的字段一致")
    label: str
    unit: str = Field(description="单位：栋（房屋）、户（农户）、条、件、人、笔")
    counts: str = Field(description="统计的是什么")
    rule: str = Field(description="政策规则编号（domain.md），没有则为空")


@router.get("/glossary", response={200: list[GlossaryFigure], **ERRORS},
            summary="数字词汇表：每个数字统计什么、用什么单位")
@requires("reports.view")
def glossary(request):
    """The same vocabulary the pages use (/glossary/), so an integrator reads a figure as the
    clerk does: houses in 栋, households in 户, findings in 条, cases in 件."""
    return [{"key": f.key, "label": str(f.label), "unit": str(f.unit), "counts": str(f.counts),
             "rule": f.rule} for f in FIGURES]


@router.get("/map", response={200: MapOut, **ERRORS}, summary="地图上的房屋点位")
@requires("reports.view")
def map_points(request, division: str | None = None, dangerous_only: bool = False):
    """The houses of a county, township or village with coordinates, as compact rows."""
    place = queries.get_division_for_report(request.user, division)
    # Many thousands of rows: serialised directly rather than validated row by row.
    return JsonResponse(queries.map_points(request.user, place, dangerous_only=dangerous_only))
