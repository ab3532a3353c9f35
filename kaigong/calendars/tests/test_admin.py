"""The admin: read-only years, and the notice upload page that calls the import service."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from kaigong.accounts.tests.factories import UserFactory
from kaigong.calendars.models import CalendarYear
from kaigong.core.models import AuditRecord

from .factories import CalendarDayFactory, CalendarYearFactory, example_notice

IMPORT_URL = "admin:calendars_calendaryear_import"


def _upload(client, notice, replace=False):
    data = {"file": SimpleUploadedFile("notice.json", json.dumps(notice).encode("utf-8"))}
    if replace:
        data["replace"] = "on"
    return client.post(reverse(IMPORT_URL), data, HTTP_HOST="localhost")


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_a_superuser_imports_a_notice_through_the_admin(admin_client_):
    response = _upload(admin_client_, example_notice())

    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027, region_code="")
    assert year.days.count() == 23
    assert AuditRecord.objects.filter(action="calendar.notice_imported").count() == 1


@pytest.mark.django_db
def test_a_broken_upload_shows_every_error_and_imports_nothing(admin_client_):
    notice = example_notice()
    notice["bogus"] = 1
    notice["adjusted_workdays"][0]["date"] = "2027-02-10"

    response = _upload(admin_client_, notice)

    assert response.status_code == 200
    problems = {p["code"] for p in response.context["problems"]}
    assert problems == {"unknown_key", "adjusted_workday_not_weekend"}
    assert CalendarYear.objects.filter(year=2027).exists() is False


@pytest.mark.django_db
def test_a_second_upload_needs_replace(admin_client_):
    _upload(admin_client_, example_notice())

    refused = _upload(admin_client_, example_notice())
    replaced = _upload(admin_client_, example_notice(), replace=True)

    assert refused.status_code == 200
    assert "calendar_year_exists" in str(refused.context["form"].non_field_errors())
    assert replaced.status_code == 302


@pytest.mark.django_db
def test_staff_without_the_keeper_role_cannot_import(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=False))

    response = _upload(client, example_notice())

    assert CalendarYear.objects.filter(year=2027).exists() is False
    assert response.status_code == 200
    assert "permission_denied" in str(response.context["form"].non_field_errors())


@pytest.mark.django_db
def test_not_json_is_refused_by_the_form(admin_client_):
    response = admin_client_.post(
        reverse(IMPORT_URL),
        {"file": SimpleUploadedFile("notice.json", b"\xff\xfe not json")},
        HTTP_HOST="localhost",
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


@pytest.mark.django_db
def test_years_and_days_are_read_only_in_the_admin(admin_client_):
    day = CalendarDayFactory(calendar_year=CalendarYearFactory(), date="2030-05-06")
    year = day.calendar_year
    change_url = reverse("admin:calendars_calendaryear_change", args=[year.pk])

    listing = admin_client_.get(
        reverse("admin:calendars_calendaryear_changelist"), HTTP_HOST="localhost"
    )
    page = admin_client_.get(change_url, HTTP_HOST="localhost")
    add = admin_client_.get(reverse("admin:calendars_calendaryear_add"), HTTP_HOST="localhost")
    post = admin_client_.post(change_url, {"title": "改"}, HTTP_HOST="localhost")

    assert listing.status_code == 200
    assert reverse(IMPORT_URL) in listing.content.decode()
    assert page.status_code == 200
    assert "测试节" in page.content.decode()
    assert add.status_code == 403
    assert post.status_code == 403
    year.refresh_from_db()
    assert year.title != "改"
