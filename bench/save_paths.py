"""Save paths timed inside Django's handler: the appraisal of a house over the API.

Called by bench/run.py's worker on its seeded county; each request appraises a different
1–2 storey house, so every save runs the whole verb (rules, history row, house state, the
quality re-check of the house).
"""

import statistics
import time


def appraisal_save(handler_times: list, *, requests: int, county: str) -> dict:
    from django.test import Client

    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import ApiToken
    from anju.divisions.scope import within
    from anju.registry.models import House

    appraiser = create_user(CreateUser(username="bench_appraiser", password="x", scope=county,
                                       role="appraiser", department="housing"),
                            check_password=False)
    headers = {"Authorization": f"Bearer {ApiToken.issue(appraiser)[1]}"}
    client = Client()
    house_ids = list(House.objects.filter(within(county), floors__lte=2)
                     .order_by("id").values_list("id", flat=True)[:requests + 5])
    components = {"foundation": "a", "bearing_wall": "c", "timber_frame": "n/a",
                  "timber_truss": "b", "concrete_frame": "n/a", "roof": "a"}
    body = {"appraised_on": "2026-11-02", "appraiser": "基准鉴定员", "site": "safe",
            "components": components, "prevention": "partial"}

    def post(house_id):
        response = client.post(f"/api/v1/houses/{house_id}/appraisals", body,
                               content_type="application/json", headers=headers)
        assert response.status_code == 201, response.content

    for house_id in house_ids[:5]:  # warm-up
        post(house_id)
    handler_times.clear()
    started = time.perf_counter()
    for house_id in house_ids[5:]:
        post(house_id)
    wall = time.perf_counter() - started
    ms = sorted(t * 1000 for t in handler_times)
    return {"path": "POST /api/v1/houses/{id}/appraisals", "requests": len(ms),
            "median_ms": round(statistics.median(ms), 2),
            "p90_ms": round(ms[int(len(ms) * 0.9) - 1], 2), "max_ms": round(ms[-1], 2),
            "wall_s": round(wall, 2)}
