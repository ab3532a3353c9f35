"""Drafting and publishing matter versions; published versions never change."""

from datetime import date

from django.forms.models import model_to_dict

import pytest

from kaigong.accounts.tests.factories import DepartmentFactory
from kaigong.catalog import services
from kaigong.catalog.constants import Necessity, RevisionStatus, VersionStatus
from kaigong.catalog.models import MatterVersion
from kaigong.catalog.tests.factories import (
    CertificateTypeFactory,
    FieldSpecFactory,
    MaterialFactory,
    QuestionFactory,
    StageFactory,
    draft,
    published_matter,
    revision,
)
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.models import AuditRecord


def _snapshot(version: MatterVersion) -> dict:
    """Every column of the version and of its child rows, for before/after comparisons."""
    version = MatterVersion.objects.get(pk=version.pk)

    def rows(qs):
        return [
            {f.attname: getattr(r, f.attname) for f in r._meta.concrete_fields}
            for r in qs.order_by("id")
        ]

    return {
        "version": {f.attname: getattr(version, f.attname) for f in version._meta.concrete_fields},
        "requirements": rows(version.requirements.all()),
        "fields": rows(version.fields.all()),
        "dependencies": rows(version.dependencies.all()),
        "certificate_types": sorted(version.certificate_types.values_list("id", flat=True)),
    }


@pytest.mark.django_db
def test_draft_creates_the_matter_and_its_children():
    material = MaterialFactory(code="plan")
    spec = FieldSpecFactory(key="project_name")
    cert = CertificateTypeFactory(code="permit")
    question = QuestionFactory(code="has_land")
    stage = StageFactory(code="s3")
    rev = revision()

    version = draft(
        rev,
        "M1",
        stage="s3",
        requirements=[
            {"material": "plan", "copy_copies": 2, "satisfied_by": "permit"},
            {
                "material": MaterialFactory(code="land").code,
                "necessity": Necessity.CONDITIONAL,
                "condition": {"q": question.code, "op": "truthy"},
            },
        ],
        fields=[{"field": spec.key}],
        certificate_types=["permit"],
        is_fee=True,
    )

    assert version.version == 1
    assert version.status == VersionStatus.DRAFT
    assert version.matter.code == "M1"
    assert version.stage == stage
    assert version.is_fee is True
    assert [r.material for r in version.requirements.all()] == [
        material,
        MaterialFactory(code="land"),
    ]
    assert version.requirements.first().satisfied_by == cert
    assert version.fields.get().field == spec
    assert list(version.certificate_types.all()) == [cert]
    assert AuditRecord.objects.filter(action="catalog_version_drafted").count() == 1


@pytest.mark.django_db
def test_drafting_again_in_the_same_revision_replaces_the_draft():
    rev = revision()
    first = draft(rev, "M1", requirements=[{"material": MaterialFactory().code}])

    second = draft(rev, "M1", name="新名称", requirements=[])

    assert second.pk == first.pk
    assert second.name == "新名称"
    assert second.requirements.count() == 0


@pytest.mark.django_db
def test_draft_lists_every_error_at_once():
    rev = revision()

    with pytest.raises(InvalidInput) as exc:
        draft(
            rev,
            "M1",
            department="no-such-department",
            stage="no-such-stage",
            requirements=[
                {"material": "ghost"},
                {"material": MaterialFactory().code, "condition": {"q": "x", "op": "truthy"}},
            ],
            fields=[{"field": "nope"}],
            certificate_types=["nope"],
            colour="red",
        )

    codes = {(p["name"], p["code"]) for p in exc.value.invalid_params}
    assert ("department", "unknown_department") in codes
    assert ("stage", "unknown_stage") in codes
    assert ("requirements[0].material", "unknown_material") in codes
    assert ("requirements[1].condition", "invalid_condition") in codes
    assert ("fields[0].field", "unknown_field") in codes
    assert ("certificate_types[0]", "unknown_certificate_type") in codes
    assert ("__all__", "unknown_keys") in codes
    assert MatterVersion.objects.count() == 0


@pytest.mark.django_db
def test_promised_limit_over_statutory_is_rejected():
    rev = revision()

    with pytest.raises(InvalidInput) as exc:
        draft(rev, "M1", statutory=20, promised=21)

    assert exc.value.code == "promised_exceeds_statutory"


@pytest.mark.django_db
def test_promised_working_days_over_statutory_natural_days_is_rejected():
    rev = revision()

    with pytest.raises(InvalidInput) as exc:
        draft(rev, "M1", statutory=20, statutory_limit_unit="ND", promised=25)

    assert exc.value.code == "promised_exceeds_statutory"


@pytest.mark.django_db
def test_publish_sets_status_and_date_and_records_who():
    actor = DepartmentFactory() and None
    rev = revision(effective_on=date(2024, 3, 1))
    version = draft(rev, "M1")

    services.revision_publish(revision=rev, actor=actor)

    rev.refresh_from_db()
    version.refresh_from_db()
    assert rev.status == RevisionStatus.PUBLISHED
    assert rev.published_at is not None
    assert version.status == VersionStatus.PUBLISHED
    assert version.effective_from == date(2024, 3, 1)
    assert AuditRecord.objects.filter(action="catalog_revision_published").exists() is True


