"""Background tasks of the documents app: thin, call one service."""

from celery import shared_task

from kaigong.documents.services import document_issue_for_event
from kaigong.documents.services import documents_issue_missing as issue_missing_service


@shared_task(name="kaigong.documents.document_issue")
def document_issue(kind: str, label: str, pk: int) -> str:
    """
    Issue the document of one committed case event; returns its number ("" if gone). Kept
    for calls queued before documents were recorded in their event's transaction.
    """
    document = document_issue_for_event(kind, label, pk)
    return document.number if document is not None else ""


@shared_task(name="kaigong.documents.documents_issue_missing")
def documents_issue_missing() -> int:
    """Render what is still 生成中, issue what an event is owed and lacks (idempotent)."""
    return issue_missing_service()
