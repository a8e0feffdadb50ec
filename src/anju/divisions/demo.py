"""Generated demo villages (演示…村) under real townships: never mistaken for real villages."""

from anju.divisions.models import Division, Level

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def ensure_demo_villages(township_codes, per_township: int) -> list[Division]:
    """Create villages `TTTTTTTTT001…` named 演示一村… under each township; idempotent."""
    wanted = [
        Division(code=f"{t}{i:03d}", name=f"演示{chinese_number(i)}村", level=Level.VILLAGE,
                 parent_id=t, is_demo=True)
        for t in township_codes for i in range(1, per_township + 1)
    ]
    Division.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=2000)
    return list(Division.objects.filter(code__in=[d.code for d in wanted]).order_by("code"))
