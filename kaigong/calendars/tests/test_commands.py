"""The thin management commands."""

import json

from django.core.management import CommandError, call_command

import pytest

from kaigong.calendars.models import CalendarYear

from .factories import EXAMPLE_2027, example_notice


@pytest.mark.django_db
def test_calendar_import_loads_a_file_and_needs_replace_the_second_time(capsys):
    call_command("calendar_import", str(EXAMPLE_2027))
    assert CalendarYear.objects.filter(year=2027).count() == 1

    with pytest.raises(CommandError, match="calendar_year_exists"):
        call_command("calendar_import", str(EXAMPLE_2027))

    call_command("calendar_import", str(EXAMPLE_2027), "--replace")
    assert CalendarYear.objects.filter(year=2027).count() == 1


@pytest.mark.django_db
def test_calendar_import_prints_every_error_of_a_broken_file(tmp_path):
    notice = example_notice()
    notice["bogus"] = True
    notice["adjusted_workdays"][0]["date"] = "2027-02-10"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(notice), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("calendar_import", str(path))

    assert "invalid_notice" in str(error.value)
    assert "unknown_key" in str(error.value)
    assert "adjusted_workday_not_weekend" in str(error.value)
    assert CalendarYear.objects.filter(year=2027).exists() is False


@pytest.mark.django_db
def test_calendar_import_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("calendar_import", str(path))


@pytest.mark.django_db
def test_calendar_seed_restores_a_deleted_year():
    CalendarYear.objects.filter(region_code="", year=2024).delete()

    call_command("calendar_seed")

    assert CalendarYear.objects.filter(region_code="", year=2024).exists() is True
