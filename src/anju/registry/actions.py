"""The verbs of the registry. Pages, the API, imports and the field app all call these, each
with its command (registry/commands.py)."""

import hashlib
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from anju.accounts.access import can, check
from anju.audit import actions as audit
from anju.audit.models import Action
from anju.crypto import lookup_hash, with_lookup_hashes
from anju.divisions.queries import check_village
from anju.kit import guards
from anju.kit.errors import (
    Code,
    Conflict,
    Forbidden,
    RuleViolation,
    raise_if,
    version_conflict,
)
from anju.kit.events import records_changed
from anju.kit.origin import Origin
from anju.registry.codes import (
    BUSINESS_USES,
    AttachmentKind,
    HouseStatus,
    Occupancy,
    ResponsibleRole,
    Use,
)
from anju.registry.commands import (
    AttachFile,
    DemolishHouse,
    HouseholdMember,
    RegisterHouse,
    RegisterHousehold,
    SetResponsiblePersons,
    UpdateHouse,
    UpdateHousehold,
)
from anju.registry.models import (
    Attachment,
    House,
    Household,
    Member,
    RecordEvent,
    ResponsiblePerson,
)
from anju.registry.moving import move_records
from anju.registry.rules import (
    NATIONAL_HOUSE_FIELDS,
    check_house,
    check_household,
    derived_house_fields,
    sniff_content_type,
)

HOUSEHOLD_FIELDS = ("division_code", "head_name", "head_id_number", "phone", "persons",
                    "bank_account", "bank_name", "sms_notices")
HOUSE_FIELDS = ("household_id", "division_code", "address", "lat", "lng", "structure",
                "color_steel", "floors", "built_year", "build_method", "floor_area", "use",
                "business_sector", "occupancy", "is_only_house", "priority_tags",
                *NATIONAL_HOUSE_FIELDS)
SENSITIVE = ("head_id_number", "phone", "bank_account")
ALLOWED_ATTACHMENT_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}


# (derived field, the field it follows); see rules.derived_house_fields
_DERIVED_FROM = (("storey_band", "floors"), ("build_year_band", "built_year"),
                 ("priority_tags", "priority_tags"), ("is_priority", "priority_tags"),
                 ("business_sector", "use"))
_CLEARABLE_TEXT = ("build_method", "business_sector", "land_type", "business_use",
                   "heating_energy", "cooking_energy")
_FLAGS = ("color_steel", "is_only_house")


def _record(*, actor, action: str, division_code: str, household=None, house=None,
            changes=None) -> None:
    # Sensitive values are noted as changed, never copied into the history.
    changes = {k: ("<已修改>" if k in SENSITIVE else v) for k, v in (changes or {}).items()}
    RecordEvent.objects.create(actor=actor, action=action, division_code=division_code,
                               household=household, house=house, changes=changes)


def _jsonable(value):
    if isinstance(value, (str, int, float, bool, list)) or value is None:
        return value
    return str(value)


def _sent(cmd) -> dict:
    """The fields a change names (a PATCH's body), without its version."""
    return cmd.model_dump(include=cmd.model_fields_set - {"version"})


def _check_head_id_free(head_id_number: str, exclude_pk=None) -> None:
    others = Household.objects.filter(head_id_hash=lookup_hash(head_id_number))
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise RuleViolation(Code.ID_NUMBER_DUPLICATE, "该身份证号已登记为其他农户的户主",
                            field="head_id_number", rule="R-CJ-3")


def _add_members(household: Household, members: list[HouseholdMember]) -> None:
    Member.objects.bulk_create(
        Member(household=household, name=m.name, id_number=m.id_number, relation=m.relation)
        for m in members)


@transaction.atomic
def register_household(cmd: RegisterHousehold, *, acting_user,
                       origin: Origin | None = None) -> Household:
    """Put a household on the register, with its members."""
    check(acting_user, "registry.edit")
    check_village(acting_user, cmd.division_code)
    raise_if(check_household(cmd.model_dump()))
    _check_head_id_free(cmd.head_id_number)
    try:
        with transaction.atomic():
            household = Household.objects.create(
                **{f: getattr(cmd, f) for f in HOUSEHOLD_FIELDS},
                sms_notices_on=timezone.localdate() if cmd.sms_notices else None)
    except IntegrityError:
        # Another clerk registered the same head a moment ago.
        raise Conflict(Code.ID_NUMBER_DUPLICATE, "该身份证号已登记为其他农户的户主",
                       field="head_id_number", rule="R-CJ-3") from None
    _add_members(household, cmd.members)
    _record(actor=acting_user, action="household_registered", household=household,
            division_code=household.division_code,
            changes={f: _jsonable(getattr(household, f)) for f in HOUSEHOLD_FIELDS})
    return household


