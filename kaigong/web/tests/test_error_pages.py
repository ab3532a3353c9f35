"""Our own error pages: Chinese, plain, with a link home; problem+json under /api/."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory

import pytest

from kaigong.web.views import error_500

pytestmark = pytest.mark.django_db

ENGLISH = ("Page not found", "Not Found", "Server Error", "Forbidden", "Traceback")


def _assert_ours(html: str, heading: str):
    assert heading in html
    assert '<a href="/">返回首页</a>' in html
    assert not any(word in html for word in ENGLISH)


def test_a_missing_page_is_our_chinese_404(client):
    assert settings.DEBUG is False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    _assert_ours(response.content.decode(), "页面不存在")


@pytest.mark.urls("kaigong.web.tests.error_urls")
def test_a_failing_view_is_our_chinese_500():
    client = Client(raise_request_exception=False)

    response = client.get("/test-boom/")

    assert response.status_code == 500
    _assert_ours(response.content.decode(), "系统出现故障")


def test_the_500_page_needs_neither_the_database_nor_the_context_processors(
    django_assert_num_queries,
):
    request = RequestFactory().get("/anything/")  # no session, no user

    with django_assert_num_queries(0):
        response = error_500(request)

    assert response.status_code == 500
    _assert_ours(response.content.decode(), "系统出现故障")


def test_a_refused_form_is_our_chinese_403():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    _assert_ours(response.content.decode(), "无权访问")


def test_the_api_answers_problem_json_for_a_missing_path_and_a_failure():
    client = Client(raise_request_exception=False)

    missing = client.get("/api/v1/no-such-thing/")

    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["code"] == "not_found"


@pytest.mark.urls("kaigong.web.tests.error_urls")
def test_an_api_failure_is_problem_json():
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/test-boom/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://kaigong.example/problems/server_error",
        "title": "服务器错误",
        "status": 500,
        "code": "server_error",
        "detail": "服务器错误",
        "invalid_params": [],
    }


def test_every_page_links_our_favicon(client):
    html = client.get("/accounts/login/").content.decode()

    assert 'rel="icon" href="/static/kaigong/favicon.svg"' in html
    assert finders.find("kaigong/favicon.svg")
