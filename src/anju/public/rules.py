"""The rules of the villagers' pages (docs/decisions/0046): the keyed hashes that stand for a
client, a household or a token; the limits each kind of request runs against; what a photo
and a text may be. Pure functions, except for the settings' keys."""

import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from anju.kit.errors import Code, RuleViolation

# 32 bytes from secrets.token_urlsafe: 256 bits, far beyond guessing (ADR 0046).
TOKEN_BYTES = 32
TEXT_MAX = 500
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PX = 1600
PHONE_DIGITS = (7, 20)


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta
    message: str


# Every public request of one client address, whatever it asks.
PAGES_PER_CLIENT = Limit(60, timedelta(minutes=10),
                         "访问过于频繁，请 10 分钟后再试")
# 村民监督 reports: from one address, and about one house.
REPORTS_PER_CLIENT = Limit(3, timedelta(hours=1),
                           "您提交的反映次数过多，请 1 小时后再试；紧急情况请拨打乡镇电话")
REPORTS_PER_HOUSE = Limit(10, timedelta(days=1),
                          "该房屋今天已收到较多反映，乡镇正在处理；紧急情况请拨打乡镇电话")
# A household's status: misses from one address, and misses against one household.
MISSES_PER_CLIENT = Limit(5, timedelta(hours=1),
                          "查询信息不符的次数过多，请 1 小时后再试，或到村委会询问")
MISSES_PER_HOUSEHOLD = Limit(5, timedelta(days=1),
                             "该户今天查询不符的次数过多，已暂停查询，请明天再试或到村委会询问")


# R-CJ-7 村民监督: a lead is answered by someone who went to the house for the village, the
# township, the county or an appraiser; the household's own check, or another villager's
# word, does not answer a villager's report about that household's house.
NOT_ANSWERING_LEVELS = frozenset({"household_self", "villager_report"})


def answers_lead(level: str, checked_on: date, reported_on: date) -> bool:
    """Whether a visit at `level` on `checked_on` answers a lead reported on `reported_on`:
    an official's visit on the day of the report or after it (a check dated before the
    report cannot have looked at what was reported)."""
    return level not in NOT_ANSWERING_LEVELS and checked_on >= reported_on


# ---------------------------------------------------------------- R-MH-4 the notice's list
#
# The Meihekou plan (§三, §五) publishes 安置政策、补助对象、审查结果和补助标准 at the city,
# township and village level, for the notice period (profile notice_days). That publication is
# the paper list on each level's board, with the heads' full names. The online list behind
# the paper's QR code repeats it for the period, with each head's name shown as on the board
# but for its middle characters (冯德明 → 冯＊明): a villager standing at the board matches
# every row and can object to a wrong recipient, while a page that travels beyond the village
# names no one. Beside it the village, the method, each one's review result, the policy and the
# subsidy standard. Nothing else personal: no ID number, phone, address below the village,
# hardship category or amount per household. Before and after the period the page gives the
# dates, the number of households, the policy and the standard, not the rows (ADR 0046).

# What each recipient's case had passed when the notice went up (its status then).
REVIEW_RESULTS = {
    "village_reviewed": "村民代表会议民主评议通过",
    "township_reviewed": "民主评议通过，乡镇（街）审核通过",
    "approved": "市民政、乡村振兴、住建三部门联合审批通过",
    "notified": "市民政、乡村振兴、住建三部门联合审批通过",
}

# R-MH-5 as the plan states the renovation policy (安置政策)
POLICY_SUMMARY = ("C 级住房维修加固，不得翻建；D 级住房拆除重建；无房户在自有宅基地新建，"
                  "或由保障性公有住房、租赁公租房、投亲靠友、敬老院集中供养等方式兜底解决")


def public_name(name: str) -> str:
    """A head's name on the online list: its first and last characters, the rest hidden
    (冯德明 → 冯＊明, 郑海 → 郑＊, 欧阳大山 → 欧＊＊山)."""
    name = (name or "").strip()
    if len(name) <= 2:
        return name[:1] + "＊"
    return name[0] + "＊" * (len(name) - 2) + name[-1]


def names_published(starts_on: date, ends_on: date, today: date) -> bool:
    """Whether a notice's recipients are listed today: during its period only."""
    return starts_on <= today <= ends_on


# The limits count rows of this age at most; pruning never reaches into it.
LONGEST_WINDOW = max(limit.window for limit in (
    PAGES_PER_CLIENT, REPORTS_PER_CLIENT, REPORTS_PER_HOUSE, MISSES_PER_CLIENT,
    MISSES_PER_HOUSEHOLD))


def request_rows_kept(days: int) -> timedelta:
    """How long public request rows are kept: `days` (the setting), but never less than the
    longest limit window, or the limits would forget what they count."""
    return max(timedelta(days=days), LONGEST_WINDOW)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _keyed(purpose: str, value: str) -> str:
    return hmac.new(settings.LOOKUP_KEY.encode(), f"{purpose}:{value}".encode(),
                    hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """What a token is found by: its keyed hash (an index lookup of an HMAC gives a guesser
    no timing to learn from, and a database copy holds no usable token)."""
    return _keyed("token", token)


def client_hash(address: str | None) -> str:
    return _keyed("client", address or "-")[:32]


def household_key(village: str, head_name: str) -> str:
    """Who a status look-up is about, as far as the caller named it: the village and the
    head's name (misses against one household are counted by it)."""
    return _keyed("household", f"{village}|{head_name.strip()}")[:32]


def same_digits(id_number: str, last_six: str) -> bool:
    """Constant-time comparison of the last six characters of an ID number."""
    return hmac.compare_digest(id_number[-6:].upper().encode(),
                               last_six.strip().upper().encode())


def clean_text(value: str, *, field: str = "text") -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > TEXT_MAX:
        raise RuleViolation(Code.TEXT_TOO_LONG, f"说明不能超过 {TEXT_MAX} 字",
                            field=field, rule="R-CJ-7")
    return text


def clean_phone(value: str) -> str:
    phone = "".join(ch for ch in (value or "") if not ch.isspace())
    digits = phone.replace("-", "")
    if phone and not (digits.isdigit() and PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]):
        raise RuleViolation(Code.PHONE_INVALID, "电话号码应为 7 至 20 位数字", field="phone",
                            rule="R-CJ-7")
    return phone


def reencoded_photo(data: bytes) -> bytes:
    """The photo as a fresh JPEG (no EXIF, no location, nothing but pixels), or a refusal:
    only an image Pillow reads, at most PHOTO_MAX_BYTES."""
    from PIL import Image, UnidentifiedImageError

    def refuse(message):
        return RuleViolation(Code.FILE_TYPE_INVALID, message, field="photo", rule="R-CJ-7")

    if len(data) > PHOTO_MAX_BYTES:
        raise RuleViolation(Code.FILE_TOO_LARGE,
                            f"照片不能超过 {PHOTO_MAX_BYTES // (1024 * 1024)} MB",
                            field="photo", rule="R-CJ-7")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise refuse("只能上传 JPEG、PNG 或 WebP 照片")
            image.load()
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise refuse("文件不是可以识别的照片") from None
    picture.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()
