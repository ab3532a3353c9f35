"""Helpers shared by the catalogue's services: clean-or-raise, lookups by code, upserts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from kaigong.accounts.models import Department
from kaigong.catalog.constants import RevisionStatus, VersionStatus
from kaigong.catalog.models import CatalogRevision, MatterVersion
from kaigong.core.audit import row_diff, row_snapshot
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.services import audit_record


def param(name: str, code: str, reason: Any) -> dict[str, str]:
    return {"name": name, "code": code, "reason": str(reason)}


def raise_if(errors: list[dict[str, str]]) -> None:
    """Raise one InvalidInput listing every error; its code is the first error's."""
    if errors:
        raise InvalidInput(errors[0]["reason"], code=errors[0]["code"], invalid_params=errors)


def validation_params(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    def name(field: str) -> str:
        if field == "__all__":
            return prefix or "__all__"
        return f"{prefix}.{field}" if prefix else field

    if hasattr(exc, "error_dict"):
        return [
            param(name(field), e.code or "invalid", e.message % (e.params or {}))
            for field, errs in exc.error_dict.items()
            for e in errs
        ]
    return [param(prefix or "__all__", e.code or "invalid", e.message % (e.params or {}))
            for e in exc.error_list]  # fmt: skip


def clean(obj: models.Model, *, prefix: str = "", exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise_if(validation_params(exc, prefix))


def department_from(value: Any, *, name: str, errors: list) -> Department | None:
    """A Department given as itself or by its code; an error is appended when unknown."""
    if isinstance(value, Department):
        return value
    department = Department.objects.filter(code=str(value or "")).first()
    if department is None:
        errors.append(param(name, "unknown_department", _('unknown department "%s"') % value))
    return department


_CODE_NAMES = {
    "fieldspec": "field",
    "certificatetype": "certificate_type",
    "processtrack": "process_track",
}


def by_code(model: type[models.Model], value: Any, *, name: str, errors: list, field="code"):
    """A catalogue row given as itself or by its code; None (and no error) for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    row = model._default_manager.filter(**{field: str(value)}).first()
    if row is None:
        code = "unknown_" + _CODE_NAMES.get(model._meta.model_name, model._meta.model_name)
        reason = _('unknown %(kind)s "%(code)s"') % {
            "kind": model._meta.verbose_name,
            "code": value,
        }
        errors.append(param(name, code, reason))
    return row


def upsert(
    model: type[models.Model], *, lookup: dict[str, Any], values: dict[str, Any], actor, action: str
):
    """Create or update the row found by ``lookup``; cleans first; leaves an audit record."""
    row = model._default_manager.select_for_update().filter(**lookup).first()
    created = row is None
    changed: list[str] = []
    before = row_snapshot(row)
    if created:
        row = model(**lookup, **values)
        clean(row)
        row.save()
    else:
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        for key in changed:
            setattr(row, key, values[key])
        if changed:
            clean(row)
            row.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=row,
        summary=str(row),
        data={
            "created": created,
            "changed": changed,
            **{k: str(v) for k, v in lookup.items()},
            **row_diff(before, row_snapshot(row)),
        },
    )
    return row


def ensure_revision_draft(revision: CatalogRevision) -> None:
    if revision.status != RevisionStatus.DRAFT:
        raise Conflict(
            _("This revision is published and can no longer change; start a new revision."),
            code="revision_published",
        )


def ensure_version_draft(version: MatterVersion) -> None:
    # rule: a published version never changes (动态调整 by new versions; DESIGN.md §3)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            _("This matter version is published and can no longer change."),
            code="version_published",
        )
