"""
A served process's garbage collector, set once the application is loaded (issue #16 §3,
docs/adr/0003-gunicorn-with-uvicorn-workers.md).

A request allocates many short-lived objects (querysets, compiled SQL, model instances,
serializer fields). With CPython's default thresholds (700, 10, 10) a transition runs
several young collections, and every few requests a full one walks everything the process
holds: Django, the URLconf, every app's modules and the catalogue memo, none of which a
request frees. So, after the application is built:

- ``gc.freeze()`` moves what the process holds at start-up out of the collector's sight
  (those objects live as long as the process; nothing of theirs is ever collected);
- the young generation's threshold is raised, so that a request's garbage is mostly freed
  by reference counting before a collection starts, and fewer objects are promoted to the
  older generations whose collections are costly.

Reference cycles are still collected, later; memory per worker grows by at most the young
generation (tens of thousands of objects). The setting ``KAIGONG_GC_TUNING`` (environment,
default on; off in the tests' settings) keeps CPython's defaults when off.
"""

from __future__ import annotations

import gc

from django.conf import settings

# (young, middle, old): the young threshold counts allocations less deallocations
THRESHOLDS = (50_000, 20, 20)


def tune_collector() -> bool:
    """Load what the first request would (the URLconf and every view module), then freeze
    the process's objects and raise the young threshold. Return whether it did."""
    if not getattr(settings, "KAIGONG_GC_TUNING", True):
        return False
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    return True
