"""Upserts of the reference lists and of bundles."""

from decimal import Decimal

import pytest

from kaigong.accounts.tests.factories import DepartmentFactory
from kaigong.catalog import services
from kaigong.catalog.models import Bundle, Material
from kaigong.catalog.tests.factories import (
    CertificateTypeFactory,
    QuestionFactory,
    published_matter,
)
from kaigong.core.exceptions import InvalidInput
from kaigong.core.models import AuditRecord


@pytest.mark.django_db
def test_material_upsert_creates_then_updates_by_code():
    first = services.material_upsert(code="plan", name="总平面图")

    second = services.material_upsert(code="plan", name="总平面布置图")

    assert second.pk == first.pk
    assert Material.objects.get().name == "总平面布置图"
    assert AuditRecord.objects.filter(action="catalog_material_saved").count() == 2


@pytest.mark.django_db
def test_certificate_type_takes_a_department_code():
    department = DepartmentFactory(code="zhujian")

    cert = services.certificate_type_upsert(code="permit", name="施工许可证",
                                            issuing_department="zhujian")  # fmt: skip

    assert cert.issuing_department == department


@pytest.mark.django_db
def test_question_ask_when_is_validated():
    QuestionFactory(code="has_land")

    services.question_upsert(
        code="land_kind",
        text="土地类型？",
        kind="single",
        choices=[{"value": "a", "label": "划拨"}],
        ask_when={"q": "has_land", "op": "truthy"},
    )
    with pytest.raises(InvalidInput) as exc:
        services.question_upsert(code="x", text="？", kind="yes_no",
                                 ask_when={"q": "x", "op": "truthy"})  # fmt: skip

    assert exc.value.code == "invalid_condition"


@pytest.mark.django_db
def test_choice_question_needs_well_formed_choices():
    with pytest.raises(InvalidInput) as exc:
        services.question_upsert(code="x", text="？", kind="single", choices=[{"v": 1}])

    codes = {p["code"] for p in exc.value.invalid_params}
    assert codes == {"invalid_choices"}


@pytest.mark.django_db
def test_bundle_upsert_keeps_items_by_matter_and_rules_by_code():
    published_matter("A")
    published_matter("B")
    cert = CertificateTypeFactory(code="permit")
    department = DepartmentFactory()
    bundle = services.bundle_upsert(
        code="b",
        name="联发",
        kind="joint_issuance",
        lead_department=department,
        items=[{"matter": "A"}, {"matter": "B"}],
        key_project_factor="0.7",
        issuance_rules=[
            {"code": "land", "condition_name": "取得土地", "certificate_types": ["permit"]}
        ],
    )
    item_a = bundle.items.get(matter__code="A")

    services.bundle_upsert(
        code="b", name="联发", kind="joint_issuance", lead_department=department,
        items=[{"matter": "A", "mandatory": False}],
    )  # fmt: skip

    item_a.refresh_from_db()
    assert item_a.mandatory is False
    assert bundle.items.count() == 1
    assert bundle.issuance_rules.count() == 0
    assert Bundle.objects.get().key_project_factor is None
    assert cert.pk


@pytest.mark.django_db
def test_bundle_factor_outside_zero_to_one_is_rejected():
    with pytest.raises(InvalidInput) as exc:
        services.bundle_upsert(code="b", name="x", kind="theme",
                               lead_department=DepartmentFactory(), key_project_factor=Decimal("1.5"))  # fmt: skip

    assert exc.value.invalid_params[0]["name"] == "key_project_factor"


@pytest.mark.django_db
def test_bundle_items_refuse_unknown_matters():
    with pytest.raises(InvalidInput) as exc:
        services.bundle_upsert(code="b", name="x", kind="theme",
                               lead_department=DepartmentFactory(), items=[{"matter": "ghost"}])  # fmt: skip

    assert exc.value.code == "unknown_matter"
