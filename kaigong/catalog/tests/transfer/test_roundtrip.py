"""The catalogue file: export → import into an empty database → export gives the same bytes."""

import json

from django.utils import translation

import pytest

from kaigong.accounts.models import Department
from kaigong.catalog import models as m
from kaigong.catalog.services import catalog_export, catalog_import
from kaigong.catalog.tests.factories import rich_catalog
from kaigong.catalog.transfer import catalog_is_empty
from kaigong.core.exceptions import Conflict, InvalidInput


def _wipe_catalogue_and_departments() -> None:
    """Empty every catalogue table (children first), then the departments."""
    for model in (
        m.JointIssuanceRule, m.BundleItem, m.Bundle, m.MaterialRequirement, m.MatterField,
        m.MatterDependency, m.MatterVersion, m.CatalogRevision, m.Matter, m.Material,
        m.FieldSpec, m.Question, m.CertificateType, m.Stage, m.ProcessTrack,
    ):  # fmt: skip
        model.objects.all().delete()
    Department.objects.filter(parent__isnull=False).delete()
    Department.objects.all().delete()


@pytest.mark.django_db
def test_export_import_export_gives_the_same_bytes():
    # given a rich catalogue exported to a file
    rich_catalog()
    first = catalog_export()
    # when the database is emptied and the file imported
    _wipe_catalogue_and_departments()
    assert catalog_is_empty() is True
    result = catalog_import(data=first, actor=None)
    # then exporting again gives the very same bytes
    second = catalog_export()
    assert result["status"] == "imported"
    assert second == first


@pytest.mark.django_db
def test_the_file_holds_every_kind_of_row_sorted_and_without_timestamps():
    rich_catalog()

    raw = catalog_export()
    data = json.loads(raw)

    assert raw.endswith(b"\n")
    assert data["format"] == "kaigong-catalog/1"
    assert [d["code"] for d in data["departments"]] == ["city-zhujian", "yinan-zhujian",
                                                        "yinan-ziran"]  # fmt: skip
    assert [r["number"] for r in data["revisions"]] == [1, 2, 3]
    assert [r["status"] for r in data["revisions"]] == ["published", "published", "draft"]
    assert data["revisions"][0]["published_at"]
    build = data["revisions"][0]["matter_versions"][0]
    assert build["matter"] == "BUILD"
    assert build["certificate_types"] == ["construction-permit", "planning-permit"]
    assert [r["material"] for r in build["requirements"]] == ["application", "drawings"]
    assert build["dependencies"][0]["kind"] == "accepts_pre_approval"
    assert data["bundles"][0]["key_project_factor"] == "0.70"
    assert data["fields"][0]["maximum"] == "9999999.5000"
    assert b"created_at" not in raw and b"updated_at" not in raw


@pytest.mark.django_db
def test_import_keeps_public_ids_and_publication_state():
    rich_catalog()
    version = m.MatterVersion.objects.get(matter__code="BUILD", version=1)
    public_id, published = version.public_id, version.effective_from
    raw = catalog_export()
    _wipe_catalogue_and_departments()

    catalog_import(data=raw, actor=None)

    again = m.MatterVersion.objects.get(matter__code="BUILD", version=1)
    assert again.public_id == public_id
    assert again.effective_from == published
    assert again.status == "published"
    assert m.CatalogRevision.objects.get(number=3).status == "draft"


@pytest.mark.django_db
def test_importing_the_same_catalogue_again_changes_nothing():
    rich_catalog()
    raw = catalog_export()

    result = catalog_import(data=raw, actor=None)

    assert result["status"] == "unchanged"
    assert catalog_export() == raw


@pytest.mark.django_db
def test_importing_a_different_catalogue_over_an_existing_one_is_refused():
    rich_catalog()
    data = json.loads(catalog_export())
    data["materials"][0]["name"] = "改过的名称"

    with pytest.raises(Conflict) as exc:
        catalog_import(data=data, actor=None)

    assert exc.value.code == "catalog_not_empty"
    assert m.Material.objects.filter(name="改过的名称").exists() is False


