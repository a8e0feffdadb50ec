"""The public request log is kept for ANJU_PUBLIC_REQUEST_DAYS and pruned each night by the
built-in schedule; the rows the rate limits still count are never pruned."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from anju.operations.schedule import BY_NAME, DAILY
from anju.public import actions, rules
from anju.public.models import PublicRequest

pytestmark = pytest.mark.django_db


def requests_aged(*days):
    now = timezone.now()
    for age in days:
        row = PublicRequest.objects.create(kind="sign_page", result="ok", client_hash="c")
        PublicRequest.objects.filter(pk=row.pk).update(at=now - timedelta(days=age, minutes=1))


def ages() -> list[int]:
    now = timezone.now()
    return sorted((now - at).days for at in PublicRequest.objects.values_list("at", flat=True))


@override_settings(PUBLIC_REQUEST_DAYS=30)
def test_the_nightly_job_deletes_rows_older_than_the_setting():
    requests_aged(0, 29, 30, 31, 400)
    out = io.StringIO()
    call_command("public_prune", stdout=out)
    assert ages() == [0, 29]
    assert "删除公开访问记录 3 条" in out.getvalue()


def test_it_is_on_the_built_in_schedule_daily():
    job = BY_NAME["public_prune"]
    assert (job.command, job.period) == ("public_prune", DAILY)


def test_a_setting_shorter_than_the_limits_window_still_keeps_what_the_limits_count():
    requests_aged(0, 2)
    assert actions.prune_requests(0) == 1
    assert ages() == [0]
    assert rules.request_rows_kept(0) == timedelta(days=1)


def test_rows_go_in_chunks(monkeypatch):
    monkeypatch.setattr(actions, "PRUNE_CHUNK", 2)
    requests_aged(40, 41, 42, 43, 44)
    assert actions.prune_requests(30) == 5 and ages() == []
