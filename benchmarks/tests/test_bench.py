"""The workflow benchmark's own parts: its client and journey work over real HTTP."""

from __future__ import annotations

from django.test import override_settings

import pytest

from benchmarks.cases.workflow import (
    _http_floor,
    _journey,
    _LeanClient,
    _prepare_cases,
    _render_owed,
    _warm_up,
)
from kaigong.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def _drive(base: str, case: str, tokens: dict[str, str]) -> tuple[int, int]:
    client = _LeanClient(base)
    try:
        return _journey(client, base, case, tokens)
    finally:
        client.close()


def test_the_benchmark_journey_takes_a_draft_to_issued_over_http(live_server):
    drafts, tokens = _prepare_cases(1)
    assert _drive(live_server.url, drafts[0]["case"], tokens) == (6, 0)
    assert Case.objects.get(public_id=drafts[0]["case"]).status == "issued"
    assert _http_floor(live_server.url, tokens["applicant"], concurrency=2, requests=4) > 0


@override_settings(ROOT_URLCONF="benchmarks.urls")  # the bench's server: the bare view too
def test_the_warm_up_takes_its_own_draft_through_and_reads_the_floor_and_the_bare_view(
    live_server,
):
    drafts, tokens = _prepare_cases(2)
    _warm_up(live_server.url, drafts[0], tokens, concurrency=2)
    statuses = dict(Case.objects.values_list("public_id", "status"))
    assert {str(k): v for k, v in statuses.items()} == {
        drafts[0]["case"]: "issued",  # inline rendering in the test settings
        drafts[1]["case"]: "draft",  # the measured ones are left to the measured run
    }


def test_a_refused_step_counts_as_an_error_not_a_transition(live_server):
    drafts, tokens = _prepare_cases(1)
    tokens = {**tokens, "clerk": tokens["reviewer1"]}  # a reviewer may not accept
    assert _drive(live_server.url, drafts[0]["case"], tokens) == (1, 1)
    assert Case.objects.get(public_id=drafts[0]["case"]).status == "submitted"


def test_the_journey_issues_two_certificates_that_the_relay_renders_after_commit(live_server):
    drafts, tokens = _prepare_cases(1)
    with override_settings(KAIGONG_CERTIFICATES_RENDER_INLINE=False):  # as the bench's server
        assert _drive(live_server.url, drafts[0]["case"], tokens) == (6, 0)
    case = Case.objects.get(public_id=drafts[0]["case"])
    assert case.status == "concluded"  # committed; its certificates are 生成中
    # and its 受理通知书 and two 准予行政许可决定书, recorded with their events, 生成中 too
    owed, documents, _seconds = _render_owed()
    assert (owed, documents) == (2, 3)
    case.refresh_from_db()
    assert case.status == "issued"


def test_the_worklist_bench_reports_each_filter_by_the_median_of_its_own_reads():
    from benchmarks.cases.worklist import by_filter

    # two rounds of the five filters (none, yellow, red, paused, green), then one more read
    times = [10.0, 20.0, 30.0, 40.0, 50.0, 12.0, 24.0, 36.0, 48.0, 60.0, 14.0]
    assert by_filter(times) == {
        "none": 12.0,  # 10, 12, 14
        "yellow": 22.0,
        "red": 33.0,
        "paused": 44.0,
        "green": 55.0,
    }


@override_settings(ROOT_URLCONF="benchmarks.urls")  # the bench's server: the bare transition
def test_the_bare_transition_is_driven_over_http_with_a_token_per_client(live_server):
    from benchmarks.cases.workflow import _http_bare_transitions
    from kaigong.core.models import AuditRecord

    _drafts, tokens = _prepare_cases(0)
    rate = _http_bare_transitions(live_server.url, [tokens["bare0"]], concurrency=1, requests=3)
    assert rate > 0
    assert AuditRecord.objects.filter(action="bench_transition").count() == 3
