"""Housing security at county scale, called by bench/run.py's worker on its seeded county.

Seeds `cases` open cases in bulk (certifications, applications at realistic stages, their
notices and the departments' approvals: bulk_create, as a benchmark may), then times inside
Django's handler, with django.test.Client in-process, a civil-affairs officer's approval queue
page (R-MH-3; target ≤ 50 ms median), the county's case list and a township's. Then builds
one complete D rebuild case through the verbs with phone-sized photos and times its archive
bundle PDF (一户一档, WeasyPrint).

    .venv/bin/python bench/assistance.py [--houses 20000] [--cases 5000]   # on its own
"""

import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

TARGET_MS = 50
# Open cases by stage: many wait for the joint approval, many are being built.
STAGE_MIX = (("applied", 8), ("village_reviewed", 8), ("township_reviewed", 34),
             ("approved", 5), ("notified", 8), ("under_construction", 17), ("completed", 6),
             ("accepted", 6), ("paid", 8))
AFTER_REVIEW = {"township_reviewed", "approved", "notified", "under_construction",
                "completed", "accepted", "paid"}
APPROVED = AFTER_REVIEW - {"township_reviewed"}
USERS = {"mhk_housing": ("county_officer", "housing", 6),
         "mhk_civil": ("county_officer", "civil_affairs", 6),
         "mhk_rural": ("county_officer", "rural_revitalization", 6),
         "mhk_finance": ("county_officer", "finance", 6),
         "shancheng": ("township_officer", "township_government", 9)}


def _users(county: str) -> dict:
    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import User

    township = f"{county}100"
    out = {}
    for name, (role, department, width) in USERS.items():
        out[name] = User.objects.filter(username=name).first() or create_user(
            CreateUser(username=name, password="x", scope=(county if width == 6 else township),
                       role=role, department=department), check_password=False)
    return out


def seed_cases(county: str, cases: int, users: dict, *, seed: int = 2026) -> dict:
    """`cases` open cases of the county's households, written in bulk."""
    from django.utils import timezone

    from anju.assistance.models import Application, Approval, Certification, Notice
    from anju.divisions.scope import within
    from anju.registry.models import House

    rng = random.Random(seed)
    today = timezone.localdate()
    houses = list(House.objects.filter(within(county), household__isnull=False,
                                       household__applications__isnull=True)
                  .order_by("id").values_list("id", "household_id", "division_code")[:cases])
    seen, picked = set(), []
    for house_id, household_id, code in houses:
        if household_id not in seen:
            seen.add(household_id)
            picked.append((house_id, household_id, code))
    started = time.perf_counter()
    certifications = Certification.objects.bulk_create(
        Certification(household_id=h, division_code=code, category="dibao",
                      department="civil_affairs", certified_on=today - timedelta(days=200),
                      certified_by=users["mhk_civil"]) for _, h, code in picked)
    stages = [s for s, weight in STAGE_MIX for _ in range(weight)]
    rows = []
    for (house_id, household_id, code), made in zip(picked, certifications, strict=True):
        stage = rng.choice(stages)
        grade = "D" if rng.random() < 0.4 else "C"
        applied = today - timedelta(days=rng.randrange(20, 200))
        rows.append(Application(
            household_id=household_id, house_id=house_id, division_code=code,
            year=applied.year, status=stage, category="dibao", certification=made,
            grade=grade, method="rebuild" if grade == "D" else "repair_reinforce", persons=3,
            main_area=Decimal("50") if grade == "D" else Decimal("39"),
            subsidy_amount=Decimal("40000") if grade == "D" else Decimal("9000"),
            applied_on=applied, approved_on=applied + timedelta(days=15)
            if stage in APPROVED else None, created_by=users["shancheng"]))
    applications = Application.objects.bulk_create(rows, batch_size=1000)
    notices, approvals = [], []
    for case in applications:
        if case.status not in AFTER_REVIEW:
            continue
        starts = case.applied_on + timedelta(days=3)
        notices.append(Notice(application=case, division_code=case.division_code,
                              level="village", starts_on=starts,
                              ends_on=starts + timedelta(days=7),
                              posted_by=users["shancheng"]))
        if case.status in APPROVED:
            decided = ("mhk_civil", "mhk_rural", "mhk_housing")
        else:  # waiting: a third has civil affairs' decision already, a third rural's
            decided = rng.choice(((), ("mhk_civil",), ("mhk_rural",)))
        approvals += [Approval(application=case, department=users[name].department,
                               decision="approve", on=starts + timedelta(days=9),
                               decided_by=users[name]) for name in decided]
    Notice.objects.bulk_create(notices, batch_size=2000)
    Approval.objects.bulk_create(approvals, batch_size=2000)
    return {"cases": len(applications), "notices": len(notices), "approvals": len(approvals),
            "seed_s": round(time.perf_counter() - started, 2)}


