"""The rule browser: /rules/ and a rule's page read the policy sentence, the region's numbers,
the enforcing functions and the tests; a refusal links to its rule."""

import re

from anju.registry.tests.conftest import household_body
from anju.registry.tests.test_pages import house_form_data


def text(response) -> str:
    return response.content.decode()


def test_the_list_shows_every_rule_with_its_seed_sentence(browser, cast):
    r = browser(cast.shancheng).get("/rules/")
    assert r.status_code == 200
    page = text(r)
    assert page.count('<tr id="R-') == 28
    assert "共 28 条规则" in page
    assert "住人不危房、危房不住人" in page
    assert "梅政办发〔2021〕17号 二、（四）补助标准" in page


def test_the_search_box_finds_the_rules_of_a_word(browser, cast):
    page = text(browser(cast.shancheng).get("/rules/", {"q": "三级公示"}))
    assert re.findall(r'<tr id="(R-[^"]+)"', page) == ["R-MH-4"]
    page = text(browser(cast.shancheng).get("/rules/", {"q": "r-cj-8a"}))
    assert re.findall(r'<tr id="(R-[^"]+)"', page) == ["R-CJ-8a"]
    assert "没有符合条件的规则" in text(browser(cast.shancheng).get("/rules/", {"q": "火星"}))


def test_a_meihekou_clerk_reads_meihekous_subsidy_caps(browser, cast):
    page = text(browser(cast.shancheng).get("/rules/R-MH-6/", {"on": "2024-05-01"}))
    assert "梅河口市农村住房安全保障实施方案（2021）" in page
    assert re.search(r'id="value-cap_c_repair"><td[^>]*>C 级危房维修加固补助上限 '
                     r'<small class="mono">cap_c_repair</small></td>'
                     r'<td[^>]*><strong>10000</strong>', page)
    assert "原则上每户补助资金不高于1万元" in page


def test_a_changji_official_reads_that_the_notice_sets_no_caps(browser, cast):
    page = text(browser(cast.changji).get("/rules/R-MH-6/", {"on": "2024-05-01"}))
    assert "昌吉州农村房屋安全隐患排查整治（2023）" in page
    assert re.search(r'id="value-cap_c_repair"><td[^>]*>[^<]+<small class="mono">cap_c_repair'
                     r'</small></td><td[^>]*><strong>本地区政策未规定</strong>', page)


def test_the_numbers_follow_the_region_on_the_list_too(browser, cast):
    mhk = text(browser(cast.shancheng).get("/rules/", {"q": "R-CJ-9", "on": "2024-05-01"}))
    cj = text(browser(cast.changji).get("/rules/", {"q": "R-CJ-9", "on": "2024-05-01"}))
    assert "低收入群体危房纳入的工程：<strong>农村危房改造</strong>" in mhk
    assert "全部任务完成日期：<strong>本地区政策未规定</strong>" in mhk
    assert "低收入群体危房纳入的工程：<strong>农房抗震防灾工程</strong>" in cj
    assert "全部任务完成日期：<strong>2023-10-31</strong>" in cj


def test_before_changjis_notice_its_officials_read_the_default_numbers(browser, cast):
    page = text(browser(cast.changji).get("/rules/R-MH-6/", {"on": "2023-08-17"}))
    assert "梅河口市农村住房安全保障实施方案（2021）" in page
    assert "<strong>10000</strong>" in page


def test_a_rule_page_names_the_functions_and_tests_that_cite_it(browser, cast):
    page = text(browser(cast.shancheng).get("/rules/R-MH-10a/"))
    functions = page.split('id="rule-functions"')[1].split("</section>")[0]
    tests = page.split('id="rule-tests"')[1].split("</section>")[0]
    assert "anju.assistance.rules.empty_after " in functions
    assert "anju/assistance/rules.py:" in functions
    assert ("anju.assistance.tests.test_departments_window_archive"
            ".test_a_handed_over_house_still_empty_after_the_profiles_days_is_flagged"
            in tests)


def test_an_unknown_rule_is_not_found(browser, cast):
    assert browser(cast.shancheng).get("/rules/R-XX-1/").status_code == 404


def test_every_role_has_the_rules_in_its_menu(browser, cast):
    for user in (cast.shancheng, cast.cadre, cast.appraiser1, cast.changji, cast.mhk_finance,
                 cast.mhk_health, cast.admin):
        page = text(browser(user).get("/rules/"))
        assert re.search(r'<a[^>]*href="/rules/"[^>]*>规则</a>', page), user.username


def test_a_refused_house_edit_links_to_the_rule_it_breaks(browser, cast, make_house):
    house = make_house()
    r = browser(cast.shancheng).post(f"/registry/houses/{house.pk}/edit",
                                     house_form_data(house, built_year=2999))
    assert r.status_code == 422
    summary = text(r).split('id="error-summary"')[1].split("</div>")[0]
    assert ('<small class="rule-ref"><a href="/rules/R-CJ-3/" title="规则 R-CJ-3">'
            '依据：数据质量：错评、漏填、错填</a></small>') in summary


def test_an_api_refusal_carries_the_rules_page(api, cast):
    r = api(cast.shancheng).post("/api/v1/households", household_body(head_id_number="1"))
    assert r.status_code == 422
    error = r.json()["error"]
    assert (error["rule"], error["rule_url"]) == ("R-CJ-3", "/rules/R-CJ-3/")
    assert error["details"][0]["rule_url"] == "/rules/R-CJ-3/"


def test_an_api_error_without_a_rule_has_no_rules_page(api, cast):
    r = api(cast.shancheng).get("/api/v1/houses/999999")
    assert r.status_code == 404
    assert r.json()["error"]["rule_url"] is None
