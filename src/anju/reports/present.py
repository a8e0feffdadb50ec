"""One shape of the statistics for the API and the pages, and the masking of names in the
dashboard's lists (counts carry no personal data; the lists show no more than needed)."""

from anju.divisions.models import Division
from anju.reports.figures import nested


def mask_name(name: str) -> str:
    """王大山 → 王**: the dashboard's lists go up to the prefecture; the ledger has the name."""
    name = (name or "").strip()
    if not name:
        return "—"
    return name[0] + "*" * max(len(name) - 1, 1)


def present_division(division: Division, figures: dict) -> dict:
    return {"code": division.code, "name": division.name, "level": division.level_code,
            **nested(figures)}


def present_summary(summary) -> dict:
    return {
        **present_division(summary.division, summary.figures),
        "refreshed_at": summary.refreshed_at,
        "pending_villages": summary.pending,
        "children": [present_division(c, f) for c, f in summary.children],
    }
