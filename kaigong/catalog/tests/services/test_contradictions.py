"""Publishing refuses a revision whose rows contradict themselves, naming each one."""

from datetime import date

import pytest

from kaigong.catalog import services
from kaigong.catalog.constants import CaseKind, DependencyKind, Necessity, RevisionStatus
from kaigong.catalog.tests.factories import (
    CertificateTypeFactory,
    MaterialFactory,
    draft,
    published_matter,
    revision,
)
from kaigong.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db


def test_publish_names_every_self_contradicting_row():
    # given a prerequisite that gives neither a pre-approval nor a consent letter
    published_matter("P1")
    published_matter("P2")
    permit = CertificateTypeFactory(code="own-permit")
    for code in ("fund", "extra", "extra2", "plain", "own"):
        MaterialFactory(code=code, name=f"材料{code}")
    rev = revision(effective_on=date(2024, 6, 1))
    # and a draft with one contradiction of each kind
    draft(
        rev,
        "X1",
        commitment_allowed=False,
        pre_approval_allowed=False,
        pre_approval_days=3,
        separation_relaxed=True,
        case_kind=CaseKind.PROMISED,
        certificate_types=["own-permit"],
        requirements=[
            {"material": "fund", "commitment_replaces": True},
            {"material": "extra", "necessity": Necessity.OPTIONAL, "deferrable": True},
            {"material": "extra2", "necessity": Necessity.OPTIONAL, "commitment_replaces": True},
            {"material": "plain", "condition": {"fact": "floor_area", "op": "gt", "value": 1}},
            {"material": "own", "satisfied_by": permit.code},
        ],
        dependencies=[
            {"prerequisite": "P1", "kind": DependencyKind.ACCEPTS_PRE_APPROVAL},
            {"prerequisite": "P2", "kind": DependencyKind.ACCEPTS_CONSENT_LETTER},
        ],
    )
    # when it is published
    with pytest.raises(InvalidInput) as exc:
        services.revision_publish(revision=rev, actor=None)
    # then every contradicting row is named with its stable code
    named = {(p["name"], p["code"]) for p in exc.value.invalid_params}
    assert named == {
        ("X1.requirements.fund.commitment_replaces", "commitment_replaces_without_commitment"),
        ("X1.requirements.extra.deferrable", "deferrable_optional_material"),
        ("X1.requirements.extra2.commitment_replaces", "commitment_replaces_without_commitment"),
        ("X1.requirements.extra2.commitment_replaces", "commitment_replaces_optional_material"),
        ("X1.requirements.plain.condition", "condition_on_unconditional_need"),
        ("X1.pre_approval_days", "pre_approval_days_without_pre_approval"),
        ("X1.separation_relaxed", "separation_relaxed_not_instant"),
        ("X1.dependencies.P1.kind", "prerequisite_has_no_pre_approval"),
        ("X1.dependencies.P2.kind", "prerequisite_has_no_consent_letter"),
    }
    # and nothing was published
    rev.refresh_from_db()
    assert rev.status == RevisionStatus.DRAFT


def test_the_refusal_is_in_chinese(settings):
    # given a material replaced by a commitment in a matter without 告知承诺
    MaterialFactory(code="fund", name="建设资金已经落实承诺书")
    rev = revision(effective_on=date(2024, 6, 1))
    draft(rev, "X2", requirements=[{"material": "fund", "commitment_replaces": True}])
    # when it is published in Chinese
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(InvalidInput) as exc:
        services.revision_publish(revision=rev, actor=None)
    # then the reason names the material, in Chinese
    reason = exc.value.invalid_params[0]["reason"]
    assert "建设资金已经落实承诺书" in reason
    assert "告知承诺" in reason


def test_a_consistent_matter_publishes():
    # given a matter that allows 告知承诺 and a prerequisite that gives a pre-approval
    published_matter("P3", pre_approval_allowed=True, pre_approval_days=2)
    MaterialFactory(code="fund")
    rev = revision(effective_on=date(2024, 6, 1))
    draft(
        rev,
        "X3",
        commitment_allowed=True,
        requirements=[{"material": "fund", "commitment_replaces": True, "deferrable": True}],
        dependencies=[{"prerequisite": "P3", "kind": DependencyKind.ACCEPTS_PRE_APPROVAL}],
    )
    # when / then
    services.revision_publish(revision=rev, actor=None)
    rev.refresh_from_db()
    assert rev.status == RevisionStatus.PUBLISHED
