"""Single-row writes from the admin: published versions and their rows are refused."""

from datetime import date

import pytest

from kaigong.catalog.models import MaterialRequirement
from kaigong.catalog.services import catalog_row_delete, catalog_row_save
from kaigong.catalog.tests.factories import MaterialFactory, draft, published_matter, revision
from kaigong.core.exceptions import Conflict, InvalidInput


@pytest.mark.django_db
def test_published_version_and_its_rows_cannot_be_changed_or_deleted():
    version = published_matter("M1", requirements=[{"material": MaterialFactory().code}])
    requirement = version.requirements.get()

    version.name = "改名"
    with pytest.raises(Conflict) as changed:
        catalog_row_save(row=version, actor=None)
    requirement.copy_copies = 9
    with pytest.raises(Conflict) as child:
        catalog_row_save(row=requirement, actor=None)
    with pytest.raises(Conflict) as deleted:
        catalog_row_delete(row=requirement, actor=None)
    added = MaterialRequirement(matter_version=version, material=MaterialFactory())
    with pytest.raises(Conflict) as new_row:
        catalog_row_save(row=added, actor=None)

    assert {changed.value.code, child.value.code, deleted.value.code, new_row.value.code} == {
        "revision_published",
        "version_published",
    }
    requirement.refresh_from_db()
    assert requirement.copy_copies == 0
    assert version.requirements.count() == 1


@pytest.mark.django_db
def test_draft_rows_can_be_changed_but_conditions_are_checked():
    version = draft(revision(effective_on=date(2025, 1, 1)), "M1",
                    requirements=[{"material": MaterialFactory().code}])  # fmt: skip
    requirement = version.requirements.get()

    requirement.copy_copies = 3
    catalog_row_save(row=requirement, actor=None)
    requirement.condition = {"q": "ghost", "op": "truthy"}
    with pytest.raises(InvalidInput) as exc:
        catalog_row_save(row=requirement, actor=None)

    requirement.refresh_from_db()
    assert requirement.copy_copies == 3
    assert exc.value.code == "invalid_condition"
