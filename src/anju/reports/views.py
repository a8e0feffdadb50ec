"""Dashboard and map pages: thin over the doors of queries.py. Figures come from the rollup
tables; chart data and map settings reach the scripts through json_script (no inline script)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from anju.accounts.access import requires
from anju.divisions.models import Level
from anju.divisions.queries import ancestors, names_for
from anju.divisions.scope import covers
from anju.kit import reads
from anju.rectification.codes import NOT_CLOSED
from anju.reports import applications, queries
from anju.reports.figures import BY_NAME, DAILY
from anju.reports.present import mask_name
from anju.security import CONTENT_SECURITY_POLICY
from anju.supervision.figures import lookback_counts

# The child table's columns, each sortable; the payments column only with housing security.
COLUMNS = ("houses", "grade_unrated", "grade_c", "grade_d", "ledger_open", "ledger_controlled",
           "ledger_accepted", "ledger_closed", "red_alerts", "priority_ledger", "broken_alerts",
           "overdue_checks", "overdue_controls", "overdue_engineering", "overdue_findings",
           "overdue_payments")
SHORT_LABELS = {"houses": "房屋", "grade_unrated": "未鉴定", "grade_c": "C 级", "grade_d": "D 级",
                "ledger_open": "待整治", "ledger_controlled": "已管控", "ledger_accepted": "已验收",
                "ledger_closed": "已销号", "red_alerts": "危房住人", "broken_alerts": "管控失效",
                "overdue_checks": "检查逾期", "overdue_findings": "问题逾期",
                "overdue_controls": "管控逾期", "overdue_engineering": "工程计划逾期",
                "priority_ledger": "重点区域",
                "overdue_payments": "拨付逾期"}
# The progress chart of the division itself, and the figure its children's chart starts on.
PROGRESS = ("red_alerts", "ledger_open", "ledger_controlled", "ledger_accepted",
            "ledger_closed", "overdue_checks", "overdue_findings")
CHILD_CHART_DEFAULT = "red_alerts"


def _columns() -> tuple[str, ...]:
    if applications.installed():
        return COLUMNS
    return tuple(c for c in COLUMNS if c != "overdue_payments")


def _sorted_children(children, sort: str, descending: bool):
    if sort not in BY_NAME:
        return children
    return sorted(children, key=lambda cf: (cf[1][sort], cf[0].code) if not descending
                  else (-cf[1][sort], cf[0].code))


def _crumbs(user, code: str) -> list[tuple[str, str]]:
    above = [c for c in ancestors(code) if covers(user.scope, c)]
    names = names_for(above)
    return [(c, names.get(c, c)) for c in above]


def _series(points, names) -> dict:
    return {"days": [day.isoformat() for day, _ in points],
            "series": [{"key": n, "name": SHORT_LABELS.get(n, BY_NAME[n].label),
                        "data": [values[n] for _, values in points]} for n in names]}


def _child_series(history, children) -> dict:
    days = sorted({day for points in history.values() for day, _ in points})
    index = {day: i for i, day in enumerate(days)}
    rows = []
    for child, _ in children:
        values = {n: [None] * len(days) for n in DAILY}
        for day, figures in history.get(child.code, []):
            for n in DAILY:
                values[n][index[day]] = figures[n]
        rows.append({"code": child.code, "name": child.name, "values": values})
    return {"days": [d.isoformat() for d in days], "children": rows,
            "figures": [{"key": n, "name": BY_NAME[n].label} for n in DAILY],
            "initial": CHILD_CHART_DEFAULT}


@reads.replica_tolerant(reads.DASHBOARD)
@requires("reports.view")
def dashboard(request, code: str | None = None):
    user, today = request.user, timezone.localdate()
    division = queries.get_division_for_report(user, code)
    summary = queries.summary(division, today=today)
    columns = _columns()
    sort = request.GET.get("sort", "")
    sort = sort if sort in columns else ""
    descending = request.GET.get("order", "desc") != "asc"
    child_codes = [c.code for c, _ in summary.children]
    with_child_history = child_codes and len(child_codes[0]) < Level.VILLAGE
    history = queries.history([division.code, *(child_codes if with_child_history else [])],
                              today=today)
    own = history[division.code]
    lists = {
        "red_alerts": queries.red_alert_list(user, division.code),
        "hazard_alerts": queries.hazard_alert_list(user, division.code),
        "overdue_checks": queries.overdue_check_list(user, division.code, today=today),
        "overdue_findings": queries.overdue_finding_list(user, division.code, today=today),
        "overdue_payments": queries.overdue_payment_list(user, division.code, today=today),
    }
    f = summary.figures
    return render(request, "reports/dashboard.html", {
        "division": division, "summary": summary, "figures": f, "today": today,
        "crumbs": _crumbs(user, division.code),
        "level_label": Level(division.level).label,
        "ledger_not_closed": sum(f[f"ledger_{status}"] for status in NOT_CLOSED),
        "with_applications": applications.installed(),
        "columns": [(c, SHORT_LABELS[c], BY_NAME[c].label) for c in columns],
        "children": [(c, [(n, values[n]) for n in columns])
                     for c, values in _sorted_children(summary.children, sort, descending)],
        "child_level": Level(queries.child_length(division.code)).label
        if summary.children else "",
        "sort": sort, "descending": descending,
        "progress": _series(own, PROGRESS),
        "history_days": [day for day, _ in own],
        "child_progress": _child_series(history, summary.children) if with_child_history
        else None,
        "can_map": division.level in queries.MAP_LEVELS,
        # §6: the look-back's coverage and findings, counted by supervision
        "lookback": lookback_counts(division.code),
        **_list_rows(lists, today),
    })


def _list_rows(lists: dict, today) -> dict:
    """The dashboard's lists with each row's place and the head's name masked."""
    codes = {row.division_code for rows in lists.values() for row in rows}
    names = names_for(codes | {c[:9] for c in codes})
    place = {c: f"{names.get(c[:9], '')} {names.get(c, c)}".strip() for c in codes}

    def head(record) -> str:
        return mask_name(record.household.head_name if record.household_id else "")

    return {
        "red_alert_rows": [(e, place[e.division_code], head(e)) for e in lists["red_alerts"]],
        "hazard_alert_rows": [(h, place[h.division_code], mask_name(
            h.house.household.head_name if h.house.household_id else ""))
            for h in lists["hazard_alerts"]],
        "overdue_check_rows": [(e, place[e.division_code], head(e),
                                (today - e.next_check_due).days)
                               for e in lists["overdue_checks"]],
        "overdue_finding_rows": [(x, place[x.division_code], (today - x.due_on).days)
                                 for x in lists["overdue_findings"]],
        "overdue_payment_rows": [(a, place[a.division_code], head(a),
                                  (today - a.payment_due_on).days)
                                 for a in lists["overdue_payments"]],
    }


