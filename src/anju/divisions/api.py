from ninja import Router, Schema

from anju.accounts.access import requires
from anju.divisions.models import Division
from anju.divisions.queries import children_for_user, get_division_for_user, search_divisions
from anju.web.apikit import ERRORS

router = Router(tags=["行政区划"])


class DivisionOut(Schema):
    code: str
    name: str
    level: str
    is_demo: bool = False


def present(division: Division) -> dict:
    return {"code": division.code, "name": division.name, "level": division.level_code,
            "is_demo": division.is_demo}


@router.get("", response={200: list[DivisionOut], **ERRORS}, summary="按名称或代码搜索区划")
@requires("divisions.view")
def search(request, q: str, level: str | None = None):
    levels = {"province": 2, "prefecture": 4, "county": 6, "township": 9, "village": 12}
    return [present(d) for d in search_divisions(request.user, q, level=levels.get(level or ""))]


@router.get("/{code}", response={200: DivisionOut, **ERRORS}, summary="查看区划")
@requires("divisions.view")
def detail(request, code: str):
    return present(get_division_for_user(request.user, code))


@router.get("/{code}/children", response={200: list[DivisionOut], **ERRORS},
            summary="下级区划")
@requires("divisions.view")
def children(request, code: str):
    return [present(d) for d in children_for_user(request.user, code)]
