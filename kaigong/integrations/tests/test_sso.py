"""
Provincial SSO against a real OIDC provider started by the test (oidc-provider-mock,
RS256-signed ID tokens, real HTTP): the legal person logs in as the enterprise's applicant,
staff by their claim, an unknown USCC is refused with a Chinese message, and with
``KAIGONG_LOCAL_LOGIN = "staff"`` only staff keep password login.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from django.test import Client

import httpx
import pytest
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread

from kaigong.accounts.models import Membership
from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import EnterpriseFactory, make_uscc, user_with_role
from kaigong.integrations.models import OidcIdentity

pytestmark = pytest.mark.django_db

KNOWN_USCC = make_uscc(424242)
UNKNOWN_USCC = make_uscc(434343)


@pytest.fixture(scope="module")
def provider():
    users = [
        ProviderUser(sub="legal-1", claims={"uscc": KNOWN_USCC, "name": "沂南开工建设有限公司"}),
        ProviderUser(sub="legal-2", claims={"uscc": UNKNOWN_USCC, "name": "未登记公司"}),
        ProviderUser(sub="staff-1", claims={"preferred_username": "clerk-sso", "name": "王窗口"}),
        ProviderUser(sub="staff-2", claims={"preferred_username": "nobody-here"}),
    ]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(settings, provider):
    settings.KAIGONG_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "kaigong"
    settings.OIDC_RP_CLIENT_SECRET = "kaigong-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "kaigong.integrations.sso.LocalLoginBackend",
        "kaigong.integrations.sso.ProvincialOIDCBackend",
    ]
    return provider


def login_through_provider(sub: str) -> tuple[Client, object]:
    """The browser's round trip: our redirect, the provider's form, our callback."""
    browser = Client()
    start = browser.get("/oidc/authenticate/")
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.split("?")[0].endswith("/oauth2/authorize")
    # the person picks their identity on the provider's page (a form POST there)
    answer = httpx.post(authorize, data={"sub": sub}, follow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    callback = urlparse(answer.headers["location"])
    assert callback.path == "/oidc/callback/" and "code" in parse_qs(callback.query)
    done = browser.get(f"{callback.path}?{callback.query}", follow=True)
    return browser, done


def test_the_legal_person_logs_in_as_the_enterprise_applicant(sso):
    enterprise = EnterpriseFactory(uscc=KNOWN_USCC, name="沂南开工建设有限公司")
    applicant = user_with_role(Role.APPLICANT, enterprise=enterprise)

    browser, page = login_through_provider("legal-1")

    assert page.status_code == 200
    assert int(browser.session["_auth_user_id"]) == applicant.pk
    identity = OidcIdentity.objects.get(subject="legal-1")
    assert (identity.user, identity.kind, identity.uscc) == (applicant, "legal_person", KNOWN_USCC)
    # the second login finds the same account through the identity
    again, _page = login_through_provider("legal-1")
    assert int(again.session["_auth_user_id"]) == applicant.pk


def test_an_enterprise_without_an_account_gets_its_applicant_account(sso):
    enterprise = EnterpriseFactory(uscc=KNOWN_USCC)
    browser, _page = login_through_provider("legal-1")
    user_id = int(browser.session["_auth_user_id"])
    assert Membership.objects.filter(
        user_id=user_id, role=Role.APPLICANT, enterprise=enterprise
    ).exists()


def test_a_uscc_matching_no_enterprise_is_refused_in_chinese(sso):
    browser, page = login_through_provider("legal-2")
    assert "_auth_user_id" not in browser.session
    text = page.content.decode()
    assert f"统一社会信用代码 {UNKNOWN_USCC}" in text
    assert "未在本平台登记" in text
    assert not OidcIdentity.objects.exists()


def test_staff_log_in_by_their_claim_and_unknown_staff_are_refused(sso):
    clerk = user_with_role(Role.WINDOW_CLERK)
    clerk.username = "clerk-sso"
    clerk.save()
    browser, _page = login_through_provider("staff-1")
    assert int(browser.session["_auth_user_id"]) == clerk.pk

    stranger, page = login_through_provider("staff-2")
    assert "_auth_user_id" not in stranger.session
    assert "没有与该身份对应的工作人员账号" in page.content.decode()


def test_local_login_stays_for_staff_only_where_configured(sso, settings):
    settings.KAIGONG_LOCAL_LOGIN = "staff"
    clerk = user_with_role(Role.WINDOW_CLERK)
    applicant = user_with_role(Role.APPLICANT)
    for user in (clerk, applicant):
        user.set_password("pw-123456!")
        user.save()
    staff = Client().post(
        "/accounts/login/", {"username": clerk.username, "password": "pw-123456!"}
    )
    enterprise = Client().post(
        "/accounts/login/", {"username": applicant.username, "password": "pw-123456!"}
    )
    assert staff.status_code == 302
    assert enterprise.status_code == 200  # refused: enterprises use the provincial login
    page = Client().get("/accounts/login/").content.decode()
    assert "/oidc/authenticate/" in page


def test_without_sso_the_oidc_urls_are_not_there(settings):
    settings.KAIGONG_OIDC_ENABLED = False
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/?code=x&state=y").status_code == 404
    assert "/oidc/authenticate/" not in Client().get("/accounts/login/").content.decode()


def test_logout_ends_the_session_at_the_provider_too_when_configured(sso, settings):
    settings.KAIGONG_OIDC_END_SESSION_ENDPOINT = f"{sso}/oauth2/end_session"
    settings.OIDC_STORE_ID_TOKEN = True
    enterprise = EnterpriseFactory(uscc=KNOWN_USCC)
    user_with_role(Role.APPLICANT, enterprise=enterprise)
    browser, _page = login_through_provider("legal-1")
    id_token = browser.session["oidc_id_token"]

    out = browser.post("/accounts/logout/")
    assert "_auth_user_id" not in browser.session
    target = urlparse(out["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{sso}/oauth2/end_session"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["id_token_hint"] == id_token and query["client_id"] == "kaigong"
    assert query["post_logout_redirect_uri"] == "http://testserver/accounts/login/"

    # without the setting, our logout stays ours
    settings.KAIGONG_OIDC_END_SESSION_ENDPOINT = ""
    again, _page = login_through_provider("legal-1")
    assert again.post("/accounts/logout/")["Location"] == "/accounts/login/"
