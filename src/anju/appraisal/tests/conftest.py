from anju.appraisal.codes import Component


def components(rating="a", **overrides) -> dict:
    return {c: overrides.get(c, rating) for c in Component.values}


def appraisal_body(**fields) -> dict:
    return {"appraised_on": "2026-11-02", "appraiser": "张工", "organization": "梅河口市住建局",
            "site": "safe", "components": components("a"), "prevention": "full", **fields}
