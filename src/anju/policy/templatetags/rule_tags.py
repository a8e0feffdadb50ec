"""The small "依据" link a refusal carries to the page of the rule it applies (ADR 0049): the
rule's name in the clerk's words, its id only in the tooltip."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from anju.policy.catalogue import title_of

register = template.Library()


def rule_link(rule_id: str | None) -> str:
    title = title_of(rule_id) if rule_id else None
    if title is None:  # no rule, or a reference outside the catalogue (N4, §6)
        return ""
    return format_html(
        ' <small class="rule-ref"><a href="{}" title="{} {}">{}{}</a></small>',
        reverse("rules:detail", args=[rule_id]), gettext("规则"), rule_id, gettext("依据："),
        title)


@register.simple_tag
def rule_ref(rule_id):
    """The link to a rule's page, or nothing when the id is not a rule of the catalogue."""
    return rule_link(rule_id)


@register.simple_tag
def error_rule(form, message):
    """The link for the rule behind one of a form's error messages (CommandForm.show keeps
    which rule each message applies)."""
    rules = getattr(form, "rule_by_message", None) or {}
    return rule_link(rules.get(str(message)))
