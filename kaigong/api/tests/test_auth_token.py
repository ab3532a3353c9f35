import hashlib
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

import pytest
import time_machine
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from kaigong.accounts.tests.factories import PASSWORD, UserFactory

URL = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"


def _login(client, username="wangwu", password=PASSWORD, **extra):
    return client.post(URL, {"username": username, "password": password}, format="json", **extra)


def _token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.django_db
def test_token_for_good_credentials_authenticates_later_calls(api_client):
    # given a user
    user = UserFactory(username="wangwu")
    # when they exchange their password for a token
    response = _login(api_client)
    # then the token (stored only as its SHA-512) authenticates a call that needs a login
    assert response.status_code == 200
    token = response.json()["token"]
    assert _token_client(token).get(TOKENS).status_code == 200
    assert AuthToken.objects.get(user=user).digest == hashlib.sha512(token.encode()).hexdigest()
    assert APIClient().get(TOKENS).status_code == 401


@pytest.mark.django_db
@override_settings(REST_KNOX={"TOKEN_TTL": timedelta(hours=2), "AUTH_HEADER_PREFIX": "Token"})
def test_tokens_expire_after_the_configured_lifetime(api_client):
    # given a token obtained now with a two-hour lifetime
    UserFactory(username="wangwu")
    response = _login(api_client)
    body = response.json()
    expiry = timezone.datetime.fromisoformat(body["expiry"])
    assert timedelta(hours=1, minutes=59) < expiry - timezone.now() <= timedelta(hours=2)
    client = _token_client(body["token"])
    # when the lifetime has passed
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        late = client.get(TOKENS)
    # then the token no longer works, and is gone
    assert late.status_code == 401
    assert late["Content-Type"] == "application/problem+json"
    assert not AuthToken.objects.exists()


@pytest.mark.django_db
def test_owner_lists_own_tokens_without_secrets_and_revokes_one(api_client):
    # given two tokens of wangwu and one of someone else
    UserFactory(username="wangwu")
    UserFactory(username="lisi")
    first = _login(api_client).json()["token"]
    second = _login(api_client).json()["token"]
    _login(api_client, username="lisi")
    client = _token_client(first)
    # when wangwu lists their tokens
    rows = client.get(TOKENS).json()
    # then both of theirs are listed, the current one marked, and no secret shown
    assert len(rows) == 2
    assert {r["prefix"] for r in rows} == {first[:8], second[:8]}
    assert [r["current"] for r in rows if r["prefix"] == first[:8]] == [True]
    assert first not in str(rows) and second not in str(rows)
    assert set(rows[0]) == {"id", "prefix", "created", "expiry", "current"}
    # when they revoke the second one
    other = next(r for r in rows if r["prefix"] == second[:8])
    assert client.delete(f"{TOKENS}{other['id']}/").status_code == 204
    # then it stops working and the first one still works
    assert _token_client(second).get(TOKENS).status_code == 401
    assert client.get(TOKENS).status_code == 200


@pytest.mark.django_db
def test_revoking_someone_elses_token_is_404_and_keeps_it(api_client):
    # given lisi's token and wangwu's client
    UserFactory(username="wangwu")
    UserFactory(username="lisi")
    lisi_token = _login(api_client, username="lisi").json()["token"]
    lisi_id = _token_client(lisi_token).get(TOKENS).json()[0]["id"]
    wangwu = _token_client(_login(api_client).json()["token"])
    # when wangwu tries to revoke it (and a malformed id)
    response = wangwu.delete(f"{TOKENS}{lisi_id}/")
    # then both are 404 and lisi's token still works
    assert response.status_code == 404
    assert response.json()["code"] == "token_not_found"
    assert wangwu.delete(f"{TOKENS}not-an-id/").status_code == 404
    assert _token_client(lisi_token).get(TOKENS).status_code == 200


@pytest.mark.django_db
def test_logout_revokes_the_token_used(api_client):
    # given two tokens of one user
    UserFactory(username="wangwu")
    used = _login(api_client).json()["token"]
    kept = _login(api_client).json()["token"]
    # when the first logs out
    response = _token_client(used).post("/api/v1/auth/logout/")
    # then it is revoked, the other one is not
    assert response.status_code == 204
    assert _token_client(used).get(TOKENS).status_code == 401
    assert _token_client(kept).get(TOKENS).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        ("Token \xff\xfe", 401, "authentication_failed"),
        ("Token " + "a" * 500, 401, "authentication_failed"),
        # a NUL anywhere in a header is refused before authentication (api/middleware.py)
        ("Token abc\x00def", 400, "invalid_characters"),
    ],
)
def test_malformed_tokens_are_refused_not_500(header, status, code):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(TOKENS)
    assert response.status_code == status
    assert response.json()["code"] == code


