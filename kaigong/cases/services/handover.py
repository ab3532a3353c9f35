"""
The one door from cases to certificates (cases → certificates, never the other way).

Calls go through the module attribute at call time, so tests can count them by patching
``kaigong.certificates.services.certificates_issue_for_case``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from kaigong.certificates import services as certificate_services

ItemResult = certificate_services.ItemResult


def issue_for_case(
    *,
    case_public_id: UUID,
    project_id: int,
    enterprise_id: int,
    bundle_id: int,
    results: Sequence[Any],
    actor: Any,
    project: Any = None,
    holder: Any = None,
) -> list:
    return certificate_services.certificates_issue_for_case(
        case_public_id=case_public_id,
        project_id=project_id,
        enterprise_id=enterprise_id,
        bundle_id=bundle_id,
        results=results,
        actor=actor,
        project=project,
        holder=holder,
    )


def release_deferred(*, case_item_id: int, actor: Any) -> list:
    return certificate_services.certificates_release_deferred(
        case_item_id=case_item_id, actor=actor
    )


def revoke_for_items(*, case_item_ids: Sequence[int], reason: str, actor: Any) -> list:
    """Revoke the certificates of these items now, in the caller's transaction."""
    return certificate_services.certificates_revoke_for_case_items(
        case_item_ids=case_item_ids, reason=reason, actor=actor
    )
