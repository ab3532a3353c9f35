"""
The guide and the window agree (issue 10, part 1): for every demo project and every bundle
its guide lists, a draft application of the matters the guide lists asks for the same
materials, with the same 免提交 / 容缺 / 告知承诺 substitutions, and the same form fields.
"""

from __future__ import annotations

from django.db import transaction

import pytest

from kaigong.accounts.models import Membership
from kaigong.accounts.roles import Role
from kaigong.cases.applicable import case_form_schema, case_material_needs
from kaigong.cases.services.drafting import case_create_draft
from kaigong.catalog.models import MatterVersion
from kaigong.catalog.rules import version_contradictions
from kaigong.demo.loader import demo_load
from kaigong.projects.guide import project_guide
from kaigong.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def _guide_rows(guide, matter_codes):
    return {
        m.code: {
            "required": m.necessity != "optional",
            "deferrable": m.deferrable,
            "commitment_replaces": m.commitment_replaces,
            "exempt": bool(m.covered_by),
        }
        for m in guide.materials
        if set(m.matter_codes) & set(matter_codes)
    }


def _window_rows(needs):
    return {
        n.code: {
            "required": n.required,
            "deferrable": n.deferrable,
            "commitment_replaces": n.commitment_replaces,
            "exempt": bool(n.exempt_by),
        }
        for n in needs
    }


def test_the_demo_catalogue_contradicts_itself_nowhere(loaded):
    # given every published version of the demo catalogue
    versions = list(
        MatterVersion.objects.prefetch_related(
            "requirements__material", "dependencies__prerequisite", "certificate_types"
        ).select_related("matter")
    )
    by_matter = {v.matter_id: v for v in versions}
    # then none has a self-contradicting row
    problems = [e for v in versions for e in version_contradictions(v, prerequisites=by_matter)]
    assert problems == []


def test_guide_and_window_give_the_same_materials_for_every_demo_project(loaded):
    compared = 0
    for project in Project.objects.select_related("enterprise"):
        applicant = Membership.objects.filter(
            enterprise=project.enterprise, role=Role.APPLICANT
        ).first()
        guide = project_guide(project)
        for bundle in guide.bundles:
            if not bundle.matter_codes:
                continue
            # given a draft of the matters the guide lists for this bundle
            with transaction.atomic():
                case = case_create_draft(
                    actor=applicant.user,
                    project=project,
                    bundle_code=bundle.code,
                    matter_codes=bundle.matter_codes,
                )
                # when the window lists what it asks for
                needs = case_material_needs(case)
                schema = case_form_schema(case)
                transaction.set_rollback(True)
            # then it is what the guide says, substitution for substitution
            assert {c.code for c in case.matters.all()} <= set(bundle.matter_codes)
            assert _window_rows(needs) == _guide_rows(guide, bundle.matter_codes), (
                project.name,
                bundle.code,
            )
            assert schema["properties"], (project.name, bundle.code)
            compared += 1
    assert compared >= 5  # every demo project was compared at least once
