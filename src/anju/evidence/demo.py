"""A capture made as a phone at the house makes one: a camera photo taken now and a good fix
at the house's recorded position. The demo data records its presence acts on these (ADR 0048:
no stage inspection, acceptance or spot check without one), and so do the tests that are about
something else than the evidence."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anju.evidence.actions import record_capture
from anju.evidence.commands import RecordCapture
from anju.evidence.models import Capture
from anju.registry.models import House

# Where a house with no recorded position is taken from (Meihekou); its distance is not judged.
SOMEWHERE = (42.53, 125.67)


def photo(seed: int | None = None, *, taken=None, size=(640, 480), quality=85) -> bytes:
    """A JPEG of random blocks, one scene per seed (unseeded: a scene of its own); `taken`
    (naive local time) goes in EXIF DateTimeOriginal."""
    rng = random.Random(seed)
    small = Image.new("L", (16, 12))
    small.putdata([rng.randrange(256) for _ in range(16 * 12)])
    image = small.resize(size, Image.Resampling.BILINEAR).convert("RGB")
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def on_site(house: House, act: str, *, acting_user, origin=None, seed: int | None = None,
            **fields) -> Capture:
    """A clear capture of `house` for `act`, unless `fields` (accuracy_m, lat, …) say
    otherwise; `seed` makes its photo the same on every run."""
    now = timezone.now()
    lat, lng = (house.lat, house.lng) if house.lat is not None else SOMEWHERE
    values = {"act": act, "captured_at": now, "lat": float(lat), "lng": float(lng),
              "accuracy_m": 8.0} | fields
    data = photo(seed, taken=timezone.localtime(now).replace(tzinfo=None))
    upload = SimpleUploadedFile("capture.jpg", data, content_type="image/jpeg")
    return record_capture(house, RecordCapture(**values), photos=[(upload, "camera")],
                          acting_user=acting_user, origin=origin)
