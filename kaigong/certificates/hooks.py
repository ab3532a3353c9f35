"""
Listeners told, in the same transaction, that certificates were released.

The cases app sits above certificates and registers, in its ``AppConfig.ready()``, a
listener that moves a case to 已出证 once none of its certificates is held any more
(a joint-issuance condition recorded after the bundle concluded releases the last ones).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

ReleaseListener = Callable[[list[UUID], Any], None]

_listeners: list[ReleaseListener] = []


def register_release_listener(fn: ReleaseListener) -> None:
    """Call ``fn(case_public_ids, actor)`` after every release (idempotent registration)."""
    if fn not in _listeners:
        _listeners.append(fn)


def unregister_release_listener(fn: ReleaseListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def released(case_public_ids: Iterable[UUID | None], actor: Any) -> None:
    ids = sorted({c for c in case_public_ids if c is not None}, key=str)
    if not ids:
        return
    for listener in list(_listeners):
        listener(ids, actor)
