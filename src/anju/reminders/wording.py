"""The text of each kind of reminder: one Chinese template per kind (str.format), with its
English entry in the catalogue. A message holds only what its recipient may see: officials
the village, household head and record number of their own scope (never an ID, phone or
account number); a household its own case's stage and amounts, with no name at all."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from anju.reminders.models import Kind

SIGNATURE = "【安居】"

TEMPLATES = {
    Kind.CHECK_DUE: _("{place}{household}的房屋（台账 {number}）应于 {due} 前完成管控检查"
                      "（R-CJ-7）。"),
    Kind.CHECK_OVERDUE: _("{place}{household}的房屋（台账 {number}）管控检查已逾期，应于 {due} "
                          "完成（R-CJ-7），请尽快检查。"),
    Kind.FINDING_DUE: _("{place}{address}的数据问题（{problem}）应于 {due} 前整改。"),
    Kind.FINDING_OVERDUE: _("{place}{address}的数据问题（{problem}）已超过整改期限 {due}，"
                            "请尽快整改。"),
    Kind.PAYMENT_DUE: _("{place}{household}的改造补助（案件 {number}）应于 {due} 前拨付"
                        "（R-MH-12，验收后 30 日内），应付 {amount} 元。"),
    Kind.PAYMENT_OVERDUE: _("{place}{household}的改造补助（案件 {number}）已超过拨付期限 {due}"
                            "（R-MH-12），应付 {amount} 元，请尽快拨付。"),
    Kind.ROSTER_DUE: _("{place}{name}（{period} 名单）的住房应于 {due} 前完成鉴定（N4）。"),
    Kind.ROSTER_LATE: _("{place}{name}（{period} 名单）的住房已超过鉴定期限 {due}（N4），"
                        "请尽快鉴定。"),
    Kind.CASE_MOVED: _("您家的农村住房安全保障（危房改造）有新进展：{stage}（{on}）。{amount}"
                       "如有疑问请联系村委会或乡镇人民政府。"),
}
# The amounts a household is told with its case's stage.
AMOUNT_APPROVED = _("补助金额 {amount} 元。")
AMOUNT_PAID = _("已拨付 {amount} 元。")


def render(kind: str, **values) -> str:
    """The message in the site's language (Chinese), signed."""
    with translation.override(settings.LANGUAGE_CODE):
        return SIGNATURE + str(TEMPLATES[kind]).format(**values)


def amount_line(template, amount) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(template).format(amount=f"{amount:.2f}")
