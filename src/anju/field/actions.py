"""The verbs of the field app: take a capture from a phone exactly once, apply it through the
verbs the web pages call (no second copy of their rules), keep an edit made against a stale
record as a conflict for review, and settle that conflict (ADR 0022).

A capture is stored before anything else happens to it, in the transaction that applies it;
applying runs in a savepoint, so a refused capture is stored as `rejected` with its error and
leaves nothing else behind. The unique client UUID makes a second arrival of the same capture
find the first, however close together they come.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import ValidationError

from anju.accounts.access import check
from anju.appraisal import actions as appraisal
from anju.appraisal.codes import InspectionLevel
from anju.audit.actions import record as audit
from anju.audit.models import Action, Result
from anju.evidence import actions as evidence
from anju.evidence.commands import RecordCapture
from anju.evidence.models import Act as EvidenceAct
from anju.field import rules
from anju.field.commands import ResolveConflict, SubmitCapture
from anju.field.models import Kind, Status, Submission, SubmissionPhoto
from anju.field.queries import photos_known_to
from anju.kit.commands import Command
from anju.kit.dates import date_errors
from anju.kit.errors import (
    AnjuError,
    Code,
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
    ValidationErrors,
)
from anju.kit.origin import Origin
from anju.quality import actions as quality
from anju.rectification import actions as rectification
from anju.rectification.codes import NOT_CLOSED
from anju.rectification.queries import get_entry_for_user, ledger_for_user
from anju.registry import actions as registry
from anju.registry.commands import AttachFile
from anju.registry.models import Attachment, House
from anju.registry.queries import get_house_for_user

STALE_MESSAGE = "房屋记录在采集之后已被修改，本条采集已留待乡镇或县级审核，未覆盖新记录"


def _reused() -> Conflict:
    return Conflict(Code.CLIENT_UUID_REUSED,
                    "该采集编号已用于另一条内容不同的记录，请重新生成编号后再发送",
                    field="client_uuid")


def error_body(error: AnjuError) -> dict:
    body = error.as_dict()
    if isinstance(error, ValidationErrors) and len(error.errors) > 1:
        body["details"] = [e.as_dict() for e in error.errors]
    return body


def canonical_body(cmd: SubmitCapture) -> dict:
    """The capture as stored and hashed: the same capture sent twice gives the same body
    (times in UTC, photo hashes in lower case, fields the server does not know left out)."""
    captured_at = cmd.captured_at
    if timezone.is_naive(captured_at):
        captured_at = timezone.make_aware(captured_at)
    body = {
        "client_uuid": str(cmd.client_uuid), "kind": cmd.kind,
        "captured_at": captured_at.astimezone(UTC).isoformat(),
        "lat": cmd.lat, "lng": cmd.lng, "accuracy_m": cmd.accuracy_m,
        "base_version": cmd.base_version, "photos": [p.lower() for p in cmd.photos],
        "payload": cmd.payload,
    }
    if cmd.photo_sources:
        # only when sent, so that a capture from an earlier client hashes as it did
        body["photo_sources"] = {sha.lower(): source
                                 for sha, source in sorted(cmd.photo_sources.items())}
    return body


def _degrees(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 6)))


# --- taking a capture -----------------------------------------------------------------------


def submit_capture(cmd: SubmitCapture, *, acting_user,
                   origin: Origin | None = None) -> tuple[Submission, int]:
    """Store a capture once per client UUID and apply it when its photos are all in.

    Returns the submission and the HTTP status of the answer: 201 (or the refusal's status)
    the first time, 200 when the same capture arrives again. The same UUID with other
    content is refused with 409 `client_uuid_reused` and changes nothing."""
    check(acting_user, "field.sync")
    _check_captured_at(cmd.captured_at)
    body = canonical_body(cmd)
    digest = rules.content_hash(body)
    found = already_stored(body["client_uuid"])
    if found is not None:
        return _again(found, acting_user, digest, origin)
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = _store(acting_user, body, digest)
        except IntegrityError:
            # The same capture came on another connection a moment ago (a phone resending
            # on a weak signal): the unique UUID kept it to one record, whose answer stands.
            found = Submission.objects.get(client_uuid=body["client_uuid"])
            return _again(found, acting_user, digest, origin)
        _take(submission, acting_user, origin)
    return submission, submission.http_status


def _check_captured_at(value: datetime) -> None:
    # A phone's clock may run a little ahead of the server's, never by more than a day; a
    # capture from before 1949 is a broken clock.
    errors = date_errors(value.date(), "captured_at", "采集时间",
                         timezone.localdate() + timedelta(days=1))
    if errors:
        raise ValidationErrors(errors)


def already_stored(client_uuid) -> Submission | None:
    return Submission.objects.filter(client_uuid=client_uuid).first()


def _again(found: Submission, acting_user, digest: str,
           origin: Origin | None) -> tuple[Submission, int]:
    if found.submitted_by_id != acting_user.pk or found.content_hash != digest:
        raise _reused()
    if found.status == Status.INCOMPLETE:
        # in case its last photo came while it was being stored
        apply_when_complete(found.pk, origin=origin)
        found.refresh_from_db()
    return found, (found.http_status if found.status == Status.REJECTED else 200)


def _store(acting_user, body: dict, digest: str) -> Submission:
    submission = Submission.objects.create(
        client_uuid=body["client_uuid"], kind=body["kind"], submitted_by=acting_user,
        captured_at=body["captured_at"], lat=_degrees(body["lat"]), lng=_degrees(body["lng"]),
        accuracy_m=body["accuracy_m"], base_version=body["base_version"], body=body,
        content_hash=digest, status=Status.INCOMPLETE, http_status=201)
    SubmissionPhoto.objects.bulk_create(
        SubmissionPhoto(submission=submission, sha256=sha, position=i)
        for i, sha in enumerate(dict.fromkeys(body["photos"])))
    return submission


def missing_photos(submission: Submission) -> list[str]:
    """The declared photos its sender may not name by hash yet (field.queries)."""
    declared = [p.sha256 for p in submission.photo_rows.all()]
    present = photos_known_to(submission.submitted_by, declared)
    return [sha for sha in declared if sha not in present]


def _take(submission: Submission, user, origin: Origin | None) -> None:
    """Check the capture at once (so a phone learns of a bad one while its user is there);
    apply it now if its photos are in, else when the last one arrives."""
    try:
        prepared = _prepare(submission, user, origin)
    except AnjuError as error:
        _refuse(submission, user, error, origin)
        return
    if missing_photos(submission):
        # Waiting for photos: try the verb now (and roll it back), so that a capture the
        # rules refuse is refused while its user still stands at the house.
        problem = _trial(submission, user, prepared)
        if problem is not None:
            _refuse(submission, user, problem, origin)
            return
        submission.save()
        return
    _apply(submission, user, prepared)


def apply_when_complete(submission_id: int, *,
                        origin: Origin | None = None) -> Submission | None:
    """Apply a capture that waited for its photos, once the last one is stored; as the user
    who captured it. Safe to call more than once: only the first finds it incomplete."""
    with transaction.atomic():
        submission = (Submission.objects.select_for_update()
                      .filter(pk=submission_id, status=Status.INCOMPLETE)
                      .select_related("submitted_by").first())
        if submission is None or missing_photos(submission):
            return submission
        user = submission.submitted_by
        try:
            prepared = _prepare(submission, user, origin)
        except AnjuError as error:
            _refuse(submission, user, error, origin)
            return submission
        _apply(submission, user, prepared)
        return submission


def apply_waiting(sha256: str, *, origin: Origin | None = None) -> int:
    """Apply the captures that waited for this photo and now have all theirs; returns how many
    were settled (applied, rejected or held as conflicts)."""
    ids = list(Submission.objects.filter(status=Status.INCOMPLETE, photo_rows__sha256=sha256)
               .values_list("pk", flat=True))
    settled = 0
    for pk in ids:
        submission = apply_when_complete(pk, origin=origin)
        settled += submission is not None and submission.status != Status.INCOMPLETE
    return settled


# --- checking and applying ------------------------------------------------------------------


@dataclass
class Prepared:
    act: rules.Act
    cmd: Command  # the payload read as the act's command
    house: House | None
    extra: dict
    origin: Origin | None = None
    photos: bool = True  # False while the verb is only tried


def _prepare(submission: Submission, user, origin: Origin | None = None) -> Prepared:
    """The capture read as the web API reads its body: the role's capability, the house
    through the scoped door, the payload as the act's command, the position in the county.
    Raises the first refusal."""
    act = rules.ACTS[submission.kind]
    check(user, act.capability)
    payload = submission.body["payload"]
    body, extra = rules.split_payload(act, payload)
    house = None
    if "house_id" in act.extra:
        problem = rules.house_id_error(extra["house_id"])
        if problem is not None:
            raise problem
        house = get_house_for_user(user, extra["house_id"])
        submission.house, submission.division_code = house, house.division_code
    try:
        cmd = act.command.model_validate(body)
    except ValidationError as error:
        raise ValidationErrors(rules.payload_errors(error)) from None
    division = house.division_code if house else str(getattr(cmd, "division_code", "") or "")
    problem = rules.gps_outside_county(submission.lat, submission.lng, division)
    if problem is not None:
        raise problem
    if act.kind == Kind.NEW_HOUSE and cmd.lat is None and cmd.lng is None:
        # A house registered on site is where the phone stood, unless the form said otherwise.
        cmd = cmd.model_copy(update={"lat": submission.lat, "lng": submission.lng})
    return Prepared(act, cmd, house, extra, origin)


def _refuse(submission: Submission, user, error: AnjuError,
            origin: Origin | None = None, result: dict | None = None) -> None:
    submission.status = Status.REJECTED
    submission.error = error_body(error)
    submission.http_status = error.status
    submission.result = result
    submission.save()
    if isinstance(error, Forbidden):
        audit(Action.ACCESS_DENIED, actor=user, result=Result.REFUSED, obj=submission.house,
              origin=origin, details={"code": error.code, "kind": submission.kind,
                                      "client_uuid": str(submission.client_uuid)})


def _hold(submission: Submission) -> None:
    submission.status = Status.CONFLICT
    submission.error = {"code": Code.VERSION_CONFLICT, "message": STALE_MESSAGE,
                        "field": "base_version", "rule": None}
    submission.http_status = 201
    submission.save()


def _base_version(submission: Submission, prepared: Prepared) -> int | None:
    if prepared.act.kind == Kind.HOUSE_UPDATE:
        return prepared.cmd.version
    return submission.base_version


def _moved_on_by_own_capture(submission: Submission, user, house, base: int) -> bool:
    """A phone sends its queue in order: a verification captured after the same person's
    screening of the house was made against the version that screening produced (a screening
    raises the house's version). The house has moved on only by the sender's own hand when
    the last capture applied to it is theirs, made against the same downloaded version, and
    brought the house to the version it has now."""
    last = (Submission.objects.filter(house=house, status=Status.APPLIED)
            .exclude(pk=submission.pk).order_by("-applied_at", "-id")
            .values_list("submitted_by_id", "base_version", "result").first())
    if last is None:
        return False
    author, last_base, result = last
    return (author == user.pk and last_base in (None, base)
            and (result or {}).get("house_version") == house.version)


def _apply(submission: Submission, user, prepared: Prepared, *, over_newer=False) -> None:
    """Apply through the act's verb in a savepoint: on refusal nothing of it stays."""
    house = prepared.house
    if prepared.act.versioned and not over_newer:
        base = _base_version(submission, prepared)
        if base is not None and house is not None and base != house.version and \
                not _moved_on_by_own_capture(submission, user, house, base):
            _hold(submission)
            return
    kept = None
    try:
        kept = _spot_check_evidence(submission, user, prepared)
        with transaction.atomic():
            result = APPLY[submission.kind](submission, user, prepared, over_newer=over_newer)
    except AnjuError as error:
        if isinstance(error, Conflict) and error.code == "version_conflict":
            _hold(submission)
        else:
            _refuse(submission, user, error, prepared.origin,
                    result={"capture_id": kept.pk} if kept is not None else None)
        return
    house_id = result["house_id"]
    result["house_version"], submission.division_code = House.objects.values_list(
        "version", "division_code").get(pk=house_id)
    submission.house_id = house_id
    submission.status = Status.APPLIED
    submission.result = result
    submission.error = None
    submission.applied_at = timezone.now()
    submission.save()
    audit(Action.TRANSITION, actor=user, obj=submission, origin=prepared.origin,
          details={"workflow": "field", "action": "apply", "kind": submission.kind,
                   "client_uuid": str(submission.client_uuid),
                   "result": {k: v for k, v in result.items()
                              if k.endswith("_id") or k.endswith("_ids")}})


class _TrialOver(Exception):
    pass


def _trial(submission: Submission, user, prepared: Prepared) -> AnjuError | None:
    prepared.photos = False
    try:
        with transaction.atomic():
            APPLY[submission.kind](submission, user, prepared)
            raise _TrialOver
    except _TrialOver:
        return None
    except AnjuError as error:
        if isinstance(error, Conflict) and error.code == "version_conflict":
            return None
        if error.code == Code.EVIDENCE_REQUIRED and submission.photo_rows.exists():
            return None  # the photos on their way make the capture the check rests on
        return error
    finally:
        prepared.photos = True


def _photos(submission: Submission, house: House, user, title: str, p: Prepared) -> list[int]:
    """The capture's photos on the house's file (一户一档), as the web forms put them there:
    through the registry's attach verb, pointing at the one stored copy of each photo."""
    declared = [row.sha256 for row in submission.photo_rows.all()]
    if not declared or not p.photos:
        return []
    existing = {}
    for sha, pk in (Attachment.objects.filter(house=house, sha256__in=declared)
                    .order_by("id").values_list("sha256", "pk")):
        existing.setdefault(sha, pk)
    stored = photos_known_to(user, declared)
    ids = []
    for sha in declared:
        if sha not in existing:
            photo = stored[sha]
            try:
                existing[sha] = registry.attach_file(
                    house, AttachFile(kind="photo", title=f"{title}（外业采集）"),
                    upload=photo.file, acting_user=user, origin=p.origin).pk
            finally:
                photo.file.close()
        ids.append(existing[sha])
    return ids


def _with_photos(cmd: Command, photo_ids: list[int]) -> Command:
    """The command with the capture's photos added to those it names already."""
    return cmd.model_copy(update={"photo_ids": list(dict.fromkeys([*cmd.photo_ids,
                                                                     *photo_ids]))})


def _evidence(submission: Submission, house: House, user, p: Prepared, photo_ids: list[int],
              act: str = EvidenceAct.SITE_VISIT):
    """ADR 0048: the phone's photos as a capture of the house, flagged by the same rules as a
    page's (fix, distance, camera time, gallery, reuse). A photo whose source the client did
    not say (an earlier client) counts as the camera's."""
    if not photo_ids or not p.photos:
        return None
    sources = submission.body.get("photo_sources") or {}
    attachments = Attachment.objects.in_bulk(photo_ids)
    photos = [(attachments[pk], sources.get(attachments[pk].sha256, "camera"))
              for pk in photo_ids]
    cmd = RecordCapture(act=act, captured_at=submission.captured_at,
                        lat=_number(submission.lat), lng=_number(submission.lng),
                        accuracy_m=submission.accuracy_m,
                        note=f"外业采集 {submission.get_kind_display()}"[:200])
    return evidence.record_capture(house, cmd, photos=photos, acting_user=user,
                                   origin=p.origin)


def _number(value):
    return float(value) if value is not None else None


def _spot_check_evidence(submission: Submission, user, p: Prepared):
    """R-CJ-3: a spot check sent from the phone rests on the capture its photos make. The
    capture is kept even when the check is refused for its flags, so that the township may
    accept it with a reason and the check be recorded on it."""
    if (submission.kind != Kind.INSPECTION or p.cmd.level != InspectionLevel.SPOT_CHECK
            or p.cmd.evidence_id is not None or not p.photos):
        return None
    with transaction.atomic():
        photo_ids = _photos(submission, p.house, user, "抽查照片", p)
        capture = _evidence(submission, p.house, user, p, photo_ids, EvidenceAct.SPOT_CHECK)
    if capture is not None:
        p.cmd = _with_photos(p.cmd, photo_ids).model_copy(update={"evidence_id": capture.pk})
    return capture


def _with_evidence(result: dict, capture) -> dict:
    """The result with the capture its photos made (a Capture or its id), if any."""
    if capture is not None:
        result["capture_id"] = getattr(capture, "pk", capture)
    return result


def _screening(submission, user, p: Prepared, **_) -> dict:
    photo_ids = _photos(submission, p.house, user, "排查初判照片", p)
    screening = appraisal.record_screening(p.house, p.cmd, acting_user=user, origin=p.origin)
    hazard = getattr(screening, "hazard", None)
    return _with_evidence({
        "screening_id": screening.pk, "house_id": p.house.pk, "result": screening.result,
        "hazard_number": hazard.number if hazard else None, "photo_ids": photo_ids},
        _evidence(submission, p.house, user, p, photo_ids))


def _inspection(submission, user, p: Prepared, **_) -> dict:
    capture = None
    if p.cmd.evidence_id is None:  # a spot check's capture is made before (_spot_check_evidence)
        photo_ids = _photos(submission, p.house, user, "检查照片", p)
        capture = _evidence(submission, p.house, user, p, photo_ids)
        cmd = _with_photos(p.cmd, photo_ids)
    else:
        cmd = p.cmd
    inspection = appraisal.record_inspection(p.house, cmd, acting_user=user, origin=p.origin)
    hazard = inspection.hazards.first()
    return _with_evidence({
        "inspection_id": inspection.pk, "house_id": p.house.pk,
        "hazard_number": hazard.number if hazard else None, "photo_ids": cmd.photo_ids},
        capture.pk if capture is not None else cmd.evidence_id)


def _control_check(submission, user, p: Prepared, **_) -> dict:
    entry_id = p.extra.get("entry_id")
    if entry_id is not None:
        entry = get_entry_for_user(user, entry_id)
        if entry.house_id != p.house.pk:
            raise NotFound("该台账记录不属于此房屋", field="entry_id")
    else:
        entry = ledger_for_user(user, house_id=p.house.pk).filter(status__in=NOT_CLOSED).first()
        if entry is None:
            raise RuleViolation(Code.NOT_ON_LEDGER, "该房屋不在整治台账上或已销号，无需管控检查",
                                field="house_id", rule="R-CJ-7")
    photo_ids = _photos(submission, p.house, user, "管控检查照片", p)
    cmd = _with_photos(p.cmd, photo_ids)
    row = rectification.record_control_check(entry, cmd, acting_user=user, origin=p.origin)
    entry.refresh_from_db()
    return _with_evidence({
        "check_id": row.pk, "entry_id": entry.pk, "entry_status": entry.status,
        "house_id": p.house.pk, "photo_ids": cmd.photo_ids},
        _evidence(submission, p.house, user, p, photo_ids))


def _verification(submission, user, p: Prepared, **_) -> dict:
    photo_ids = _photos(submission, p.house, user, "核实比对照片", p)
    verification = quality.record_verification(p.house, p.cmd, acting_user=user,
                                               origin=p.origin)
    return _with_evidence({
        "verification_id": verification.pk, "house_id": p.house.pk,
        "finding_ids": list(verification.findings.values_list("pk", flat=True)),
        "photo_ids": photo_ids}, _evidence(submission, p.house, user, p, photo_ids))


def _new_house(submission, user, p: Prepared, **_) -> dict:
    house = registry.register_house(p.cmd, acting_user=user, origin=p.origin)
    photo_ids = _photos(submission, house, user, "房屋照片", p)
    return _with_evidence({"house_id": house.pk, "photo_ids": photo_ids},
                          _evidence(submission, house, user, p, photo_ids))


def _house_update(submission, user, p: Prepared, *, over_newer=False) -> dict:
    cmd = p.cmd
    if over_newer:
        # Applied over the newer record by a reviewer's decision: against its version.
        cmd = cmd.model_copy(update={"version": House.objects.values_list(
            "version", flat=True).get(pk=p.house.pk)})
    house = registry.update_house(p.house, cmd, acting_user=user, origin=p.origin)
    photo_ids = _photos(submission, house, user, "房屋照片", p)
    return _with_evidence({"house_id": house.pk, "photo_ids": photo_ids},
                          _evidence(submission, house, user, p, photo_ids))


APPLY = {Kind.SCREENING: _screening, Kind.INSPECTION: _inspection,
         Kind.CONTROL_CHECK: _control_check, Kind.VERIFICATION: _verification,
         Kind.NEW_HOUSE: _new_house, Kind.HOUSE_UPDATE: _house_update}


# --- review of conflicts --------------------------------------------------------------------


@transaction.atomic
def resolve_conflict(submission: Submission, cmd: ResolveConflict, *, acting_user,
                     origin: Origin | None = None) -> Submission:
    """Settle a capture held because its house changed after it was captured: apply it over
    the newer record (through the same verb, as the user who captured it), or set it aside.
    The caller fetched it through queries.get_conflict_for_user (scope is settled)."""
    check(acting_user, "field.review")
    locked = (Submission.objects.select_for_update().select_related("submitted_by")
              .get(pk=submission.pk))
    if locked.status != Status.CONFLICT:
        raise Conflict(Code.NOT_A_CONFLICT, "该采集记录已不是待审核的冲突，可能已由他人处理",
                       field="status")
    note = cmd.note.strip()
    locked.resolved_by, locked.resolved_at, locked.resolution_note = (
        acting_user, timezone.now(), note)
    if cmd.apply:
        author = locked.submitted_by
        try:
            prepared = _prepare(locked, author, origin)
        except AnjuError as error:
            _refuse(locked, author, error, origin)
        else:
            _apply(locked, author, prepared, over_newer=True)
    else:
        locked.status = Status.REJECTED
        locked.http_status = 409
        message = "经审核未采用：房屋记录以较新的为准" + (f"（{note}）" if note else "")
        locked.error = {"code": Code.CONFLICT_DISMISSED, "message": message, "field": None,
                        "rule": None}
        locked.save()
    audit(Action.TRANSITION, actor=acting_user, obj=locked, origin=origin,
          details={"workflow": "field", "action": "resolve_conflict", "apply": cmd.apply,
                   "client_uuid": str(locked.client_uuid), "status": locked.status})
    return locked
