"""A page in English labels its form fields and says its errors in English too: the
catalogue covers the generated forms, their rows and the rules' messages."""

import re

import pytest
from django.test import Client

from anju.conftest import sign_in
from anju.rectification.tests.conftest import days_ago

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def english(user) -> Client:
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


def labels_of(body: str) -> list[str]:
    texts = re.findall(r"<label[^>]*>(.*?)</label>", body, re.S)
    texts += re.findall(r'aria-label="([^"]*)"', body)
    return [re.sub(r"<[^>]+>", "", t).strip() for t in texts]


def test_the_measure_form_in_english_has_no_chinese_label(cast, on_ledger):
    _, entry_id = on_ledger("d")
    body = english(cast.shancheng).get(f"/rectification/{entry_id}/measure").content.decode()
    labels = labels_of(body)
    assert "Measure" in labels and "Further measure __number__: Measure" in labels
    assert [t for t in labels if CJK.search(t)] == []
    assert "Fields marked" in body and "Add a measure" in body


def test_the_household_form_in_english_has_no_chinese_label(cast):
    body = english(cast.shancheng).get("/registry/households/new").content.decode()
    labels = labels_of(body)
    assert "Member 1: Name" in labels and "Member __number__: ID number" in labels
    assert [t for t in labels if CJK.search(t)] == []


def test_an_error_the_catalogue_knows_reads_in_english(cast, on_ledger):
    _, entry_id = on_ledger("c")
    r = english(cast.shancheng).post(f"/rectification/{entry_id}/measure", {
        "kind": "evacuate", "started_on": days_ago(1), "completed_on": days_ago(2),
        "version": 1})
    assert r.status_code == 422
    body = r.content.decode()
    assert "The completion date cannot be before the start date" in body
    assert "Not saved. Please correct the following:" in body
