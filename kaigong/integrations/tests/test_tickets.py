"""
The provincial ticket login against a fake platform in-process: a CAS server (a real HTTP
server on 127.0.0.1 that validates its tickets once) and an MD5-signing platform (the test
signs as the platform would); provider logout after ours (CAS logout, OIDC end_session in
test_sso.py).
"""

from __future__ import annotations

import hashlib
import time
from urllib.parse import parse_qs, urlencode, urlparse

from django.test import Client

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import EnterpriseFactory, make_uscc, user_with_role
from kaigong.core.models import AuditRecord
from kaigong.integrations.models import OidcIdentity

from .receivers import serve

pytestmark = pytest.mark.django_db

USCC = make_uscc(515151)
CALLBACK = "http://testserver/sso/ticket/callback/"
BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kaigong.integrations.sso.LocalLoginBackend",
    "kaigong.integrations.tickets.TicketBackend",
]


def _success(user: str, **attributes: str) -> str:
    attrs = "".join(f"<cas:{k}>{v}</cas:{k}>" for k, v in attributes.items())
    return (
        '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
        f"<cas:authenticationSuccess><cas:user>{user}</cas:user>"
        f"<cas:attributes>{attrs}</cas:attributes></cas:authenticationSuccess>"
        "</cas:serviceResponse>"
    )


FAILURE = (
    '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
    '<cas:authenticationFailure code="INVALID_TICKET">Ticket not recognized'
    "</cas:authenticationFailure></cas:serviceResponse>"
)


@pytest.fixture
def cas(settings):
    """A CAS server: ST-legal and ST-staff are good once, for our callback only."""
    tickets = {
        "ST-legal": _success("legal-9", uscc=USCC, name="沂南开工建设有限公司"),
        "ST-staff": _success("clerk-cas"),
        "ST-unknown": _success("legal-x", uscc=make_uscc(525252)),
    }

    def respond(request):
        url = urlparse(request["path"])
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path != "/cas/p3/serviceValidate" or query.get("service") != CALLBACK:
            return 200, FAILURE, 0
        answer = tickets.pop(query.get("ticket", ""), FAILURE)  # a ticket is good once
        return 200, answer, 0

    with serve(respond) as (url, log):
        settings.KAIGONG_TICKET_SSO = "cas"
        settings.KAIGONG_CAS_SERVER_URL = f"{url}/cas"
        settings.AUTHENTICATION_BACKENDS = BACKENDS
        yield f"{url}/cas", log


def test_cas_round_trip_legal_person_staff_and_a_ticket_used_twice(cas):
    server, log = cas
    enterprise = EnterpriseFactory(uscc=USCC)
    applicant = user_with_role(Role.APPLICANT, enterprise=enterprise)
    assert "/sso/ticket/login/" in Client().get("/accounts/login/").content.decode()

    browser = Client()
    start = browser.get("/sso/ticket/login/")
    assert start.status_code == 302
    assert start["Location"] == f"{server}/login?{urlencode({'service': CALLBACK})}"
    # the platform sends the browser back with a ticket; we validate it server-side
    done = browser.get("/sso/ticket/callback/?ticket=ST-legal")
    assert done.status_code == 302
    assert int(browser.session["_auth_user_id"]) == applicant.pk
    assert browser.get("/").status_code == 200 and browser.session["_auth_user_id"]
    identity = OidcIdentity.objects.get(subject="legal-9")
    assert (identity.issuer, identity.kind, identity.uscc) == (server, "legal_person", USCC)
    assert any("ticket=ST-legal" in r["path"] for r in log.requests)

    # the same ticket again (a replay): the server no longer knows it
    replay = Client()
    page = replay.get("/sso/ticket/callback/?ticket=ST-legal", follow=True)
    assert "_auth_user_id" not in replay.session
    assert "未能确认省统一身份认证平台的登录" in page.content.decode()
    assert AuditRecord.objects.filter(action="sso_login_refused").exists()

    # staff by their user name; logout ends the session here, then at the CAS server
    clerk = user_with_role(Role.WINDOW_CLERK)
    clerk.username = "clerk-cas"
    clerk.save()
    staff = Client()
    staff.get("/sso/ticket/callback/?ticket=ST-staff")
    assert int(staff.session["_auth_user_id"]) == clerk.pk
    out = staff.post("/accounts/logout/")
    assert out.status_code == 302
    back = "http://testserver/accounts/login/"
    assert out["Location"] == f"{server}/logout?{urlencode({'service': back})}"
    assert "_auth_user_id" not in staff.session


