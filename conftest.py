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


@pytest.fixture(autouse=True)
def _clear_catalogue_memo():
    """
    The catalogue's per-process memo must not leak between tests: on SQLite the ids and
    timestamps of rolled-back tests repeat, and so could the catalogue's fingerprint.
    """
    from kaigong.catalog.memo import memo_clear

    memo_clear()
    yield
    memo_clear()


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


def pytest_collection_modifyitems(config, items):
    """
    Every test in a ``test_browser_*`` module is a browser test (marker ``browser``), whether
    or not the module says so, so that ``-m "not browser"`` leaves out every one of them:
    the PostgreSQL run does (scripts/test.sh), since the browser tests drive pages, not the
    database, and the served-product test starts its own SQLite product either way.
    """
    browser = pytest.mark.browser
    for item in items:
        if item.path.name.startswith("test_browser_"):
            item.add_marker(browser)


@pytest.fixture(scope="module", autouse=True)
def _default_language_per_module():
    """
    Each module starts in the platform's language (LANGUAGE_CODE), whatever a module before
    it on the same worker left active (a test client's request activates the language it
    negotiated and leaves it), so that a module-scoped world built with translated text
    does not depend on the order the workers took the modules in.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
