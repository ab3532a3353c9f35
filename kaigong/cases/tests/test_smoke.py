import pytest

from kaigong.cases.tests.factories import CaseFactory, lifecycle_world


@pytest.mark.django_db
def test_smoke_issued(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, issued=True)
    assert case.status == "issued"
