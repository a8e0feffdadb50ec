from contextlib import contextmanager

import pytest

from anju.appraisal.codes import Component
from anju.appraisal.models import Appraisal, ControlOrder, Hazard, Inspection, Screening
from anju.registry.models import House, RecordEvent

RECORD_MODELS = (Screening, Appraisal, Inspection, Hazard, ControlOrder, RecordEvent)


def components(rating="a", **overrides) -> dict:
    return {c: overrides.get(c, rating) for c in Component.values}


def appraisal_body(**fields) -> dict:
    return {"appraised_on": "2026-11-02", "appraiser": "张工", "organization": "梅河口市住建局",
            "site": "safe", "components": components("a"), "prevention": "full", **fields}


@pytest.fixture
def nothing_written(db):
    """`with nothing_written(house):` fails if an appraisal record or history row appears, or
    the house's grade, screening result or version change."""

    @contextmanager
    def check(house: House):
        before = {m.__name__: m.objects.count() for m in RECORD_MODELS}
        state = House.objects.values("grade", "screening_result", "awaiting_appraisal",
                                     "version").get(pk=house.pk)
        yield
        assert {m.__name__: m.objects.count() for m in RECORD_MODELS} == before
        assert House.objects.values("grade", "screening_result", "awaiting_appraisal",
                                    "version").get(pk=house.pk) == state

    return check