@pytest.mark.django_db
def test_wrong_password_is_a_problem_document_in_chinese_by_default(api_client):
    UserFactory(username="wangwu")

    response = _login(api_client, password="wrong")

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

    response = _login(api_client, password="wrong", HTTP_ACCEPT_LANGUAGE="en")

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
        _login(api_client, password="wrong")

    response = _login(api_client)

    assert response.status_code == 403
    assert response.json()["code"] == "account_locked"


@pytest.fixture
def tight_rates(monkeypatch):
    """Three logins a minute per address, five per user name."""
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "token": "3/minute", "login_user": "5/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [0, 1])
def test_rotating_x_forwarded_for_does_not_escape_the_address_limit(api_client, tight_rates, depth):
    # given one client behind `depth` trusted proxies, forging a new X-Forwarded-For each time
    def attempt(n):
        forged = f"198.51.100.{n}, 203.0.113.7" if depth else f"198.51.100.{n}"
        with override_settings(TRUSTED_PROXY_COUNT=depth):
            return _login(
                api_client, username=f"user{n}", password="wrong", HTTP_X_FORWARDED_FOR=forged
            )

    # when it tries four times with four user names
    responses = [attempt(n) for n in range(4)]
    # then the fourth is throttled: a problem document with Retry-After
    assert [r.status_code for r in responses] == [400, 400, 400, 429]
    assert responses[3]["Content-Type"] == "application/problem+json"
    assert responses[3].json()["code"] == "throttled"
    assert int(responses[3]["Retry-After"]) > 0


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_clients_behind_the_proxy_have_their_own_buckets(api_client, tight_rates):
    # given one client that used up its budget behind nginx
    for n in range(3):
        _login(api_client, username=f"u{n}", password="x", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert _login(api_client, password="x", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # when another client comes through the same nginx (same REMOTE_ADDR)
    other = _login(api_client, password="x", HTTP_X_FORWARDED_FOR="203.0.113.8")
    # then it is not throttled
    assert other.status_code == 400


@pytest.mark.django_db
def test_one_user_name_is_throttled_across_addresses(api_client, tight_rates):
    # given guesses at one user name from six different addresses
    UserFactory(username="wangwu")
    statuses = [
        _login(api_client, password="wrong", REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(6)
    ]
    # then the sixth is throttled although each address tried once (case ignored)
    assert statuses == [400, 400, 400, 400, 400, 429]
    again = _login(api_client, username=" WangWu ", REMOTE_ADDR="192.0.2.99")
    assert again.status_code == 429


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_token_writes_are_audited_with_the_client_address_behind_the_proxy(api_client):
    # given a client behind nginx that also forged an entry
    from kaigong.core.models import AuditRecord

    UserFactory(username="wangwu")
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7", "REMOTE_ADDR": "10.0.0.2"}
    # when it obtains a token and logs out with it
    token = _login(api_client, **forwarded).json()["token"]
    _token_client(token).post("/api/v1/auth/logout/", **forwarded)
    # then both are audited with the address nginx saw
    records = {r.action: r.data["ip"] for r in AuditRecord.objects.all()}
    assert records == {"api_token_issued": "203.0.113.7", "api_token_logged_out": "203.0.113.7"}


@pytest.mark.django_db
def test_an_api_call_reads_the_presented_token_only_not_every_token_of_its_user(
    api_client, django_assert_num_queries
):
    # given a user with three tokens (knox read all of them on every call, issue #16 §2)
    UserFactory(username="wangwu")
    tokens = [_login(api_client).json()["token"] for _ in range(3)]
    client = _token_client(tokens[0])
    client.get(TOKENS)  # the process's caches warm
    # when one of them authenticates a call: one query finds it with its user, the other is
    # the view's own (the list of tokens)
    with django_assert_num_queries(2) as captured:
        assert client.get(TOKENS).status_code == 200
    # then authentication read the token table once
    reads = [q["sql"] for q in captured.captured_queries if "knox_authtoken" in q["sql"]]
    assert len(reads) == 2 and '"accounts_user"' in reads[0]


@pytest.mark.django_db
@override_settings(REST_KNOX={"TOKEN_TTL": timedelta(hours=2), "AUTH_HEADER_PREFIX": "Token"})
def test_a_new_token_removes_the_users_expired_ones(api_client):
    # given an expired token of wangwu and a live one of someone else
    wangwu = UserFactory(username="wangwu")
    UserFactory(username="lisi")
    _login(api_client)
    _login(api_client, username="lisi")
    # when wangwu logs in again after the first token's lifetime
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert _login(api_client).status_code == 200
    # then only his new token is left; lisi's (expired too) waits for lisi's next login or use
    assert AuthToken.objects.filter(user=wangwu).count() == 1
    assert AuthToken.objects.exclude(user=wangwu).count() == 1
