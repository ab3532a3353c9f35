import pytest

from kaigong.archives.constants import DocumentKind
from kaigong.archives.models import ArchiveDocument
from kaigong.archives.services import archive_sweep
from kaigong.cases.tests.conftest import monday  # noqa: F401 - fixture
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world

pytestmark = pytest.mark.django_db


def test_sweep_files_materials_opinions_decisions_and_correction_notices(monday):  # noqa: F811
    # given one concluded case and one waiting for a correction, on the same project
    world = lifecycle_world()
    concluded = CaseFactory(world=world, issued=True)
    CaseFactory(world=world, correction_requested=True)

    # when the archive sweep runs twice
    first = archive_sweep(project=concluded.project)
    count_after_first = ArchiveDocument.objects.count()
    second = archive_sweep(project=concluded.project)

    # then every kind of case record is filed once, each with its hashes and origin
    documents = ArchiveDocument.objects.filter(folder__project=concluded.project)
    kinds = set(documents.values_list("kind", flat=True))
    assert {
        DocumentKind.MATERIAL,
        DocumentKind.OPINION,
        DocumentKind.DECISION,
        DocumentKind.CORRECTION,
    } <= kinds
    assert first == documents.count() == count_after_first
    assert second == 0  # nothing new: none filed twice
    assert ArchiveDocument.objects.count() == count_after_first
    decisions = documents.filter(kind=DocumentKind.DECISION)
    assert decisions.count() == concluded.items.count()
    assert all(len(d.sm3) == 64 and len(d.sha256) == 64 for d in documents)
    assert {d.origin_type for d in decisions} == {"cases.caseitem"}


def test_an_idle_sweep_reads_no_document_and_a_new_event_is_filed(monday):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaigong.archives.models import ArchiveFolder

    # given two projects swept once
    world = lifecycle_world()
    CaseFactory(world=world, issued=True)
    other_world = lifecycle_world()
    CaseFactory(world=other_world, submitted=True)
    assert archive_sweep() > 0
    assert ArchiveFolder.objects.filter(swept_at__isnull=True).count() == 0

    # when nothing happens for an hour, the next sweep looks once more (its watermark stays
    # SWEEP_MARGIN behind) and files nothing, and the one after it finds no project with news
    monday.shift(3600)
    assert archive_sweep() == 0
    monday.shift(3600)
    with CaptureQueriesContext(connection) as idle:
        assert archive_sweep() == 0
    assert len(idle) == 1  # the one query for projects with news

    # when a case of the second project gets a correction notice (an event, a record)
    from kaigong.cases.services.intake import case_request_correction

    case = other_world.project.cases.get()
    case_request_correction(
        case=case,
        actor=other_world.clerk,
        items=[{"kind": "material", "code": "m-drawings", "problem": "defective"}],
    )

    # then only that project is swept, and the notice is filed
    before = set(ArchiveDocument.objects.values_list("pk", flat=True))
    filed = archive_sweep()
    new = ArchiveDocument.objects.exclude(pk__in=before)
    assert filed == new.count() >= 1
    assert {d.folder.project_id for d in new} == {other_world.project.pk}
    assert ArchiveDocument.objects.filter(
        folder__project=other_world.project, kind=DocumentKind.CORRECTION
    ).exists()
