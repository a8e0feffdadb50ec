"""The data-quality sweep (R-CJ-3) timed over the seeded county, called by bench/run.py's worker.

The first sweep meets every record for the first time: it decrypts and checks every ID
number and opens the findings of the generated data. The second finds the same records
unchanged, as the nightly sweep of a county mostly does, and so opens and closes nothing.
"""

import time


def quality_sweep(county: str) -> dict:
    from anju.quality.actions import sweep
    from anju.quality.commands import RunSweep

    runs = []
    for _ in range(2):
        started = time.perf_counter()
        result = sweep(RunSweep(division=county))
        seconds = time.perf_counter() - started
        runs.append({**result, "seconds": round(seconds, 2),
                     "houses_per_s": round(result["checked"] / seconds)})
    first, again = runs
    return {"first": first, "again": again}
