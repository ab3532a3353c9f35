"""``GET /api/v1/calendar/due-date``: public, read-only, explained, strict about input."""

import pytest

from kaigong.calendars.services import calendar_notice_import
from kaigong.calendars.tests.factories import example_notice

URL = "/api/v1/calendar/due-date"


def _get(api_client, **params):
    return api_client.get(URL, params, HTTP_HOST="localhost")


@pytest.mark.django_db
def test_spring_festival_example_anonymously(api_client):
    response = _get(api_client, start="2026-02-12", days="5")

    assert response.status_code == 200
    body = response.json()
    assert body["due_on"] == "2026-02-26"
    assert body["provisional"] is False
    assert body["provisional_years"] == []
    assert body["counted_days"] == 5
    assert body["counted_dates"][1] == "2026-02-14"
    assert body["adjusted_workdays"] == [{"date": "2026-02-14", "reason": "春节调休上班"}]
    assert {"date": "2026-02-16", "kind": "holiday", "reason": "春节"} in body["skipped"]
    assert {"date": "2026-02-15", "kind": "weekend", "reason": "周末"} in body["skipped"]
    assert len(body["skipped"]) == 9
    assert "2026-02-26" in body["explanation"]


@pytest.mark.django_db
def test_national_day_example(api_client):
    body = _get(api_client, start="2025-09-26", days="20").json()

    assert body["due_on"] == "2025-10-30"
    assert [a["date"] for a in body["adjusted_workdays"]] == ["2025-09-28", "2025-10-11"]


@pytest.mark.django_db
def test_count_start_and_region_parameters(api_client):
    # given a regional festival in 652300 on 27–28 May 2026
    notice = {
        "format": "kaigong-calendar-notice/1",
        "year": 2026,
        "region_code": "652300",
        "notice_number": "测试〔2026〕1号",
        "title": "测试",
        "holidays": [{"name": "古尔邦节", "start": "2026-05-27", "end": "2026-05-28"}],
        "adjusted_workdays": [],
    }
    calendar_notice_import(notice=notice, actor=None)

    regional = _get(api_client, start="2026-05-26", days="1", region="652300").json()
    counted = _get(api_client, start="2026-05-26", days="1", count_start="true").json()

    assert regional["due_on"] == "2026-05-29"
    assert regional["region"] == "652300"
    assert counted["due_on"] == "2026-05-26"
    assert counted["count_start"] is True


@pytest.mark.django_db
def test_a_year_without_data_is_provisional_until_imported(api_client):
    before = _get(api_client, start="2027-02-04", days="1").json()
    calendar_notice_import(notice=example_notice(), actor=None)
    after = _get(api_client, start="2027-02-04", days="1").json()

    assert (before["due_on"], before["provisional"], before["provisional_years"]) == (
        "2027-02-05",
        True,
        [2027],
    )
    assert (after["due_on"], after["provisional"]) == ("2027-02-13", False)


@pytest.mark.parametrize(
    "params,code,names",
    [
        ({"days": "5"}, "missing_parameter", ["start"]),
        ({"start": "2026-02-12"}, "missing_parameter", ["days"]),
        ({}, "missing_parameter", ["start", "days"]),
        ({"start": "2026-02-30", "days": "5"}, "invalid_date", ["start"]),
        ({"start": "2026/02/12", "days": "5"}, "invalid_date", ["start"]),
        ({"start": "0001-01-01", "days": "5"}, "invalid_date", ["start"]),
        ({"start": "9999-12-31", "days": "5"}, "invalid_date", ["start"]),
        ({"start": "2026-02-12", "days": "-1"}, "invalid_days", ["days"]),
        ({"start": "2026-02-12", "days": "1.5"}, "invalid_days", ["days"]),
        ({"start": "2026-02-12", "days": "abc"}, "invalid_days", ["days"]),
        ({"start": "2026-02-12", "days": "3651"}, "invalid_days", ["days"]),
        ({"start": "2026-02-12", "days": "99999999999999"}, "invalid_days", ["days"]),
        ({"start": "x", "days": "-1"}, "invalid_date", ["start", "days"]),
        ({"start": "2026-02-12", "days": "5", "region": "12"}, "invalid_region", ["region"]),
        (
            {"start": "2026-02-12", "days": "5", "count_start": "maybe"},
            "invalid_boolean",
            ["count_start"],
        ),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_a_400_problem_with_a_stable_code(api_client, params, code, names):
    response = _get(api_client, **params)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code
    assert [p["name"] for p in body["invalid_params"]] == names


@pytest.mark.django_db
def test_the_endpoint_is_read_only(api_client):
    response = api_client.post(URL, {"start": "2026-02-12", "days": 5}, HTTP_HOST="localhost")

    assert response.status_code == 405


@pytest.mark.django_db
def test_the_explanation_follows_the_request_language(api_client):
    chinese = _get(api_client, start="2026-02-12", days="5").json()["explanation"]
    english = api_client.get(
        URL, {"start": "2026-02-12", "days": "5"}, HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en"
    ).json()["explanation"]

    assert "届满" in chinese
    assert "working days end on 2026-02-26" in english
