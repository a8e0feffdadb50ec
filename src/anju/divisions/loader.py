"""Loading the national division table shipped with Anju (统计用区划代码, 2023)."""

import csv
import gzip
from pathlib import Path

from django.db import transaction

from anju.divisions.models import Division

DATA_FILE = Path(__file__).parent / "data" / "divisions.csv.gz"


def shipped_rows(prefixes: tuple[str, ...] = ()):
    with gzip.open(DATA_FILE, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["code"]
            if prefixes and not any(code.startswith(p) or p.startswith(code) for p in prefixes):
                continue
            yield code, row["name"], row["parent_code"] or None


@transaction.atomic
def load_divisions(prefixes: tuple[str, ...] = ()) -> tuple[int, int]:
    """Insert missing divisions and rename changed ones; returns (created, renamed)."""
    existing = dict(Division.objects.filter(is_demo=False).values_list("code", "name"))
    new, renamed = [], []
    for code, name, parent in shipped_rows(prefixes):
        if code not in existing:
            new.append(Division(code=code, name=name, level=len(code), parent_id=parent))
        elif existing[code] != name:
            renamed.append(Division(code=code, name=name))
    # Parents come before children in the file, so one ordered bulk insert keeps FKs valid.
    Division.objects.bulk_create(new, batch_size=2000)
    Division.objects.bulk_update(renamed, ["name"], batch_size=2000)
    return len(new), len(renamed)