def test_cas_refuses_an_unknown_enterprise_and_a_forged_ticket(cas):
    browser = Client()
    page = browser.get("/sso/ticket/callback/?ticket=ST-unknown", follow=True)
    assert "_auth_user_id" not in browser.session
    assert "未在本平台登记企业信息" in page.content.decode()
    forged = Client()
    forged.get("/sso/ticket/callback/?ticket=ST-made-up")
    assert "_auth_user_id" not in forged.session
    assert not OidcIdentity.objects.exists()


def _signed(key: str, **params: str) -> dict[str, str]:
    """As the platform signs: MD5 of the sorted k=v pairs, then &key=…, upper-case hex."""
    text = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if v)
    return {**params, "sign": hashlib.md5(f"{text}&key={key}".encode()).hexdigest().upper()}


@pytest.fixture
def md5(settings):
    settings.KAIGONG_TICKET_SSO = "md5"
    settings.KAIGONG_TICKET_MD5_KEY = "province-shared-key"
    settings.KAIGONG_TICKET_MD5_LOGIN_URL = "https://tyrz.example.gov.cn/login?app=kaigong"
    settings.KAIGONG_TICKET_LOGOUT_URL = "https://tyrz.example.gov.cn/logout?app=kaigong"
    settings.KAIGONG_TICKET_ISSUER = "tyrz.example.gov.cn"
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    return settings.KAIGONG_TICKET_MD5_KEY


def test_md5_signed_callback_logs_in_once_and_refuses_forgery_age_and_replay(md5):
    enterprise = EnterpriseFactory(uscc=USCC)
    applicant = user_with_role(Role.APPLICANT, enterprise=enterprise)
    assert Client().get("/sso/ticket/login/")["Location"].startswith("https://tyrz.example")
    now = str(int(time.time() * 1000))
    params = _signed(md5, userid="fr-77", uscc=USCC, name="沂南开工建设有限公司", timestamp=now)

    browser = Client()
    assert browser.get("/sso/ticket/callback/", params).status_code == 302
    assert int(browser.session["_auth_user_id"]) == applicant.pk
    assert OidcIdentity.objects.get(subject="fr-77").issuer == "tyrz.example.gov.cn"

    # the same signed request again: refused (replay)
    again = Client()
    again.get("/sso/ticket/callback/", params)
    assert "_auth_user_id" not in again.session
    # a parameter changed after signing: refused
    forged = Client()
    forged.get("/sso/ticket/callback/", {**params, "uscc": make_uscc(535353)})
    assert "_auth_user_id" not in forged.session
    # signed with another key, or ten minutes old: refused
    for bad in (
        _signed("guessed", userid="fr-77", uscc=USCC, timestamp=now),
        _signed(md5, userid="fr-77", uscc=USCC, timestamp=str(int(time.time()) - 600)),
    ):
        client = Client()
        client.get("/sso/ticket/callback/", bad)
        assert "_auth_user_id" not in client.session

    # our logout, then the platform's
    out = browser.post("/accounts/logout/")
    assert out["Location"] == "https://tyrz.example.gov.cn/logout?app=kaigong"


def test_without_a_ticket_platform_the_urls_are_not_there(settings):
    settings.KAIGONG_TICKET_SSO = ""
    assert Client().get("/sso/ticket/login/").status_code == 404
    assert Client().get("/sso/ticket/callback/?ticket=ST-1").status_code == 404
    assert "/sso/ticket/login/" not in Client().get("/accounts/login/").content.decode()
    # a password session logs out here only
    user = user_with_role(Role.WINDOW_CLERK)
    client = Client()
    client.force_login(user)
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
