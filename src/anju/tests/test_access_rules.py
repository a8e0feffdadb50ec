"""Every page and API route declares who may use it; none is open by accident."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from anju.api import api


def _django_routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if prefix + str(entry.pattern) == "api/v1/":
                continue  # the API is walked operation by operation below
            yield from _django_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _api_operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield operation.methods, f"/api/v1{prefix}{path}", operation


def _concrete(path: str) -> str:
    path = re.sub(r"<(?:int:)?\w+>", "1", path)
    path = re.sub(r"\{\w+\}", "1", path)
    return "/" + path.lstrip("/").replace("^", "").replace("$", "")


def test_every_page_declares_an_access_rule():
    missing = [path for path, view in _django_routes()
               if getattr(view, "access_rule", None) is None]
    assert missing == []


def test_every_api_operation_declares_an_access_rule():
    missing = [f"{methods} {path}" for methods, path, op in _api_operations()
               if getattr(op.view_func, "access_rule", None) is None]
    assert missing == []


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_every_protected_page(client):
    for path, view in _django_routes():
        if view.access_rule == "public":
            continue
        response = client.get(_concrete(path))
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/"), path


@pytest.mark.django_db
def test_anonymous_caller_gets_401_from_every_protected_api_operation(client):
    for methods, path, op in _api_operations():
        if op.view_func.access_rule == "public":
            continue
        for method in methods:
            response = client.generic(method, _concrete(path))
            assert response.status_code == 401, f"{method} {path}"
            assert response.json()["error"]["code"] == "unauthorized"
