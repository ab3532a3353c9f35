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
    assert second == first  # the same records seen again, none filed twice
    assert ArchiveDocument.objects.count() == count_after_first
    decisions = documents.filter(kind=DocumentKind.DECISION)
    assert decisions.count() == concluded.items.count()
    assert all(len(d.sm3) == 64 and len(d.sha256) == 64 for d in documents)
    assert {d.origin_type for d in decisions} == {"cases.caseitem"}
