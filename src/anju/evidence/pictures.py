"""What the server reads from a photo's bytes (ADR 0048): the camera's own time
(EXIF DateTimeOriginal) and a 64-bit difference hash (dHash) that stays nearly the same when
a photo is re-encoded, shrunk or lightly cropped, so a photo sent again is recognised."""

from datetime import datetime

from PIL import Image, UnidentifiedImageError

DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769
BANDS = 4
BAND_BITS = 16


def read_image(stream) -> Image.Image | None:
    stream.seek(0)
    try:
        image = Image.open(stream)
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    finally:
        stream.seek(0)
    return image


def taken_at(image: Image.Image) -> datetime | None:
    """EXIF DateTimeOriginal as the camera wrote it (its local time, no zone); None if absent
    or unreadable."""
    try:
        raw = image.getexif().get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL)
    except (AttributeError, KeyError, ValueError, OSError):
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    try:
        return datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def dhash(image: Image.Image) -> int:
    """64-bit dHash: grey 9×8, one bit per pixel brighter than its right neighbour."""
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()  # mode L: one byte a pixel
    value = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            value = (value << 1) | (left > right)
    return value


def signed(value: int) -> int:
    """The unsigned 64-bit hash as a signed BIGINT column holds it."""
    return value - (1 << 64) if value >= 1 << 63 else value


def unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def bands(value: int) -> tuple[int, ...]:
    """The hash cut in four 16-bit bands. Two hashes within Hamming distance 3 agree on at
    least one band (pigeonhole: 3 differing bits touch at most 3 of 4 bands)."""
    value = unsigned(value)
    mask = (1 << BAND_BITS) - 1
    return tuple((value >> (BAND_BITS * i)) & mask for i in range(BANDS))


def distance(a: int, b: int) -> int:
    return (unsigned(a) ^ unsigned(b)).bit_count()
