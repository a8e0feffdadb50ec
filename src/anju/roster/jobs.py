"""Loading a monthly roster (N4) as a background job: started by a certifying department
(202 {job_id}), checked row by row, then written whole or not at all; a dry run writes no
person. Each person is matched to a household (head or member, by the ID number's keyed hash)
and their only standing house, and the appraisal task opens with the profile's clock."""

import logging
import tempfile
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.audit import actions as audit
from anju.audit.models import Action
from anju.crypto import hasher
from anju.divisions.scope import not_found, within
from anju.exchange.reading import open_table
from anju.kit.errors import AnjuError, Code, RuleViolation
from anju.kit.origin import Origin
from anju.policy.rules import profile_for, profile_resolver
from anju.registry.models import House, Household, Member
from anju.roster import importers, rules
from anju.roster.codes import LoadStatus
from anju.roster.commands import LoadRoster
from anju.roster.models import RosterError, RosterLoad, RosterPerson

logger = logging.getLogger(__name__)
ERRORS_SHOWN = 1000


def loads_for_user(user):
    """A user's own uploads (dry runs included): the file's rows are theirs to see."""
    return RosterLoad.objects.filter(owner=user)


def get_load_job(user, load_id: int) -> RosterLoad:
    load = loads_for_user(user).filter(pk=load_id).first()
    if load is None:
        raise not_found(RosterLoad, pk=load_id)
    return load


def _stored(upload) -> Path:
    if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise RuleViolation(Code.FILE_TOO_LARGE, f"文件不能超过 {settings.MAX_UPLOAD_MB} MB",
                            field="file")
    handle = tempfile.NamedTemporaryFile(prefix="anju-roster-", delete=False)
    with handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)


def start_load(cmd: LoadRoster, *, upload, acting_user,
               origin: Origin | None = None) -> RosterLoad:
    """Check the file's kind and header now (415/422), then read its rows in the background."""
    check(acting_user, "roster.load")
    if rules.parse_period(cmd.period) is None:
        raise RuleViolation(Code.PERIOD_INVALID, "名单月份应为 2026-11 这样的年月", field="period",
                            rule=rules.RULE)
    today = timezone.localdate()
    if rules.period_start(cmd.period) > today:
        raise RuleViolation(Code.PERIOD_INVALID, "名单月份不能晚于本月", field="period",
                            rule=rules.RULE)
    path = _stored(upload)
    try:
        table = open_table(path)
        importers.read_header(table.header)
        total = table.count()
        if total == 0:
            raise RuleViolation(Code.FILE_EMPTY, "文件中只有表头，没有数据行", field="file")
        profile = profile_for(acting_user.scope, today)
        load = RosterLoad(
            owner=acting_user, department=acting_user.department, period=cmd.period,
            division_code=acting_user.scope, dry_run=cmd.dry_run, received_on=today,
            list_due_on=rules.list_due_on(cmd.period, profile), total=total,
            input_name=(upload.name or "")[:200],
            summary={"origin": asdict(origin)} if origin is not None else {})
        with open(path, "rb") as f:
            load.input_file.save(f"roster-{timezone.now():%Y%m%d%H%M%S}.{table.kind}", File(f),
                                 save=False)
        load.save()
    finally:
        path.unlink(missing_ok=True)
    from anju.roster.tasks import run_load

    run_load.enqueue(load.pk)
    return load


def _local_copy(load: RosterLoad) -> Path:
    suffix = Path(load.input_file.name).suffix
    handle = tempfile.NamedTemporaryFile(prefix="anju-roster-", suffix=suffix, delete=False)
    with handle, load.input_file.open("rb") as source:
        handle.write(source.read())
    return Path(handle.name)


def _finish(load: RosterLoad, status: str, **summary) -> None:
    load.status = status
    load.finished_at = timezone.now()
    load.summary = {**load.summary, **summary}
    load.save(update_fields=["status", "finished_at", "summary", "progress", "error_count"])


