"""The house list's rows as HTML, built in one pass over plain values: the markup the
template's loop gave, cell for cell, without a template node per cell. A page is 50 rows of
seven cells, and rendering them node by node was most of the page's time (ADR 0053)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from anju.registry.codes import DANGEROUS_GRADES, Grade, Occupancy, Structure, Use

# What a row reads, in this order: named tuples (row.pk, row.address…) of these columns.
ROW_COLUMNS = ("pk", "division_code", "address", "is_priority", "grade", "occupancy", "use",
               "structure", "floors", "household_id", "household__head_name")

_ROW = ('\n  <tr{alert}>\n'
        '    <td data-label="{l_address}"><a href="{href}">{address}</a>{priority}</td>\n'
        '    <td data-label="{l_village}">{place}</td>\n'
        '    <td data-label="{l_head}">{head}</td>\n'
        '    <td data-label="{l_grade}"><span class="grade grade-{grade}">{grade_label}</span>'
        '</td>\n'
        '    <td data-label="{l_occupancy}">{occupancy}{occupied_alert}</td>\n'
        '    <td data-label="{l_use}">{use}</td>\n'
        '    <td data-label="{l_structure}">{structure} · {floors}</td>\n'
        '  </tr>\n  ')


def _labels(choices) -> dict[str, str]:
    return {value: escape(label) for value, label in choices}


def house_rows(rows, places: dict[str, str], detail: str) -> SafeString:
    """`rows` are ROW_COLUMNS tuples in list order; `detail` is the house page's path without
    its id. Labels are translated and escaped once for the page, not once per row; each
    row's own values are escaped as the template escaped them."""
    grades, occupancies = _labels(Grade.choices), _labels(Occupancy.choices)
    uses, structures = _labels(Use.choices), _labels(Structure.choices)
    cells = {key: escape(gettext(text)) for key, text in (
        ("l_address", "地址"), ("l_village", "所在村"), ("l_head", "户主"), ("l_grade", "等级"),
        ("l_occupancy", "居住"), ("l_use", "用途"), ("l_structure", "结构"))}
    priority = (f' <span class="tag tag-priority" title="{escape(gettext("重点区域房屋"))}">'
                f'{escape(gettext("重点"))}</span>')
    alert = f' <strong class="alert-text">{escape(gettext("危房住人"))}</strong>'
    floors_text: dict[int, str] = {}
    out = []
    for (pk, code, address, is_priority, grade, occupancy, use, structure, floors,
         household_id, head_name) in rows:
        alerted = grade in DANGEROUS_GRADES and occupancy == Occupancy.OCCUPIED
        if floors not in floors_text:
            floors_text[floors] = escape(ngettext("%(floors)s 层", "%(floors)s 层", floors)
                                         % {"floors": floors})
        out.append(_ROW.format(
            alert=' class="row-alert"' if alerted else "", href=escape(f"{detail}{pk}/"),
            address=escape(address), priority=priority if is_priority else "",
            place=escape(places.get(code, "")),
            head='<span class="muted">—</span>' if household_id is None else escape(head_name),
            grade=escape(grade), grade_label=grades.get(grade) or escape(grade),
            occupancy=occupancies.get(occupancy) or escape(occupancy),
            occupied_alert=alert if alerted else "", use=uses.get(use) or escape(use),
            structure=structures.get(structure) or escape(structure),
            floors=floors_text[floors], **cells))
    return mark_safe("".join(out))  # every value above is escaped
