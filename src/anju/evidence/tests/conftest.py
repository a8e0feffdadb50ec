"""Photos made on the spot (Pillow), with or without the camera's own time, and captures
sent through the verb as a phone would."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.evidence import actions
from anju.evidence.commands import RecordCapture
from anju.evidence.demo import photo
from anju.rectification.tests.conftest import dangerous_house, on_ledger  # noqa: F401

HOUSE_AT = (Decimal("42.530000"), Decimal("125.670000"))


def picture(seed: int, *, taken: datetime | None = None, size=(640, 480),
            quality=90) -> bytes:
    """A JPEG of random blocks (one seed, one scene); `taken` goes in EXIF DateTimeOriginal."""
    return photo(seed, taken=taken, size=size, quality=quality)


def upload(data: bytes, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.fixture
def presence_required(db):
    """梅河口市 turns on `evidence_presence_required` by its recorded profile."""
    from datetime import date

    from anju.policy.models import PolicyProfile

    return PolicyProfile.objects.create(division_prefix="220581", base="meihekou-2021",
                                        effective_from=date(2020, 1, 1),
                                        overrides={"evidence_presence_required": True})


@pytest.fixture
def house(make_household, make_house):
    return make_house(household=make_household(), lat=HOUSE_AT[0], lng=HOUSE_AT[1])


@pytest.fixture
def capture(cast, media):
    """capture(house, photos=[(bytes, source)], **fields) as the village cadre, by default a
    good fix at the house and a camera photo taken now."""
    def send(house, photos=None, user=None, **fields):
        now = timezone.now()
        lat, lng = (house.lat, house.lng) if house.lat is not None else HOUSE_AT
        values = {"act": "stage_inspection", "captured_at": now, "lat": float(lat),
                  "lng": float(lng), "accuracy_m": 8.0} | fields
        photos = photos if photos is not None else [
            (picture(house.pk, taken=timezone.localtime(now).replace(tzinfo=None)), "camera")]
        return actions.record_capture(
            house, RecordCapture(**values), photos=[(upload(b), s) for b, s in photos],
            acting_user=user or cast.cadre)

    return send
