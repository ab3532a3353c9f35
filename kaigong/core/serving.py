"""
A served process's garbage collector, set once the application is loaded (issue #16 §3,
docs/adr/0003-gunicorn-with-uvicorn-workers.md).

A request allocates many short-lived objects (querysets, compiled SQL, model instances,
serializer fields), so CPython's collector runs young collections every few hundred
allocations and, every so often, a full one that walks every object the process holds:
Django, the URLconf, every app's modules, the catalogue memo — none of which a request
frees. ``gc.freeze()`` after start-up moves what the process holds then out of the
collector's sight (those objects live as long as the process; nothing of theirs would ever
be collected), so a full collection walks only what was made since.

Measured (docs/benchmarks.md, "Issue #16 §3: the last decision, submit and accept trimmed,
the collector frozen"): in the journey's process a full collection cost 150–200 ms before
and about 30 ms frozen, and the collector's share of the run fell by about four fifths. A
higher young threshold (50,000) cut it further but made each young collection cost ≈ 28 ms
at a random request, so CPython's thresholds are kept.

The setting ``KAIGONG_GC_TUNING`` (environment, default on; off in the tests' settings)
turns it off.
"""

from __future__ import annotations

import gc

from django.conf import settings


def tune_collector() -> bool:
    """Load what the first request would (the URLconf and every view module), then freeze
    the process's objects. Return whether it did."""
    if not getattr(settings, "KAIGONG_GC_TUNING", True):
        return False
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    gc.collect()
    gc.freeze()
    return True
