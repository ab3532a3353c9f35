"""
The worklist in keyset pages (issue #16, part 1): every item exactly once across pages while
items change, filters and colours kept, back and forth, a count exact below its cap, and the
old numbered pages kept for one release.
"""

from __future__ import annotations

import pytest

from kaigong.cases.api import item_views
from kaigong.cases.constants import ItemStatus
from kaigong.cases.models import CaseItem
from kaigong.cases.selectors import item_worklist
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.core.keyset import capped_count, keyset_page

from .conftest import client_for

DAY = 24 * 3600


def _walk(client, url: str, *, between=None) -> list[list[str]]:
    pages = []
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
        if between:
            between(len(pages))
    return pages


@pytest.fixture
def world(monday):
    world = lifecycle_world()
    # six accepted cases on four days: equal due dates on two days (the id breaks the tie)
    for shift in (0, 0, 1, 2, 2, 3):
        monday.shift(shift * DAY)
        CaseFactory(world=world, accepted=True)
    return world


@pytest.mark.django_db
def test_every_item_once_across_pages_while_items_change(world, monday):
    supervisor = client_for(world.supervisor)
    before = set(CaseItem.objects.values_list("public_id", flat=True))
    assert len(before) == 12  # six cases of two items

    # when the supervisor walks pages of 5 while, after the first page, two cases arrive
    def arrive(n):
        if n == 1:
            CaseFactory(world=world, accepted=True)
            CaseFactory(world=world, accepted=True)

    pages = _walk(supervisor, "/api/v1/items/?page_size=5", between=arrive)
    seen = [public_id for page in pages for public_id in page]

    # then no item is shown twice, and every item that was there before is shown
    assert len(seen) == len(set(seen))
    assert {str(p) for p in before} <= set(seen)
    # and the order is the worklist's: by promised due date, then id
    rows = {str(i.public_id): (i.promised_due_on, i.id) for i in CaseItem.objects.all()}
    keys = [rows[p] for p in seen]
    assert keys == sorted(keys)


@pytest.mark.django_db
def test_back_and_forth_give_the_same_pages(world):
    supervisor = client_for(world.supervisor)
    first = supervisor.get("/api/v1/items/?page_size=4").json()
    assert first["previous"] is None
    second = supervisor.get(first["next"]).json()
    third = supervisor.get(second["next"]).json()
    assert third["next"] is None and len(third["results"]) == 4

    back = supervisor.get(third["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in second["results"]]
    back_again = supervisor.get(back["previous"]).json()
    assert [r["id"] for r in back_again["results"]] == [r["id"] for r in first["results"]]
    assert back_again["previous"] is None


@pytest.mark.django_db
def test_filters_and_colours_are_kept_across_pages(world, monday):
    # given Thursday: the first cases' items are due soon (yellow), the last ones not
    monday.shift(1 * DAY)
    reviewer = client_for(world.reviewer1)
    everything = reviewer.get("/api/v1/items/?page_size=500").json()["results"]
    green = [r["id"] for r in everything if r["warning"] == "green"]
    assert 0 < len(green) < len(everything)

    pages = _walk(reviewer, "/api/v1/items/?warning=green&page_size=1")

    assert [p[0] for p in pages] == green
    for url_page in pages:
        assert len(url_page) == 1


@pytest.mark.django_db
def test_items_without_a_due_date_come_last_and_are_paged_too(world):
    # given three items whose clock has not started (no promised due date)
    waiting = list(CaseItem.objects.order_by("id")[:3])
    CaseItem.objects.filter(pk__in=[i.pk for i in waiting]).update(
        status=ItemStatus.WAITING,
        clock_started_on=None,
        promised_due_on=None,
        statutory_due_on=None,
    )
    qs = item_worklist(world.supervisor)

    # when paging by 2
    seen, cursor = [], None
    while True:
        page = keyset_page(qs, field="promised_due_on", cursor=cursor, size=2)
        seen += [row.id for row in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor

    # then every item once, and the three without a date last, by id
    assert sorted(seen) == sorted(CaseItem.objects.values_list("id", flat=True))
    assert seen[-3:] == [i.id for i in waiting]
    # and stepping back from the last page (12 items: six pages of two) lands on the fifth
    assert len(seen) == 12
    back = keyset_page(qs, field="promised_due_on", cursor=page.previous_cursor, size=2)
    assert [row.id for row in back.rows] == seen[-4:-2]


@pytest.mark.django_db
def test_the_count_is_exact_below_its_cap(world, monkeypatch):
    qs = item_worklist(world.supervisor)
    assert capped_count(qs, cap=12) == (12, False)
    assert capped_count(qs, cap=11) == (11, True)
    assert capped_count(qs, cap=1000) == (12, False)

    supervisor = client_for(world.supervisor)
    body = supervisor.get("/api/v1/items/").json()
    assert (body["count"], body["count_capped"]) == (12, False)
    monkeypatch.setattr(item_views, "WORKLIST_COUNT_CAP", 10)
    body = supervisor.get("/api/v1/items/").json()
    assert (body["count"], body["count_capped"]) == (10, True)


@pytest.mark.django_db
def test_an_altered_cursor_is_a_clear_400(world):
    supervisor = client_for(world.supervisor)
    next_url = supervisor.get("/api/v1/items/?page_size=2").json()["next"]
    tampered = next_url.replace("cursor=", "cursor=x")

    response = supervisor.get(tampered)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


@pytest.mark.django_db
def test_the_numbered_pages_are_kept_for_one_release(world):
    supervisor = client_for(world.supervisor)
    body = supervisor.get("/api/v1/items/?page=1&page_size=5").json()
    assert body["count"] == 12 and "count_capped" not in body
    assert "page=2" in body["next"]
    assert supervisor.get("/api/v1/items/?page=9").status_code == 404
