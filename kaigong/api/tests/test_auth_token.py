from django.test import override_settings

import pytest

from kaigong.accounts.tests.factories import PASSWORD, UserFactory

URL = "/api/v1/auth/token/"


@pytest.mark.django_db
def test_token_for_good_credentials_authenticates_later_calls(api_client):
    user = UserFactory(username="wangwu")

    response = api_client.post(URL, {"username": "wangwu", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/schema/").status_code == 200
    assert user.auth_token.key == response.json()["token"]


@pytest.mark.django_db
def test_wrong_password_is_a_problem_document_in_chinese_by_default(api_client):
    UserFactory(username="wangwu")

    response = api_client.post(URL, {"username": "wangwu", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["status"] == 400
    assert set(body) >= {"type", "title", "status", "code", "detail", "invalid_params"}
    assert "密码" in body["detail"]


@pytest.mark.django_db
def test_english_is_available_through_accept_language(api_client):
    UserFactory(username="wangwu")

    response = api_client.post(
        URL,
        {"username": "wangwu", "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.json()["code"] == "invalid_credentials"
    assert "password" in response.json()["detail"]


@pytest.mark.django_db
def test_missing_fields_list_every_field(api_client):
    response = api_client.post(URL, {}, format="json")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid_input"
    assert {p["name"] for p in body["invalid_params"]} == {"username", "password"}
    assert {p["code"] for p in body["invalid_params"]} == {"required"}


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(api_client):
    UserFactory(username="wangwu")
    for _ in range(3):
        api_client.post(URL, {"username": "wangwu", "password": "wrong"}, format="json")

    response = api_client.post(URL, {"username": "wangwu", "password": PASSWORD}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "account_locked"
