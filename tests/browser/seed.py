"""Known records for the browser tests, added to the demo data through the registry verbs.

Run as a script with ANJU_DATA_DIR (and DATABASE_URL) of the browser test server.
"""

import os

import django
from django.core.management import call_command

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
django.setup()

from anju.accounts.models import User  # noqa: E402
from anju.divisions.demo import ensure_demo_villages  # noqa: E402
from anju.registry import actions  # noqa: E402
from anju.registry.commands import RegisterHouse, RegisterHousehold  # noqa: E402
from anju.registry.models import House, Household  # noqa: E402
from anju.registry.rules import id_check_character  # noqa: E402

SHANCHENG = "220581100"
VILLAGE = SHANCHENG + "001"
ADDRESS = "山城镇演示一村试验路 9 号"
HEAD = "韩冬梅"


def main():
    ensure_demo_villages([SHANCHENG], 3)
    clerk = User.objects.get(username="shancheng")
    if Household.objects.filter(head_name=HEAD).exists():
        return
    first17 = "22058119700315" + "771"
    household = actions.register_household(RegisterHousehold(
        division_code=VILLAGE, head_name=HEAD, head_id_number=first17 + id_check_character(
            first17), phone="13900001234", persons=3,
        members=[{"name": "李大成", "relation": "spouse", "id_number": ""}]), acting_user=clerk)
    house = actions.register_house(RegisterHouse(
        household_id=household.pk, division_code=VILLAGE, address=ADDRESS,
        structure="earth_wood", floors=1, built_year=1978, floor_area="72.5", use="residence",
        occupancy="occupied", is_only_house=True), acting_user=clerk)
    # The grade comes from an appraisal, which is not the registry's verb: set it directly.
    House.objects.filter(pk=house.pk).update(grade="D")
    call_command("ledger_backfill", SHANCHENG)  # and onto the ledger, as `anju demo` does
    print(f"seeded house {house.pk}")


if __name__ == "__main__":
    main()
