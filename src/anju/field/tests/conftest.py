import hashlib
import itertools
import uuid
from datetime import date

import pytest

from anju.conftest import SHANCHENG_V1
from anju.evidence.demo import photo
from anju.field.models import Submission

TODAY = date.today().isoformat()
# Inside 梅河口市's box (anju.divisions.boxes); the other is Changji's.
IN_COUNTY = {"lat": 42.5, "lng": 125.7, "accuracy_m": 8.0}
OUTSIDE_COUNTY = {"lat": 44.0, "lng": 87.2, "accuracy_m": 8.0}
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def media(media):
    """Every field test keeps its photos apart (anju.conftest.media)."""
    return media


def jpeg(size: int = 3000) -> bytes:
    """A small JPEG of its own scene each call (the server hashes its picture, ADR 0048),
    padded after its end to `size` bytes."""
    number = next(_counter)
    picture = photo(number, size=(32, 24))
    assert len(picture) <= size, "a field test photo is at least its picture's size"
    seed = number.to_bytes(4, "big")
    padding = hashlib.sha256(seed).digest() * (size // 32 + 1)
    return (picture + padding)[:size]


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def capture(kind: str, payload: dict, **fields) -> dict:
    """A capture as the phone sends it."""
    return {"client_uuid": str(uuid.uuid4()), "kind": kind,
            "captured_at": "2026-11-20T09:30:00+08:00", **IN_COUNTY, "base_version": None,
            "photos": [], "payload": payload, **fields}


def screening(house, **fields) -> dict:
    return {"house_id": house.pk, "checked_on": TODAY, "level": "village",
            "items": [{"kind": "wall_vertical_crack", "level": "serious", "count": 1}], **fields}


def post_photo(client, content: bytes, *, digest: str | None = None, client_uuid: str = ""):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.upload("/api/v1/field/photos", {
        "file": SimpleUploadedFile("p.jpg", content, content_type="image/jpeg"),
        "sha256": digest or sha(content), "client_uuid": client_uuid})


def put_part(client, digest: str, number: int, content: bytes, **query):
    query_string = "&".join(f"{k}={v}" for k, v in query.items())
    return client.client.put(f"/api/v1/field/photos/{digest}/parts/{number}?{query_string}",
                             content, content_type="application/octet-stream",
                             headers=client.headers)


def stored(client_uuid: str) -> Submission:
    return Submission.objects.get(client_uuid=client_uuid)


@pytest.fixture
def house(make_house, make_household):
    return make_house(SHANCHENG_V1, household=make_household(SHANCHENG_V1, head_name="李春生"),
                      lat=42.5, lng=125.7)
