"""The look-back list (回头看, domain.md §6) drawn for the seeded county, called by bench/run.py's
worker after the other measures (it changes ledger statuses).

The county's C/D houses are on the ledger by then (ledger_export's backfill); one entry in three
is set signed off and one in three controlled, so the list holds those houses and the
priority-area houses screened `none`. Each run opens a campaign over the whole county as a
county officer would (`actions.open_campaign`: one INSERT … SELECT), timed end to end.
"""

import statistics
import time
from datetime import timedelta

TARGET_SECONDS = 10


def measure(county: str, runs: int = 5) -> dict:
    from django.db.models import Count, F
    from django.utils import timezone

    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import User
    from anju.rectification.models import LedgerEntry
    from anju.registry.models import House
    from anju.supervision import actions
    from anju.supervision.commands import OpenCampaign
    from anju.supervision.models import CampaignHouse

    user = User.objects.filter(username="bench_lookback").first() or create_user(
        CreateUser(username="bench_lookback", password="x", scope=county,
                   role="county_officer", department="housing"), check_password=False)
    entries = LedgerEntry.objects.filter(division_code__startswith=county)
    entries.annotate(third=F("id") % 3).filter(third=0).update(status="closed")
    entries.annotate(third=F("id") % 3).filter(third=1).update(status="controlled")
    times, listed = [], 0
    deadline = timezone.localdate() + timedelta(days=30)
    for _ in range(runs):
        started = time.perf_counter()
        campaign = actions.open_campaign(OpenCampaign(division=county, deadline=deadline),
                                         acting_user=user)
        times.append(time.perf_counter() - started)
        listed = campaign.listed
    reasons = dict(CampaignHouse.objects.filter(campaign=campaign).order_by().values_list(
        "reason").annotate(n=Count("id")).values_list("reason", "n"))
    return {"houses": House.objects.filter(division_code__startswith=county).count(),
            "listed": listed, "reasons": reasons, "runs": runs,
            "seconds_runs": [round(t, 3) for t in times],
            "seconds_median": round(statistics.median(times), 3),
            "target_seconds": TARGET_SECONDS}


def main() -> None:
    """`python bench/lookback.py [houses]` with DATABASE_URL and ANJU_DATA_DIR set: seeds a
    county, backfills its ledger and times the look-back alone (make bench runs it with the
    others)."""
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from anju.divisions.loader import load_divisions
    from anju.rectification.actions import backfill_ledger
    from anju.registry.demo_data import seed, seed_villages

    county, houses = "220581", int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    call_command("migrate", verbosity=0, interactive=False)
    load_divisions((county,))
    seed_villages(county, houses)
    seed(county, houses, batch_size=20_000)
    backfill_ledger(county)
    print(json.dumps(measure(county), ensure_ascii=False))


if __name__ == "__main__":
    main()