@pytest.mark.django_db
def test_a_broken_file_is_rejected_whole_listing_every_error():
    # given a good file broken in many places
    rich_catalog()
    data = json.loads(catalog_export())
    _wipe_catalogue_and_departments()
    versions = data["revisions"][0]["matter_versions"]
    versions[0]["requirements"][1]["material"] = "ghost"
    versions[0]["fields"][0]["condition"] = {"q": "has_land", "op": "like", "value": 1}
    versions[0]["promised_limit"] = 99
    versions[2]["dependencies"] = [{"prerequisite": "BUILD", "kind": "requires_result", "note": ""}]
    data["materials"].append(dict(data["materials"][0]))
    data["stages"][0]["national_stage"] = "one"
    data["questions"][0]["colour"] = "red"
    data["bundles"][0]["items"][0]["matter"] = "NOPE"
    departments_before = Department.objects.count()

    # when it is imported
    with pytest.raises(InvalidInput) as exc, translation.override("en"):
        catalog_import(data=data, actor=None)

    # then every error is listed with its path, and nothing was written
    assert exc.value.code == "catalog_invalid"
    found = {(p["name"], p["code"]) for p in exc.value.invalid_params}
    assert (
        "revisions[0].matter_versions[0].requirements[1].material",
        "unknown_reference",
    ) in found
    assert ("revisions[0].matter_versions[0].fields[0].condition", "invalid_condition") in found
    assert ("revisions[0].matter_versions[0].promised_limit", "promised_exceeds_statutory") in found
    assert ("materials[3].code", "duplicate") in found
    assert ("stages[0].national_stage", "wrong_type") in found
    assert ("questions[0]", "unknown_keys") in found
    assert ("bundles[0].items[0].matter", "unknown_reference") in found
    assert any(code == "dependency_cycle" for _name, code in found)
    reasons = [p["reason"] for p in exc.value.invalid_params]
    assert any('unknown material "ghost"' in r for r in reasons)
    assert any("BUILD → PLAN → BUILD" in r for r in reasons)
    assert catalog_is_empty() is True
    assert Department.objects.count() == departments_before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\xff\xfe", "not_utf8"),
        ("{not json", "not_json"),
        ("[]", "not_object"),
        ({"format": "other/9"}, "unknown_format"),
        ({"format": "kaigong-catalog/1", "stages": {}}, "not_list"),
    ],
)
def test_unreadable_files_are_rejected(data, code):
    with pytest.raises(InvalidInput) as exc:
        catalog_import(data=data, actor=None)

    assert exc.value.code == "catalog_invalid"
    assert exc.value.invalid_params[0]["code"] == code


@pytest.mark.django_db
def test_revision_and_version_states_must_agree():
    rich_catalog()
    data = json.loads(catalog_export())
    _wipe_catalogue_and_departments()
    data["revisions"][2]["matter_versions"][0]["status"] = "published"
    data["revisions"][0]["matter_versions"][0]["effective_from"] = "2030-01-01"

    with pytest.raises(InvalidInput) as exc:
        catalog_import(data=data, actor=None)

    names = {p["name"] for p in exc.value.invalid_params}
    assert "revisions[2].matter_versions[0].status" in names
    assert "revisions[0].matter_versions[0].effective_from" in names


@pytest.mark.django_db
def test_a_file_with_rows_publication_would_refuse_is_refused_naming_each_contradiction():
    # given a catalogue file in which a material is "replaced by 告知承诺" in a version that
    # allows no 告知承诺, and a version gives pre-approval days but allows no pre-approval
    rich_catalog()
    data = json.loads(catalog_export())
    _wipe_catalogue_and_departments()
    found: dict[str, str] = {}
    for r, revision in enumerate(data["revisions"]):
        for v, version in enumerate(revision["matter_versions"]):
            path = f"revisions[{r}].matter_versions[{v}]"
            if "days" not in found and not version["pre_approval_allowed"]:
                version["pre_approval_days"] = 5
                found["days"] = f"{path}.pre_approval_days"
            for req in version["requirements"]:
                if (
                    "commitment" not in found
                    and not version["commitment_allowed"]
                    and req["necessity"] == "required"
                ):
                    req["commitment_replaces"] = True
                    found["commitment"] = f"{path}.requirements.{req['material']}"
    assert set(found) == {"commitment", "days"}, "the rich catalogue lacks such rows"

    # when it is imported
    with pytest.raises(InvalidInput) as exc:
        catalog_import(data=data, actor=None)

    # then it is refused whole, each contradiction named with its code and its row
    assert exc.value.code == "catalog_invalid"
    named = {(p["name"], p["code"]) for p in exc.value.invalid_params}
    assert (
        found["commitment"] + ".commitment_replaces",
        "commitment_replaces_without_commitment",
    ) in named
    assert (found["days"], "pre_approval_days_without_pre_approval") in named
    assert catalog_is_empty() is True
