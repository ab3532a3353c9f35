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
