"""Headers, page throttles and the staff second factor (docs/adr/0004-proxies-tokens-headers.md)."""

import re
from pathlib import Path

from django.test import Client, override_settings

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.throttling import SimpleRateThrottle

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import PASSWORD, EnterpriseFactory, user_with_role
from kaigong.core.models import AuditRecord
from kaigong.projects.services import service_code_ensure
from kaigong.projects.tests.factories import ProjectFactory

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
API_TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"


@pytest.fixture
def tight_rates(monkeypatch):
    rates = {
        **SimpleRateThrottle.THROTTLE_RATES,
        "token": "3/minute",
        "login_user": "50/minute",
        "track": "2/minute",
    }
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def _logged_in(role=Role.WINDOW_CLERK):
    user = user_with_role(role)
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return user, client


# --- throttles ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_posts_are_throttled_despite_a_rotated_forwarded_header(tight_rates):
    # given a client forging a new X-Forwarded-For on every attempt
    client = Client()
    statuses = [
        client.post(
            "/accounts/login/",
            {"username": f"nobody{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        for n in range(4)
    ]
    # then the fourth attempt is a Chinese 429 page with Retry-After
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    page = statuses[3].content.decode()
    assert "请求过于频繁" in page or "频繁" in page
    assert int(statuses[3]["Retry-After"]) > 0
    # and the login form itself (GET) is still shown
    assert client.get("/accounts/login/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [0, 1])
def test_track_page_and_api_share_one_budget_per_trusted_address(tight_rates, depth):
    # given a service code and a client behind `depth` proxies forging the header
    project = ProjectFactory(enterprise=EnterpriseFactory())
    code = service_code_ensure(enterprise=project.enterprise, project=project)
    client = Client()

    def get(url, n):
        forged = f"198.51.100.{n}, 203.0.113.9" if depth else f"198.51.100.{n}"
        with override_settings(TRUSTED_PROXY_COUNT=depth):
            return client.get(url, HTTP_X_FORWARDED_FOR=forged)

    # when it reads the page once, the API once, then the page again
    first = get(f"/track/{code.token}/", 1)
    second = get(f"/api/v1/track/{code.token}/", 2)
    third = get(f"/track/{code.token}/", 3)
    # then the third is refused on the page, and the API refuses too
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    api = get(f"/api/v1/track/{code.token}/", 4)
    assert api.status_code == 429
    assert api.json()["code"] == "throttled"


# --- headers --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_and_a_permissions_policy():
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=(self)" in policy
    assert "payment=()" in policy and "usb=()" in policy


@pytest.mark.django_db
def test_authenticated_pages_and_json_are_not_stored(api_client):
    # given a logged-in clerk
    user, client = _logged_in()
    # then their pages are no-store
    assert "no-store" in client.get("/")["Cache-Control"]
    # and so is the JSON of a token-authenticated API call
    token = api_client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert "no-store" in api_client.get("/api/v1/auth/tokens/")["Cache-Control"]


@pytest.mark.django_db
def test_documents_are_not_stored(api_client):
    from kaigong.projects.tests.factories import small_catalogue

    small_catalogue()
    applicant = user_with_role(Role.APPLICANT)
    project = ProjectFactory(enterprise=applicant.memberships.get().enterprise)
    api_client.force_authenticate(applicant)
    response = api_client.get(f"/api/v1/projects/{project.public_id}/guide/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]


INLINE = (
    r"<script(?![^>]*\bsrc=)[^>]*>",
    r"\son[a-z]+\s*=",
    r"javascript:",
    r"<style",
    r"\sstyle\s*=",
)


def test_no_template_has_inline_script_style_or_event_handlers():
    # the CSP allows scripts and styles from this site's files only
    offenders = []
    for path in [*TEMPLATES.rglob("*.html"), *API_TEMPLATES.rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        for pattern in INLINE:
            if re.search(pattern, text, flags=re.IGNORECASE):
                offenders.append(f"{path.name}: {pattern}")
    assert offenders == []


# --- staff second factor --------------------------------------------------------------------


def _code(device: TOTPDevice, drift: int = 0) -> str:
    """The device's current code, computed from its key (RFC 6238)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


@pytest.mark.django_db
@override_settings(STAFF_OTP_REQUIRED=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_staff_enrol_then_must_verify_at_every_login():
    # given a reviewer who logs in with a password and has no device yet
    user, client = _logged_in(Role.REVIEWER)
    # then every page sends them to enrolment, which shows a QR code drawn locally
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/otp/setup/")
    setup = client.get(home["Location"])
    assert setup.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # when they confirm with a wrong code, then with the app's current code
    bad = "000000" if _code(device) != "000000" else "111111"
    wrong = client.post("/accounts/otp/setup/", {"code": bad})
    assert wrong.status_code == 200 and "验证码错误" in wrong.content.decode()
    confirmed = client.post("/accounts/otp/setup/", {"code": _code(device), "next": "/"})
    assert confirmed.status_code == 302
    # then the home page opens, and the enrolment is audited
    assert client.get("/").status_code == 200
    assert AuditRecord.objects.filter(action="otp_device_enrolled", actor=user).count() == 1
    # and at the next login they must type a code before anything else
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    again = client.get("/")
    assert again["Location"].startswith("/accounts/otp/verify/")
    device.refresh_from_db()
    assert client.post("/accounts/otp/verify/", {"code": "12345x"}).status_code == 200
    assert client.get("/").status_code == 302
    verified = client.post("/accounts/otp/verify/", {"code": _code(device, drift=1), "next": "/"})
    assert verified.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@override_settings(STAFF_OTP_REQUIRED=True)
def test_unverified_staff_session_gets_403_from_the_api():
    _user, client = _logged_in(Role.SUPERVISOR)
    response = client.get("/api/v1/auth/tokens/")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


@pytest.mark.django_db
@override_settings(STAFF_OTP_REQUIRED=True)
def test_applicants_are_never_asked():
    _user, client = _logged_in(Role.APPLICANT)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_staff_are_not_asked_when_the_setting_is_off():
    _user, client = _logged_in(Role.APPROVER)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@override_settings(STAFF_OTP_REQUIRED=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_staff_token_needs_the_current_code(api_client):
    # given a clerk with a confirmed device
    clerk = user_with_role(Role.WINDOW_CLERK)
    device = TOTPDevice.objects.create(user=clerk, name="TOTP", confirmed=True)
    url = "/api/v1/auth/token/"
    body = {"username": clerk.username, "password": PASSWORD}
    # then a password alone or a wrong code is refused
    assert api_client.post(url, body, format="json").json()["code"] == "otp_required"
    assert api_client.post(url, {**body, "otp": "99999x"}, format="json").status_code == 400
    # and the current code gives a token
    ok = api_client.post(url, {**body, "otp": _code(device)}, format="json")
    assert ok.status_code == 200 and ok.json()["token"]


@pytest.mark.django_db
@override_settings(STAFF_OTP_REQUIRED=True)
def test_staff_without_a_device_cannot_get_a_token(api_client):
    clerk = user_with_role(Role.CATALOG_ADMIN)
    response = api_client.post(
        "/api/v1/auth/token/", {"username": clerk.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "otp_enrolment_required"
