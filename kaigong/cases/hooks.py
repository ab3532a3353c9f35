"""
Hooks cases offers to the apps above it (ADR 0002: explicit registration, no signals).

``register_document_listener``: the documents app (above cases) renders the written notices
and decisions the law requires (受理通知书, 补正告知书, 决定书 …). Cases names the event and its
source row with ``document_due``; every listener is called once the change has committed
(``robust``: a failing listener is logged and never undoes the change; the documents app's
sweep issues what a failure left out).

``register_event_listener``: apps above cases (post-approval supervision) hear each event of
the case histories once it has committed — (event kind, case pk, event data) — e.g. to
generate the 告知承诺 verification task when an item is approved. ``robust`` as above.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import transaction

# (kind, source model label "cases.denial", source pk)
DocumentListener = Callable[[str, str, int], None]

_document_listeners: list[DocumentListener] = []


def register_document_listener(listener: DocumentListener) -> None:
    if listener not in _document_listeners:
        _document_listeners.append(listener)


def document_due(kind: str, source) -> None:
    """A document of ``kind`` is due for ``source`` (a saved model row) once this commits."""
    label, pk = source._meta.label_lower, source.pk
    for listener in list(_document_listeners):
        transaction.on_commit(functools.partial(listener, kind, label, pk), robust=True)


# (event kind, case pk, event data)
EventListener = Callable[[str, int, dict], None]

_event_listeners: list[EventListener] = []


def register_event_listener(listener: EventListener) -> None:
    if listener not in _event_listeners:
        _event_listeners.append(listener)


def event_recorded(kind: str, case_pk: int, data: dict) -> None:
    """Tell the listeners of an event once this commits (called by case_event_record)."""
    for listener in list(_event_listeners):
        transaction.on_commit(functools.partial(listener, kind, case_pk, data), robust=True)
