"""
Inputs that used to give a 500 (or were read for nothing): NUL bytes, lone surrogates,
deep nesting, oversized bodies, wrong content types. Each is a 400/413/415 problem
document with a stable code, in Chinese by default and in English on request.
"""

from __future__ import annotations

import io

from django.test import Client

import pytest
from rest_framework.test import APIClient

PROBLEM = "application/problem+json"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def anonymous():
    return APIClient()


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    return body


@pytest.mark.django_db
def test_a_nul_byte_in_a_query_parameter_is_a_400_problem_in_chinese(anonymous):
    # given a query parameter with a NUL byte; when it is sent to the API
    response = anonymous.get("/api/v1/calendar/due-date", {"start": "2026-03-02\x00"})
    # then a 400 problem with a stable code, in Chinese by default
    body = _problem(response, 400, "invalid_characters")
    assert body["title"] == "请求无效"
    assert "NUL" in body["detail"] and "请求" in body["detail"]


@pytest.mark.django_db
def test_the_problem_is_in_english_on_request(anonymous):
    response = anonymous.get("/api/v1/track/abc%00/", HTTP_ACCEPT_LANGUAGE="en")

    body = _problem(response, 400, "invalid_characters")
    assert body["title"] == "Invalid request"
    assert body["detail"] == "The request contains a NUL byte or an invalid character."


@pytest.mark.django_db
def test_a_nul_byte_in_a_header_is_a_400_problem(anonymous):
    response = anonymous.get("/api/v1/cases/", HTTP_AUTHORIZATION="Token abc\x00def")

    _problem(response, 400, "invalid_characters")


@pytest.mark.django_db
def test_a_nul_byte_in_a_json_value_is_a_400_problem(anonymous):
    response = anonymous.post(
        TOKEN_URL,
        data='{"username": "a\\u0000b", "password": "x"}',
        content_type="application/json",
    )

    _problem(response, 400, "invalid_characters")


@pytest.mark.django_db
def test_a_nul_byte_in_a_form_field_is_a_400_problem(anonymous):
    response = anonymous.post(
        TOKEN_URL, {"username": "a\x00b", "password": "x"}, format="multipart"
    )

    _problem(response, 400, "invalid_characters")


@pytest.mark.django_db
def test_a_lone_surrogate_is_a_400_problem(anonymous):
    response = anonymous.post(
        TOKEN_URL, data='{"username": "\\ud800", "password": "x"}', content_type="application/json"
    )

    _problem(response, 400, "invalid_characters")


@pytest.mark.django_db
def test_json_nested_5000_deep_is_a_400_problem(anonymous):
    deep = "[" * 5000 + "]" * 5000

    response = anonymous.post(TOKEN_URL, data=deep, content_type="application/json")

    _problem(response, 400, "body_too_deep")


@pytest.mark.django_db
def test_json_deeper_than_the_setting_is_refused_even_if_python_can_parse_it(anonymous, settings):
    settings.KAIGONG_API_JSON_MAX_DEPTH = 5
    body = '{"username": [[[[[["x"]]]]]], "password": "x"}'

    response = anonymous.post(TOKEN_URL, data=body, content_type="application/json")

    _problem(response, 400, "body_too_deep")


@pytest.mark.django_db
def test_infinite_numbers_are_refused(anonymous):
    response = anonymous.post(
        TOKEN_URL, data='{"username": 1e999, "password": "x"}', content_type="application/json"
    )

    _problem(response, 400, "parse_error")


class _Unreadable(io.RawIOBase):
    """A body stream that fails the test if anybody reads it."""

    def read(self, *args):  # pragma: no cover - reaching it is the failure
        raise AssertionError("the body was read")

    readinto = readline = read


@pytest.mark.django_db
def test_an_oversized_body_is_refused_from_its_content_length_without_being_read(settings):
    # given a JSON body announced larger than the limit, on a stream that must not be read
    settings.KAIGONG_API_JSON_MAX_BYTES = 1000
    client = Client()
    # when it is posted anonymously
    response = client.generic(
        "POST",
        TOKEN_URL,
        data=b"",
        content_type="application/json",
        CONTENT_LENGTH="100000000",
        **{"wsgi.input": _Unreadable()},
    )
    # then 413 from the header alone
    _problem(response, 413, "payload_too_large")


@pytest.mark.django_db
def test_a_body_just_over_the_limit_is_413_and_under_it_is_parsed(anonymous, settings):
    settings.KAIGONG_API_JSON_MAX_BYTES = 200
    small = '{"username": "nobody", "password": "x"}'
    big = '{"username": "' + "x" * 300 + '", "password": "x"}'

    refused = anonymous.post(TOKEN_URL, data=big, content_type="application/json")
    parsed = anonymous.post(TOKEN_URL, data=small, content_type="application/json")

    _problem(refused, 413, "payload_too_large")
    assert parsed.status_code in (400, 401)
    assert parsed.json()["code"] != "payload_too_large"


