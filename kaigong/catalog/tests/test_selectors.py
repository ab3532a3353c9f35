"""Which version is in force on a date; bundles; the key-project limit."""

from datetime import date
from decimal import Decimal

import pytest

from kaigong.accounts.tests.factories import DepartmentFactory
from kaigong.catalog import selectors, services
from kaigong.catalog.tests.factories import MaterialFactory, draft, published_matter, revision
from kaigong.core.exceptions import NotFound


@pytest.mark.django_db
def test_the_version_in_force_follows_the_dates_including_withdrawal():
    # given v1 from 2024-01-01, v2 from 2025-01-01, withdrawn from 2026-01-01
    v1 = published_matter("M1", effective_on=date(2024, 1, 1))
    rev2 = revision(effective_on=date(2025, 1, 1))
    v2 = draft(rev2, "M1", name="第二版")
    services.revision_publish(revision=rev2, actor=None)
    rev3 = revision(effective_on=date(2026, 1, 1), kind="removed")
    services.matter_withdraw_draft(revision=rev3, matter_code="M1")
    services.revision_publish(revision=rev3, actor=None)
    matter = v1.matter

    assert selectors.matter_version_in_force(matter, on=date(2023, 12, 31)) is None
    assert selectors.matter_version_in_force(matter, on=date(2024, 1, 1)) == v1
    assert selectors.matter_version_in_force(matter, on=date(2024, 12, 31)) == v1
    assert selectors.matter_version_in_force(matter, on=date(2025, 1, 1)) == v2
    assert selectors.matter_version_in_force(matter, on=date(2026, 1, 1)) is None
    assert selectors.matter_versions_in_force(on=date(2025, 6, 1)) == {matter.id: v2}
    assert selectors.matter_versions_in_force(on=date(2026, 6, 1)) == {}


@pytest.mark.django_db
def test_drafts_are_never_in_force():
    rev = revision(effective_on=date(2020, 1, 1))
    version = draft(rev, "M1")

    assert selectors.matter_version_in_force(version.matter, on=date(2030, 1, 1)) is None


@pytest.mark.django_db
def test_in_force_list_filters_by_department_and_text():
    department = DepartmentFactory(code="zhujian")
    published_matter("M1", department=department, name="施工许可")
    published_matter("M2", name="规划许可")

    by_department = selectors.matter_version_list_in_force(
        on=date(2024, 6, 1), department_code="zhujian"
    )
    by_text = selectors.matter_version_list_in_force(on=date(2024, 6, 1), q="规划")

    assert [v.matter.code for v in by_department] == ["M1"]
    assert [v.matter.code for v in by_text] == ["M2"]


@pytest.mark.parametrize(
    ("limit", "factor", "expected"),
    [
        (48, Decimal("0.7"), 34),  # 33.6 → 34 (高明)
        (10, Decimal("0.7"), 7),
        (11, Decimal("0.7"), 8),  # 7.7 → 8
        (20, Decimal("0.5"), 10),
        (1, Decimal("0.3"), 1),
        (0, Decimal("0.7"), 0),
        (35, None, 35),
        (35, Decimal("1"), 35),
    ],
)
def test_key_project_limit_rounds_up(limit, factor, expected):
    assert selectors.key_project_limit(limit, factor) == expected


@pytest.mark.django_db
def test_bundle_material_counts_are_computed_from_the_versions_in_force():
    shared = MaterialFactory(code="licence")
    own = MaterialFactory(code="a-only")
    published_matter("A", requirements=[{"material": shared.code}, {"material": own.code}])
    published_matter("B", requirements=[{"material": shared.code}])
    bundle = services.bundle_upsert(
        code="kaigong",
        name="开工一件事",
        kind="one_thing",
        lead_department=DepartmentFactory(),
        items=[{"matter": "A"}, {"matter": "B", "mandatory": False}],
    )

    counts = selectors.bundle_material_count(bundle, on=date(2024, 6, 1))

    assert counts == {"before": 3, "after": 2}


@pytest.mark.django_db
def test_bundle_get_by_code_raises_not_found():
    with pytest.raises(NotFound) as exc:
        selectors.bundle_get_by_code("nope")

    assert exc.value.code == "bundle_not_found"
