"""Factories for the catalogue. Versions are built through the services (the one path)."""

from datetime import date

import factory

from kaigong.accounts.tests.factories import DepartmentFactory
from kaigong.catalog import services
from kaigong.catalog.constants import NationalStage, QuestionKind, RevisionKind, SourceChannel
from kaigong.catalog.models import (
    CertificateType,
    FieldSpec,
    Material,
    ProcessTrack,
    Question,
    Stage,
)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"stage-{n}")
    name = factory.Sequence(lambda n: f"阶段{n}")
    national_stage = NationalStage.CONSTRUCTION_PERMIT


class ProcessTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessTrack
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"track-{n}")
    name = factory.Sequence(lambda n: f"流程{n}")
    main_process_days = 35


class CertificateTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cert-{n}")
    name = factory.Sequence(lambda n: f"证照{n}")


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"material-{n}")
    name = factory.Sequence(lambda n: f"材料{n}")
    source_channel = SourceChannel.APPLICANT


class FieldSpecFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldSpec
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"字段{n}")
    field_type = "string"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"q-{n}")
    text = factory.Sequence(lambda n: f"问题{n}？")
    kind = QuestionKind.YES_NO


def revision(*, effective_on=date(2024, 1, 1), kind=RevisionKind.NEW, title="修订", actor=None):
    return services.revision_create(title=title, kind=kind, effective_on=effective_on, actor=actor)


def draft(rev, code, *, department=None, name=None, statutory=20, promised=10, **kwargs):
    """Draft a matter version with sensible defaults."""
    return services.matter_version_draft(
        revision=rev,
        matter_code=code,
        department=department or DepartmentFactory(),
        name=name or f"事项{code}",
        statutory_limit=statutory,
        promised_limit=promised,
        **kwargs,
    )


def published_matter(code, *, effective_on=date(2024, 1, 1), **kwargs):
    """One matter with one published version; returns the version."""
    rev = revision(effective_on=effective_on)
    version = draft(rev, code, **kwargs)
    services.revision_publish(revision=rev, actor=None)
    version.refresh_from_db()
    return version
