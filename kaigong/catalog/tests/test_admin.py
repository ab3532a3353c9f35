"""Admin screens: a catalogue keeper publishes a revision; published rows are read-only."""

from datetime import date

from django.urls import reverse

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.catalog.constants import RevisionStatus
from kaigong.catalog.models import Bundle, CatalogRevision, Material, MatterVersion
from kaigong.catalog.tests.factories import draft, published_matter, revision, rich_catalog
from kaigong.catalog.tests.services.test_versions import _snapshot
from kaigong.core.models import AuditRecord


def _login(client, role):
    user = user_with_role(role)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return user


def _publish(client, rev):
    url = reverse("admin:catalog_catalogrevision_changelist")
    return client.post(url, {"action": "publish", "_selected_action": [rev.pk]}, follow=True)


@pytest.mark.django_db
def test_keeper_publishes_a_revision_in_the_admin_and_earlier_versions_stay(client):
    # given a published version 1 and a draft revision 2 changing the matter
    keeper = _login(client, Role.CATALOG_ADMIN)
    material = Material.objects.create(code="a", name="甲")
    v1 = published_matter("M1", requirements=[{"material": material.code}])
    before = _snapshot(v1)
    rev2 = revision(effective_on=date(2025, 1, 1))
    v2 = draft(rev2, "M1", name="第二版", requirements=[])

    # when the keeper runs the publish action
    response = _publish(client, rev2)

    # then the revision is published and version 1 is exactly as it was
    assert response.status_code == 200
    rev2.refresh_from_db()
    v2.refresh_from_db()
    assert rev2.status == RevisionStatus.PUBLISHED
    assert rev2.published_by == keeper
    assert v2.status == "published"
    assert _snapshot(v1) == before
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


@pytest.mark.django_db
def test_publish_errors_are_reported_as_messages(client):
    _login(client, Role.CATALOG_ADMIN)
    empty = revision()

    response = _publish(client, empty)

    empty.refresh_from_db()
    assert empty.status == RevisionStatus.DRAFT
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REVIEWER, Role.SUPERVISOR, Role.WINDOW_CLERK])
def test_other_staff_cannot_see_or_publish(client, role):
    _login(client, role)
    rev = revision()
    draft(rev, "M1")

    listing = client.get(reverse("admin:catalog_catalogrevision_changelist"))
    response = _publish(client, rev)

    assert listing.status_code == 403
    assert response.status_code == 403
    rev.refresh_from_db()
    assert rev.status == RevisionStatus.DRAFT


@pytest.mark.django_db
def test_published_version_is_read_only_and_a_draft_is_editable(client):
    _login(client, Role.CATALOG_ADMIN)
    published = published_matter("M1")
    rev = revision(effective_on=date(2025, 1, 1))
    drafted = draft(rev, "M1")

    published_page = client.get(reverse("admin:catalog_matterversion_change", args=[published.pk]))
    draft_page = client.get(reverse("admin:catalog_matterversion_change", args=[drafted.pk]))
    post = client.post(
        reverse("admin:catalog_matterversion_change", args=[published.pk]), {"name": "x"}
    )

    assert published_page.status_code == 200
    assert 'name="_save"' not in published_page.content.decode()
    assert 'name="_save"' in draft_page.content.decode()
    assert post.status_code == 403
    assert MatterVersion.objects.get(pk=published.pk).name == published.name


@pytest.mark.django_db
def test_keeper_adds_a_material_and_the_change_is_audited(client):
    keeper = _login(client, Role.CATALOG_ADMIN)

    response = client.post(
        reverse("admin:catalog_material_add"),
        {"code": "plan", "name": "总平面图", "source_channel": "applicant"},
    )

    assert response.status_code == 302
    assert Material.objects.filter(code="plan").exists() is True
    assert AuditRecord.objects.filter(action="catalog_row_created", actor=keeper).exists() is True


@pytest.mark.django_db
def test_a_bad_condition_is_refused_by_the_admin_form(client):
    _login(client, Role.CATALOG_ADMIN)

    response = client.post(
        reverse("admin:catalog_question_add"),
        {"code": "q1", "text": "？", "kind": "yes_no", "choices": "[]", "order": 0,
         "ask_when": '{"q": "q1", "op": "eval", "value": "1"}'},
    )  # fmt: skip

    assert response.status_code == 200
    assert "ask_when" in response.context["adminform"].form.errors
    assert CatalogRevision.objects.count() == 0


