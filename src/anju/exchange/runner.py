"""Running an import or export job (the body of tasks.run_job).

A worker claims a queued job with a conditional UPDATE (queued → running, one more attempt);
every chunk of 1,000 rows writes the progress and a heartbeat under that attempt, so a worker
that lost its job (another took it over after a restart) stops at its next chunk. An import
runs in one of three ways:

- dry run: every row is checked, the errors are kept, nothing is written;
- all-or-nothing (the default): every row is checked first; if any is bad, nothing is written;
  else the rows are written in short transactions, each recording on the job the ids it
  wrote, and the job's success commits with the audit row. Should the writing fail (another
  clerk registered one of the heads meanwhile), what was written is taken back, so the file
  is imported whole or not at all; a restart takes it back, then runs from the first row;
- good rows only (mode=good_rows): the good rows, their errors and the job's resume point
  commit together, a few at a time, so a restart goes on after the last committed row.

Writes are short because SQLite has one writer at a time: a clerk's save waits while an
import's transaction runs, and fails after five seconds (busy_timeout). Each transaction is
sized to take about WRITE_SECONDS, and on SQLite the import then leaves the database alone
for YIELD_SECONDS, longer than a waiting save sleeps between its tries (at most 100 ms), so
that save gets its turn.
"""

import bisect
import logging
import pickle
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from anju.accounts.access import can, check
from anju.audit import actions as audit
from anju.audit.models import Action
from anju.exchange import exporters, workers
from anju.exchange.columns import read_only_notes
from anju.exchange.importers import IMPORTERS, RowError
from anju.exchange.jobs import read_header
from anju.exchange.liveness import this_worker
from anju.exchange.models import Difference, Job, JobError, JobStage, JobStatus
from anju.kit import reads
from anju.kit.errors import AnjuError, Code
from anju.kit.origin import IMPORT, Origin
from anju.kit.xlsx import stream_xlsx
from anju.registry.bulk import large_cache

logger = logging.getLogger(__name__)
CHUNK = 1000
WRITE_SECONDS = 0.3
YIELD_SECONDS = 0.12
FIRST_BATCH, MAX_BATCH = 10, 5000
TAKE_BACK_BATCH = 200


class JobLost(Exception):
    """Another attempt took the job over (after a restart); this one stops."""


def claim(job_id: int) -> Job | None:
    """Take a queued job (one more attempt); None when another worker has it or it is done."""
    now = timezone.now()
    taken = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, attempts=F("attempts") + 1, heartbeat_at=now,
        worker=this_worker())
    if taken != 1:
        return None
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.started_at is None:
        Job.objects.filter(pk=job_id).update(started_at=now)
        job.started_at = now
    return job


def _mine(job: Job):
    return Job.objects.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING)


def _update(job: Job, **values) -> None:
    """Progress and heartbeat, under this attempt: JobLost when another attempt has the job."""
    if _mine(job).update(heartbeat_at=timezone.now(), **values) != 1:
        raise JobLost()
    for key, value in values.items():
        if not hasattr(value, "resolve_expression"):
            setattr(job, key, value)


def _finish(job: Job, status: str, **values) -> None:
    summary = values.pop("summary", job.summary)
    _update(job, status=status, stage="", finished_at=timezone.now(), summary=summary, **values)


def _fail(job: Job, message: str, code: str = "failed", **values) -> None:
    try:
        _finish(job, JobStatus.FAILED, summary={**job.summary, "message": message,
                                                "code": code}, **values)
    except JobLost:
        pass


def run(job_id: int) -> str:
    """Run one job to its end (the task's body). Returns its final status."""
    job = claim(job_id)
    if job is None:
        return "skipped"
    try:
        if job.kind.startswith("reconcile_"):
            _run_reconcile(job)
        elif job.is_import:
            _run_import(job)
        else:
            with reads.replica_reads(_since_queued(job)):
                _run_export(job)
    except JobLost:
        return "lost"
    except AnjuError as error:
        _fail(job, error.message, error.code)
    except Exception:
        logger.exception("exchange job %s failed", job_id)
        _fail(job, "任务执行出错，请稍后重试或联系管理员", "internal_error")
    status, summary = Job.objects.filter(pk=job_id).values_list(
        "status", "summary").first() or ("gone", {})
    # A file refused for its rows stays until its good rows are imported (or jobs_prune):
    # the clerk may still choose 只导入正确的行 without uploading it again.
    recoverable = status == JobStatus.FAILED and summary.get("code") == Code.ROWS_INVALID
    if (job.is_import and not job.params.get("dry_run") and status in JobStatus.values
            and not recoverable):
        forget_upload(job)
    return status


