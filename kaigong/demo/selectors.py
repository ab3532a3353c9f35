"""
Reads about the demo: the figures the load prints and the table of demo logins.

Every figure is computed from the catalogue rows (DESIGN.md §8), never typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from kaigong.accounts.models import User
from kaigong.catalog.models import Bundle, Matter, ProcessTrack
from kaigong.catalog.selectors import (
    bundle_get_by_code,
    bundle_material_count,
    key_project_limit,
    matter_version_in_force,
)
from kaigong.demo.data import binzhou, gaoming, people, weifang, yinan


@dataclass(frozen=True)
class DemoFigures:
    yinan_materials_before: int
    yinan_materials_after: int
    weifang_merged_certificates: int
    weifang_tracks: dict[str, int]
    binzhou_promised_limit: int | None
    binzhou_held_certificates: int
    gaoming_promised_limit: int | None
    gaoming_key_project_limit: int | None


def demo_figures(*, on: date | None = None) -> DemoFigures:
    """The seed figures, computed from the catalogue in force on ``on`` (default today)."""
    on = on or timezone.localdate()
    yinan_count = bundle_material_count(bundle_get_by_code(yinan.BUNDLE_CODE), on=on)
    merged = matter_version_in_force(Matter.objects.get(code=weifang.MERGED_MATTER_CODE), on=on)
    ten = bundle_get_by_code(binzhou.JOINT_ISSUANCE_CODE)
    rule = ten.issuance_rules.first()
    green: Bundle = bundle_get_by_code(gaoming.BUNDLE_CODE)
    tracks = ProcessTrack.objects.filter(code__in=[t["code"] for t in weifang.TRACKS])
    return DemoFigures(
        yinan_materials_before=yinan_count["before"],
        yinan_materials_after=yinan_count["after"],
        weifang_merged_certificates=merged.certificate_types.count() if merged else 0,
        weifang_tracks={t.name: t.main_process_days for t in tracks},
        binzhou_promised_limit=ten.promised_limit,
        binzhou_held_certificates=rule.certificate_types.count() if rule else 0,
        gaoming_promised_limit=green.promised_limit,
        gaoming_key_project_limit=(
            key_project_limit(green.promised_limit, green.key_project_factor)
            if green.promised_limit is not None
            else None
        ),
    )


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    organisation: str
    exists: bool


def demo_login_list() -> list[DemoLogin]:
    """The demo users in the order of the data, with their role and organisation."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[row[0] for row in people.USERS])
        .prefetch_related("memberships__enterprise", "memberships__department",
                          "memberships__service_center")
    }  # fmt: skip
    rows = []
    for username, full_name, role, _kind, _scope, _staff in people.USERS:
        user = users.get(username)
        membership = (
            next((m for m in user.memberships.all() if m.role == role), None) if user else None
        )
        scope = None
        if membership is not None:
            scope = membership.enterprise or membership.department or membership.service_center
        rows.append(
            DemoLogin(
                username=username,
                full_name=full_name,
                role=str(role.label),
                organisation=str(scope) if scope else "—",
                exists=user is not None,
            )
        )
    return rows
