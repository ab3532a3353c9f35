"""The cached calendar and the due-date selector."""

from datetime import date

import pytest

from kaigong.calendars.selectors import due_date, due_date_summary, work_calendar
from kaigong.calendars.services import calendar_notice_import
from kaigong.core.exceptions import InvalidInput

from .factories import example_notice


@pytest.mark.django_db
def test_the_worked_examples_through_the_selector():
    assert due_date(date(2026, 2, 12), 5).due_on == date(2026, 2, 26)
    assert due_date(date(2025, 9, 26), 20).due_on == date(2025, 10, 30)


@pytest.mark.django_db
def test_work_calendar_knows_the_seeded_years_and_their_names():
    calendar = work_calendar()

    assert calendar.known_years == frozenset(range(2004, 2027))
    assert calendar.is_workday(date(2026, 2, 14)) is True
    assert calendar.reasons[date(2026, 10, 1)] == "国庆节"
    assert calendar.kinds[date(2026, 10, 6)] == "in_lieu"


@pytest.mark.django_db
def test_a_cached_calendar_costs_one_query(django_assert_num_queries):
    work_calendar()

    with django_assert_num_queries(1):  # the version token only
        work_calendar()


@pytest.mark.django_db
def test_an_import_is_seen_at_once_by_the_cached_calendar():
    # given a cached calendar without 2027
    assert work_calendar().is_known(date(2027, 1, 1)) is False

    # when 2027 is imported, then the next read sees it (the version token changed)
    calendar_notice_import(notice=example_notice(), actor=None)

    assert work_calendar().is_known(date(2027, 1, 1)) is True
    assert work_calendar().is_workday(date(2027, 2, 13)) is True


@pytest.mark.django_db
def test_a_previous_test_import_does_not_leak_into_this_one():
    # the test above imported 2027 and was rolled back; the token rolled back with it
    assert work_calendar().is_known(date(2027, 1, 1)) is False


@pytest.mark.parametrize("days", [-1, 3651, 2.0, True])
@pytest.mark.django_db
def test_absurd_day_counts_are_refused(days):
    with pytest.raises(InvalidInput) as error:
        due_date(date(2026, 3, 2), days)

    assert error.value.code == "invalid_days"


@pytest.mark.parametrize("start", [date(1999, 12, 31), date(2101, 1, 1)])
@pytest.mark.django_db
def test_start_dates_outside_the_sane_range_are_refused(start):
    with pytest.raises(InvalidInput) as error:
        due_date(start, 1)

    assert error.value.code == "invalid_date"


@pytest.mark.django_db
def test_a_bad_region_code_is_refused():
    with pytest.raises(InvalidInput) as error:
        work_calendar("ABC")

    assert error.value.code == "invalid_region"


@pytest.mark.django_db
def test_the_largest_limit_is_computed():
    result = due_date(date(2026, 1, 5), 3650)

    assert len(result.counted) == 3650
    assert result.provisional is True
    assert result.provisional_years[0] == 2027


@pytest.mark.django_db
def test_the_summary_names_the_counts_and_the_provisional_years():
    summary = due_date_summary(due_date(date(2026, 12, 30), 3))

    assert "2027-01-04" in summary
    assert "2027" in summary.split("2027-01-04", 1)[1]


@pytest.mark.django_db
def test_the_version_token_is_read_once_per_request_and_a_write_in_it_is_seen(
    django_assert_num_queries,
):
    from kaigong.calendars.selectors import calendar_version_token
    from kaigong.calendars.services import calendar_version_bump
    from kaigong.core.request_cache import request_cache_scope

    with request_cache_scope():
        with django_assert_num_queries(1):
            before = calendar_version_token()
            assert calendar_version_token() == before
        calendar_version_bump()
        after = calendar_version_token()
    assert after != before
    assert calendar_version_token() == after


@pytest.mark.django_db
def test_calendar_regions_are_those_with_days_of_their_own():
    from kaigong.calendars.selectors import calendar_regions
    from kaigong.calendars.services import calendar_notice_import

    from .factories import regional_notice

    before = calendar_regions()
    assert "652300" not in before
    calendar_notice_import(notice=regional_notice("652300"), actor=None)
    assert calendar_regions() == before | {"652300"}  # the import bumped the token