def _since_queued(job: Job) -> int:
    # An export may read a replica (ADR 0043), but one that has every record saved before
    # the job was queued: a clerk who saves and then exports finds the record in the file.
    waited = (timezone.now() - job.created_at).total_seconds()
    return max(0, min(reads.EXPORT, int(waited)))


def _cell(value):
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def _save_error_rows(job: Job, table) -> str:
    """The rows that were not imported, as in the file, with a column of what is wrong: the
    clerk corrects them and imports this file again."""
    messages: dict[int, list[str]] = {}
    for row, message in JobError.objects.filter(job=job, row__isnull=False).values_list(
            "row", "message"):
        messages.setdefault(row, []).append(message)
    header = [(str(title or ""), 16) for title in table.header] + [("错误说明", 60)]
    width = len(table.header)
    rows = ([_cell(c) for c in (cells + [""] * width)[:width]] + ["；".join(messages[number])]
            for number, cells in table.rows() if number in messages)
    with tempfile.TemporaryFile() as target:
        for chunk in stream_xlsx(header, rows, sheet_name="有误的行"):
            target.write(chunk)
        target.seek(0)
        stem = Path(job.input_name or "导入").stem
        job.result_file.save(f"{stem}-有误的行-{job.pk}.xlsx", File(target), save=False)
    return job.result_file.name


def forget_upload(job: Job) -> None:
    """An uploaded file holds ID numbers in the clear: once imported (or refused), it goes,
    from this job and from the dry run that checked it."""
    name = job.input_file.name
    if name:
        job.input_file.storage.delete(name)
        Job.objects.filter(input_file=name).update(input_file="")


def _local_copy(job: Job) -> Path:
    # The storage may be an object store: the reader needs a local file.
    suffix = Path(job.input_file.name).suffix
    handle = tempfile.NamedTemporaryFile(prefix="anju-job-", suffix=suffix, delete=False)
    with handle, job.input_file.open("rb") as source:
        shutil.copyfileobj(source, handle, 1 << 20)
    return Path(handle.name)


def _chunks(rows, size: int | None = None):
    size = size or CHUNK
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _errors(job: Job, errors: list[RowError]) -> None:
    JobError.objects.bulk_create(
        [JobError(job=job, row=e.row, field=e.field[:60], code=e.code[:40], rule=e.rule[:20],
                  message=e.message[:300]) for e in errors], batch_size=1000)


def _run_import(job: Job) -> None:
    owner, params = job.owner, job.params
    check(owner, "exchange.import")  # the owner's role may have changed since
    check(owner, "registry.edit")
    resource, dry_run, mode = params["resource"], params.get("dry_run"), params.get("mode")
    good_rows = mode == "good_rows" and not dry_run
    after = job.resume_row if good_rows else 0
    counts = {"rows": 0, "valid": 0, "created": 0, "duplicates": 0}
    if after:
        counts |= {k: job.summary.get(k, 0) for k in counts}
    else:  # from the first row: nothing of an earlier attempt stays
        if job.written:  # an all-or-nothing attempt stopped while writing
            _take_back(job, IMPORTERS[resource](owner, {}, job_id=job.pk))
        with transaction.atomic():
            JobError.objects.filter(job=job).delete()
            _update(job, progress=0, error_count=0, resume_row=0, summary={})
    ignored = params.get("ignored_columns", [])
    notes = {"ignored_columns": ignored, "read_only": read_only_notes(ignored)}
    path = _local_copy(job)
    spool = None if dry_run or good_rows else tempfile.TemporaryFile()
    try:
        with large_cache():
            _import_rows(job, resource, path, after=after, dry_run=dry_run,
                         good_rows=good_rows, spool=spool, counts=counts, notes=notes)
    finally:
        path.unlink(missing_ok=True)
        if spool is not None:
            spool.close()