def tile_hosts(url: str, subdomains: str) -> list[str]:
    """The origins the map's tiles come from, for the page's img-src (nothing else widens)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    hosts = ([parts.netloc.replace("{s}", s) for s in subdomains] if "{s}" in parts.netloc
             else [parts.netloc])
    return [f"{parts.scheme}://{h}" for h in hosts]


def map_policy(hosts: list[str]) -> str:
    own = "img-src 'self' data:"
    assert own in CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(own, " ".join([own, *hosts]))


@reads.replica_tolerant(reads.DASHBOARD)
@requires("reports.view")
def house_map(request, code: str):
    user = request.user
    division = queries.get_division_for_report(user, code)
    summary = queries.summary(division)
    # A county of very many houses shows its C/D houses; its townships show every house.
    dangerous_only = (division.level == Level.COUNTY
                      and summary.figures["houses"] > queries.MAP_MAX_POINTS)
    tiles = None
    hosts = tile_hosts(settings.MAP_TILE_URL, settings.MAP_TILE_SUBDOMAINS)
    if hosts:
        tiles = {"url": settings.MAP_TILE_URL, "subdomains": settings.MAP_TILE_SUBDOMAINS,
                 "attribution": settings.MAP_TILE_ATTRIBUTION}
    can_map = division.level in queries.MAP_LEVELS
    points_url = reverse("api:map_points") + f"?division={division.code}" if can_map else None
    if dangerous_only:
        points_url += "&dangerous_only=true"
    # A prefecture's map shows its counties, each a link to the county's map of houses.
    overview = division.level == Level.PREFECTURE
    places = queries.map_places(user, division) if can_map or overview else []
    response = render(request, "reports/map.html", {
        "division": division, "crumbs": _crumbs(user, division.code),
        "can_map": can_map, "overview": overview, "summary": summary,
        "children": summary.children, "dangerous_only": dangerous_only,
        "config": {"points": points_url, "tiles": tiles, "places": places,
                   "overview": overview,
                   "map_url": reverse("reports:map", args=["000000"]),
                   "popup_url": reverse("api:map_house", args=[0]),
                   "house_url": reverse("registry:house_detail", args=[0])},
    })
    if hosts:
        response["Content-Security-Policy"] = map_policy(hosts)
    return response
