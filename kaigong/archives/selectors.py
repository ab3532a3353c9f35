"""Reads: who may see a project's archive, the ledger, a department's pushed documents."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_department_ids, user_has_role
from kaigong.cases.selectors import case_item_progress, case_list_for_project, case_list_visible_to
from kaigong.core.exceptions import NotFound
from kaigong.projects.models import Project
from kaigong.projects.selectors import project_condition

from .models import ArchiveDocument, ArchiveFolder

STAFF = (Role.REVIEWER, Role.APPROVER, Role.INSPECTOR)


def archive_project_list_visible_to(user) -> QuerySet[Project]:
    """
    A project's archive follows the visibility of the project and of the cases it holds
    (DESIGN.md §7): whoever sees the project (its enterprise, its assigned helper, a window
    clerk of its jurisdiction, a supervisor) or one of its cases (department staff of an
    item), and departments that were pushed one of its documents. Anyone else: none (404).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Project.objects.none()
    if user_has_role(user, Role.SUPERVISOR):
        return Project.objects.all()
    condition = project_condition(user)
    condition |= Q(pk__in=case_list_visible_to(user).values("project_id"))
    departments = user_department_ids(user, STAFF)
    if departments:
        condition |= Q(archive_folder__documents__pushes__department_id__in=departments)
    return Project.objects.filter(pk__in=Project.objects.filter(condition).values("pk"))


def archive_folder_get_for(user, project_public_id: UUID | str) -> ArchiveFolder:
    try:
        project = archive_project_list_visible_to(user).get(public_id=project_public_id)
        return ArchiveFolder.objects.select_related("project").get(project=project)
    except (Project.DoesNotExist, ArchiveFolder.DoesNotExist, ValueError):
        raise NotFound() from None


def archive_ledger(user, *, classification: str = "") -> list[dict[str, Any]]:
    """台账: each visible project with a folder, its document count and live progress."""
    folders = (
        ArchiveFolder.objects.filter(project__in=archive_project_list_visible_to(user))
        .select_related("project__enterprise")
        .annotate(document_count=Count("documents"))
        .order_by("classification", "project__name")
    )
    if classification:
        folders = folders.filter(classification=classification)
    rows = []
    for folder in folders:
        progress = []
        for case in case_list_for_project(folder.project)[:3]:
            progress += case_item_progress(case)
        done = sum(
            1 for p in progress if p["status"] in ("approved", "approved_deferred", "denied")
        )
        rows.append(
            {
                "folder": folder,
                "project": folder.project,
                "classification": folder.get_classification_display(),
                "documents": folder.document_count,
                "items_total": len(progress),
                "items_done": done,
                "progress": progress,
            }
        )
    return rows


def archive_document_list_pushed_to(department_ids) -> QuerySet[ArchiveDocument]:
    return (
        ArchiveDocument.objects.filter(pushes__department_id__in=department_ids)
        .select_related("folder__project")
        .distinct()
    )
