"""The top menu: each role sees the entries it can use, its own queue first."""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.accounts.access import can
from anju.accounts.models import Department, Role


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    url: str
    capability: str
    current: tuple[str, ...]  # the views (namespace or namespace:name) this entry stands for

    def href(self, user) -> str:
        args = (user.department,) if self.key == "department" else ()
        return _path(self.url, args, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=512)
def _path(name: str, args: tuple, prefix: str, urlconf) -> str:
    """A menu entry's path, reversed once per process (and prefix): a page's menu is a
    dozen entries and each reverse walks the URL patterns."""
    return reverse(name, args=args or None)


ENTRIES = {e.key: e for e in (
    Entry("home", _("首页"), "home", "registry.view", ("home",)),
    Entry("houses", _("房屋"), "registry:house_list", "registry.view",
          ("registry:house_list", "registry:house_detail", "registry:house_edit",
           "registry:house_create", "registry:house_responsible",
           "registry:house_attach", "registry:house_demolish", "appraisal")),
    Entry("households", _("农户"), "registry:household_list", "registry.view",
          ("registry:household_list", "registry:household_detail", "registry:household_edit",
           "registry:household_create")),
    Entry("ledger", _("整治台账"), "rectification:ledger_list", "rectification.view",
          ("rectification",)),
    Entry("cases", _("住房保障"), "assistance:case_list", "assistance.view",
          ("assistance:case_list", "assistance:case_detail", "assistance:household",
           "assistance:apply", "assistance:act", "assistance:archive", "assistance:window",
           "assistance:register")),
    Entry("approvals", _("待我审批"), "assistance:queue", "assistance.approve",
          ("assistance:queue",)),
    Entry("funds", _("资金拨付"), "assistance:funds", "assistance.view",
          ("assistance:funds", "assistance:fund_request", "assistance:fund_new")),
    Entry("department", _("本部门事项"), "assistance:department_queue", "assistance.view",
          ("assistance:department_queue",)),
    Entry("inspections", _("定期巡检"), "appraisal:inspections_due", "appraisal.inspect",
          ("appraisal:inspections_due",)),
    Entry("quality", _("数据质量"), "quality:page", "quality.view",
          ("quality:page", "quality:verify_house", "quality:finding_detail",
           "quality:spot_check_detail")),
    Entry("worklist", _("工作清单"), "quality:worklist", "quality.view", ("quality:worklist",)),
    Entry("reports", _("统计看板"), "reports:home", "reports.view", ("reports",)),
    Entry("supervision", _("督导"), "supervision:plan", "supervision.view", ("supervision",)),
    Entry("roster", _("以人找房"), "roster:page", "roster.view", ("roster",)),
    Entry("exchange", _("导入导出"), "exchange:jobs", "exchange.import", ("exchange",)),
    Entry("field", _("信息采集助手"), "field:app", "field.sync", ("field",)),
    Entry("users", _("用户管理"), "accounts:user_list", "accounts.view",
          ("accounts:user_list",)),
    Entry("audit", _("审计日志"), "audit:event_list", "audit.view", ("audit",)),
    # every role may read the rules Anju applies to it (ADR 0049)
    Entry("rules", pgettext_lazy("menu", "规则"), "rules:list", "accounts.self", ("rules",)),
)}

LOCAL = ("home", "ledger", "worklist", "houses", "households", "cases", "roster", "quality",
         "reports", "supervision", "exchange", "field")


def menu_keys(user) -> tuple[str, ...]:
    """The entries of a role's menu, in the order it works (its own queue first); the rules
    come last for every role."""
    return (*_work_keys(user), "rules")


def _work_keys(user) -> tuple[str, ...]:
    role, department = user.role, user.department
    if role == Role.TOWNSHIP_OFFICER:
        return LOCAL
    if role == Role.VILLAGE_CADRE:  # the phone's capture first
        return ("home", "field", "ledger", "worklist", "houses", "households", "cases",
                "roster", "quality")
    if role == Role.APPRAISER:
        return ("home", "inspections", "houses", "ledger", "field")
    if role == Role.PREFECTURE_OFFICER:
        return ("home", "reports", "ledger", "quality", "supervision", "houses")
    if role == Role.COUNTY_OFFICER:
        if department in (Department.CIVIL_AFFAIRS, Department.RURAL_REVITALIZATION):
            return ("home", "approvals", "cases", "roster", "households", "houses", "reports")
        if department == Department.FINANCE:
            return ("home", "funds", "cases", "households", "reports")
        if department == Department.HOUSING:
            return ("home", "approvals", "cases", "ledger", "worklist", "houses", "households",
                    "quality", "reports", "supervision", "roster", "exchange")
        if department in (Department.NATURAL_RESOURCES, Department.WATER, Department.POWER):
            return ("home", "department", "cases", "houses", "reports")
        return ("home", "ledger", "houses", "reports")  # sector departments (R-CJ-10)
    return ("users", "audit")


def menu_for(user, match=None) -> list[dict]:
    names = {match.app_name, match.view_name} if match else set()
    return [{"key": e.key, "label": e.label, "href": e.href(user),
             "current": bool(names.intersection(e.current))}
            for e in (ENTRIES[k] for k in menu_keys(user)) if can(user, e.capability)]


def _unread(user):
    """The header's unread reminders, counted once and only by a page that shows the header
    (one indexed count, capped at UNREAD_SHOWN + 1)."""
    counted: list[int] = []

    def count() -> int:
        if not counted:
            from anju.reminders.queries import unread_count

            counted.append(unread_count(user, cap=UNREAD_SHOWN + 1))
        return counted[0]

    return count


UNREAD_SHOWN = 99  # more reads "99+"


def navigation(request):
    """Which parts of the top menu the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "menu": []}
    inbox = can(user, "reminders.inbox")
    return {"nav": {"registry": can(user, "registry.view"), "users": can(user, "accounts.view"),
                    "audit": can(user, "audit.view"), "field": can(user, "field.sync"),
                    "reminders": inbox, "unread": _unread(user) if inbox else 0,
                    "unread_shown": UNREAD_SHOWN,
                    "outbox": can(user, "reminders.outbox")},
            "menu": menu_for(user, getattr(request, "resolver_match", None))}
