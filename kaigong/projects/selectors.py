"""Reads of projects and service codes, with visibility (DESIGN.md §7)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Enterprise, User
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import (
    in_jurisdiction,
    user_enterprise_ids,
    user_has_role,
    user_jurisdiction_prefixes,
    user_service_center_ids,
)
from kaigong.core.exceptions import NotFound

from .constants import ServiceCodeScope
from .models import Project, ServiceCode


def project_condition(user: User) -> Q:
    """
    The projects ``user`` may see, as a WHERE clause (archives reuse it): an applicant its
    enterprises' projects; a helper the projects assigned to it; a window clerk the projects
    in its centre's jurisdiction (the centre's region and its sub-regions, GB/T 2260) and
    those with a case submitted to its centre; a supervisor every project (read-only).
    """
    if user_has_role(user, Role.SUPERVISOR):
        return ~Q(pk__in=[])
    condition = Q(pk__in=[])
    enterprises = user_enterprise_ids(user)
    if enterprises:
        condition |= Q(enterprise_id__in=enterprises)
    if user_has_role(user, Role.HELPER):
        condition |= Q(helpers=user)
    prefixes = user_jurisdiction_prefixes(user)
    if prefixes:
        condition |= in_jurisdiction(prefixes)
    centres = user_service_center_ids(user, [Role.WINDOW_CLERK])
    if centres:
        condition |= Q(cases__service_center_id__in=centres)
    return condition


def project_list_visible_to(user: User) -> QuerySet[Project]:
    """The projects ``user`` may see (``project_condition``); anyone else: none."""
    base = Project.objects.select_related("enterprise", "track")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    if user_has_role(user, Role.SUPERVISOR):
        return base.all()
    ids = Project.objects.filter(project_condition(user)).values("pk")
    return base.filter(pk__in=ids)


def project_get_for(user: User, public_id: UUID | str) -> Project:
    """The project if ``user`` may see it; NotFound otherwise (the same answer on purpose)."""
    try:
        return project_list_visible_to(user).get(public_id=public_id)
    except (Project.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotFound(_("There is no such project."), code="project_not_found") from None


def project_facts(project: Project) -> dict[str, Any]:
    """The project attributes situation conditions may test (catalog.conditions.FACTS)."""
    return {
        "investment_type": project.investment_type,
        "track": project.track.code if project.track_id else None,
        "category": project.category,
        "is_key_project": project.is_key_project,
        "region_code": project.region_code,
        "floor_area": project.floor_area,
        "land_area": project.land_area,
        "total_investment": project.total_investment,
    }


def service_code_current(*, enterprise: Enterprise, project: Project | None) -> ServiceCode | None:
    scope = ServiceCodeScope.PROJECT if project is not None else ServiceCodeScope.ENTERPRISE
    return ServiceCode.objects.filter(
        enterprise=enterprise, project=project, scope=scope, is_active=True
    ).first()


def service_code_resolve(token: str) -> ServiceCode:
    """The active code with this token; a rotated or unknown one is NotFound."""
    code = (
        ServiceCode.objects.select_related("enterprise", "project", "project__track")
        .filter(token=token, is_active=True)
        .first()
        if token and len(token) <= 64
        else None
    )
    if code is None:
        raise NotFound(_("This service code is not valid."), code="service_code_not_found")
    return code


def enterprise_project_list(enterprise: Enterprise) -> QuerySet[Project]:
    """Every project of ``enterprise``, for its public tracking page (no visibility: the
    caller holds the enterprise's service code)."""
    return Project.objects.filter(enterprise=enterprise).select_related("track")
