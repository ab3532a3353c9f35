"""
The worklist endpoint page by page: the next link keeps the filters, the order is stable
across pages when due dates are equal, each row is the same as the item read alone (the
worklist reads fewer columns), and the number of queries does not grow with the rows.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import pytest

from kaigong.cases.constants import ItemStatus
from kaigong.cases.models import CaseItem
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, review_all

from .conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/items/"


@pytest.fixture
def world(monday):
    return lifecycle_world()


def _all_pages(client, url: str) -> tuple[list[dict], list[str]]:
    """Follow the ``next`` links from ``url``: every row, and every link followed."""
    rows, links = [], []
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
        if url:
            links.append(url)
    return rows, links


def test_next_pages_list_every_item_once_in_due_date_order_with_ties_by_creation(world):
    # given five cases accepted the same day: the reviewer's five items share one due date
    cases = [CaseFactory(world=world, accepted=True) for _ in range(5)]
    reviewer = client_for(world.reviewer1)

    # when the reviewer reads the worklist two items at a time, following "next"
    rows, links = _all_pages(reviewer, f"{URL}?page_size=2")

    # then the three pages hold the five items once each, in the order of the single page
    assert len(links) == 2
    single_page = reviewer.get(URL).json()
    assert single_page["count"] == 5
    assert [r["id"] for r in rows] == [r["id"] for r in single_page["results"]]
    # and equal due dates are ordered by creation, so no page repeats or skips an item
    assert len({r["promised_due_on"] for r in rows}) == 1
    created = CaseItem.objects.filter(case__in=cases, department=world.departments[0])
    assert [r["id"] for r in rows] == [str(i.public_id) for i in created.order_by("id")]


def test_the_next_link_keeps_the_filters(world, monday):
    # given three items due on Monday 9 March, read that day (yellow), and a green one
    for _ in range(3):
        CaseFactory(world=world, accepted=True)
    monday.shift(7 * 24 * 3600)
    CaseFactory(world=world, accepted=True)
    reviewer = client_for(world.reviewer1)

    # when the reviewer pages through the yellow items one at a time
    rows, links = _all_pages(reviewer, f"{URL}?warning=yellow&page_size=1")

    # then every next link still asks for yellow, and every row is yellow
    assert len(links) == 2
    assert all("warning=yellow" in link and "page_size=1" in link for link in links)
    assert [r["warning"] for r in rows] == ["yellow"] * 3
    # and an empty filter gives no next link at all
    assert reviewer.get(f"{URL}?warning=red").json() == {
        "count": 0,
        "count_capped": False,
        "next": None,
        "previous": None,
        "results": [],
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_worklist_row_is_the_item_as_read_alone_with_its_colour(world, language):
    # given open items (one with the reviewer's opinion in) and decided ones
    CaseFactory(world=world, accepted=True)
    review_all(CaseFactory(world=world, accepted=True), world)
    CaseFactory(world=world, issued=True)
    supervisor = client_for(world.supervisor)
    headers = {"Accept-Language": language}

    # when the supervisor reads the open and the approved items
    open_rows = supervisor.get(URL, headers=headers).json()["results"]
    approved = supervisor.get(f"{URL}?status=approved", headers=headers).json()["results"]

    # then each row equals the item read on its own, apart from the worklist's colour
    assert {r["status"] for r in open_rows} >= {ItemStatus.IN_REVIEW, ItemStatus.PROPOSED}
    assert {r["status"] for r in approved} == {ItemStatus.APPROVED}
    for row in open_rows + approved:
        alone = supervisor.get(f"{URL}{row['id']}/", headers=headers).json()
        assert row["warning"] in {"green", "yellow", "red", "none"}
        assert {**row, "warning": None} == alone
        # and the status label is the model's own, in the client's language
        item = CaseItem.objects.get(public_id=row["id"])
        with translation.override(language):
            assert row["status_label"] == item.get_status_display()


def test_the_number_of_queries_does_not_grow_with_the_rows(world):
    # given a worklist of one item, with the reviewer's opinion in
    reviewer = client_for(world.reviewer1)
    review_all(CaseFactory(world=world, accepted=True), world)
    with CaptureQueriesContext(connection) as one:
        assert reviewer.get(URL).json()["count"] == 1

    # when four more items arrive, two of them with an opinion
    for n in range(4):
        case = CaseFactory(world=world, accepted=True)
        if n % 2:
            review_all(case, world)
    with CaptureQueriesContext(connection) as five:
        body = reviewer.get(URL).json()

    # then five rows cost the same queries as one (no column or relation read per row)
    assert body["count"] == 5
    assert sum(r["reviewer"] is not None for r in body["results"]) == 3
    assert len(five.captured_queries) == len(one.captured_queries)
