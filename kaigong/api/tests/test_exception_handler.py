import pytest


@pytest.mark.django_db
def test_unknown_api_path_is_a_404():
    from django.test import Client

    response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_wrong_method_is_a_405_problem_with_a_code(api_client):
    response = api_client.get("/api/v1/auth/token/")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "method_not_allowed"
    assert "Allow" in response


def test_flatten_nested_errors():
    from rest_framework.exceptions import ErrorDetail

    from kaigong.api.exception_handler import _flatten

    params = _flatten(
        {"a": [ErrorDetail("bad", code="x")], "b": {"c": [ErrorDetail("worse", code="y")]}}
    )

    assert params == [
        {"name": "a", "code": "x", "reason": "bad"},
        {"name": "b.c", "code": "y", "reason": "worse"},
    ]


def test_domain_errors_become_problems():
    from kaigong.api.exception_handler import problem_exception_handler
    from kaigong.core.exceptions import Conflict

    response = problem_exception_handler(Conflict("changed", code="stale_version"), {})

    assert response.status_code == 409
    assert response.data["code"] == "stale_version"
    assert response.data["detail"] == "changed"
