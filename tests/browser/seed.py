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
    seed_c_repair()


REPAIR_HEAD = "缪春兰"


def seed_c_repair():
    """A 低保 household whose only house is graded C, its repair built and completed through
    the verbs (the demo's own procedure): the acceptance onwards is the browser test's."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from anju.assistance import actions as assistance
    from anju.assistance import commands
    from anju.assistance.demo import Demo, build_case
    from anju.assistance.models import Craftsman

    if Household.objects.filter(head_name=REPAIR_HEAD).exists():
        return
    clerk = User.objects.get(username="shancheng")
    first17 = "22058119580611" + "242"
    household = actions.register_household(RegisterHousehold(
        division_code=VILLAGE, head_name=REPAIR_HEAD, head_id_number=first17 +
        id_check_character(first17), phone="13900005678", persons=2,
        bank_account="6217000055554444", bank_name="梅河口农商银行"), acting_user=clerk)
    house = actions.register_house(RegisterHouse(
        household_id=household.pk, division_code=VILLAGE, address="山城镇演示一村西街 3 号",
        structure="earth_wood", floors=1, built_year=1985, floor_area="58", use="residence",
        occupancy="occupied", is_only_house=True), acting_user=clerk)
    House.objects.filter(pk=house.pk).update(grade="C")
    house.refresh_from_db()
    assistance.certify(household, commands.Certify(
        household_id=household.pk, category="dibao",
        certified_on=timezone.localdate() - timedelta(days=90)),
        acting_user=User.objects.get(username="mhk_civil"))
    craftsman = Craftsman.objects.filter(division_code="220581100").order_by("id").first()
    case = build_case(Demo(random.Random(7)), house, "completed", craftsman)
    print(f"seeded repair case {case.pk}")


if __name__ == "__main__":
    main()