def _import_rows(job: Job, resource: str, path: Path, *, after: int, dry_run: bool,
                 good_rows: bool, spool, counts: dict, notes: dict) -> None:
    """Check the file's rows, then end the job as its mode says (in all-or-nothing mode,
    writing them all once every row is checked)."""
    table, found, _ = read_header(resource, path)
    importer = IMPORTERS[resource](job.owner, found, job_id=job.pk)
    _update(job, stage=JobStage.CHECKING)
    try:
        _check_rows(job, importer, table, after=after, good_rows=good_rows,
                    spool=spool, counts=counts, notes=notes)
    except (IntegrityError, connection.Database.IntegrityError):  # COPY's is the driver's
        # Another clerk registered one of these heads between the check and the write.
        _fail(job, "写入时发现身份证号已被他人登记；此前各批已导入的行保留，请重新导入其余的行",
              "id_number_duplicate")
        return
    job.refresh_from_db(fields=["error_count", "progress"])
    if dry_run:
        _finish(job, JobStatus.SUCCEEDED, summary={
            **counts, **notes, "message": f"检查完成：{counts['valid']} 行可以导入，"
            f"{counts['rows'] - counts['valid']} 行有误；未写入任何数据"})
    elif good_rows:
        error_rows = _save_error_rows(job, table) if job.error_count else ""
        with transaction.atomic():
            _audit(job, counts)
            _finish(job, JobStatus.SUCCEEDED, result_file=error_rows, summary={
                **counts, **notes, "message": f"已导入 {counts['created']} 行，"
                f"{counts['rows'] - counts['valid']} 行有误未导入"})
    elif job.error_count:
        _finish(job, JobStatus.FAILED, summary={
            **counts, **notes, "code": Code.ROWS_INVALID,
            "message": f"{counts['rows'] - counts['valid']} 行有误（共 {job.error_count} "
            "处），未写入任何数据；请改正后重新导入，或选择只导入正确的行"})
    else:
        _write_all(job, importer, spool, counts, notes)


def _check_rows(job: Job, importer, table, *, after: int, good_rows: bool, spool,
                counts: dict, notes: dict) -> None:
    """Check the rows chunk by chunk; in good-rows mode write each chunk's good rows too."""
    chunks = _chunks(table.rows(after=after))
    for chunk in workers.prepared(importer, chunks, rows=job.total - counts["rows"]):
        checked = importer.check(chunk)
        counts["rows"] += len(chunk)
        counts["valid"] += len(checked.good)
        counts["duplicates"] += checked.duplicates
        if good_rows:
            _write_good_rows(job, importer, chunk, checked, counts, notes)
            continue
        with transaction.atomic():
            if spool is not None:
                pickle.dump(checked.good, spool, protocol=pickle.HIGHEST_PROTOCOL)
            _errors(job, checked.errors)
            _update(job, summary={**counts, **notes}, progress=F("progress") + len(chunk),
                    error_count=F("error_count") + len(checked.errors))


class _Pacer:
    """Rows in batches whose transactions take about WRITE_SECONDS, the size learnt from the
    last one; on SQLite a pause after each, so that other writers get their turn."""

    def __init__(self):
        self.size = FIRST_BATCH

    def batches(self, rows: Iterable) -> Iterable[list]:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.size:
                yield from self._timed(batch)
                batch = []
        if batch:
            yield from self._timed(batch)

    def _timed(self, batch: list):
        started = time.monotonic()
        yield batch  # the caller writes it in one transaction
        took = max(time.monotonic() - started, 0.001)
        self.size = max(1, min(MAX_BATCH, 2 * len(batch),
                               int(len(batch) * WRITE_SECONDS / took)))
        if connection.vendor == "sqlite":
            time.sleep(YIELD_SECONDS)


