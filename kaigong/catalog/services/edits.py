"""
Single-row writes made from the admin screens: one path that checks the row is still a
draft (for versions and their child rows), validates its conditions, cleans, saves and
leaves an audit record.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext as _

from kaigong.catalog.conditions import validate_condition
from kaigong.catalog.memo import writes_catalogue
from kaigong.catalog.models import (
    CatalogRevision,
    MaterialRequirement,
    MatterDependency,
    MatterField,
    MatterVersion,
    Question,
)
from kaigong.core.audit import row_diff, row_snapshot, stored_row
from kaigong.core.exceptions import Conflict
from kaigong.core.services import audit_record

from ._common import clean, ensure_revision_draft, ensure_version_draft, param, raise_if

VERSION_CHILDREN = (MaterialRequirement, MatterField, MatterDependency)
CONDITION_FIELDS = ("condition", "ask_when")


def _guard(row: models.Model) -> None:
    """Refuse any write touching a published version or revision (read from the database)."""
    if isinstance(row, CatalogRevision) and row.pk:
        ensure_revision_draft(CatalogRevision.objects.select_for_update().get(pk=row.pk))
    version = None
    if isinstance(row, MatterVersion):
        version = row
        ensure_revision_draft(CatalogRevision.objects.get(pk=row.revision_id))
    elif isinstance(row, VERSION_CHILDREN):
        version = row.matter_version
    if version is not None and version.pk:
        ensure_version_draft(MatterVersion.objects.select_for_update().get(pk=version.pk))
    if isinstance(row, VERSION_CHILDREN) and row.pk:
        stored = type(row).objects.get(pk=row.pk)
        if stored.matter_version_id != row.matter_version_id:
            raise Conflict(_("A row cannot move to another version."), code="version_published")


def _condition_errors(row: models.Model) -> list[dict]:
    codes = set(Question.objects.values_list("code", flat=True))
    if isinstance(row, Question):
        codes.discard(row.code)
    errors = []
    for name in CONDITION_FIELDS:
        if hasattr(row, name):
            errors += [
                param(name, "invalid_condition", e)
                for e in validate_condition(getattr(row, name), question_codes=codes)
            ]
    return errors


@transaction.atomic
@writes_catalogue
def catalog_row_save(*, row: models.Model, actor) -> models.Model:
    """Save one catalogue row edited by a keeper. Published versions are refused."""
    _guard(row)
    raise_if(_condition_errors(row))
    created = row.pk is None
    before = row_snapshot(stored_row(row))
    if isinstance(row, CatalogRevision) and created:
        row.status = "draft"
    clean(row)
    row.save()
    audit_record(
        actor=actor,
        action="catalog_row_created" if created else "catalog_row_changed",
        obj=row,
        summary=str(row)[:300],
        data=row_diff(before, row_snapshot(row)),
    )
    return row


@transaction.atomic
@writes_catalogue
def catalog_row_delete(*, row: models.Model, actor) -> None:
    """Delete one catalogue row. Published versions and their rows are refused."""
    _guard(row)
    summary, label = str(row)[:300], row._meta.label_lower
    object_id = str(getattr(row, "public_id", row.pk))
    before = row_snapshot(stored_row(row))
    row.delete()
    audit_record(
        actor=actor,
        action="catalog_row_deleted",
        object_type=label,
        object_id=object_id,
        summary=summary,
        data=row_diff(before, {}),
    )