def run(load_id: int) -> str:
    """The task's body: check every row, keep the errors; a real run with no error writes
    every person in one transaction with its audit row."""
    taken = RosterLoad.objects.filter(pk=load_id, status=LoadStatus.QUEUED).update(
        status=LoadStatus.RUNNING)
    if taken != 1:
        return "skipped"
    load = RosterLoad.objects.select_related("owner").get(pk=load_id)
    path = None
    try:
        check(load.owner, "roster.load")
        path = _local_copy(load)
        checked = importers.check_file(path, scope=load.division_code,
                                       department=load.department, period=load.period)
        load.progress, load.error_count = checked.rows, len(checked.errors)
        RosterError.objects.bulk_create(
            [RosterError(load=load, row=e.row, field=e.field, code=e.code, rule=e.rule,
                         message=e.message[:300]) for e in checked.errors], batch_size=1000)
        bad = len({e.row for e in checked.errors})
        if load.dry_run:
            _finish(load, LoadStatus.SUCCEEDED, rows=checked.rows, valid=len(checked.people),
                    message=f"检查完成：{len(checked.people)} 人可以导入，{bad} 行有误；"
                    "未写入任何数据")
        elif checked.errors:
            _finish(load, LoadStatus.FAILED, rows=checked.rows, valid=len(checked.people),
                    code=Code.ROWS_INVALID,
                    message=f"{bad} 行有误（共 {len(checked.errors)} 处），未写入任何数据；"
                    "请改正后重新上传")
        else:
            with transaction.atomic():
                written = write_people(load, checked.people)
                origin = load.summary.get("origin")
                audit.record(Action.IMPORT, actor=load.owner, obj=load,
                             origin=Origin(**origin) if origin else None,
                             details={"kind": "roster", "period": load.period,
                                      "people": written})
                _finish(load, LoadStatus.SUCCEEDED, rows=checked.rows, valid=written,
                        created=written, message=f"已导入 {written} 人")
    except AnjuError as error:
        _finish(load, LoadStatus.FAILED, code=error.code, message=error.message)
    except Exception:
        logger.exception("roster load %s failed", load_id)
        _finish(load, LoadStatus.FAILED, code="internal_error",
                message="任务执行出错，请稍后重试或联系管理员")
    finally:
        if path is not None:
            path.unlink(missing_ok=True)
        # The file holds ID numbers in the clear: once read, it goes.
        if load.input_file.name:
            load.input_file.storage.delete(load.input_file.name)
            RosterLoad.objects.filter(pk=load.pk).update(input_file="")
    return load.status


def match(people: list[dict], scope: str) -> dict[str, tuple[int, str, int | None, int]]:
    """ID hash → (household id, "head"/"member", the only standing house or None, how many
    standing houses the household has): the head's
    household first, else the household the person is a member of, inside the list's scope."""
    hashes = {p["id_hash"] for p in people}
    households = Household.objects.filter(within(scope))
    found = {h: (pk, "head") for pk, h in households.filter(head_id_hash__in=hashes)
             .values_list("pk", "head_id_hash")}
    for household_id, h in (Member.objects.filter(id_number_hash__in=hashes - set(found),
                                                  household__in=households)
                            .values_list("household_id", "id_number_hash")):
        found.setdefault(h, (household_id, "member"))
    houses: dict[int, list[int]] = {}
    for pk, household_id in House.objects.standing().filter(
            household_id__in={v[0] for v in found.values()}).values_list("pk", "household_id"):
        houses.setdefault(household_id, []).append(pk)
    return {h: (pk, how, houses[pk][0] if len(houses.get(pk, [])) == 1 else None,
                len(houses.get(pk, []))) for h, (pk, how) in found.items()}


def write_people(load: RosterLoad, people: list[dict]) -> int:
    hash_of = hasher()
    for person in people:
        person["id_hash"] = hash_of(person["id_number"])
    matched = match(people, load.division_code)
    resolve = profile_resolver(load.received_on)
    rows = []
    for person in people:
        household_id, how, house_id, count = matched.get(person["id_hash"],
                                                         (None, "", None, 0))
        rows.append(RosterPerson(
            load=load, period=load.period, division_code=person["division_code"],
            name=person["name"], id_number=person["id_number"], category=person["category"],
            change=person["change"], certified_on=person["certified_on"], row=person["row"],
            household_id=household_id, matched_as=how, house_id=house_id, house_count=count,
            appraisal_due_on=rules.appraisal_due_on(load.period,
                                                    resolve(person["division_code"]))))
    for row in rows:  # bulk_create skips pre_save: the keyed hash is set here
        row.id_hash = hash_of(row.id_number)
    RosterPerson.objects.bulk_create(rows, batch_size=500)
    return len(rows)