def _write_good_rows(job: Job, importer, chunk: list, checked, counts: dict,
                     notes: dict) -> None:
    """A chunk's good rows, with the errors and the progress of the rows up to the last one
    written, batch by batch; the resume point moves with them."""
    numbers = [row[0] for row in chunk]
    errors, done = checked.errors, 0

    def commit(upto: int, rows=()) -> None:
        nonlocal errors, done
        mine = [e for e in errors if e.row is None or e.row <= upto]
        errors = [e for e in errors if e.row is not None and e.row > upto]
        reached = bisect.bisect_right(numbers, upto)
        with transaction.atomic():
            counts["created"] += len(importer.write(list(rows)))
            _errors(job, mine)
            _update(job, summary={**counts, **notes}, resume_row=upto,
                    progress=F("progress") + reached - done,
                    error_count=F("error_count") + len(mine))
        done = reached

    for batch in _Pacer().batches(checked.good):
        commit(batch[-1][0], batch)
    if done < len(numbers) or errors:
        commit(numbers[-1])


def _spooled(spool) -> Iterable:
    spool.seek(0)
    while True:
        try:
            yield from pickle.load(spool)
        except EOFError:
            return


def _runs(runs: list, ids: list[int]) -> list:
    """[first, last] runs of ids, the new ones added."""
    runs = [list(run) for run in runs]
    for pk in sorted(ids):
        if runs and runs[-1][1] + 1 == pk:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def _write_all(job: Job, importer, spool, counts: dict, notes: dict) -> None:
    """Write the checked rows in short transactions, each recording the ids it wrote; the
    job's success and its audit row commit last. On a failure what was written is taken
    back (by this attempt, or by the next one when this one stops)."""
    _update(job, stage=JobStage.WRITING)
    try:
        for batch in _Pacer().batches(_spooled(spool)):
            with transaction.atomic():
                ids = importer.write(batch)
                counts["created"] += len(ids)
                _update(job, written=_runs(job.written, ids), summary={**counts, **notes})
        with transaction.atomic():
            _audit(job, counts)
            _finish(job, JobStatus.SUCCEEDED, written=[], summary={
                **counts, **notes, "message": f"已导入 {counts['created']} 行"})
    except JobLost:
        raise  # the attempt that has the job now takes back what this one wrote
    except (IntegrityError, connection.Database.IntegrityError):  # COPY's is the driver's
        # Another clerk registered one of these heads between the check and the write.
        _take_back(job, importer)
        _fail(job, "写入时发现身份证号已被他人登记，未写入任何数据；请重新导入以查看是哪一行",
              "id_number_duplicate", progress=0)
    except Exception:
        _take_back(job, importer)
        raise


def _take_back(job: Job, importer) -> None:
    """Delete what the job's all-or-nothing writing left, newest first, in short
    transactions that each record what is left."""
    runs = [list(run) for run in job.written]
    try:
        while runs:
            first, last = runs[-1]
            low = max(first, last - TAKE_BACK_BATCH + 1)
            with transaction.atomic():
                importer.take_back(low, last)
                if low == first:
                    runs.pop()
                else:
                    runs[-1][1] = low - 1
                _update(job, written=[list(run) for run in runs])
            if connection.vendor == "sqlite":
                time.sleep(YIELD_SECONDS)
    except JobLost:
        raise
    except Exception:
        logger.exception("exchange job %s: rows written could not be taken back", job.pk)
        left = sum(last - first + 1 for first, last in runs)
        raise AnjuError(Code.IMPORT_NOT_TAKEN_BACK, f"导入未能完成，已写入的 {left} 条记录未能撤回"
                        "（可能已被其他记录引用）；请联系管理员处理", status=500) from None


def _audit(job: Job, counts: dict) -> None:
    origin = job.params.get("origin")
    audit.record(Action.IMPORT, actor=job.owner, obj=job, division_code=job.division_code,
                 origin=Origin(**origin) if origin else IMPORT,
                 details={"job": job.pk, "what": job.params.get("resource"),
                          "rows": counts["created"], "errors": job.error_count,
                          "mode": job.params.get("mode")})


