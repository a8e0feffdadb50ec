"""The case's documents as PDF (WeasyPrint, Noto CJK): the written notice to the household
(书面告知通知单, R-MH-3) and the archive bundle of the household's file (一户一档, R-MH-13): a
cover with the checklist, then every record with its photos embedded and its PDFs listed."""

import base64
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from anju.assistance import actions, present, rules
from anju.assistance.codes import BUILDING_METHODS, DocumentKind, Method
from anju.divisions.queries import names_for
from anju.policy.rules import profile_for

# Photos larger than this are listed, not embedded, so that one odd scan cannot bloat the file.
EMBED_MAX_BYTES = 8 * 1024 * 1024
# Files of the procedure's other paths (waiver, rental, relatives), shown at the end.
OTHER_KINDS = (DocumentKind.WAIVER_LETTER, DocumentKind.WAIVER_PROOF, DocumentKind.LEASE,
               DocumentKind.HOST_APPRAISAL)


def _places(code: str) -> dict:
    names = names_for([code[:6], code[:9], code])
    return {"county": names.get(code[:6], ""), "township": names.get(code[:9], ""),
            "village": names.get(code, "")}


def _write_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()


def notice_pdf(case) -> bytes:
    """R-MH-3: what the joint approval decided, what the household must do, when it is paid."""
    on = case.notified_on or case.approved_on or timezone.localdate()
    profile = profile_for(case.division_code, on)
    low, high = present.shown(lambda: profile.main_area_bounds(max(case.persons, 1)),
                              (None, None))
    return _write_pdf("assistance/documents/notice.html", {
        "case": case, "household": case.household, "on": on, **_places(case.division_code),
        "id_number": _masked(case.household.head_id_number),
        "cap": present.shown(lambda: rules.subsidy_cap(profile, case.method, case.grade,
                                                       co_owned=case.co_owned)),
        "area_low": low, "area_high": high, "profile": profile,
        "building": case.method in BUILDING_METHODS,
        "new_house": case.method in (Method.REBUILD, Method.NEW_BUILD),
        "repair": case.method == Method.REPAIR_REINFORCE,
        "demolish_old": bool(case.house_id) and case.grade == "D",
    })


def _masked(value: str) -> str:
    from anju.kit.masks import mask_id_number

    return mask_id_number(value or "")


@dataclass
class Item:
    """One file of the archive: a photo embedded as a data URI, or a document listed."""

    title: str
    content_type: str
    size: int
    data_uri: str = ""


def _item(attachment) -> Item:
    title = attachment.title or f"附件 {attachment.pk}"
    item = Item(title, attachment.content_type, attachment.size)
    if attachment.content_type.startswith("image/") and attachment.size <= EMBED_MAX_BYTES:
        try:
            with attachment.file.open("rb") as f:
                raw = f.read()
        except OSError:
            return item  # listed by title; the file itself is not where it should be
        item.data_uri = f"data:{attachment.content_type};base64," + base64.b64encode(
            raw).decode("ascii")
    return item


def archive_pdf(case) -> bytes:
    """R-MH-13: the whole file of one case, in the order of the procedure."""
    lines = actions.archive_of(case)
    by_kind = {line.kind: [_item(d.attachment) for d in line.documents if d.attachment_id]
               for line in lines}
    inspections = list(case.inspections.all())
    photo_ids = [i for x in inspections for i in x.photo_ids or []]
    from anju.registry.models import Attachment

    photos = {a.pk: _item(a) for a in Attachment.objects.filter(pk__in=photo_ids)}
    appraisal = case.house.appraisals.order_by("-appraised_on", "-id").first() \
        if case.house_id else None
    timeline = present.timeline(case)
    reviews = [row for row in timeline if row["t"].action in (
        "village_review", "township_review", "city_check", "reject", "waive")]
    return _write_pdf("assistance/documents/archive.html", {
        "case": case, "household": case.household, **_places(case.division_code),
        "id_number": _masked(case.household.head_id_number), "today": timezone.localdate(),
        "lines": lines, "missing": [x.label for x in lines if x.required and not x.present],
        "files": by_kind, "appraisal": appraisal, "reviews": reviews, "timeline": timeline,
        "approvals": present.approvals_by_department(case),
        "notices": list(case.notices.all()), "objections": list(case.objections.all()),
        "inspections": [(i, [photos[p] for p in i.photo_ids or [] if p in photos])
                        for i in inspections],
        "acceptances": list(case.acceptances.all()), "payments": list(case.payments.all()),
        "others": [(DocumentKind(k).label, by_kind[k]) for k in OTHER_KINDS
                   if by_kind.get(k)],
    })
