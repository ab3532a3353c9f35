"""
Benchmark: guide + timeline of the largest demo track (all of 潍坊's start-construction
themes when the demo is loaded), timed N times. ``manage.py bench_guide`` prints p50/p95.

Without demo data, a comparable catalogue (5 themes × 10 matters, chained dependencies,
8 materials each from a shared list of 40) is built through the catalogue services inside
a transaction that is rolled back afterwards.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date

from django.db import transaction

from benchmarks.stats import percentile
from kaigong.accounts.models import Department, Enterprise
from kaigong.catalog.constants import BundleKind, DependencyKind, RevisionKind
from kaigong.catalog.models import Bundle, ProcessTrack
from kaigong.catalog.services import (
    bundle_upsert,
    material_upsert,
    matter_version_draft,
    process_track_upsert,
    revision_create,
    revision_publish,
    stage_upsert,
)
from kaigong.core.clock import local_date
from kaigong.projects.guide import project_guide
from kaigong.projects.models import Project
from kaigong.projects.timeline import build_timeline


class _Rollback(Exception):
    pass


def _largest_project() -> Project | None:
    """The demo project whose default guide has the most matters (潍坊's five themes)."""
    best, size = None, (0, 0)
    for project in Project.objects.select_related("enterprise", "track")[:50]:
        guide = project_guide(project)
        key = (len(guide.matters), len(guide.bundles))
        if key > size:
            best, size = project, key
    return best


def _synthetic_catalogue() -> ProcessTrack:
    department = Department.objects.create(
        code="bench-dept", name="基准测试局", level="county", region_code="370702"
    )
    stage = stage_upsert(code="bench-stage", name="施工许可", national_stage=3)
    track = process_track_upsert(code="bench-track", name="基准测试流程", main_process_days=35)
    for i in range(40):
        material_upsert(code=f"bench-m{i}", name=f"材料{i}")
    revision = revision_create(title="bench", kind=RevisionKind.NEW, effective_on=date(2020, 1, 1))
    for theme in range(5):
        for i in range(10):
            code = f"bench-{theme}-{i}"
            deps = [
                {"prerequisite": f"bench-{theme}-{i - 1}", "kind": DependencyKind.REQUIRES_RESULT}
            ]
            if theme and i == 0:
                deps = [
                    {
                        "prerequisite": f"bench-{theme - 1}-9",
                        "kind": DependencyKind.ACCEPTS_PRE_APPROVAL,
                    }
                ]
            matter_version_draft(
                revision=revision,
                matter_code=code,
                department=department,
                name=f"事项{theme}-{i}",
                statutory_limit=20,
                promised_limit=10,
                stage=stage.code,
                pre_approval_allowed=True,
                pre_approval_days=3,
                dependencies=deps if (theme or i) else [],
                requirements=[
                    {"material": f"bench-m{(theme * 7 + i * 3 + k) % 40}"} for k in range(8)
                ],
            )
    revision_publish(revision=revision, actor=None)
    for theme in range(5):
        bundle_upsert(
            code=f"bench-theme-{theme}",
            name=f"主题{theme}",
            kind=BundleKind.THEME,
            lead_department=department,
            track=track,
            items=[{"matter": f"bench-{theme}-{i}", "order": i} for i in range(10)],
        )
    return track


def _project_for(track: ProcessTrack) -> Project:
    project = Project.objects.filter(track=track).select_related("enterprise", "track").first()
    if project is not None:
        return project
    enterprise = Enterprise.objects.first() or Enterprise.objects.create(
        uscc="91370702MA3C4X5Y6P", name="基准企业", legal_representative="—"
    )
    bundle = Bundle.objects.filter(track=track).exclude(region_code="").first()
    region = (bundle.region_code if bundle else "") or "370702"
    return Project(enterprise=enterprise, name="基准项目", track=track, region_code=region)


def run_bench(*, repeat: int = 50, out: Callable[[str], None] = print) -> dict[str, float]:
    """Time guide + timeline ``repeat`` times; return p50 and p95 in milliseconds."""
    result: dict[str, float] = {}
    try:
        with transaction.atomic():
            project = _largest_project()
            synthetic = project is None
            if synthetic:
                project = _project_for(_synthetic_catalogue())
            label = f"{project.name} ({project.track.code if project.track_id else '-'})"
            start = local_date()
            guide = project_guide(project)
            build_timeline(guide=guide, start=start, region_code=project.region_code)  # warm-up
            times = []
            for _ in range(repeat):
                began = time.perf_counter()
                guide = project_guide(project)
                build_timeline(guide=guide, start=start, region_code=project.region_code)
                times.append((time.perf_counter() - began) * 1000)
            times.sort()
            result = {
                "p50": statistics.median(times),
                "p95": percentile(times, 95),
                "matters": len(guide.matters),
                "materials_after": guide.materials_after,
            }
            out(
                f"guide+timeline of {label} ({len(guide.bundles)} bundles, "
                f"{len(guide.matters)} matters, {guide.materials_before}→{guide.materials_after} "
                f"materials{', synthetic' if synthetic else ''}): "
                f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms over {repeat} runs"
            )
            raise _Rollback
    except _Rollback:
        pass
    return result
