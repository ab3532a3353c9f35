"""
Reading a ``kaigong-catalog/1`` document into the database: all or nothing.

1. Parse. 2. When the catalogue already has rows: an identical file is a no-op
(``unchanged``), any other file is refused with ``catalog_not_empty`` — merging two
catalogues silently could change published versions, which never change. 3. Check every
row, collecting every error with its JSON path. 4. Only when nothing is wrong, write
everything in one transaction. A broken file is rejected whole with ``catalog_invalid``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import CheckConstraint
from django.utils.translation import gettext as _

from kaigong.accounts.models import Department
from kaigong.accounts.services import department_upsert
from kaigong.catalog.conditions import validate_condition
from kaigong.catalog.constants import Necessity, RevisionStatus, VersionStatus
from kaigong.catalog.graph import find_cycle
from kaigong.catalog.memo import catalogue_changed, fingerprint_forget
from kaigong.catalog.rules import choices_errors, limit_errors
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.services import audit_record

from .export import catalog_export_data
from .format import (
    DEPARTMENT_COLUMNS,
    FORMAT,
    NATURAL_KEY,
    SECTIONS,
    TOP_LEVEL,
    dumps,
    expected_type,
)


@dataclass
class Node:
    section: str
    path: str
    obj: models.Model
    entry: dict[str, Any]
    children: dict[str, list[Node]] = field(default_factory=dict)


def _kind(section: str) -> str:
    model = Department if section == "departments" else SECTIONS[section].model
    return str(model._meta.verbose_name)


def _error(path: str, code: str, reason: str) -> dict[str, str]:
    return {"name": path, "code": code, "reason": f"{path}: {reason}"}


def _parse(data: bytes | str | dict) -> dict:
    if isinstance(data, dict):
        return data
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            _reject([_error("$", "not_utf8", _("the file is not UTF-8 text"))])
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as exc:
        _reject([_error("$", "not_json", _("not valid JSON (%s)") % exc)])
    except RecursionError:  # nested thousands deep: refused, not a 500
        _reject([_error("$", "not_json", _("not valid JSON (%s)") % "nested too deeply")])
    if not isinstance(parsed, dict):
        _reject([_error("$", "not_object", _("the file must hold one JSON object"))])
    return parsed


def _reject(errors: list[dict[str, str]]) -> None:
    raise InvalidInput(
        _("The catalogue file has %(n)d error(s); nothing was imported.") % {"n": len(errors)},
        code="catalog_invalid",
        invalid_params=errors,
    )


def catalog_is_empty() -> bool:
    return not any(
        SECTIONS[s].model._default_manager.exists() for s in TOP_LEVEL if s != "departments"
    )


def _counts(doc: dict) -> dict[str, int]:
    counts = {s: len(doc.get(s) or []) for s in TOP_LEVEL}
    counts["matter_versions"] = sum(
        len(r.get("matter_versions") or []) for r in doc.get("revisions") or []
    )
    return counts


class _Checker:
    """Builds unsaved rows from the document and collects every error."""

    def __init__(self, doc: dict) -> None:
        self.doc = doc
        self.errors: list[dict[str, str]] = []
        self.nodes: dict[str, list[Node]] = {}
        self.keys: dict[str, set[str]] = defaultdict(set)

    def add(self, path: str, code: str, reason: str) -> None:
        self.errors.append(_error(path, code, reason))

    def run(self) -> dict[str, list[Node]]:
        doc = self.doc
        if doc.get("format") != FORMAT:
            self.add("format", "unknown_format", _('expected "%s"') % FORMAT)
        unknown = set(doc) - {"format", *TOP_LEVEL}
        if unknown:
            self.add("$", "unknown_keys", _("unknown keys: %s") % ", ".join(sorted(unknown)))
        for section in TOP_LEVEL:
            value = doc.get(section, [])
            if not isinstance(value, list):
                self.add(section, "not_list", _("must be a list"))
                doc[section] = []
        self._departments(doc.get("departments", []))
        for section in TOP_LEVEL[1:]:
            self.nodes[section] = [
                node
                for i, entry in enumerate(doc.get(section, []))
                if (node := self._node(section, f"{section}[{i}]", entry)) is not None
            ]
            self._unique(section)
        self._references()
        self._rules()
        return self.nodes

    # -- rows ---------------------------------------------------------------------------
    def _departments(self, entries: list) -> None:
        self.departments: dict[str, tuple[str, dict]] = {}
        for i, entry in enumerate(entries):
            path = f"departments[{i}]"
            if not self._shape(path, entry, set(DEPARTMENT_COLUMNS)):
                continue
            values = {k: v for k, v in entry.items() if k != "parent"}
            department = Department(**values)
            try:
                department.full_clean(exclude=["parent"], validate_unique=False)
            except ValidationError as exc:
                self._validation(path, exc)
                continue
            if entry["code"] in self.departments:
                self.add(f"{path}.code", "duplicate", _('"%s" is listed twice') % entry["code"])
            self.departments[entry["code"]] = (path, entry)
        known = set(self.departments) | set(
            Department.objects.filter(
                code__in={e.get("parent") for _p, e in self.departments.values()}
            ).values_list("code", flat=True)
        )
        for path, entry in self.departments.values():
            parent = entry.get("parent")
            if parent is not None and parent not in known:
                self.add(f"{path}.parent", "unknown_reference",
                         _('unknown department "%s"') % parent)  # fmt: skip
        self.keys["departments"] = set(self.departments) | set(
            Department.objects.values_list("code", flat=True)
        )

    def _shape(self, path: str, entry: Any, allowed: set[str]) -> bool:
        if not isinstance(entry, dict):
            self.add(path, "not_object", _("must be an object"))
            return False
        unknown = set(entry) - allowed
        if unknown:
            self.add(path, "unknown_keys", _("unknown keys: %s") % ", ".join(sorted(unknown)))
            return False
        return True

    def _validation(self, path: str, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add(path, "invalid", message)
            return
        for name, errors in exc.message_dict.items():
            where = path if name == "__all__" else f"{path}.{name}"
            for message in errors:
                self.add(where, "invalid", message)

    def _node(self, section: str, path: str, entry: Any) -> Node | None:
        spec = SECTIONS[section]
        allowed = {*spec.columns, *spec.refs, *spec.many, *spec.children}
        if not self._shape(path, entry, allowed):
            return None
        meta = spec.model._meta
        values: dict[str, Any] = {}
        typed = True
        for column in spec.columns:
            if column not in entry:
                continue
            model_field = meta.get_field(column)
            value = entry[column]
            types = expected_type(model_field)
            wrong = value is None and not model_field.null
            wrong = wrong or (value is not None and types is not None and
                              (not isinstance(value, types) or isinstance(value, bool)
                               and bool not in types))  # fmt: skip
            if wrong:
                self.add(f"{path}.{column}", "wrong_type", _("wrong type of value"))
                typed = False
            values[column] = value
        for column in spec.refs:
            if column in entry and entry[column] is not None and not isinstance(entry[column], str):
                self.add(f"{path}.{column}", "wrong_type", _("a code is text"))
                typed = False
        for column in spec.many:
            value = entry.get(column, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.add(f"{path}.{column}", "wrong_type", _("a list of codes"))
                typed = False
        node = Node(section, path, spec.model(**values), entry)
        if typed:
            exclude = [f.name for f in meta.get_fields() if f.is_relation]
            try:
                node.obj.full_clean(exclude=exclude, validate_unique=False,
                                    validate_constraints=False)  # fmt: skip
                for constraint in meta.constraints:
                    if isinstance(constraint, CheckConstraint):
                        constraint.validate(spec.model, node.obj, exclude=exclude)
            except ValidationError as exc:
                self._validation(path, exc)
        for key, child in spec.children.items():
            rows = entry.get(key, [])
            if not isinstance(rows, list):
                self.add(f"{path}.{key}", "not_list", _("must be a list"))
                rows = []
            node.children[key] = [
                n for i, e in enumerate(rows) if (n := self._node(child, f"{path}.{key}[{i}]", e))
            ]
        return node

    def _unique(self, section: str) -> None:
        key = NATURAL_KEY.get(section) or ("number" if section == "revisions" else None)
        seen: set = set()
        for node in self.nodes[section]:
            value = node.entry.get(key)
            if value in seen:
                self.add(f"{node.path}.{key}", "duplicate", _('"%s" is listed twice') % value)
            seen.add(value)
        self.keys[section] = {str(v) for v in seen if v is not None}

    # -- references ---------------------------------------------------------------------
    def _walk(self):
        stack = [n for section in TOP_LEVEL[1:] for n in self.nodes.get(section, [])]
        while stack:
            node = stack.pop(0)
            yield node
            for children in node.children.values():
                stack.extend(children)

    def _references(self) -> None:
        for node in self._walk():
            spec = SECTIONS[node.section]
            for column, target in spec.refs.items():
                value = node.entry.get(column)
                null = spec.model._meta.get_field(column).null
                if value is None:
                    if not null:
                        self.add(f"{node.path}.{column}", "required", _("a code is required"))
                    continue
                if isinstance(value, str) and value not in self.keys[target]:
                    self.add(f"{node.path}.{column}", "unknown_reference",
                             _('unknown %(kind)s "%(code)s"')
                             % {"kind": _kind(target), "code": value})  # fmt: skip
            for column, target in spec.many.items():
                for i, value in enumerate(node.entry.get(column, []) or []):
                    if isinstance(value, str) and value not in self.keys[target]:
                        self.add(f"{node.path}.{column}[{i}]", "unknown_reference",
                                 _('unknown %(kind)s "%(code)s"')
                                 % {"kind": _kind(target), "code": value})  # fmt: skip

    # -- rules of the catalogue ---------------------------------------------------------
    def _conditions(self, path: str, cond: Any, codes: set[str]) -> None:
        for message in validate_condition(cond if cond is not None else {}, question_codes=codes):
            self.add(path, "invalid_condition", message)

    def _rules(self) -> None:
        codes = self.keys["questions"]
        for node in self.nodes["questions"]:
            self._conditions(f"{node.path}.ask_when", node.entry.get("ask_when"),
                             codes - {node.entry.get("code")})  # fmt: skip
            for e in choices_errors(node.entry.get("choices", [])):
                self.add(f"{node.path}.{e['name']}", e["code"], e["reason"])
        for node in self.nodes["fields"]:
            for e in choices_errors(node.entry.get("choices", [])):
                self.add(f"{node.path}.{e['name']}", e["code"], e["reason"])
        versions: list[Node] = []
        numbers: dict[tuple, str] = {}
        for revision in self.nodes["revisions"]:
            published = revision.obj.status == RevisionStatus.PUBLISHED
            in_revision: set = set()
            for version in revision.children["matter_versions"]:
                versions.append(version)
                obj, entry, path = version.obj, version.entry, version.path
                key = (entry.get("matter"), entry.get("version"))
                if key in numbers:
                    self.add(f"{path}.version", "duplicate",
                             _("version %(v)s of %(m)s is listed twice") % {"v": key[1],
                                                                           "m": key[0]})  # fmt: skip
                numbers[key] = path
                if key[0] in in_revision:
                    self.add(f"{path}.matter", "duplicate",
                             _("one version per matter and revision"))  # fmt: skip
                in_revision.add(key[0])
                expected = VersionStatus.PUBLISHED if published else VersionStatus.DRAFT
                if obj.status != expected:
                    self.add(f"{path}.status", "status_mismatch",
                             _("must be %s like its revision") % expected)  # fmt: skip
                if published and obj.effective_from != revision.obj.effective_on:
                    self.add(f"{path}.effective_from", "status_mismatch",
                             _("must be the revision's effective date"))  # fmt: skip
                if not published and obj.effective_from is not None:
                    self.add(f"{path}.effective_from", "status_mismatch",
                             _("a draft has no effective date"))  # fmt: skip
                if isinstance(obj.statutory_limit, int) and isinstance(obj.promised_limit, int):
                    for e in limit_errors(
                        statutory=obj.statutory_limit, statutory_unit=obj.statutory_limit_unit,
                        promised=obj.promised_limit, promised_unit=obj.promised_limit_unit,
                    ):  # fmt: skip
                        self.add(f"{path}.promised_limit", e["code"], e["reason"])
                for req in version.children["requirements"]:
                    self._conditions(f"{req.path}.condition", req.entry.get("condition"), codes)
                    if req.obj.necessity == Necessity.CONDITIONAL and not req.obj.condition:
                        self.add(f"{req.path}.condition", "condition_missing",
                                 _("a conditional need needs a condition"))  # fmt: skip
                for child in version.children["fields"]:
                    self._conditions(f"{child.path}.condition", child.entry.get("condition"),
                                     codes)  # fmt: skip
                self._unique_children(version, "requirements", "material")
                self._unique_children(version, "fields", "field")
                self._unique_children(version, "dependencies", "prerequisite")
                for dep in version.children["dependencies"]:
                    if dep.entry.get("prerequisite") == entry.get("matter"):
                        self.add(f"{dep.path}.prerequisite", "dependency_cycle",
                                 _("a matter cannot depend on itself"))  # fmt: skip
        for bundle in self.nodes["bundles"]:
            for item in bundle.children["items"]:
                self._conditions(f"{item.path}.condition", item.entry.get("condition"), codes)
            self._unique_children(bundle, "items", "matter")
            self._unique_children(bundle, "issuance_rules", "code")
        self._cycles(versions)

    def _unique_children(self, node: Node, key: str, column: str) -> None:
        seen = set()
        for child in node.children.get(key, []):
            value = child.entry.get(column)
            if value in seen:
                self.add(f"{child.path}.{column}", "duplicate", _('"%s" is listed twice') % value)
            seen.add(value)

    def _cycles(self, versions: list[Node]) -> None:
        published = [v for v in versions if v.obj.status == VersionStatus.PUBLISHED]
        reported: set[tuple] = set()
        for on in sorted({v.obj.effective_from for v in published if v.obj.effective_from}):
            best: dict[str, Node] = {}
            for v in published:
                if v.obj.effective_from is None or v.obj.effective_from > on:
                    continue
                current = best.get(v.entry.get("matter"))
                rank = (v.obj.effective_from, v.obj.version or 0)
                if current is None or rank > (current.obj.effective_from, current.obj.version or 0):
                    best[v.entry.get("matter")] = v
            graph = {
                m: [d.entry.get("prerequisite") for d in v.children["dependencies"]]
                for m, v in best.items()
                if not v.obj.withdraws_matter
            }
            cycle = find_cycle(graph)
            if cycle and tuple(cycle) not in reported:
                reported.add(tuple(cycle))
                self.add(f"{best[cycle[0]].path}.dependencies", "dependency_cycle",
                         _("the dependencies form a cycle: %s") % " → ".join(cycle))  # fmt: skip


def _write(nodes: dict[str, list[Node]], departments: dict[str, tuple[str, dict]], actor) -> None:
    saved: dict[str, dict[str, models.Model]] = defaultdict(dict)
    pending = dict(departments)
    while pending:
        ready = [c for c, (_p, e) in pending.items() if e.get("parent") not in pending]
        for code in sorted(ready):
            entry = pending.pop(code)[1]
            values = {k: v for k, v in entry.items() if k not in ("code", "parent")}
            parent = entry.get("parent")
            values["parent"] = Department.objects.get(code=parent) if parent else None
            department_upsert(code=code, actor=actor, **values)
        if not ready:  # a loop of parents: refused by the database below
            raise InvalidInput(_("Departments' parents form a loop."), code="catalog_invalid")
    saved["departments"] = {d.code: d for d in Department.objects.all()}

    def save(node: Node, **parents: models.Model) -> None:
        spec = SECTIONS[node.section]
        for name, parent in parents.items():
            setattr(node.obj, name, parent)
        for column, target in spec.refs.items():
            value = node.entry.get(column)
            setattr(node.obj, column, saved[target][value] if value is not None else None)
        node.obj.save()
        for column, target in spec.many.items():
            getattr(node.obj, column).set([saved[target][c] for c in node.entry.get(column, [])])
        key = NATURAL_KEY.get(node.section)
        if key:
            saved[node.section][node.entry[key]] = node.obj
        parent_name = {
            "revisions": "revision",
            "matter_versions": "matter_version",
            "bundles": "bundle",
        }.get(node.section)
        for children in node.children.values():
            for child in children:
                save(child, **{parent_name: node.obj})

    for section in TOP_LEVEL[1:]:
        for node in nodes[section]:
            save(node)


def _contradictions(nodes: dict[str, list[Node]]) -> list[dict[str, str]]:
    """
    The checks publication makes (``rules.version_contradictions``: a material replaced by a
    告知承诺 in a version that allows none, 容缺 on an optional material, ...), on every
    version as written: a file cannot bring in what publishing would refuse. Each error is
    named by the version's path in the file and the row's path in the version.
    """
    from kaigong.catalog.models import MatterVersion
    from kaigong.catalog.rules import version_contradictions
    from kaigong.catalog.services.publish import prerequisites_in_force

    errors: list[dict[str, str]] = []
    in_force: dict[Any, dict] = {}
    for revision in nodes.get("revisions", []):
        for node in revision.children.get("matter_versions", []):
            version = (
                MatterVersion.objects.select_related("matter")
                .prefetch_related("requirements__material", "dependencies__prerequisite")
                .get(pk=node.obj.pk)
            )
            on = version.effective_from
            if on not in in_force:
                in_force[on] = prerequisites_in_force(on)
            prefix = f"{version.matter.code}."
            for e in version_contradictions(version, prerequisites=in_force[on]):
                row = e["name"].removeprefix(prefix)
                errors.append(_error(f"{node.path}.{row}", e["code"], e["reason"]))
    return errors


def catalog_import(*, data: bytes | str | dict, actor) -> dict[str, Any]:
    """
    Import a whole catalogue file. Returns ``{"status": "imported" | "unchanged",
    "counts": {...}}``. Errors: ``catalog_invalid`` (400, every error listed with its
    JSON path; nothing written; the contradictions publication refuses are among them, with
    their own codes), ``catalog_not_empty`` (409).
    """
    doc = _parse(data)
    if not catalog_is_empty():
        if dumps(doc) == dumps(catalog_export_data()):
            return {"status": "unchanged", "counts": _counts(doc)}
        raise Conflict(
            _(
                "The database already holds a different catalogue. Import into an empty "
                "catalogue, or make the changes as a new revision."
            ),
            code="catalog_not_empty",
        )
    checker = _Checker(doc)
    nodes = checker.run()
    if checker.errors:
        _reject(checker.errors)
    try:
        with transaction.atomic():
            _write(nodes, checker.departments, actor)
            catalogue_changed()  # the memo's fingerprint moves on with the import
            contradictions = _contradictions(nodes)
            if contradictions:
                _reject(contradictions)  # raises: the transaction is rolled back
            audit_record(
                actor=actor,
                action="catalog_imported",
                object_type="catalog",
                summary=_("Catalogue imported"),
                data=_counts(doc),
            )
    except (ValidationError, DatabaseError) as exc:
        _reject([_error("$", "write_failed", str(exc))])
    finally:
        fingerprint_forget()  # the request reads the catalogue afresh after the import
    return {"status": "imported", "counts": _counts(doc)}
