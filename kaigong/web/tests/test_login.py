from django.test import Client, override_settings

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import PASSWORD, UserFactory, user_with_role


@pytest.mark.django_db
def test_login_page_is_in_chinese_by_default():
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="zh-hans"' in content
    assert "登录" in content
    assert "cdn" not in content.lower()


@pytest.mark.django_db
def test_login_then_home_shows_roles_then_logout():
    user = user_with_role(Role.WINDOW_CLERK)
    client = Client()

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302

    home = client.get("/")
    assert "综合窗口" in home.content.decode() or "窗口" in home.content.decode()

    client.post("/accounts/logout/")
    public = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in public  # the public home again
    assert user.username not in public


@pytest.mark.django_db
def test_home_is_public_for_anonymous_visitors_with_login_and_sign_up():
    response = Client().get("/")

    assert response.status_code == 200
    assert 'href="/accounts/login/"' in response.content.decode()
    assert 'href="/enterprises/register/"' in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_shows_a_chinese_error():
    UserFactory(username="zhaoliu")

    response = Client().post("/accounts/login/", {"username": "zhaoliu", "password": "nope"})

    assert response.status_code == 200
    assert "用户名或密码" in response.content.decode()


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures():
    UserFactory(username="zhaoliu")
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "zhaoliu", "password": "nope"})

    response = client.post("/accounts/login/", {"username": "zhaoliu", "password": PASSWORD})

    assert response.status_code == 403
    assert "锁定" in response.content.decode()


@pytest.mark.django_db
def test_admin_is_in_chinese():
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "站点管理" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "link", "absent"),
    [
        (Role.APPLICANT, "/cases/", "/window/"),
        (Role.WINDOW_CLERK, "/window/", "/workbench/"),
        (Role.REVIEWER, "/workbench/", "/window/"),
        (Role.SUPERVISOR, "/archives/", "/cases/new/"),
    ],
)
def test_home_offers_each_role_its_own_work(role, link, absent):
    client = Client()
    client.force_login(user_with_role(role))

    content = client.get("/").content.decode()

    assert f'href="{link}"' in content
    assert f'href="{absent}"' not in content
