"""
Hooks cases offers to the apps above it (ADR 0002: explicit registration, no signals).

``register_document_listener``: the documents app (above cases) issues the written notices
and decisions the law requires (受理通知书, 补正告知书, 决定书 …). Cases names the event and its
source row with ``document_due``; every listener is called at once, inside the transaction
of the change (the case row locked): the documents app records the document there, with its
number and data, and an outbox message, so the document commits with its event or not at
all; the outbox relay renders and signs its PDF after commit (issue #16 §3).

``register_event_listener``: apps above cases (post-approval supervision) hear each event of
the case histories once it has committed — (event kind, case pk, event data) — e.g. to
generate the 告知承诺 verification task when an item is approved. ``robust`` as above.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction

# (kind, the source row: the case, a correction, a denial, an item, a pause, an extension)
DocumentListener = Callable[[str, Any], object]

_document_listeners: list[DocumentListener] = []


def register_document_listener(listener: DocumentListener) -> None:
    if listener not in _document_listeners:
        _document_listeners.append(listener)


def document_due(kind: str, source) -> None:
    """
    A document of ``kind`` is due for ``source`` (a saved model row): call inside the
    transaction of the event, under the case's row lock (the transitions hold it).
    """
    for listener in list(_document_listeners):
        listener(kind, source)


# --- acting for an enterprise (帮办代办 under a 授权委托书) ---------------------------------
#
# A helper assigned to a project may read its cases; it writes only while a mandate of the
# enterprise covers the action. The assistance app (above cases) keeps the mandates and
# registers the checker; without one registered no helper writes. The checker answers
# ``(user, case, action)`` with the mandate context (a JSON-able dict: mandate number,
# enterprise, agent) or None; ``action`` None asks for any action (recording who acted).

ACT_DRAFT = "draft"  # open a draft, fill the form, choose the matters
ACT_UPLOAD = "upload"  # hand in materials
ACT_SUBMIT = "submit"  # submit the application
ACT_ANSWER_CORRECTIONS = "answer_corrections"  # edit and resubmit under a correction notice
ACT_RECEIVE_DOCUMENTS = "receive_documents"  # receive notices, decisions and certificates

ActingForChecker = Callable[[object, object, "str | None"], "dict | None"]

_acting_for_checkers: list[ActingForChecker] = []


def register_acting_for_checker(checker: ActingForChecker) -> None:
    if checker not in _acting_for_checkers:
        _acting_for_checkers.append(checker)


def unregister_acting_for_checker(checker: ActingForChecker) -> None:
    if checker in _acting_for_checkers:
        _acting_for_checkers.remove(checker)


def acting_for(user, case, action: str | None) -> dict | None:
    """The mandate context under which ``user`` may do ``action`` for the case's enterprise."""
    for checker in list(_acting_for_checkers):
        found = checker(user, case, action)
        if found:
            return found
    return None


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
