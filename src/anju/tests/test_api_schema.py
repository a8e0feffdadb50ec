"""schemathesis against the served OpenAPI schema: generated calls to every operation get no
500 and no answer outside the schema (status, content type, body)."""

import typing
from collections import defaultdict
from contextlib import contextmanager
from functools import cache

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from anju.accounts.models import ApiToken
from anju.registry.tests.conftest import house_body, household_body

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Bounded so that the run stays near a minute and a half on each database (make test < 15 min).
EXAMPLES = 20
# Linked calls: scenarios of up to STEPS calls each.
SCENARIOS = 50
STEPS = 6


@contextmanager
def inside_the_test_transaction():
    # The WSGI handler closes the connection between requests, which would end the test's
    # transaction; the test client avoids it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@cache
def served_schema():
    with inside_the_test_transaction():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def operations() -> list[str]:
    return sorted(result.ok().label for result in served_schema().get_all_operations())


@pytest.mark.parametrize("label", operations())
def test_api_answers_within_its_schema(label, cast):
    operation = served_schema().find_operation_by_label(label)
    _, key = ApiToken.issue(cast.mhk_housing)

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)

    with inside_the_test_transaction():
        call()


# The records the chains start from get bodies a clerk would send (a village in scope, an ID
# number that checks), so that the calls linked to them find something; every other body is
# generated, and random bodies for these two are the stateless test's.
ROOT_BODIES = {"POST /api/v1/households": household_body, "POST /api/v1/houses": house_body}


def test_api_answers_within_its_schema_across_linked_calls(cast):
    """Sequences of calls where each uses what an earlier answer gave (a new household's id
    for its page and its houses, its version for its change), along the links schemathesis
    infers from the schema (an answer's `id` to the path parameter of the same resource)."""
    with inside_the_test_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    _, key = ApiToken.issue(cast.mhk_housing)

    class LinkedCalls(schema.as_state_machine()):
        def before_call(self, case):
            make = ROOT_BODIES.get(case.operation.label)
            if make is not None and isinstance(case.body, dict):
                linked = {k: v for k, v in case.body.items() if k == "household_id"}
                case.body = make() | linked

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {key}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None,
                                   recorder=self.recorder)

    with inside_the_test_transaction():
        LinkedCalls.run(settings=settings(
            max_examples=SCENARIOS, stateful_step_count=STEPS, deadline=None,
            derandomize=True, database=None, suppress_health_check=list(HealthCheck)))


def _models_in(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                _models_in(field.annotation, found)
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_schema_classes_of_the_api_share_a_name():
    # The served schema names each body by its class; two classes of one name would publish
    # one of them for both.
    from anju.api import api

    found = set()
    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _models_in(model, found)
    found |= set(_subclasses(BaseModel))
    by_name = defaultdict(set)
    for model in found:
        if model.__module__.startswith("anju."):
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert {name: sorted(where) for name, where in by_name.items() if len(where) > 1} == {}
    components = served_schema().raw_schema["components"]["schemas"]
    assert "inspected_on" in components["InspectionOut"]["properties"]
    assert "stage" in components["StageInspectionOut"]["properties"]