def _run_reconcile(job: Job) -> None:
    """Compare a national file with Anju: the differences become the job's list (its error
    report, exportable); only national codes the houses lacked are written."""
    from anju.exchange.layout import get_layout
    from anju.exchange.reading import open_table_with
    from anju.exchange.reconcile import is_header_of, keep_national_codes, reconcile

    owner = job.owner
    check(owner, "exchange.import")
    found = get_layout(job.params["layout"])
    check(owner, exporters.national_capability(found))
    reveal = can(owner, "registry.reveal")
    _update(job, stage=JobStage.CHECKING)
    path = _local_copy(job)
    try:
        table = open_table_with(path, is_header_of(found))
        summary, problems, keep, differences = reconcile(
            found, table, owner, reveal=reveal, division=job.params.get("division") or None)
    finally:
        path.unlink(missing_ok=True)
    with transaction.atomic():
        JobError.objects.filter(job=job).delete()
        JobError.objects.bulk_create(
            [JobError(job=job, row=row, field=field[:60], code=code[:40], message=message[:300])
             for row, field, code, message in problems], batch_size=2000)
        Difference.objects.filter(job=job).delete()  # a restarted job lists them afresh
        Difference.objects.bulk_create([Difference(job=job, **d) for d in differences],
                                       batch_size=2000)
        keep_national_codes(keep, acting_user=owner)
    forget_upload(job)
    message = (f"对账完成：匹配 {summary['matched']} 行，"
               f"字段差异 {summary['differences']} 处，"
               f"国家系统缺 {summary['missing_in_file']} 条，"
               f"安居缺 {summary['missing_in_anju']} 条")
    _finish(job, JobStatus.SUCCEEDED, progress=summary["rows"], error_count=len(problems),
            summary={**summary, "full_view": reveal, "message": message})
    origin = job.params.get("origin")
    audit.record(Action.IMPORT, actor=owner, obj=job, division_code=job.division_code,
                 origin=Origin(**origin) if origin else IMPORT,
                 details={"job": job.pk, "what": f"reconcile/{found.name}",
                          "rows": summary["rows"], "differences": len(problems),
                          "national_codes_kept": summary["national_codes_kept"]})


def _run_national_export(job: Job) -> None:
    from anju.exchange.layout import get_layout

    owner, params = job.owner, job.params
    check(owner, "exchange.export")
    found = get_layout(params["resource"].split("/", 1)[1])
    check(owner, exporters.national_capability(found))
    reveal = can(owner, "registry.reveal")
    division = params.get("division") or None
    _update(job, stage=JobStage.EXPORTING, progress=0)
    total, data = exporters.national_stream(found, owner, division, reveal=reveal,
                                            counted=lambda n: _update(job, progress=n))
    _update(job, total=total)
    with tempfile.TemporaryFile() as target:
        for piece in data:
            target.write(piece)
        target.seek(0)
        job.result_file.save(exporters.national_file_name(found, owner, division), File(target),
                             save=False)
    _finish(job, JobStatus.SUCCEEDED, progress=total, result_file=job.result_file.name,
            summary={"rows": total, "full_view": reveal, "layout": found.code,
                     "layout_file": found.path.name,
                     "effective": f"{found.effective:%Y-%m-%d}",
                     "message": f"已导出 {total} 行"})


def _run_export(job: Job) -> None:
    owner, params = job.owner, job.params
    if params.get("resource", "").startswith("national/"):
        _run_national_export(job)
        return
    check(owner, "exchange.export")
    exporter = exporters.get_exporter(params["resource"])
    check(owner, exporter.capability)
    reveal = can(owner, "registry.reveal")
    division, fmt = params.get("division") or None, params.get("format", "xlsx")
    total, data = exporters.stream(exporter, owner, division, reveal=reveal, fmt=fmt,
                                   counted=lambda n: _update(job, progress=n))
    _update(job, stage=JobStage.EXPORTING, total=total, progress=0)
    with tempfile.TemporaryFile() as target:
        for piece in data:
            target.write(piece)
        target.seek(0)
        job.result_file.save(exporters.file_name(exporter, owner, division, fmt), File(target),
                             save=False)
    _finish(job, JobStatus.SUCCEEDED, progress=total, result_file=job.result_file.name,
            summary={"rows": total, "full_view": reveal,
                     "message": f"已导出 {total} 行"})
