"""Key pages pass axe-core with no serious or critical violation, at desktop width, in Chinese.

axe-core comes bundled in `axe-playwright-python` (ADR 0039); a failure lists each violation
with the rule, its impact, what to fix and the elements found, so it can be read in the log.
"""

import re

import pytest

pytestmark = pytest.mark.browser

ADDRESS = "山城镇演示一村试验路 9 号"
BLOCKING = {"serious", "critical"}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _context(chromium, server, width):
    if width == PHONE["width"]:
        return chromium.new_context(base_url=server, locale="zh-CN", viewport=PHONE,
                                    is_mobile=True, has_touch=True)
    return chromium.new_context(base_url=server, locale="zh-CN",
                                viewport={"width": width, "height": 900})


@pytest.fixture
def wide(chromium, server):
    context = _context(chromium, server, 1366)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _blocking(results) -> list[dict]:
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def _readable(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}\n      {node['html'][:160]}\n      {summary[:240]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def _follow_first(page, selector: str) -> None:
    href = page.locator(selector).first.get_attribute("href")
    assert href, f"no link {selector} on {page.url}"
    page.goto(href)


def _house(page):
    page.goto("/registry/houses/?q=" + "试验路")
    page.get_by_role("link", name=ADDRESS).click()
    page.wait_for_url(re.compile(r"/registry/houses/\d+/$"))


def _house_id(page) -> str:
    _house(page)
    return re.search(r"/houses/(\d+)/", page.url).group(1)


def _refused_report(page, seeded):
    """The villagers' report form refused (no choice made): its error summary."""
    page.goto(f"/public/h/{seeded['sign_token']}/")
    page.get_by_role("button", name="提交反映").click()
    page.wait_for_selector(".form-errors")


def _status_form(page, seeded):
    """The household's look-up with its village chosen, the form to fill."""
    page.goto("/public/status/?county=220581&township=220581101")
    page.wait_for_selector("#status-form")


# (name, user or None, how to reach the page)
PAGES = [
    ("login", None, lambda p, s: p.goto("/login/")),
    ("home-township", "shancheng", lambda p, s: p.goto("/")),
    ("home-civil-affairs", "mhk_civil", lambda p, s: p.goto("/")),
    ("home-finance", "mhk_finance", lambda p, s: p.goto("/")),
    ("home-appraiser", "appraiser1", lambda p, s: p.goto("/")),
    ("house-list", "shancheng", lambda p, s: p.goto("/registry/houses/")),
    ("house-detail", "shancheng", lambda p, s: _house(p)),
    ("household-list", "shancheng", lambda p, s: p.goto("/registry/households/")),
    ("household-detail", "shancheng", lambda p, s: (
        p.goto("/registry/households/"),
        _follow_first(p, "main table a[href^='/registry/households/']"))),
    ("household-form", "shancheng", lambda p, s: p.goto("/registry/households/new")),
    ("ledger-list", "shancheng", lambda p, s: p.goto("/rectification/")),
    ("ledger-entry", "shancheng", lambda p, s: (
        p.goto("/rectification/"), _follow_first(p, "main table a[href^='/rectification/']"))),
    ("case-list", "mhk_civil", lambda p, s: p.goto("/assistance/")),
    ("case", "mhk_civil", lambda p, s: (
        p.goto("/assistance/"), _follow_first(p, "main a[href^='/assistance/cases/']"))),
    ("appraisal-form", "appraiser1", lambda p, s: p.goto(
        f"/appraisal/houses/{_house_id(p)}/appraisals/new/")),
    ("inspections-due", "appraiser1", lambda p, s: p.goto("/appraisal/inspections/due/")),
    ("dashboard", "mhk_housing", lambda p, s: p.goto("/reports/")),
    ("map", "mhk_housing", lambda p, s: p.goto("/reports/220581/map/")),
    ("quality", "shancheng", lambda p, s: p.goto("/quality/")),
    ("exchange-jobs", "mhk_housing", lambda p, s: p.goto("/exchange/jobs/")),
    ("exchange-import", "shancheng", lambda p, s: p.goto("/exchange/import/")),
    ("national-exchange", "mhk_housing", lambda p, s: p.goto("/exchange/national/")),
    ("audit-log", "auditor", lambda p, s: p.goto("/audit/")),
    ("account", "shancheng", lambda p, s: p.goto("/accounts/")),
    ("field-app", "cadre", lambda p, s: p.goto("/field/")),
    # the pages since: warning signs, the villagers' pages, leads, reminders, evidence, rules
    ("signs", "shancheng", lambda p, s: p.goto("/public/signs/")),
    ("public-sign", None, lambda p, s: p.goto(f"/public/h/{s['sign_token']}/")),
    ("public-report-refused", None, _refused_report),
    ("household-status", None, _status_form),
    ("leads", "hongmei", lambda p, s: p.goto("/public/leads/?status=open")),
    ("lead", "hongmei", lambda p, s: (
        p.goto("/public/leads/?status=open"), _follow_first(p, "#leads tbody a"))),
    ("reminders", "shancheng", lambda p, s: p.goto("/reminders/")),
    ("evidence-capture", "hongmei", lambda p, s: p.goto(
        f"/evidence/houses/{s['sign_house']}/capture")),
    ("evidence-flags", "hongmei", lambda p, s: p.goto(f"/evidence/{s['capture']}/")),
    ("rules", "shancheng", lambda p, s: p.goto("/rules/")),
    ("rule", "shancheng", lambda p, s: p.goto("/rules/R-MH-9/")),
]


@pytest.mark.parametrize("name,user,reach", PAGES, ids=[p[0] for p in PAGES])
def test_key_page_has_no_serious_accessibility_violation(wide, log_in, axe, seeded, name, user,
                                                         reach):
    if user:
        log_in(wide, user)
    reach(wide, seeded)
    wide.wait_for_load_state("networkidle")
    violations = _blocking(axe.run(wide))
    assert not violations, f"{name} ({wide.url}):\n{_readable(violations)}"


@pytest.mark.parametrize("width", [1366, PHONE["width"]])
@pytest.mark.parametrize("name,user,reach", PAGES, ids=[p[0] for p in PAGES])
def test_key_page_fits_the_screen_without_sideways_scrolling(
        chromium, server, log_in, seeded, tmp_path, name, user, reach, width):
    context = _context(chromium, server, width)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        if user:
            log_in(page, user)
        reach(page, seeded)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        # against the width asked for: a phone widens its layout viewport to fit what overflows
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} at {width} px is {scroll} px wide ({page.url})"
    finally:
        context.close()


def test_skip_link_is_the_first_stop_and_leads_to_the_main_content(wide, log_in):
    log_in(wide, "shancheng")
    wide.goto("/registry/houses/")
    wide.keyboard.press("Tab")
    focused = wide.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到正文"
    wide.keyboard.press("Enter")
    assert wide.evaluate("document.activeElement.id") == "main"
    assert wide.evaluate("document.documentElement.lang") == "zh-Hans"


def test_a_refused_form_moves_focus_to_its_error_summary(wide, log_in):
    log_in(wide, "shancheng")
    _house(wide)
    wide.get_by_role("link", name="修改").click()
    wide.get_by_label("层数").fill("15")
    wide.get_by_role("button", name="保存").click()
    summary = wide.locator(".form-errors")
    assert "未保存" in summary.inner_text()
    assert wide.evaluate("document.activeElement.classList.contains('form-errors')")
