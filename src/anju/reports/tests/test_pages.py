"""The dashboard and map pages, as a county officer uses them: key figures, the townships
sortable by each figure with drill-down, the red-alert and overdue lists with names masked,
and a map that needs no tiles."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from anju.conftest import HONGMEI, HONGMEI_V1, SHANCHENG, SHANCHENG_V1, sign_in
from anju.rectification.actions import backfill_ledger
from anju.rectification.models import LedgerEntry
from anju.reports import rollup
from anju.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

LAT, LNG = Decimal("42.500000"), Decimal("125.700000")


@pytest.fixture
def county(make_house, make_household):
    """Two occupied D houses in 红梅镇 and one in 山城镇 (red alerts), one overdue check."""
    for head in ("王大山", "赵小红"):
        make_house(HONGMEI_V1, grade="D", lat=LAT, lng=LNG,
                   household=make_household(HONGMEI_V1, head_name=head))
    make_house(SHANCHENG_V1, grade="D", lat=LAT, lng=LNG,
               household=make_household(SHANCHENG_V1, head_name="李春生"))
    make_house(SHANCHENG_V1, grade="A", lat=LAT, lng=LNG)
    backfill_ledger("220581")
    LedgerEntry.objects.filter(division_code=SHANCHENG_V1).update(
        next_check_due=timezone.localdate() - timedelta(days=3))
    rollup.rebuild("220581")


def page(user, path: str):
    client = sign_in(Client(), user)
    return client.get(path)


def text(response) -> str:
    return response.content.decode()


def child_rows(body: str) -> list[str]:
    return re.findall(r'<tr data-division="(\d+)">', body)


def test_county_dashboard_shows_key_figures_and_townships_with_red_alerts(cast, county):
    r = page(cast.mhk_housing, "/reports/")
    assert r.status_code == 200
    body = text(r)
    assert "梅河口市统计看板" in body
    figure = re.search(r'data-figure="red_alerts".*?<span class="figure-n">(\d+)</span>', body,
                       re.S)
    assert figure.group(1) == "3"
    rows = child_rows(body)
    assert rows == sorted(rows) and rows.index(SHANCHENG) + 1 == rows.index(HONGMEI)
    assert f'href="/reports/{HONGMEI}/"' in body


def test_townships_sort_by_any_figure_most_first_then_least(cast, county):
    body = text(page(cast.mhk_housing, "/reports/220581/?sort=red_alerts"))
    assert child_rows(body)[0] == HONGMEI
    assert 'aria-sort="descending"' in body
    body = text(page(cast.mhk_housing, "/reports/220581/?sort=red_alerts&order=asc"))
    assert child_rows(body)[-1] == HONGMEI
    body = text(page(cast.mhk_housing, "/reports/220581/?sort=overdue_checks"))
    assert child_rows(body)[0] == SHANCHENG


def test_red_alert_and_overdue_lists_mask_the_head_of_household(cast, county):
    body = text(page(cast.mhk_housing, "/reports/220581/"))
    alerts = body[body.index('id="red-alerts"'):body.index('id="overdue-checks"')]
    assert "王**" in alerts and "赵**" in alerts and "李**" in alerts
    assert "王大山" not in body and "赵小红" not in body and "李春生" not in body
    overdue = body[body.index('id="overdue-checks"'):body.index('id="overdue-findings"')]
    assert "李**" in overdue and "王**" not in overdue


def test_drill_down_to_a_township_and_its_villages(cast, county):
    body = text(page(cast.mhk_housing, f"/reports/{SHANCHENG}/"))
    assert "山城镇统计看板" in body
    assert 'href="/reports/220581/"' in body  # the way back up
    assert child_rows(body)[0] == SHANCHENG_V1
    assert f'href="/reports/{SHANCHENG}/map/"' in body


def test_a_township_officer_cannot_open_the_county_or_another_township(cast, county):
    assert page(cast.shancheng, "/reports/220581/").status_code == 404
    assert page(cast.shancheng, f"/reports/{HONGMEI}/").status_code == 404
    assert page(cast.shancheng, "/reports/").status_code == 200
    assert page(cast.admin, "/reports/").status_code == 403


def test_a_single_days_snapshot_is_said_so_and_nothing_is_invented(cast, county):
    body = text(page(cast.mhk_housing, "/reports/220581/"))
    assert "一天的统计快照" in body and "不补造以往的数据" in body
    data = json.loads(re.search(r'<script id="progress-data" type="application/json">(.*?)'
                                r"</script>", body, re.S).group(1))
    assert data["days"] == [str(timezone.localdate())]
    red = next(s for s in data["series"] if s["key"] == "red_alerts")
    assert red["data"] == [3]


def test_dashboard_queries_do_not_grow_with_the_lists(cast, county, make_house, make_household,
                                                      django_assert_max_num_queries):
    client = sign_in(Client(), cast.mhk_housing)
    client.get("/reports/220581/")
    for i in range(5):
        make_house(HONGMEI_V1, grade="C", lat=LAT, lng=LNG,
                   household=make_household(HONGMEI_V1, head_name=f"孙{i}"))
    backfill_ledger("220581")
    rollup.refresh()
    with django_assert_max_num_queries(24):
        assert client.get("/reports/220581/").status_code == 200


def test_map_page_works_without_tiles_under_the_default_policy(cast, county):
    r = page(cast.mhk_housing, f"/reports/{SHANCHENG}/map/")
    assert r.status_code == 200
    assert r["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    body = text(r)
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)'
                                  r"</script>", body, re.S).group(1))
    assert config["tiles"] is None
    assert config["points"] == f"/api/v1/stats/map?division={SHANCHENG}"
    # Without tiles the map is drawn on its villages, and no setting is named to the user.
    assert "不需联网" in body and "ANJU_MAP_TILE_URL" not in body and "未配置" not in body
    assert [p[:2] + p[4:] for p in config["places"]] == [[SHANCHENG_V1, "演示一村", 2]]
    assert config["places"][0][2:4] == [float(LAT), float(LNG)]
    assert "危房住人（C/D 级仍有人居住）" in body and "红色圆圈：其中有危房住人" in body
    assert "vendor/leaflet/leaflet.js" in body and "style=" not in body


def test_a_tile_url_widens_only_the_map_pages_images_to_its_hosts(cast, county, settings):
    settings.MAP_TILE_URL = "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=K"
    settings.MAP_TILE_SUBDOMAINS = "01"
    r = page(cast.mhk_housing, f"/reports/{SHANCHENG}/map/")
    policy = r["Content-Security-Policy"]
    assert ("img-src 'self' data: https://t0.tianditu.gov.cn https://t1.tianditu.gov.cn;"
            in policy)
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert page(cast.mhk_housing, "/reports/220581/")["Content-Security-Policy"] \
        == CONTENT_SECURITY_POLICY


def test_a_prefecture_map_is_a_map_of_its_counties(cast, county, make_house):
    make_house("652301100001", grade="C", lat=Decimal("44.000000"), lng=Decimal("87.300000"))
    make_house("652301100002", grade="A", lat=Decimal("44.200000"), lng=Decimal("87.500000"))
    body = text(page(cast.changji, "/reports/6523/map/"))
    assert 'id="house-map"' in body and "请选择下级区划" not in body
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)'
                                  r"</script>", body, re.S).group(1))
    assert config["overview"] is True and config["points"] is None
    [(code, name, lat, lng, houses)] = config["places"]
    assert (code, name, houses) == ("652301", "昌吉市", 2)
    assert (round(lat, 4), round(lng, 4)) == (44.1, 87.4)
    assert 'href="/reports/652301/map/"' in body


def test_officials_have_the_dashboard_in_the_menu(cast):
    assert '<a href="/reports/"' in text(page(cast.shancheng, "/"))
