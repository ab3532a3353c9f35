"""Shared pytest fixtures. Test data comes from factories at the call site (STYLE.md 3.11)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached calendars must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup, django_db_blocker):
    """
    Before the test database is dropped, end the sessions that threads of the concurrency
    and browser tests may still hold, so that PostgreSQL can drop it.
    """
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _calendar_back_after_a_flush(request, django_db_blocker):
    """
    A test on real commits (``transaction=True``, browser tests) ends with a flush, which also
    empties the working-day calendar that a data migration seeded; put the national years
    back so that the tests after it on the same worker find the calendar the migration gave.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        from kaigong.calendars.services import calendar_seed

        with django_db_blocker.unblock():
            calendar_seed()
