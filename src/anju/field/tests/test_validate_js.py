"""The phone checks a capture with the schema the server serves, and comes to the server's
verdict: the same captures pass, and a refused one names the same fields. The phone's
validator (static/field/validate.js) runs under Node; without Node these tests are skipped."""

import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from anju.conftest import SHANCHENG_V1

VALIDATOR = Path(__file__).resolve().parents[1] / "static" / "field" / "validate.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
TODAY = "2026-01-05"  # in the past: the server's own "not in the future" check stays silent


def client_errors(schema: dict, payloads: list[dict]) -> list[list[dict]]:
    script = (f"import {{ validate }} from {json.dumps(VALIDATOR.as_uri())};\n"
              "let input = ''; process.stdin.on('data', (c) => input += c);\n"
              "process.stdin.on('end', () => { const {schema, payloads} = JSON.parse(input);\n"
              "  console.log(JSON.stringify(payloads.map((p) => validate(schema, p)))); });\n")
    done = subprocess.run(
        [NODE, "--experimental-detect-module", "--input-type=module", "-e", script],
        input=json.dumps({"schema": schema, "payloads": payloads}), capture_output=True,
        text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def path(field: str) -> str:
    # The verbs name list items as items[0].kind, the schema check as items.0.kind.
    return re.sub(r"\[(\d+)\]", r".\1", field)


def server_fields(response) -> set[str]:
    if response.status_code in (200, 201):
        return set()
    error = response.json()["error"]
    return {path(d["field"]) for d in error.get("details") or [error]}


def send(api, user, kind, payload):
    return api(user).post("/api/v1/field/submissions", {
        "client_uuid": str(uuid.uuid4()), "kind": kind,
        "captured_at": "2026-01-05T09:30:00+08:00", "lat": 42.5, "lng": 125.7,
        "accuracy_m": 8.0, "base_version": None, "photos": [], "payload": payload})


def agree(api, user, kind, cases):
    schema = api(user).get("/api/v1/field/forms").json()["kinds"][kind]["schema"]
    verdicts = client_errors(schema, list(cases.values()))
    for (name, payload), found in zip(cases.items(), verdicts, strict=True):
        on_phone = {e["field"] for e in found}
        on_server = server_fields(send(api, user, kind, payload))
        assert on_phone == on_server, name


def test_screenings_pass_and_fail_on_the_phone_as_on_the_server(api, cast, make_house):
    house = make_house(SHANCHENG_V1)
    item = {"kind": "wall_vertical_crack", "level": "serious", "count": 1}
    base = {"house_id": house.pk, "checked_on": TODAY, "level": "village", "items": [item]}
    agree(api, cast.cadre, "screening", {
        "a complete screening": base,
        "no date": {k: v for k, v in base.items() if k != "checked_on"},
        "a level not in the list": base | {"level": "by_drone"},
        "a count in words": base | {"items": [item | {"count": "three"}]},
        "a kind not in the catalogue": base | {"items": [item | {"kind": "ghosts"}]},
        "a field the form does not have": base | {"colour": "red"},
        "a date that is no date": base | {"checked_on": "yesterday"},
    })


def test_verifications_pass_and_fail_on_the_phone_as_on_the_server(api, cast, make_house):
    house = make_house(SHANCHENG_V1)
    base = {"house_id": house.pk, "verified_on": TODAY, "confirmed": ["structure"],
            "differences": [{"field": "floors", "observed": 2, "reason": "实地为两层"}]}
    agree(api, cast.mhk_housing, "verification", {
        "one difference with its reason": base,
        "a field that cannot be verified": base | {"confirmed": ["colour"]},
        "a difference without the value seen": base | {
            "differences": [{"field": "floors", "reason": "看不清"}]},
        "no date": {k: v for k, v in base.items() if k != "verified_on"},
    })