def _second_factor_passed(client, user) -> None:
    # County officers of the certifying and paying departments need the second factor.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _timed(handler_times: list, client, path: str, requests: int) -> dict:
    for _ in range(5):  # warm-up: connection, session, template loading
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    handler_times.clear()
    for _ in range(requests):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    ms = sorted(t * 1000 for t in handler_times)
    return {"path": path, "requests": len(ms), "median_ms": round(statistics.median(ms), 2),
            "p90_ms": round(ms[int(len(ms) * 0.9) - 1], 2), "max_ms": round(ms[-1], 2)}


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    _second_factor_passed(client, user)
    return client


def complete_case(county: str):
    """A D rebuild case taken from application to closing through the verbs, with photos of
    a phone's size (1600×1200 JPEG)."""
    from anju.assistance.demo import Demo, build_case, register_craftsmen
    from anju.registry.models import House, Household
    from anju.registry.rules import id_check_character

    first17 = f"{county}19580704" + "631"
    household = Household.objects.create(
        division_code=f"{county}100001", head_name="柏玉芬", persons=3,
        head_id_number=first17 + id_check_character(first17), phone="13904350099",
        bank_account="6217000099887766")
    house = House.objects.create(
        household=household, division_code=household.division_code, grade="D",
        address="山城镇演示一村东头 27 号", structure="earth_wood", floors=1, built_year=1972,
        floor_area=Decimal("68"), use="residence", occupancy="evacuated", is_only_house=True)
    demo = Demo(random.Random(7), photo_size=(1600, 1200), noise=True)
    from anju.assistance.actions import certify
    from anju.assistance.commands import Certify

    certify(household, Certify(household_id=household.pk, category="dibao",
                               certified_on=demo.today - timedelta(days=90)),
            acting_user=demo.users["mhk_civil"])
    return build_case(demo, house, "closed", register_craftsmen(demo)[0])


def measure(handler_times: list, *, requests: int, county: str, cases: int = 5_000) -> dict:
    from anju.assistance.documents import archive_pdf
    from anju.assistance.queries import approval_queue
    from anju.divisions.demo import ensure_demo_villages

    ensure_demo_villages([f"{county}100"], 1)  # the complete case's village
    users = _users(county)
    seeded = seed_cases(county, cases, users)
    civil, housing, township = (_client(users[n]) for n in ("mhk_civil", "mhk_housing",
                                                             "shancheng"))
    result = {
        "seeded": seeded, "target_ms": TARGET_MS,
        "queue_cases": approval_queue(users["mhk_civil"]).count(),
        "queue_page": _timed(handler_times, civil, "/assistance/queue/", requests),
        "county_list_page": _timed(handler_times, housing, "/assistance/", requests),
        "township_list_page": _timed(handler_times, township, "/assistance/", requests),
    }
    started = time.perf_counter()
    case = complete_case(county)
    result["complete_case_build_s"] = round(time.perf_counter() - started, 2)
    result["case_page"] = _timed(handler_times, housing, f"/assistance/cases/{case.pk}/",
                                 max(requests // 5, 5))
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        pdf = archive_pdf(case)
        runs.append(time.perf_counter() - started)
    from anju.registry.models import Attachment

    photos = Attachment.objects.filter(household=case.household_id)
    result["archive_pdf"] = {
        "seconds_median": round(statistics.median(runs), 2),
        "seconds_runs": [round(r, 2) for r in runs], "pdf_mb": round(len(pdf) / 1048576, 1),
        "files": photos.count(),
        "files_mb": round(sum(a.size for a in photos) / 1048576, 1)}
    return result


def main() -> None:
    """On its own: a fresh SQLite database in a temp folder with `--houses` houses."""
    import argparse
    import json
    import os
    import sys
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "src"))
    with tempfile.TemporaryDirectory(prefix="anju-bench-assistance-") as tmp:
        os.environ.update(ANJU_DATA_DIR=tmp, DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
                          DJANGO_SETTINGS_MODULE="anju.settings")
        import django

        django.setup()
        from django.core.handlers.base import BaseHandler
        from django.core.management import call_command

        from anju.divisions.loader import load_divisions
        from anju.registry.demo_data import seed, seed_villages

        call_command("migrate", verbosity=0, interactive=False)
        load_divisions(("220581",))
        seed_villages("220581", args.houses)
        seed("220581", args.houses)
        handler_times: list[float] = []
        original = BaseHandler.get_response

        def timed(self, request):
            t = time.perf_counter()
            response = original(self, request)
            handler_times.append(time.perf_counter() - t)
            return response

        BaseHandler.get_response = timed
        print(json.dumps(measure(handler_times, requests=args.requests, county="220581",
                                 cases=args.cases), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
