"""Duplicate-photo search at county scale (ADR 0048), called by bench/run.py's worker on its
seeded county, or on its own on a fresh SQLite database (or DATABASE_URL):

    .venv/bin/python bench/duplicate_photos.py [--photos 100000] [--lookups 1000]

Inserts `photos` capture photos (bulk_create, with their attachments and one capture per ten
photos) whose 64-bit dHashes are random, then times `near_photos` — the lookup every new photo
makes — for `lookups` hashes: half of them copies of stored photos with 0–3 bits flipped
(each must be found), half fresh random hashes (the common case: nothing near). A lookup asks
the four indexed 16-bit bands for candidates and checks the exact Hamming distance on them;
beside it, for comparison, a full scan of all hashes in Python over `scan_lookups` hashes.
Target ≤ 5 ms a lookup (median).
"""

import random
import statistics
import time

TARGET_MS = 5


def prepare(county: str, photos: int, *, seed: int = 48) -> list[int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from anju.evidence import pictures
    from anju.evidence.models import Capture, CapturePhoto
    from anju.registry.models import Attachment, House

    rng = random.Random(seed)
    user = get_user_model().objects.filter(is_active=True).order_by("pk").first()
    if user is None:
        from anju.accounts.actions import create_user
        from anju.accounts.commands import CreateUser

        user = create_user(CreateUser(username="bench_evidence", password="x", scope=county,
                                      role="village_cadre"), check_password=False)
    houses = list(House.objects.filter(division_code__startswith=county)
                  .values_list("pk", "division_code")[: max(1, photos // 10)])
    if not houses:
        from anju.registry.demo_data import seed as seed_houses

        seed_houses(county, max(1, photos // 10))
        houses = list(House.objects.filter(division_code__startswith=county)
                      .values_list("pk", "division_code")[: max(1, photos // 10)])
    now = timezone.now()
    hashes = [pictures.signed(rng.getrandbits(64)) for _ in range(photos)]
    batch = 5_000
    with transaction.atomic():
        captures = Capture.objects.bulk_create(
            Capture(division_code=houses[i % len(houses)][1], house_id=houses[i % len(houses)][0],
                    act="site_visit", captured_by=user, captured_at=now, status="clear")
            for i in range((photos + 9) // 10))
        for start in range(0, photos, batch):
            part = range(start, min(photos, start + batch))
            attachments = Attachment.objects.bulk_create(
                Attachment(division_code=captures[i // 10].division_code,
                           house_id=captures[i // 10].house_id, kind="photo",
                           file=f"bench/{i}.jpg", content_type="image/jpeg", size=1,
                           sha256=f"{i:064x}", uploaded_by=user) for i in part)
            rows = []
            for i, attachment in zip(part, attachments, strict=True):
                band = pictures.bands(hashes[i])
                rows.append(CapturePhoto(
                    capture=captures[i // 10], attachment=attachment,
                    house_id=captures[i // 10].house_id, source="camera",
                    sha256=attachment.sha256, received_at=now, dhash=hashes[i],
                    band0=band[0], band1=band[1], band2=band[2], band3=band[3]))
            CapturePhoto.objects.bulk_create(rows)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return hashes


def _flip(value: int, bits: int, rng: random.Random) -> int:
    from anju.evidence import pictures

    value = pictures.unsigned(value)
    for b in rng.sample(range(64), bits):
        value ^= 1 << b
    return pictures.signed(value)


def measure(county: str, *, photos: int = 100_000, lookups: int = 1_000,
            scan_lookups: int = 20) -> dict:
    from anju.evidence import pictures
    from anju.evidence.models import CapturePhoto
    from anju.evidence.queries import near_photos

    started = time.perf_counter()
    hashes = prepare(county, photos)
    insert_s = time.perf_counter() - started
    rng = random.Random(4848)
    copies = [(_flip(h, rng.randrange(4), rng), h)
              for h in rng.sample(hashes, lookups // 2)]
    fresh = [pictures.signed(rng.getrandbits(64)) for _ in range(lookups - len(copies))]
    near_photos(hashes[0], 3)  # warm
    times, found, false_hits = [], 0, 0
    for probe, original in copies:
        t = time.perf_counter()
        hits = near_photos(probe, 3)
        times.append(time.perf_counter() - t)
        found += any(p.dhash == original for p, _ in hits)
    fresh_times = []
    for probe in fresh:
        t = time.perf_counter()
        false_hits += len(near_photos(probe, 3))
        fresh_times.append(time.perf_counter() - t)
    scan_times = []
    for probe, _ in copies[:scan_lookups]:
        t = time.perf_counter()
        [d for d in CapturePhoto.objects.values_list("dhash", flat=True).iterator(10_000)
         if pictures.distance(probe, d) <= 3]
        scan_times.append(time.perf_counter() - t)
    every = times + fresh_times

    def ms(values, q=None):
        if q is None:
            return round(statistics.median(values) * 1000, 2)
        return round(sorted(values)[int(len(values) * q) - 1] * 1000, 2)

    return {"photos": photos, "lookups": len(every), "insert_s": round(insert_s, 1),
            "insert_photos_per_s": round(photos / insert_s),
            "median_ms": ms(every), "p90_ms": ms(every, 0.9), "max_ms": ms(every, 1.0),
            "copies_median_ms": ms(times), "fresh_median_ms": ms(fresh_times),
            "copies_found": found, "copies": len(copies), "fresh_false_hits": false_hits,
            "scan_median_ms": ms(scan_times), "target_ms": TARGET_MS}


def main() -> None:
    import argparse
    import json

    from standalone import django_county

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=1_000)
    args = parser.parse_args()
    _, county = django_county("photos")
    from django.db import connection

    result = measure(county, photos=args.photos, lookups=args.lookups)
    result["engine"] = connection.vendor
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