@transaction.atomic
def record_full_view(household: Household, *, acting_user,
                     origin: Origin | None = None) -> None:
    """Allow a full view of the household's ID, phone and account numbers, and record it (in
    the household's history and in the audit log; a refusal is audited by the error handler)."""
    if not can(acting_user, "registry.reveal"):
        raise Forbidden("您的角色无权查看完整的身份证号、电话和账号", code=Code.REVEAL_NOT_ALLOWED,
                        obj=household)
    _record(actor=acting_user, action="full_view", household=household,
            division_code=household.division_code,
            changes={"fields": list(SENSITIVE)})
    audit.record(Action.FULL_VIEW, actor=acting_user, obj=household, origin=origin,
                 details={"fields": list(SENSITIVE)})


@transaction.atomic
def update_household(household: Household, cmd: UpdateHousehold, *, acting_user,
                     origin: Origin | None = None) -> Household:
    """Change the fields the command names; its `version` must be the one the caller read
    (else 409). Members, when named, replace the household's list."""
    check(acting_user, "registry.edit")
    changes = _sent(cmd)
    if "division_code" in changes:
        check_village(acting_user, changes["division_code"])
    moved_from = household.division_code
    current = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS}
    raise_if(check_household({**current, **changes}))
    if changes.get("head_id_number"):
        _check_head_id_free(changes["head_id_number"], exclude_pk=household.pk)
    if changes.get("sms_notices") is None:
        changes.pop("sms_notices", None)
    values = {f: (v if v is not None else "") for f, v in changes.items() if f != "members"}
    if "sms_notices" in values and values["sms_notices"] != household.sms_notices:
        # the day the household agreed (or withdrew: no date)
        values["sms_notices_on"] = timezone.localdate() if values["sms_notices"] else None
    values = with_lookup_hashes(Household, values)
    updated = Household.objects.filter(pk=household.pk, version=cmd.version).update(
        **values, version=F("version") + 1, updated_at=timezone.now())
    if updated != 1:
        raise version_conflict()
    if "members" in changes:
        household.members.all().delete()
        _add_members(household, cmd.members or [])
    household.refresh_from_db()
    moved = household.division_code != moved_from
    _record(actor=acting_user, action="household_updated", household=household,
            division_code=household.division_code,
            changes={f: _jsonable(v) for f, v in changes.items() if f != "members"}
            | ({"members": len(cmd.members or [])} if "members" in changes else {})
            | ({"moved_from": moved_from} if moved else {}))
    houses_moved = _move_houses(household, acting_user=acting_user) if moved else []
    if moved:
        move_records(household.division_code, household_id=household.pk,
                     house_ids=household.houses.values_list("pk", flat=True))
    # Both villages are counted again when the household moved (its houses name theirs).
    records_changed(houses=household.houses.values_list("pk", flat=True),
                    divisions=[code for _, code in houses_moved]
                    + ([moved_from, household.division_code] if moved else []))
    return household


def _move_houses(household: Household, *, acting_user) -> list[tuple[int, str]]:
    """R-CJ-3: a household's houses lie in its village, so they move with it, each with its
    history row; returns (house, village it left) for each."""
    to_code = household.division_code
    moved = []
    for house in household.houses.exclude(division_code=to_code).order_by("pk"):
        House.objects.filter(pk=house.pk).update(division_code=to_code,
                                                 version=F("version") + 1,
                                                 updated_at=timezone.now())
        _record(actor=acting_user, action="house_updated", house=house,
                household=household, division_code=to_code,
                changes={"division_code": to_code, "moved_from": house.division_code,
                         "with_household": household.pk})
        moved.append((house.pk, house.division_code))
    return moved


def _check_household_link(acting_user, household_id: int | None, division_code: str) -> None:
    if household_id is None:
        return
    from anju.registry.queries import get_household_for_user

    household = get_household_for_user(acting_user, household_id)
    if household.division_code != division_code:
        raise RuleViolation(Code.HOUSEHOLD_ELSEWHERE, "房屋所在村应与农户所在村一致",
                            field="household_id", rule="R-CJ-3")


@transaction.atomic
def register_house(cmd: RegisterHouse, *, acting_user, origin: Origin | None = None,
                   today: date | None = None) -> House:
    """Put a house on the register."""
    check(acting_user, "registry.edit")
    check_village(acting_user, cmd.division_code)
    data = cmd.model_dump()
    raise_if(check_house(data, today=today or timezone.localdate()))
    _check_household_link(acting_user, cmd.household_id, cmd.division_code)
    values = {f: v for f, v in data.items() if v is not None}
    values |= derived_house_fields(values)
    house = House.objects.create(**values)
    _record(actor=acting_user, action="house_registered", house=house,
            division_code=house.division_code,
            changes={f: _jsonable(getattr(house, f)) for f in HOUSE_FIELDS})
    records_changed(houses=[house.pk])
    return house


