"""Chinese by default; English on request, through the top bar's switch or Accept-Language."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"
NAV = re.compile(r'<nav class="mainnav">(.*?)</nav>', re.S)


def text(response) -> str:
    return response.content.decode()


def nav(response) -> list[str]:
    return re.findall(r">([^<]+)</a>", NAV.search(text(response)).group(1))


@pytest.fixture
def clerk(cast):
    client = Client()
    client.force_login(cast.shancheng)
    return client


def test_home_is_chinese_by_default(clerk):
    r = clerk.get("/")
    assert r.status_code == 200
    body = text(r)
    assert nav(r) == ["首页", "整治台账", "工作清单", "房屋", "农户", "住房保障", "以人找房",
                      "数据质量", "统计看板", "督导", "导入导出", "信息采集助手", "规则"]
    assert '<html lang="zh-Hans">' in body
    assert "危房仍有人居住（<span class=\"unit\">栋</span>）" in body and "退出" in body
    assert "Households" not in body and "Log out" not in body


def test_top_bar_has_a_language_switch(clerk):
    body = text(clerk.get("/"))
    form = re.search(r'<form method="post" action="(?P<action>[^"]+)" class="langswitch">'
                     r"(?P<inner>.*?)</form>", body, re.S)
    assert form and form["action"] == reverse("set_language") == "/i18n/setlang/"
    inner = form["inner"]
    assert 'name="csrfmiddlewaretoken"' in inner
    assert '<select name="language"' in inner
    assert re.findall(r'<option value="([^"]+)"', inner) == ["zh-hans", "en"]
    assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in inner
    assert ">English</option>" in inner


def test_switching_to_english_and_back(clerk):
    r = clerk.post("/i18n/setlang/", {"language": "en", "next": "/registry/houses/"})
    assert r.status_code == 302 and r["Location"] == "/registry/houses/"

    r = clerk.get("/")
    body = text(r)
    assert nav(r) == ["Home", "Rectification ledger", "Work lists", "Houses", "Households",
                      "Housing security", "Rosters", "Data quality", "Dashboards", "Supervision",
                      "Import/export", "Field app", "Rules"]
    assert '<html lang="en">' in body
    assert "Log out" in body
    assert 'Dangerous houses still occupied (<span class="unit">houses</span>)' in body
    assert "退出" not in body and "危房仍有人居住" not in body
    assert "山城镇" in body  # the records themselves stay as they are
    assert '<option value="en" lang="en" selected>English</option>' in body

    houses = text(clerk.get("/registry/houses/"))
    assert "Register house" in houses and "Safety grade" in houses and "records" in houses

    clerk.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert nav(clerk.get("/")) == ["首页", "整治台账", "工作清单", "房屋", "农户", "住房保障",
                                   "以人找房", "数据质量", "统计看板", "督导", "导入导出",
                                   "信息采集助手", "规则"]


def test_login_page_follows_accept_language(db):
    english = text(Client().get("/login/", headers={"accept-language": "en"}))
    assert "Log in to Anju" in english
    assert ">Username</label>" in english and ">Password</label>" in english
    assert "登录安居" not in english

    chinese = text(Client().get("/login/", headers={"accept-language": "zh-CN,zh;q=0.9"}))
    assert "登录安居" in chinese and ">用户名</label>" in chinese
    assert "Log in to Anju" not in chinese


def test_unknown_language_falls_back_to_chinese(db):
    body = text(Client().get("/login/", headers={"accept-language": "fr"}))
    assert "登录安居" in body


def _catalogue_msgids():
    """The plain (no context, no plural) msgids of the English catalogue's source."""
    entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]
    for entry in entries:
        if "msgctxt" in entry or "msgid_plural" in entry:
            continue
        msgid = re.search(r'^msgid "(.*)"$', entry, re.M)
        if msgid:
            yield msgid.group(1).replace('\\"', '"')


def test_every_message_has_a_compiled_english_translation():
    msgids = list(_catalogue_msgids())
    assert len(msgids) > 100
    with translation.override("en"):
        untranslated = [m for m in msgids if translation.gettext(m) == m]
    assert untranslated == [], "run `anju compilemessages` in src/anju after editing django.po"


def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entry():
    entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]
    fuzzy = [e for e in entries if re.search(r"^#,.*\bfuzzy\b", e, re.M)]
    empty = [e for e in entries if not e.startswith("#~")
             and re.search(r'^msgstr(\[\d\])? ""$(?!\n")', e, re.M)]
    assert (fuzzy, empty) == ([], [])


# {% translate "…" %} with a literal, and its context if any
_TEMPLATE_MESSAGE = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?""")


def test_every_literal_translated_in_a_template_is_in_the_english_catalogue():
    catalogue = PO.read_text(encoding="utf-8")
    known = set(re.findall(r'^msgid "(.*)"$', catalogue, re.M))
    missing = set()
    for template in (PO.parents[3]).rglob("templates/**/*.html"):
        for m in _TEMPLATE_MESSAGE.finditer(template.read_text(encoding="utf-8")):
            if m[2].replace('"', '\\"') not in known:
                missing.add(f"{template.name}: {m[2]}")
    assert sorted(missing) == []


def test_the_rule_pages_read_in_english(clerk):
    clerk.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = text(clerk.get("/rules/R-MH-6/"))
    assert "Policy text" in body and "Numbers for your region" in body
    assert "Code enforcing this rule" in body and "Tests checking this rule" in body
    assert "政策原文" not in body and "本地区参数" not in body


def _commands():
    import importlib
    import pkgutil

    import anju
    from anju.kit.commands import Command

    for module in pkgutil.walk_packages(anju.__path__, "anju."):
        if module.name.rsplit(".", 1)[-1] == "commands" and "tests" not in module.name:
            importlib.import_module(module.name)
    found, todo = set(), list(Command.__subclasses__())
    while todo:
        cls = todo.pop()
        if ".tests." not in cls.__module__:  # the commands tests make up are not Anju's
            found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_label_hint_and_message_of_an_act_form_reads_in_english():
    from anju.kit.commands import ui_of

    missing = set()
    with translation.override("en"):
        for command in _commands():
            for field in command.model_fields.values():
                ui = ui_of(field)
                for words in (ui.label or field.title, ui.help, ui.missing):
                    if words and translation.gettext(words) == words:
                        missing.add(words)
    assert sorted(missing) == []


@pytest.mark.parametrize(("path", "english", "chinese"), [
    ("/rectification/", ["Export the ledger (Excel)", "Sign-off proposed",
                         "No ledger entries match."],
     ["导出台账", "提请销号", "没有符合条件的台账"]),
    ("/assistance/", ["Households at each stage", "Renovation applications", "Fund claims"],
     ["各环节户数", "改造申请", "资金报账"]),
    ("/reports/220581100/", ["Key figures", "Safety grade (houses)", "Occupancy (houses)"],
     ["主要指标", "安全等级（栋）", "居住状态（栋）"]),
])
def test_the_main_lists_read_in_english(clerk, path, english, chinese):
    clerk.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = clerk.get(path)
    assert r.status_code == 200, path
    body = text(r)
    assert [e for e in english if e not in body] == []
    assert [c for c in chinese if c in body] == []