@pytest.mark.django_db
def test_every_catalogue_screen_opens_for_a_keeper(client):
    _login(client, Role.CATALOG_ADMIN)
    rich_catalog()
    version = MatterVersion.objects.filter(status="published").first()
    draft_version = MatterVersion.objects.filter(status="draft").first()
    pages = [reverse("admin:index")]
    for model in ("stage", "processtrack", "certificatetype", "material", "fieldspec", "question",
                  "matter", "matterversion", "catalogrevision", "bundle"):  # fmt: skip
        pages += [reverse(f"admin:catalog_{model}_changelist"),
                  reverse(f"admin:catalog_{model}_add")]  # fmt: skip
    pages += [
        reverse("admin:catalog_matterversion_change", args=[version.pk]),
        reverse("admin:catalog_matterversion_change", args=[draft_version.pk]),
        reverse("admin:catalog_catalogrevision_change", args=[version.revision_id]),
        reverse("admin:catalog_bundle_change", args=[rich_bundle_id()]),
    ]

    statuses = {page: client.get(page).status_code for page in pages}

    assert set(statuses.values()) == {200}, statuses


def rich_bundle_id() -> int:
    return Bundle.objects.get(code="kaigong").pk


@pytest.mark.django_db
def test_keeper_drafts_a_version_with_its_materials_in_the_admin(client):
    # given a published matter and a draft revision
    _login(client, Role.CATALOG_ADMIN)
    v1 = published_matter("M1")
    rev = revision(effective_on=date(2025, 1, 1))
    material = Material.objects.create(code="plan", name="总平面图")
    form = _version_form(v1, rev, **{
        "requirements-TOTAL_FORMS": 1,
        "requirements-0-material": material.pk, "requirements-0-necessity": "required",
        "requirements-0-condition": "{}", "requirements-0-original_copies": 1,
        "requirements-0-copy_copies": 0, "requirements-0-electronic": "on",
        "requirements-0-formats": '["pdf"]', "requirements-0-max_size_mb": 20,
        "requirements-0-order": 0,
    })  # fmt: skip

    # when the keeper saves the add form
    response = client.post(reverse("admin:catalog_matterversion_add"), form)

    # then a draft version 2 exists with its material, numbered automatically
    assert response.status_code == 302, response.context["adminform"].form.errors
    v2 = MatterVersion.objects.get(matter=v1.matter, version=2)
    assert v2.status == "draft"
    assert [r.material.code for r in v2.requirements.all()] == ["plan"]


@pytest.mark.django_db
def test_emptied_json_boxes_save_as_empty_lists_not_null(client):
    # given a keeper and a draft version with its lists filled in
    _login(client, Role.CATALOG_ADMIN)
    v1 = published_matter("M1")
    rev = revision(effective_on=date(2025, 1, 1))
    form = _version_form(v1, rev, fees="", intermediary_services="")

    # when the keeper saves with the fee and intermediary boxes left empty
    response = client.post(reverse("admin:catalog_matterversion_add"), form)

    # then the version is saved with empty lists
    assert response.status_code == 302, response.context["adminform"].form.errors
    v2 = MatterVersion.objects.get(matter=v1.matter, version=2)
    assert (v2.fees, v2.intermediary_services) == ([], [])


def _version_form(v1, rev, **overrides) -> dict:
    """The admin's add form of a second version of ``v1``'s matter in ``rev``."""
    return {
        "matter": v1.matter_id, "revision": rev.pk, "name": "第二版", "department": v1.department_id,
        "matter_type": "01", "exercise_level": "4", "statutory_limit": 20,
        "statutory_limit_unit": "WD", "promised_limit": 5, "promised_limit_unit": "WD",
        "case_kind": "2", "fees": "[]", "intermediary_services": "[]", "result_type": "certificate",
        "requirements-TOTAL_FORMS": 0, "requirements-INITIAL_FORMS": 0,
        "fields-TOTAL_FORMS": 0, "fields-INITIAL_FORMS": 0,
        "dependencies-TOTAL_FORMS": 0, "dependencies-INITIAL_FORMS": 0,
        **overrides,
    }  # fmt: skip
