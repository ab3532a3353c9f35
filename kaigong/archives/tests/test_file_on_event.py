"""Issuing a case files its archive minutes after the event, not the next night."""

from datetime import timedelta

import pytest

from kaigong.archives.constants import DocumentKind
from kaigong.archives.models import ArchiveDocument, ArchiveFolder
from kaigong.archives.selectors import archive_folder_get_for
from kaigong.cases.tests.conftest import monday  # noqa: F401 - fixture
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.core.models import DeliveryStatus, OutboxDelivery
from kaigong.core.scheduler import scheduler_tick
from kaigong.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_issuing_a_case_files_its_archive_within_seconds(monday):  # noqa: F811
    # given a running embedded runner, and a case issued through the services on Monday 10:00
    assert scheduler_tick() == []
    world = lifecycle_world()
    case = CaseFactory(world=world, issued=True)
    assert not ArchiveFolder.objects.filter(project=case.project).exists()

    # when the runner ticks a few seconds later (the nightly sweep is not due before 02:00)
    monday.shift(timedelta(seconds=6))
    ran = scheduler_tick()

    # then the relay ran, alone, and the project's archive holds the case's decisions: the
    # applicant opens it (no 404 on the day of issue)
    assert ran == ["outbox-relay"]
    documents = ArchiveDocument.objects.filter(folder__project=case.project)
    assert documents.filter(kind=DocumentKind.DECISION).count() == case.items.count()
    assert documents.filter(kind=DocumentKind.MATERIAL).exists()
    assert archive_folder_get_for(world.applicant, case.project.public_id).project == case.project
    deliveries = OutboxDelivery.objects.filter(consumer="archives.file")
    assert deliveries.exists()
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_released_certificates_are_filed_within_seconds(monday):  # noqa: F811
    # given a running runner, and certificates issued and released for a project
    assert scheduler_tick() == []
    project = ProjectFactory(region_code="371321")
    certificates = issue(issuing_catalogue(), project=project)
    released = [c for c in certificates if c.released_at is not None]
    assert released

    # when the runner ticks a few seconds later
    monday.shift(timedelta(seconds=6))
    scheduler_tick()

    # then each released certificate's PDF is in the project's archive
    filed = ArchiveDocument.objects.filter(
        folder__project=project, kind=DocumentKind.CERTIFICATE
    ).values_list("origin_id", flat=True)
    assert set(filed) == {str(c.public_id) for c in released}


def test_an_event_files_its_own_case_and_leaves_the_project_to_the_sweep(monday):  # noqa: F811
    from kaigong.archives.services import archive_sweep
    from kaigong.archives.tasks import archive_file_on_event
    from kaigong.core.models import OutboxMessage

    # given two cases of one project: one issued, one waiting for a correction
    world = lifecycle_world()
    issued = CaseFactory(world=world, issued=True)
    waiting = CaseFactory(world=world, correction_requested=True)
    assert waiting.project_id == issued.project_id

    # when the relay delivers an event of the issued case to the archive
    message = OutboxMessage(topic="case.issued", payload={"case": str(issued.public_id)})
    filed = archive_file_on_event(message)

    # then that case's records are filed, none of the other case's, and the folder's
    # watermark is left for the periodic sweep
    documents = ArchiveDocument.objects.filter(folder__project=issued.project)
    mine = {str(m.public_id) for m in issued.materials.all()}
    theirs = {str(m.public_id) for m in waiting.materials.all()}
    materials = set(
        documents.filter(kind=DocumentKind.MATERIAL).values_list("origin_id", flat=True)
    )
    assert filed == documents.count() > 0
    assert materials == mine and not materials & theirs
    assert not documents.filter(kind=DocumentKind.CORRECTION).exists()
    assert ArchiveFolder.objects.get(project=issued.project).swept_at is None

    # and the sweep files the other case's records, the issued one's not again
    assert archive_sweep() > 0
    assert documents.filter(kind=DocumentKind.CORRECTION).exists()
    swept = set(documents.filter(kind=DocumentKind.MATERIAL).values_list("origin_id", flat=True))
    assert swept == mine | theirs
    assert documents.count() == len(set(documents.values_list("origin_type", "origin_id")))