@pytest.mark.django_db
def test_publishing_revision_two_leaves_version_one_unchanged():
    # given a published version 1 with children
    cert = CertificateTypeFactory()
    dep_target = published_matter("PRE")
    v1 = published_matter(
        "M1",
        requirements=[{"material": MaterialFactory().code, "copy_copies": 1}],
        fields=[{"field": FieldSpecFactory().key}],
        dependencies=[{"prerequisite": dep_target.matter.code}],
        certificate_types=[cert.code],
    )
    before = _snapshot(v1)
    # when revision 2 changes every element of the matter and is published
    rev2 = revision(effective_on=date(2025, 1, 1), kind="standard_adjustment")
    v2 = draft(
        rev2,
        "M1",
        name="改名",
        statutory=30,
        promised=5,
        requirements=[{"material": MaterialFactory().code}],
        fields=[],
        certificate_types=[CertificateTypeFactory().code],
    )
    services.revision_publish(revision=rev2, actor=None)
    # then version 1 is exactly as it was
    assert _snapshot(v1) == before
    assert v2.version == 2


@pytest.mark.django_db
def test_a_published_version_cannot_be_redrafted_or_discarded():
    v1 = published_matter("M1")

    with pytest.raises(Conflict) as exc:
        draft(v1.revision, "M1")
    assert exc.value.code == "revision_published"

    with pytest.raises(Conflict) as exc:
        services.matter_version_discard(version=v1)
    assert exc.value.code == "version_published"


@pytest.mark.django_db
def test_publishing_twice_is_refused():
    v1 = published_matter("M1")

    with pytest.raises(Conflict) as exc:
        services.revision_publish(revision=v1.revision, actor=None)

    assert exc.value.code == "revision_published"


@pytest.mark.django_db
def test_an_empty_revision_cannot_be_published():
    with pytest.raises(InvalidInput) as exc:
        services.revision_publish(revision=revision(), actor=None)

    assert exc.value.code == "revision_empty"


@pytest.mark.django_db
def test_a_dependency_cycle_is_rejected_naming_it():
    # given A → B published, and a revision where B → C and C → A
    published_matter("B")
    a = published_matter("A", dependencies=[{"prerequisite": "B"}])
    rev = revision(effective_on=date(2025, 1, 1))
    draft(rev, "C", name="丙", dependencies=[{"prerequisite": "A"}])
    draft(rev, "B", name="乙", dependencies=[{"prerequisite": "C"}])

    with pytest.raises(Conflict) as exc:
        services.revision_publish(revision=rev, actor=None)

    assert exc.value.code == "dependency_cycle"
    assert exc.value.extra["cycle"] == ["A", "B", "C", "A"]
    assert f"{a.name} (A) → 事项B (B) → 丙 (C) → {a.name} (A)" in str(exc.value.message)
    rev.refresh_from_db()
    assert rev.status == RevisionStatus.DRAFT


@pytest.mark.django_db
def test_a_matter_cannot_depend_on_itself():
    rev = revision()
    published_matter("A")

    with pytest.raises(InvalidInput) as exc:
        draft(rev, "A", dependencies=[{"prerequisite": "A"}])

    assert exc.value.code == "dependency_cycle"


@pytest.mark.django_db
def test_withdrawal_takes_the_matter_out_but_keeps_its_history():
    v1 = published_matter("M1")
    rev = revision(effective_on=date(2025, 1, 1), kind="removed")

    withdrawal = services.matter_withdraw_draft(revision=rev, matter_code="M1")
    services.revision_publish(revision=rev, actor=None)

    withdrawal.refresh_from_db()
    assert withdrawal.withdraws_matter is True
    assert withdrawal.version == 2
    assert withdrawal.name == v1.name


@pytest.mark.django_db
def test_a_withdrawn_prerequisite_still_needed_is_refused():
    published_matter("PRE")
    published_matter("M1", dependencies=[{"prerequisite": "PRE"}])
    rev = revision(effective_on=date(2025, 1, 1), kind="removed")
    services.matter_withdraw_draft(revision=rev, matter_code="PRE")

    with pytest.raises(InvalidInput) as exc:
        services.revision_publish(revision=rev, actor=None)

    assert exc.value.code == "matter_still_required"


@pytest.mark.django_db
def test_a_revision_dated_before_a_published_version_of_the_same_matter_is_refused():
    published_matter("M1", effective_on=date(2025, 1, 1))
    rev = revision(effective_on=date(2024, 6, 1))
    draft(rev, "M1")

    with pytest.raises(InvalidInput) as exc:
        services.revision_publish(revision=rev, actor=None)

    assert exc.value.code == "revision_out_of_order"


@pytest.mark.django_db
def test_never_published_matter_cannot_be_withdrawn_and_its_draft_can_be_discarded():
    rev = revision()
    version = draft(rev, "NEW")

    with pytest.raises(Conflict) as exc:
        services.matter_withdraw_draft(revision=rev, matter_code="NEW")
    assert exc.value.code == "matter_never_published"

    services.matter_version_discard(version=version)
    assert MatterVersion.objects.filter(pk=version.pk).exists() is False


@pytest.mark.django_db
def test_version_snapshot_helper_sees_changes():
    # guards the immutability test: the snapshot must notice a change
    v1 = published_matter("M1")
    before = _snapshot(v1)
    MatterVersion.objects.filter(pk=v1.pk).update(notes="changed")
    assert _snapshot(v1) != before
    assert model_to_dict(v1)