@transaction.atomic
def update_house(house: House, cmd: UpdateHouse, *, acting_user, origin: Origin | None = None,
                 today: date | None = None) -> House:
    """Change the fields the command names; its `version` must be the one the caller read
    (else 409)."""
    check(acting_user, "registry.edit")
    changes = _sent(cmd)
    if "division_code" in changes:
        check_village(acting_user, changes["division_code"])
    # A null clears an optional text field; a yes/no field cannot be cleared.
    changes = {f: ("" if v is None and f in _CLEARABLE_TEXT else v) for f, v in changes.items()}
    merged = {**{f: getattr(house, f) for f in HOUSE_FIELDS}, **changes}
    errors = check_house(merged, today=today or timezone.localdate())
    errors += [RuleViolation(Code.FIELD_REQUIRED, "此项应填写“是”或“否”", field=f, rule="R-CJ-3")
               for f in _FLAGS if f in changes and changes[f] is None]
    raise_if(errors)
    if "household_id" in changes or "division_code" in changes:
        _check_household_link(acting_user, merged["household_id"], merged["division_code"])
    values = dict(changes)
    derived = derived_house_fields(merged)
    for key, source in _DERIVED_FROM:
        if source in changes:
            fallback = "" if key == "build_year_band" else merged.get(key)
            values[key] = derived.get(key, fallback)
    if "use" in changes and changes["use"] != house.use:
        # R-CJ-8: apps above the register may refuse a change of use (ADR 0032)
        guards.ask(guards.HOUSE_USE, house=house, use=changes["use"])
    moved_from = house.division_code
    updated = House.objects.filter(pk=house.pk, version=cmd.version).update(
        **values, version=F("version") + 1, updated_at=timezone.now())
    if updated != 1:
        raise version_conflict()
    house.refresh_from_db()
    moved = house.division_code != moved_from
    _record(actor=acting_user, action="house_updated", house=house,
            division_code=house.division_code,
            changes={f: _jsonable(v) for f, v in changes.items()}
            | ({"moved_from": moved_from} if moved else {}))
    if moved:
        move_records(house.division_code, house_ids=[house.pk])
    records_changed(houses=[house.pk], divisions=[moved_from] if moved else [])
    return house


@transaction.atomic
def demolish_house(house: House, cmd: DemolishHouse, *, acting_user,
                   origin: Origin | None = None, today: date | None = None) -> House:
    """R-CJ-8a, R-MH-11: the house is pulled down. Its record stays, marked `demolished` with
    the date and the evidence, and leaves every count of standing houses."""
    from anju.kit.dates import date_errors

    check(acting_user, "registry.edit")
    if house.status == HouseStatus.DEMOLISHED:
        raise Conflict(Code.HOUSE_DEMOLISHED,
                       f"该房屋已于 {house.demolished_on:%Y-%m-%d} 登记为已拆除",
                       field="demolished_on", rule="R-CJ-8a")
    errors = date_errors(cmd.demolished_on, "demolished_on", "拆除日期",
                         today or timezone.localdate())
    note = cmd.note.strip()
    papers = list(Attachment.objects.filter(house_id=house.pk, pk__in=cmd.attachment_ids)
                  .values_list("pk", flat=True))
    if len(papers) != len(set(cmd.attachment_ids)):
        errors.append(RuleViolation(Code.PHOTO_NOT_FOUND, "所选材料不是本房屋的附件",
                                    field="attachment_ids", rule="R-CJ-8a"))
    if not note and not papers:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "请写明拆除依据或附上拆除照片",
                                    field="note", rule="R-CJ-8a"))
    raise_if(errors)
    updated = House.objects.filter(pk=house.pk, version=cmd.version).update(
        status=HouseStatus.DEMOLISHED, demolished_on=cmd.demolished_on,
        demolition_note=note or f"附件 {', '.join(map(str, papers))}",
        version=F("version") + 1, updated_at=timezone.now())
    if updated != 1:
        raise version_conflict()
    house.refresh_from_db()
    _record(actor=acting_user, action="house_demolished", house=house,
            division_code=house.division_code,
            changes={"status": house.status, "demolished_on": str(house.demolished_on),
                     "demolition_note": house.demolition_note, "attachments": papers})
    records_changed(houses=[house.pk], divisions=[house.division_code])
    return house


