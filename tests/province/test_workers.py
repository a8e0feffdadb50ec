"""Task workers and schedulers racing on the province's primary: every job runs once."""

import subprocess
import time

JOBS = 200
WORKERS = 4


def test_four_workers_racing_over_two_hundred_jobs_run_each_exactly_once(province, anju):
    province.query("TRUNCATE province_task_run")
    province.query("DELETE FROM django_tasks_database_dbtaskresult "
                   "WHERE task_path = 'province_tasks.record_run'")
    anju("driver", "enqueue", str(JOBS))
    started = time.monotonic()
    workers = [anju.start("worker", "--batch", "--no-startup-delay", "--interval", "0.1",
                          "--worker-id", f"province-{n}", stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
               for n in range(WORKERS)]
    for worker in workers:  # --batch: a worker leaves when it finds the queue empty
        _, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
    print(f"workers: {WORKERS} workers ran {JOBS} jobs in {time.monotonic() - started:.1f} s")

    runs = province.query("SELECT job, count(*) FROM province_task_run GROUP BY job ORDER BY job")
    assert runs == [(job, 1) for job in range(JOBS)]
    statuses = province.query(
        "SELECT status, count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'province_tasks.record_run' GROUP BY status")
    assert statuses == [("SUCCESSFUL", JOBS)]
    # They raced: more than one worker took jobs.
    [(pids,)] = province.query("SELECT count(DISTINCT pid) FROM province_task_run")
    assert pids >= 2


def test_two_schedulers_racing_run_each_scheduled_job_once(province, anju):
    province.query("DELETE FROM operations_scheduledrun")
    schedulers = [anju.start("scheduler", "--once", stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(2)]
    said = []
    for scheduler in schedulers:
        out, err = scheduler.communicate(timeout=240)
        assert scheduler.returncode == 0, err
        said += [line.split(":")[0] for line in out.splitlines() if line.strip()]

    # `anju schedule` lists the built-in jobs, one a line after its header; the resumption of
    # interrupted jobs runs when `anju serve` starts, not on the schedule.
    names = [line.split()[0] for line in anju("schedule").splitlines()[1:]
             if line.strip() and line.split()[1] != "start"]
    assert len(names) >= 5
    assert sorted(said) == sorted(names)
    runs = province.query("SELECT job, count(*), min(status) FROM operations_scheduledrun "
                          "GROUP BY job ORDER BY job")
    assert runs == [(name, 1, "ok") for name in sorted(names)]

