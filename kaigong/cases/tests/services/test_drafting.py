import pytest

from kaigong.cases.applicable import case_form_schema
from kaigong.cases.constants import CaseStatus, ErrorCode
from kaigong.cases.hashing import request_fingerprint
from kaigong.cases.models import Case, CaseEvent
from kaigong.cases.requirements import PATTERNS
from kaigong.cases.services.drafting import (
    case_create_draft,
    case_form_data_set,
    case_matters_set,
)
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, mandate_for, valid_form
from kaigong.catalog.constants import FieldType
from kaigong.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def test_draft_contains_mandatory_matters_and_chosen_optional_ones(monday):
    world = lifecycle_world()
    plain = case_create_draft(actor=world.applicant, project=world.project, bundle_code="kg-bundle")
    full = case_create_draft(
        actor=world.applicant, project=world.project, bundle_code="kg-bundle", matter_codes=["M3"]
    )
    assert sorted(plain.matters.values_list("code", flat=True)) == ["M1", "M2"]
    assert sorted(full.matters.values_list("code", flat=True)) == ["M1", "M2", "M3"]
    assert plain.status == CaseStatus.DRAFT
    assert CaseEvent.objects.filter(case=plain).count() == 1


def test_draft_refuses_matters_outside_the_bundle_and_unknown_bundles(monday):
    world = lifecycle_world()
    with pytest.raises(InvalidInput) as excinfo:
        case_create_draft(
            actor=world.applicant,
            project=world.project,
            bundle_code="kg-bundle",
            matter_codes=["X"],
        )
    assert excinfo.value.code == ErrorCode.MATTER_NOT_IN_BUNDLE
    with pytest.raises(NotFound) as excinfo:
        case_create_draft(actor=world.applicant, project=world.project, bundle_code="nope")
    assert excinfo.value.code == "bundle_not_found"
    assert Case.objects.count() == 0


def test_only_the_enterprise_or_its_helper_may_open_a_draft(monday):
    world = lifecycle_world()
    for name in ("stranger", "clerk", "reviewer1", "supervisor"):
        with pytest.raises(PermissionDenied):
            case_create_draft(
                actor=world.users[name], project=world.project, bundle_code="kg-bundle"
            )
    # the assigned helper: only under a mandate that covers drafting
    with pytest.raises(PermissionDenied) as excinfo:
        case_create_draft(actor=world.helper, project=world.project, bundle_code="kg-bundle")
    assert excinfo.value.code == "mandate_required"
    with mandate_for(world.helper, frozenset({"upload"})), pytest.raises(PermissionDenied):
        case_create_draft(actor=world.helper, project=world.project, bundle_code="kg-bundle")
    with mandate_for(world.helper, frozenset({"draft"})):
        case = case_create_draft(actor=world.helper, project=world.project, bundle_code="kg-bundle")
    assert case.created_by == world.helper
    # the event says for whom the helper acted, and under which mandate
    assert case.events.get().data["on_behalf"]["number"] == "WT-TEST"


def test_draft_replay_with_the_same_key_returns_the_first_draft(monday):
    world = lifecycle_world()
    body = request_fingerprint({"bundle": "kg-bundle"})
    kwargs = {"actor": world.applicant, "project": world.project, "bundle_code": "kg-bundle"}
    first = case_create_draft(**kwargs, idempotency_key="k-1", fingerprint=body)
    again = case_create_draft(**kwargs, idempotency_key="k-1", fingerprint=body)
    assert again.pk == first.pk
    with pytest.raises(Conflict) as excinfo:
        case_create_draft(**kwargs, idempotency_key="k-1", fingerprint=request_fingerprint({}))
    assert excinfo.value.code == ErrorCode.IDEMPOTENCY_KEY_REUSED
    assert Case.objects.count() == 1


def test_merged_form_has_one_property_per_key_and_the_union_of_required(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, with_optional=True)
    schema = case_form_schema(case)
    assert list(schema["properties"]) == [
        "project_name",
        "floor_area",
        "contact_phone",
        "builder_uscc",
    ]
    assert schema["required"] == ["project_name", "contact_phone"]
    assert schema["properties"]["project_name"]["x-matters"] == ["M1", "M2", "M3"]
    assert schema["properties"]["project_name"]["default"] == "开工测试项目"
    assert schema["properties"]["contact_phone"]["pattern"] == PATTERNS[FieldType.PHONE]
    assert schema["properties"]["floor_area"]["minimum"] == 0
    assert schema["additionalProperties"] is False


def test_form_data_lists_every_error_and_saves_nothing(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    before = case.form_data
    bad = {"floor_area": -3, "contact_phone": "12345", "builder_uscc": "91110000000000000X", "x": 1}
    with pytest.raises(InvalidInput) as excinfo:
        case_form_data_set(case=case, actor=world.applicant, data=bad)
    assert excinfo.value.code == ErrorCode.FORM_INVALID
    names = {p["name"] for p in excinfo.value.invalid_params}
    assert {"floor_area", "contact_phone", "builder_uscc", "x"} <= names
    case.refresh_from_db()
    assert case.form_data == before


def test_form_data_is_saved_with_a_version_bump(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    version = case.version
    updated = case_form_data_set(case=case, actor=world.applicant, data=valid_form(floor_area=9))
    assert updated.version == version + 1
    case.refresh_from_db()
    assert case.form_data["floor_area"] == 9


def test_stale_version_is_refused(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    stale = Case.objects.get(pk=case.pk)
    case_form_data_set(case=case, actor=world.applicant, data=valid_form())
    with pytest.raises(Conflict) as excinfo:
        case_form_data_set(case=stale, actor=world.applicant, data=valid_form(floor_area=1))
    assert excinfo.value.code == ErrorCode.STALE_VERSION


def test_optional_matters_can_be_changed_on_a_draft_only(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world)
    case = case_matters_set(case=case, actor=world.applicant, matter_codes=["M3"])
    assert case.matters.count() == 3
    submitted = CaseFactory(world=world, submitted=True)
    with pytest.raises(Conflict) as excinfo:
        case_matters_set(case=submitted, actor=world.applicant, matter_codes=[])
    assert excinfo.value.code == ErrorCode.TRANSITION_NOT_ALLOWED
