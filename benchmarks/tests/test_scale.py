"""The scale benchmark's set-based build (PostgreSQL only): worklist colours, chains, sweep."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from benchmarks.cases.bulk import filed_documents, signed_checkpoint, sql_events
from benchmarks.cases.scale import _new_events, run_job
from benchmarks.cases.worklist import bulk_items
from kaigong.cases.constants import ITEM_CLOCK_STATUSES, ItemStatus, WarningColour
from kaigong.cases.deadlines import region_of, warning_colour, warning_days_for
from kaigong.cases.models import Case, CaseEvent, CaseItem, ClockPause
from kaigong.cases.selectors import item_worklist
from kaigong.cases.services.checkpoints import chain_checkpoint_take, checkpoints_verify
from kaigong.cases.services.events import BreakKind, case_event_chains_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the bulk build is PostgreSQL SQL (generate_series, COPY)")


def test_the_sql_build_makes_the_items_and_colours_the_worklist_shows():
    world, _seconds = bulk_items(301)  # 101 cases, the last one with a single item
    today = timezone.localdate()
    assert CaseItem.objects.count() == 301
    assert Case.objects.count() == 101
    reviewer = world.users["reviewer1"]
    department = world.versions["M1"].department_id  # reviewer1 reviews in D1
    mine = CaseItem.objects.filter(department_id=department).select_related(
        "matter_version", "case__project"
    )
    # every colour from the promised date and the calendar, not from the stored yellow day
    expected: dict[str, set[int]] = {c: set() for c in WarningColour.values}
    for item in mine:
        colour = WarningColour.NONE
        if item.status in ITEM_CLOCK_STATUSES:
            colour = warning_colour(
                item.promised_due_on,
                on=today,
                warning_days=warning_days_for(item.matter_version),
                region_code=region_of(item.case),
            )
        expected[colour].add(item.pk)
    for colour in (WarningColour.RED, WarningColour.YELLOW, WarningColour.GREEN):
        assert expected[colour], f"no {colour} item in the build"
        found = set(item_worklist(reviewer, warning=colour).values_list("pk", flat=True))
        assert found == expected[colour], colour
    listed = set(item_worklist(reviewer).values_list("pk", flat=True))
    open_items = {i.pk for i in mine if i.status != ItemStatus.APPROVED}
    assert listed >= open_items - expected[WarningColour.NONE]
    # a paused item has its open special-procedure pause, and only a paused one
    paused = set(CaseItem.objects.filter(status=ItemStatus.PAUSED).values_list("pk", flat=True))
    assert paused
    pauses = ClockPause.objects.filter(resumed_on__isnull=True)
    assert sorted(pauses.values_list("item_id", flat=True)) == sorted(paused)
    # a decided item carries its decision (the model's check constraints hold too)
    approved = CaseItem.objects.filter(status=ItemStatus.APPROVED)
    assert approved.exists()
    assert set(approved.values_list("decision", flat=True)) == {"approve"}


def test_the_built_chains_verify_and_a_tampered_event_breaks_its_case():
    world, _seconds = bulk_items(60)
    events, _seconds = sql_events(world)
    assert events == CaseEvent.objects.count() > 60
    signed_checkpoint()
    assert case_event_chains_verify() == []
    assert case_event_chains_verify(incremental=True) == []
    # news since the checkpoint, through the product's writer, as the benchmark adds them;
    # the incremental run reads them (a tampered one is found)
    even = sum(1 for pk in Case.objects.values_list("pk", flat=True) if pk % 2 == 0)
    assert _new_events(0.5) == even > 0
    assert case_event_chains_verify(incremental=True) == []
    newest = CaseEvent.objects.order_by("-id").first()
    CaseEvent.objects.filter(pk=newest.pk).update(data={"material": "forged"})
    found = case_event_chains_verify(incremental=True)
    assert [(b.case_number, b.reason) for b in found] == [(newest.case.number, BreakKind.EDITED)]
    CaseEvent.objects.filter(pk=newest.pk).update(data=newest.data)
    victim = CaseEvent.objects.filter(seq=3).order_by("case_id").first()
    CaseEvent.objects.filter(pk=victim.pk).update(data={**victim.data, "to": "accepted"})
    breaks = case_event_chains_verify()
    assert [(b.case_number, b.seq, b.reason) for b in breaks] == [
        (victim.case.number, 3, BreakKind.EDITED)
    ]


def test_the_bench_checkpoint_is_the_one_the_product_signs():
    world, _seconds = bulk_items(30)
    sql_events(world)
    taken = chain_checkpoint_take()  # the product re-verifies every chain from its genesis
    assert taken.refused == []
    ours = signed_checkpoint()
    assert ours.entries == taken.checkpoint.entries
    assert ours.seq == taken.checkpoint.seq + 1
    breaks, anchor = checkpoints_verify(all_entries=True)
    assert breaks == []
    assert anchor.pk == ours.pk


def test_an_idle_sweep_over_filed_documents_costs_one_query():
    world, _seconds = bulk_items(30)
    sql_events(world)
    assert filed_documents(world, 8) == 8
    with CaptureQueriesContext(connection) as captured:
        job = run_job("sweep")
    assert (job.result, job.queries) == ("0 filed", 1)
    assert len(captured.captured_queries) == 1


def test_the_recompute_after_an_import_finds_the_built_dates_already_right():
    bulk_items(60)
    job = run_job("recompute")  # the calendar listener's walk over every open item
    assert job.result == "0 items changed"
    assert job.peak_rss_mib >= job.start_rss_mib > 0