@pytest.mark.django_db
def test_a_wrong_content_type_is_a_415_problem(anonymous):
    response = anonymous.post(TOKEN_URL, data="<x/>", content_type="application/xml")

    _problem(response, 415, "unsupported_media_type")


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_404_problem():
    response = Client().get("/api/v1/no-such-thing/")

    _problem(response, 404, "not_found")


@pytest.mark.django_db
def test_an_unhandled_exception_under_the_api_is_a_500_problem(monkeypatch):
    # given a view that fails unexpectedly
    from kaigong.api import auth

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(auth.TokenObtainApi, "post", boom)
    # when it is called
    response = Client(raise_request_exception=False).post(
        TOKEN_URL, {"username": "a", "password": "b"}, content_type="application/json"
    )
    # then a problem document, not Django's HTML page
    body = _problem(response, 500, "server_error")
    assert "boom" not in body["detail"]


@pytest.mark.django_db
def test_a_page_with_a_nul_byte_in_the_query_is_a_plain_400():
    response = Client().get("/", {"q": "a\x00"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_too_many_query_parameters_is_a_400_problem(anonymous, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    query = "&".join(f"p{i}=1" for i in range(10))

    response = anonymous.get(f"/api/v1/catalog/bundles/?{query}")

    _problem(response, 400, "bad_request")


@pytest.mark.django_db
def test_an_unsupported_method_is_405_before_authentication(anonymous):
    # given an anonymous caller and an operation that needs a login
    # when it uses a method the resource does not have
    response = anonymous.delete("/api/v1/cases/")
    # then 405 with Allow (not 401)
    body = _problem(response, 405, "method_not_allowed")
    assert body["status"] == 405
    assert "GET" in response["Allow"] and "DELETE" not in response["Allow"]


@pytest.mark.django_db
def test_a_page_size_that_is_not_a_whole_number_is_a_400(anonymous):
    for bad in ("0", "abc", "501", "-1"):
        response = anonymous.get("/api/v1/catalog/bundles/", {"page_size": bad})
        body = _problem(response, 400, "invalid_page")
        assert body["invalid_params"][0]["name"] == "page_size"


@pytest.mark.django_db
def test_a_catalogue_file_nested_5000_deep_is_refused_not_a_500():
    from kaigong.catalog.services import catalog_import
    from kaigong.core.exceptions import InvalidInput

    # given a catalogue "file" of 5,000 nested arrays (as a multipart upload would give it)
    raw = b"[" * 5000 + b"]" * 5000
    # when it is imported, then it is refused as invalid (the API answers 400)
    with pytest.raises(InvalidInput) as excinfo:
        catalog_import(data=raw, actor=None)
    assert excinfo.value.code == "catalog_invalid"


@pytest.mark.django_db
def test_a_nul_byte_escaped_in_the_session_cookie_is_a_400_problem(anonymous):
    # given a session cookie whose quoted value escapes a NUL byte (Django unquotes "\000")
    anonymous.cookies["sessionid"] = "x"
    response = anonymous.get("/api/v1/cases/", HTTP_COOKIE='sessionid="a\\000b"')
    # then 400, before the session is looked up (PostgreSQL refuses NUL: a 500 before)
    _problem(response, 400, "invalid_characters")


@pytest.mark.django_db
def test_a_form_with_too_many_files_is_a_400_problem_not_a_500(settings):
    # found by the outside fuzzing run (scripts/fuzz_outside.sh): POST /cases/ as multipart
    # with more file parts than DATA_UPLOAD_MAX_NUMBER_FILES answered 500
    from kaigong.accounts.tests.factories import UserFactory

    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client = APIClient()
    client.force_authenticate(UserFactory())
    files = {f"f{i}": io.BytesIO(b"x") for i in range(3)}
    for i, upload in enumerate(files.values()):
        upload.name = f"{i}.txt"

    response = client.post("/api/v1/cases/", {"project": "x", **files}, format="multipart")

    _problem(response, 400, "too_many_files")


@pytest.mark.django_db
def test_a_form_with_too_many_fields_is_a_400_problem_not_a_500(settings):
    from kaigong.accounts.tests.factories import UserFactory

    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    body = "&".join(f"f{i}=1" for i in range(10))
    client = APIClient()
    client.force_authenticate(UserFactory())

    response = client.post("/api/v1/cases/", body, content_type="application/x-www-form-urlencoded")

    _problem(response, 400, "too_many_fields")
