"""Reads of official documents: whoever may see the case sees its documents; others 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from kaigong.cases.models import Case
from kaigong.cases.selectors import case_get_for
from kaigong.core.exceptions import NotFound

from .models import OfficialDocument


def document_list_for_case(case: Case) -> QuerySet[OfficialDocument]:
    """The documents of a case the caller may already see (``case_get_for``)."""
    return (
        OfficialDocument.objects.filter(case=case)
        .select_related("item__matter_version")
        .order_by("issued_at", "id")
    )


def document_list_visible_to(user: Any, case_public_id: Any) -> QuerySet[OfficialDocument]:
    """The documents of a case visible to ``user`` (``NotFound`` otherwise)."""
    return document_list_for_case(case_get_for(user, case_public_id))


def document_get_for(user: Any, case_public_id: Any, public_id: Any) -> OfficialDocument:
    """One document of a case visible to ``user``; ``NotFound`` for anything else."""
    case = case_get_for(user, case_public_id)
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(code="document_not_found") from None
    document = document_list_for_case(case).filter(public_id=key).first()
    if document is None:
        raise NotFound(code="document_not_found")
    return document


def document_get_public(public_id: Any) -> OfficialDocument | None:
    """The document of a verification link (public: identity and verification only)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return OfficialDocument.objects.select_related("case").filter(public_id=key).first()
