"""A bench module run on its own (`python bench/<name>.py`): a fresh data folder, a SQLite
database in it unless DATABASE_URL names one, Django set up, migrated, and the bench county's
divisions loaded. Returns (the data folder, the county code)."""

import os
import sys
import tempfile
from pathlib import Path

COUNTY = "220581"  # 梅河口市


def django_county(prefix: str) -> tuple[str, str]:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "src"))
    tmp = tempfile.mkdtemp(prefix=f"anju-bench-{prefix}-")
    os.environ.setdefault("ANJU_DATA_DIR", tmp)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from anju.divisions.loader import load_divisions

    call_command("migrate", verbosity=0, interactive=False)
    load_divisions((COUNTY,))
    return tmp, COUNTY
