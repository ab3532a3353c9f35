"""
Before/after diffs for audit records, and the admin mixin that leaves them.

``row_snapshot(row)`` is the JSON value of a row's concrete fields (foreign keys by id,
files by name, secrets masked); ``row_diff(before, after)`` keeps only what changed:
``{"before": {field: old}, "after": {field: new}}``, the shape every audit record of a
change stores in ``AuditRecord.data`` (a creation has an empty ``before``, a deletion an
empty ``after``).

``AuditedAdminMixin`` gives a ``ModelAdmin`` that shape for its saves and deletions, inline
rows included; ``audit_admin_site()`` (core's ``ready``) mixes it into every registered
admin that does not audit through its own services (``audited_by_services = True``, as the
catalogue's do).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.db import models

from .services import audit_record

MASKED = "***"
SECRET_FIELDS = frozenset({"password", "key", "secret", "token"})
# Bookkeeping that moves with every save: not a change of its own.
IGNORED_FIELDS = frozenset({"updated_at"})


def _plain(value: Any) -> Any:
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def row_snapshot(row: models.Model | None, fields: list[str] | None = None) -> dict[str, Any]:
    """{field name: JSON value} of the row's concrete fields (``{}`` for None)."""
    if row is None:
        return {}
    snapshot = {}
    for field in row._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(row, field.attname)
        snapshot[field.name] = MASKED if field.name in SECRET_FIELDS and value else _plain(value)
    return snapshot


def row_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the fields that differ, on both sides; a masked secret counts as changed when
    its stored value changed (``changed_secrets``), never shown."""
    keys = sorted(set(before) | set(after))
    changed = [k for k in keys if k not in IGNORED_FIELDS and before.get(k) != after.get(k)]
    return {
        "before": {k: before[k] for k in changed if k in before},
        "after": {k: after[k] for k in changed if k in after},
    }


def stored_row(row: models.Model) -> models.Model | None:
    """The row as the database holds it now (None for an unsaved one)."""
    if row.pk is None:
        return None
    return type(row)._default_manager.filter(pk=row.pk).first()


def _secret_changed(before: models.Model | None, after: models.Model | None) -> list[str]:
    if before is None or after is None:
        return []
    return [
        f.name
        for f in after._meta.concrete_fields
        if f.name in SECRET_FIELDS and getattr(before, f.attname) != getattr(after, f.attname)
    ]


class AuditedAdminMixin:
    """Every admin save and deletion leaves an audit record with its before/after diff."""

    def _audit(self, request, action: str, before_row, after_row, obj) -> None:
        diff = row_diff(row_snapshot(before_row), row_snapshot(after_row))
        secrets = _secret_changed(before_row, after_row)
        for name in secrets:  # masked on both sides: say that it changed, never the value
            diff["before"][name], diff["after"][name] = MASKED, f"{MASKED} (changed)"
        if action == "admin_changed" and not diff["before"] and not diff["after"]:
            return  # saved without a change
        audit_record(
            actor=request.user,
            action=action,
            obj=obj,
            summary=str(obj)[:300],
            data={**diff, "admin": type(self).__name__},
        )

    def save_model(self, request, obj, form, change):
        before = stored_row(obj) if change else None
        super().save_model(request, obj, form, change)
        self._audit(
            request, "admin_changed" if change else "admin_created", before, stored_row(obj), obj
        )

    def delete_model(self, request, obj):
        before = stored_row(obj)
        super().delete_model(request, obj)
        self._audit(request, "admin_deleted", before, None, before or obj)

    def delete_queryset(self, request, queryset):
        rows = list(queryset)
        super().delete_queryset(request, queryset)
        for row in rows:
            self._audit(request, "admin_deleted", row, None, row)

    def save_formset(self, request, form, formset, change):
        befores = {
            f.instance.pk: stored_row(f.instance)
            for f in formset.forms
            if getattr(f, "instance", None) is not None and f.instance.pk is not None
        }
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "deleted_objects", []):
            self._audit(request, "admin_deleted", befores.get(obj.pk), None, obj)
        for obj in getattr(formset, "new_objects", []):
            self._audit(request, "admin_created", None, stored_row(obj), obj)
        for obj, _fields in getattr(formset, "changed_objects", []):
            self._audit(request, "admin_changed", befores.get(obj.pk), stored_row(obj), obj)


def audit_admin_site(site: admin.AdminSite | None = None) -> None:
    """Mix ``AuditedAdminMixin`` into every registered admin (once), except those whose
    writes are audited by their services."""
    site = site or admin.site
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if isinstance(model_admin, AuditedAdminMixin) or getattr(cls, "audited_by_services", False):
            continue
        audited = type(cls)(cls.__name__, (AuditedAdminMixin, cls), {"__module__": cls.__module__})
        site._registry[model] = audited(model, site)
