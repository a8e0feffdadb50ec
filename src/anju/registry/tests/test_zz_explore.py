import json
from anju.conftest import SHANCHENG_V1, valid_id_number


def test_explore(api, cast, make_house, make_household):
    a = api(cast.mhk_housing)
    r = a.post("/api/v1/households", "{not json")
    print("malformed", r.status_code, r.json())
    r = a.post("/api/v1/houses", {"division_code": SHANCHENG_V1, "address": "x", "structure": "masonry_cast",
        "floors": 1, "floor_area": 50, "use": "residence", "occupancy": "occupied", "grade": "A"})
    print("extra", r.status_code, r.json())
    h = make_house(use="mixed", business_sector="catering")
    r = a.patch(f"/api/v1/houses/{h.pk}", {"version": 1, "use": "business"})
    print("use->business", r.status_code, r.content[:300])
    r = a.patch(f"/api/v1/houses/{h.pk}", {"version": 1, "color_steel": None})
    print("null bool", r.status_code, r.content[:300])
    r = a.get("/api/v1/houses", {"page_size": 500})
    print("page", r.status_code, r.json())
    r = a.post("/api/v1/households", [1, 2])
    print("list body", r.status_code, r.json())
    r = api().get("/api/v1/houses")
    print("anon", r.status_code, r.json())
    r = a.get("/api/v1/divisions", {"q": "山城"})
    print("search", r.status_code, r.json())
    r = api(cast.shancheng).get("/api/v1/divisions/22/children")
    print("children", r.status_code, r.json())
    r = a.post("/api/v1/auth/token", "{bad")
    print("token malformed", r.status_code, r.json())
