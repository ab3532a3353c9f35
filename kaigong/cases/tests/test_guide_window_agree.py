"""
The guide and the window agree on generated catalogues (hypothesis, through the database):
for a project, its guide and a draft of the same matters list the same materials with the
same 免提交 / 容缺 / 告知承诺 substitutions (issue 10, part 1).
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import DepartmentFactory, UserFactory
from kaigong.cases.applicable import case_material_needs
from kaigong.cases.services.drafting import case_create_draft
from kaigong.catalog.constants import BundleKind, QuestionKind, RevisionKind
from kaigong.catalog.services import (
    bundle_upsert,
    certificate_type_upsert,
    material_upsert,
    matter_version_draft,
    question_upsert,
    revision_create,
    revision_publish,
)
from kaigong.projects import hooks
from kaigong.projects.guide import project_guide
from kaigong.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

_n = itertools.count(1)
GREEN = {"q": "q-agree", "op": "eq", "value": True}


@st.composite
def requirement(draw, material: str, commitment_allowed: bool):
    necessity = draw(st.sampled_from(["required", "optional", "conditional"]))
    row = {"material": material, "necessity": necessity}
    if necessity == "conditional":
        row["condition"] = GREEN
    if necessity != "optional":
        row["deferrable"] = draw(st.booleans())
        row["commitment_replaces"] = commitment_allowed and draw(st.booleans())
    if draw(st.booleans()):
        row["satisfied_by"] = draw(st.sampled_from(["ct-agree-1", "ct-agree-2"]))
    return row


@st.composite
def matter(draw):
    allowed = draw(st.booleans())
    materials = draw(st.lists(st.sampled_from(["a1", "a2", "a3", "a4"]), unique=True, max_size=4))
    return {
        "commitment_allowed": allowed,
        "requirements": [draw(requirement(m, allowed)) for m in materials],
        "conditional_item": draw(st.booleans()),
    }


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    matters=st.lists(matter(), min_size=1, max_size=3),
    green=st.booleans(),
    held=st.sets(st.sampled_from(["ct-agree-1", "ct-agree-2"])),
)
def test_guide_and_window_agree_on_generated_catalogues(monkeypatch, matters, green, held):
    # given a generated catalogue, published, and a project answering the one question
    n = next(_n)
    question_upsert(code="q-agree", text="是否涉及城市绿地？", kind=QuestionKind.YES_NO)
    for code in ("ct-agree-1", "ct-agree-2"):
        certificate_type_upsert(code=code, name=f"证照{code}")
    for code in ("a1", "a2", "a3", "a4"):
        material_upsert(code=code, name=f"材料{code}")
    department = DepartmentFactory()
    revision = revision_create(
        title=f"生成{n}", kind=RevisionKind.NEW, effective_on=date(2025, 1, 1)
    )
    codes = []
    for index, spec in enumerate(matters):
        code = f"G{n}-{index}"
        codes.append(code)
        matter_version_draft(
            revision=revision, matter_code=code, department=department, name=f"事项{code}",
            statutory_limit=20, promised_limit=5, commitment_allowed=spec["commitment_allowed"],
            requirements=spec["requirements"],
        )  # fmt: skip
    revision_publish(revision=revision, actor=None)
    bundle = bundle_upsert(
        code=f"gen-{n}", name=f"生成一件事{n}", kind=BundleKind.ONE_THING,
        lead_department=department,
        items=[
            {"matter": c, "mandatory": True, "order": i,
             "condition": GREEN if spec["conditional_item"] else {}}
            for i, (c, spec) in enumerate(zip(codes, matters, strict=True))
        ],
    )  # fmt: skip
    project = ProjectFactory(answers={"q-agree": green})
    applicant = UserFactory()
    membership_grant(user=applicant, role=Role.APPLICANT, enterprise=project.enterprise)
    monkeypatch.setattr(hooks, "_provider", lambda enterprise: set(held))
    # when the guide is built and the window drafts the matters the guide lists
    guide = project_guide(project, bundle_codes=[bundle.code])
    listed = guide.bundles[0].matter_codes
    if not listed:
        return  # nothing applies: nothing to apply for
    case = case_create_draft(
        actor=applicant, project=project, bundle_code=bundle.code, matter_codes=listed
    )
    needs = case_material_needs(case)
    # then they agree, material by material
    assert {
        m.code: (m.necessity != "optional", m.deferrable, m.commitment_replaces, bool(m.covered_by))
        for m in guide.materials
    } == {n.code: (n.required, n.deferrable, n.commitment_replaces, n.exempt) for n in needs}
