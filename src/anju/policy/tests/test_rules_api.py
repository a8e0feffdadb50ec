"""GET /api/v1/rules (api.md "Rules"): the catalogue an integrator reads — each rule with its
sentence, its place in the policy, the caller's region's numbers on a date, and the code and
tests that cite it; the same catalogue as the /rules/ pages."""

from anju.policy.catalogue import catalogue


def test_every_rule_comes_with_its_sentence_source_numbers_code_and_tests(api, cast):
    r = api(cast.shancheng).get("/api/v1/rules")
    assert r.status_code == 200
    rules = {rule["id"]: rule for rule in r.json()}
    assert set(rules) == set(catalogue())
    cap = rules["R-MH-6"]
    assert {"id", "text", "source", "profile_values", "enforced_by", "tests"} <= set(cap)
    assert cap["source"]["document"] and cap["text"]
    assert cap["enforced_by"] and cap["tests"]
    assert all({"name", "path", "line"} == set(c) for c in cap["enforced_by"])


def test_the_numbers_are_the_callers_regions(api, cast):
    """梅河口市 has subsidy caps; 昌吉州's policy names none, and the answer says so rather
    than borrowing Meihekou's (R-CJ-9)."""
    def caps(user):
        rule = api(user).get("/api/v1/rules/R-MH-6").json()
        return {v["field"]: v["value"] for v in rule["profile_values"]}

    meihekou, changji = caps(cast.mhk_housing), caps(cast.changji)
    assert meihekou["cap_d_rebuild"] != changji["cap_d_rebuild"]
    assert changji["cap_d_rebuild"] == "本地区政策未规定"


def test_a_search_and_an_unknown_rule(api, cast):
    client = api(cast.shancheng)
    found = client.get("/api/v1/rules", {"q": "公示"}).json()
    assert "R-MH-4" in {rule["id"] for rule in found} and len(found) < len(catalogue())
    r = client.get("/api/v1/rules/no-such-rule")
    assert r.status_code == 404 and r.json()["error"]["field"] == "rule_id"
