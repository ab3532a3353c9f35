"""Background tasks of the documents app: thin, call one service."""

from celery import shared_task

from kaigong.documents.services import documents_issue_missing as issue_missing_service


@shared_task(name="kaigong.documents.documents_issue_missing")
def documents_issue_missing() -> int:
    """Issue every document an event is owed and does not have (idempotent)."""
    return issue_missing_service()