@transaction.atomic
def register_replacement_house(old: House, *, built_on: date, floor_area=None,
                               build_method: str = "", acting_user,
                               origin: Origin | None = None) -> House:
    """R-CJ-8a: the house built in place of `old` is a new record of the same household, at
    the same place, naming the house it replaces. It is registered unrated: a grade comes from
    an appraisal (grading.md §1), which the ledger and the case then ask for."""
    check(acting_user, "registry.edit")
    made = old.replaced_by.first()
    if made is not None:
        return made
    values = {f: getattr(old, f) for f in ("household_id", "division_code", "address", "lat",
                                           "lng", "structure", "floors", "priority_tags")}
    values |= {"built_year": built_on.year, "build_method": build_method or "",
               "floor_area": floor_area or old.floor_area, "use": Use.RESIDENCE,
               # nobody lives in it until the township records the move (R-MH-10a flags a
               # handed-over house still empty)
               "business_sector": "", "occupancy": Occupancy.VACANT, "color_steel": False,
               "is_only_house": True}
    values |= derived_house_fields(values)
    house = House.objects.create(**values, replaces_house=old)
    _record(actor=acting_user, action="house_registered", house=house,
            division_code=house.division_code,
            changes={f: _jsonable(getattr(house, f)) for f in HOUSE_FIELDS}
            | {"replaces_house_id": old.pk})
    _record(actor=acting_user, action="house_replaced", house=old,
            division_code=old.division_code, changes={"replaced_by_house_id": house.pk})
    records_changed(houses=[house.pk, old.pk], divisions=[house.division_code])
    return house


@transaction.atomic
def set_responsible_persons(house: House, cmd: SetResponsiblePersons, *, acting_user,
                            origin: Origin | None = None) -> House:
    """Name the house's responsible persons (谁拥有/谁使用/谁主管/谁审批谁负责)."""
    check(acting_user, "registry.edit")
    persons = cmd.responsible_persons
    errors = []
    for i, person in enumerate(persons):
        if person.role not in ResponsibleRole.values:
            errors.append(RuleViolation(Code.CHOICE_INVALID, f"第 {i + 1} 位责任人的责任类型无效",
                                        field=f"responsible_persons[{i}].role", rule="R-CJ-4"))
        if not person.name.strip():
            errors.append(RuleViolation(Code.FIELD_REQUIRED, f"第 {i + 1} 位责任人姓名不能为空",
                                        field=f"responsible_persons[{i}].name", rule="R-CJ-4"))
    roles = {p.role for p in persons}
    if house.use in BUSINESS_USES and persons:
        for role, label in ((ResponsibleRole.COMPETENT_DEPARTMENT, "主管部门"),
                            (ResponsibleRole.APPROVING_DEPARTMENT, "审批部门")):
            if role not in roles:
                errors.append(RuleViolation(Code.FIELD_REQUIRED, f"经营性房屋应写明{label}",
                                            field="responsible_persons", rule="R-CJ-4"))
    raise_if(errors)
    house.responsible_persons.all().delete()
    ResponsiblePerson.objects.bulk_create(
        ResponsiblePerson(house=house, role=p.role, name=p.name.strip(), phone=p.phone,
                          department=p.department)
        for p in persons
    )
    _record(actor=acting_user, action="responsible_persons_set", house=house,
            division_code=house.division_code,
            changes={"responsible_persons": [f"{p.role}:{p.name}" for p in persons]})
    records_changed(houses=[house.pk])
    return house


@transaction.atomic
def attach_file(owner: Household | House, cmd: AttachFile, *, upload, acting_user,
                origin: Origin | None = None) -> Attachment:
    """Keep a photo or a scanned document (`upload`) on the household's or house's file
    (一户一档)."""
    house = owner if isinstance(owner, House) else None
    check(acting_user, "registry.attach" if house is not None else "registry.edit")
    if cmd.kind not in AttachmentKind.values:
        raise RuleViolation(Code.CHOICE_INVALID,
                            f"附件类型“{cmd.kind}”不是有效选项（photo 或 document）",
                            field="kind")
    title = cmd.title.strip()
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    upload.seek(0)
    if content_type not in ALLOWED_ATTACHMENT_TYPES:
        raise RuleViolation(Code.FILE_TYPE_INVALID, "只接受 JPEG、PNG、WebP 图片或 PDF 文件",
                            field="file")
    if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise RuleViolation(Code.FILE_TOO_LARGE, f"文件不能超过 {settings.MAX_UPLOAD_MB} MB",
                            field="file")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    household = house.household if house is not None else owner
    attachment = Attachment.objects.create(
        division_code=owner.division_code, household=household, house=house, kind=cmd.kind,
        title=title, file=upload, content_type=content_type, size=upload.size,
        sha256=digest.hexdigest(), uploaded_by=acting_user,
    )
    _record(actor=acting_user, action="attachment_added", house=house, household=household,
            division_code=owner.division_code,
            changes={"attachment": attachment.pk, "kind": cmd.kind, "title": title})
    return attachment
