"""
What the public tracking page (服务专码, /track/{token}/) may tell a stranger's phone.

Only progress: the names of the materials submitted, each matter's status, due date and
warning colour, the next steps, the materials still to prepare and the certificates still
held (type name and why, never an identifier). Never a person's name
or phone, no files, no opinions, no identifiers beyond the project's name. The payload is
built from an explicit list of keys (``TRACK_KEYS``) so that nothing else can slip in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .guide import project_guide
from .hooks import case_progress, certificate_holds
from .models import Project, ServiceCode
from .selectors import enterprise_project_list

TRACK_KEYS = ("scope", "projects")
PROJECT_KEYS = (
    "name",
    "matters",
    "submitted_materials",
    "next_steps",
    "materials_to_prepare",
    "certificates_held",
)
HOLD_KEYS = ("name", "reasons")
MATTER_KEYS = ("name", "department", "status", "due_on", "warning")
WARNINGS = ("green", "yellow", "red", "")


def _project_progress(project: Project) -> dict[str, Any]:
    rows = case_progress(project)
    by_code = {row.get("matter_code"): row for row in rows if row.get("matter_code")}
    guide = project_guide(project)
    matters = []
    submitted: list[str] = []
    for row in rows:
        for name in row.get("submitted_materials") or []:
            if name not in submitted:
                submitted.append(str(name))
    seen: set[str] = set()
    for matter in guide.matters:
        row = by_code.get(matter.code)
        seen.add(matter.code)
        matters.append(_matter(matter.name, matter.department, row))
    for code, row in by_code.items():
        if code not in seen:
            matters.append(_matter(row.get("matter_name", ""), row.get("department_name", ""), row))
    next_steps = list(dict.fromkeys(str(row["next_step"]) for row in rows if row.get("next_step")))
    if not rows:
        if guide.unanswered:
            next_steps.append(_("Answer the situation questions of the customised guide."))
        stages = [s.name for s in guide.stages]
        if stages:
            next_steps.append(
                _("Apply for the matters of the stage “%(stage)s”.") % {"stage": stages[0]}
            )
    to_prepare = [m.name for m in guide.materials if not m.covered_by and m.name not in submitted]
    return {
        "name": project.name,
        "matters": matters,
        "submitted_materials": submitted,
        "next_steps": next_steps,
        "materials_to_prepare": to_prepare,
        # 已出证 only when every certificate is released: the held ones, named, with why
        "certificates_held": [
            {"name": str(h.get("name", "")), "reasons": [str(r) for r in h.get("reasons", [])]}
            for h in certificate_holds(project)
        ],
    }


def _matter(name: str, department: str, row: Any) -> dict[str, Any]:
    if row is None:
        return {
            "name": name,
            "department": department,
            "status": _("Not yet applied"),
            "due_on": None,
            "warning": "",
        }
    due = row.get("due_on")
    warning = row.get("warning") or ""
    return {
        "name": name,
        "department": department or row.get("department_name", ""),
        "status": str(row.get("status_label") or row.get("status") or ""),
        "due_on": due.isoformat() if isinstance(due, date) else (str(due) if due else None),
        "warning": warning if warning in WARNINGS else "",
    }


def track_payload(code: ServiceCode) -> dict[str, Any]:
    """The whole public payload for a resolved service code."""
    if code.project_id is not None:
        projects = [code.project]
    else:
        projects = list(enterprise_project_list(code.enterprise))
    return {"scope": code.scope, "projects": [_project_progress(p) for p in projects]}
