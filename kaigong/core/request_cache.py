"""
A cache that lives for one request: values read several times while serving it (the
user's memberships, the calendar's version token) are read once.

``RequestCacheMiddleware`` opens a fresh cache for every request and drops it afterwards;
outside a request (commands, tasks, tests calling services) nothing is cached and every
call reads the database, so a long-lived process never sees a stale value. A service that
changes a cached value within a request calls ``request_cache_forget`` with its key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_cache: ContextVar[dict[Hashable, Any] | None] = ContextVar("kaigong_request_cache", default=None)


def request_cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per request for ``key`` (every time outside a request)."""
    cache = _cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def request_cache_forget(key: Hashable) -> None:
    """Drop ``key`` from the current request's cache (after a write that changes it)."""
    cache = _cache.get()
    if cache is not None:
        cache.pop(key, None)


@contextmanager
def request_cache_scope() -> Iterator[dict[Hashable, Any]]:
    """A fresh cache for the block (the middleware wraps each request in one)."""
    token = _cache.set({})
    try:
        yield _cache.get()
    finally:
        _cache.reset(token)


class RequestCacheMiddleware:
    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with request_cache_scope():
            return self.get_response(request)
