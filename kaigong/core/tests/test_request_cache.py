"""The per-request cache: once per request, never outside one, forgettable."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from kaigong.core.request_cache import (
    RequestCacheMiddleware,
    request_cache_forget,
    request_cache_scope,
    request_cached,
)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_outside_a_request_every_call_computes():
    compute = Counter()
    assert [request_cached("k", compute) for _ in range(3)] == [1, 2, 3]


def test_inside_a_scope_a_key_is_computed_once_and_forgotten_on_demand():
    compute = Counter()
    with request_cache_scope():
        assert request_cached("k", compute) == 1
        assert request_cached("k", compute) == 1
        assert request_cached("other", compute) == 2
        request_cache_forget("k")
        assert request_cached("k", compute) == 3
    assert request_cached("k", compute) == 4  # the scope's values went with it


def test_forget_outside_a_request_is_harmless_and_creates_no_cache():
    compute = Counter()
    # given no request scope, when a key is forgotten
    request_cache_forget("nothing")
    # then nothing was cached by it: every call still computes
    assert [request_cached("nothing", compute) for _ in range(2)] == [1, 2]


def test_the_middleware_gives_every_request_a_fresh_cache():
    compute = Counter()
    seen = []

    def view(request):
        seen.append(request_cached("k", compute))
        seen.append(request_cached("k", compute))
        return HttpResponse()

    middleware = RequestCacheMiddleware(view)
    request = RequestFactory().get("/")
    middleware(request)
    middleware(request)
    assert seen == [1, 1, 2, 2]
