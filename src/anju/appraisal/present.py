"""Where a house's grade came from, said the same way on the house page and in its appraisal
history: an appraisal of a date by a named appraiser, data imported with its grade, or not yet
appraised (with the latest screening's preliminary result, grading.md §2)."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from anju.registry.codes import Grade


@dataclass(frozen=True)
class GradeSource:
    kind: str  # "appraisal", "imported", "screening" or "none"
    text: str


def grade_source(house, latest_appraisal=None, latest_screening=None) -> GradeSource:
    """`latest_appraisal` and `latest_screening` as the caller already holds them (the
    newest first), so that a page reads them once."""
    if house.grade != Grade.UNRATED and latest_appraisal is not None:
        who = " / ".join(x for x in (latest_appraisal.appraiser,
                                     latest_appraisal.organization
                                     or latest_appraisal.institution) if x)
        return GradeSource("appraisal", _("鉴定（%(on)s，%(who)s）") % {
            "on": latest_appraisal.appraised_on.strftime("%Y-%m-%d"), "who": who})
    if house.grade != Grade.UNRATED:
        # Graded before this system held its appraisals: the grade came in with the data.
        on = timezone.localtime(house.created_at).strftime("%Y-%m-%d")
        return GradeSource("imported", _("来自导入（%(on)s），本系统中无鉴定记录") % {"on": on})
    if latest_screening is not None:
        return GradeSource("screening", _("尚未鉴定；排查初判：%(result)s（%(on)s）") % {
            "result": latest_screening.get_result_display(),
            "on": latest_screening.checked_on.strftime("%Y-%m-%d")})
    return GradeSource("none", _("尚未鉴定，也未排查"))
