"""Evidence pages (ADR 0048): the phone page that captures photos (camera or gallery) with the
position and its accuracy, the capture with its receipts and flags, and the supervisor's
acceptance with a reason."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from anju.accounts.access import can, requires
from anju.evidence import actions
from anju.evidence.commands import AcceptCapture, RecordCapture
from anju.evidence.models import Act, Status
from anju.evidence.present import capture_dict
from anju.evidence.queries import get_capture_for_user
from anju.kit.errors import AnjuError
from anju.policy.rules import profile_for
from anju.registry.queries import get_house_for_user

POSITION = ("captured_at", "lat", "lng", "accuracy_m")


def _problems(error) -> list[str]:
    if isinstance(error, ValidationError):
        return [f"{'.'.join(map(str, e['loc'])) or '输入'}：{e['msg']}" for e in error.errors()]
    return [getattr(e, "message", str(e)) for e in getattr(error, "errors", [error])]


@requires("evidence.capture")
def capture_create(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    act = request.POST.get("act") or request.GET.get("act") or Act.STAGE_INSPECTION
    problems = []
    if request.method == "POST":
        data = {"act": act, "note": request.POST.get("note", "")} | {
            k: request.POST[k] for k in POSITION if request.POST.get(k, "").strip()}
        photos = ([(f, "camera") for f in request.FILES.getlist("camera")]
                  + [(f, "gallery") for f in request.FILES.getlist("gallery")])
        try:
            capture = actions.record_capture(house, RecordCapture.model_validate(data),
                                             photos=photos, acting_user=request.user,
                                             origin=request.origin)
        except (AnjuError, ValidationError) as error:
            problems = _problems(error)
        else:
            if capture.status == Status.FLAGGED:
                messages.warning(request, "取证已保存，但有疑点，须经乡镇或县级审核认可")
            else:
                messages.success(request, "取证已保存")
            return redirect("evidence:capture_detail", capture_id=capture.pk)
    profile = profile_for(house.division_code, timezone.localdate())
    return render(request, "evidence/capture_form.html", {
        "house": house, "act": act, "act_label": Act(act).label if act in Act.values else act,
        "acts": Act.choices, "problems": problems,
        "accuracy_max": profile.evidence_gps_accuracy_max_m,
    }, status=422 if problems else 200)


def _detail(request, capture_id: int, problems=(), status=200):
    capture = get_capture_for_user(request.user, capture_id)
    return render(request, "evidence/capture_detail.html", {
        "capture": capture, "view": capture_dict(capture), "problems": problems,
        "can_accept": capture.status == Status.FLAGGED and can(request.user, "evidence.accept"),
    }, status=status)


@requires("evidence.view")
def capture_detail(request, capture_id: int):
    return _detail(request, capture_id)


@requires("evidence.accept")
@require_POST
def capture_accept(request, capture_id: int):
    capture = get_capture_for_user(request.user, capture_id)
    try:
        cmd = AcceptCapture.model_validate({
            "reason": request.POST.get("reason", ""),
            "version": request.POST.get("version") or None})
        actions.accept_capture(capture, cmd, acting_user=request.user, origin=request.origin)
    except (AnjuError, ValidationError) as error:
        return _detail(request, capture_id, _problems(error), status=422)
    messages.success(request, "已认可该取证的疑点")
    return redirect("evidence:capture_detail", capture_id=capture_id)
