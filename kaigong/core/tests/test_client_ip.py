"""One client address for axes, throttles and audit, from the trusted proxy depth."""

from django.test import RequestFactory, override_settings

import pytest
from axes.helpers import get_client_ip_address
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from kaigong.core.client_ip import client_ip

CASES = [
    # depth, REMOTE_ADDR, X-Forwarded-For, expected client
    (0, "10.0.0.5", None, "10.0.0.5"),
    (0, "10.0.0.5", "198.51.100.1", "10.0.0.5"),  # no proxy trusted: the header is ignored
    (1, "10.0.0.5", "203.0.113.7", "203.0.113.7"),  # nginx appended the client
    (1, "10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # forged entry on the left
    (1, "10.0.0.5", "1.2.3.4, 5.6.7.8, 203.0.113.7", "203.0.113.7"),
    (2, "10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),  # CDN then nginx
    (1, "10.0.0.5", None, "10.0.0.5"),  # no header: the peer
    (1, "10.0.0.5", "not-an-address", "10.0.0.5"),  # garbage: the peer, never the garbage
    (1, "", "", None),  # no address at all (a request built in code)
]


def _request(remote, forwarded):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(("depth", "remote", "forwarded", "expected"), CASES)
def test_client_ip_trusts_only_the_configured_depth(depth, remote, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=depth):
        assert client_ip(_request(remote, forwarded)) == expected


@pytest.mark.parametrize(("depth", "remote", "forwarded", "expected"), CASES[:7])
def test_axes_and_drf_see_the_same_address(depth, remote, forwarded, expected, monkeypatch):
    # given DRF's stock throttles configured with the same depth (REST_FRAMEWORK NUM_PROXIES)
    monkeypatch.setattr(api_settings, "NUM_PROXIES", depth, raising=False)
    request = _request(remote, forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=depth):
        # then django-axes (AXES_CLIENT_IP_CALLABLE) and DRF agree with the expected address
        assert get_client_ip_address(request) == expected
        assert BaseThrottle().get_ident(request) == expected


def test_settings_give_drf_the_same_depth():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT
    assert settings.AXES_CLIENT_IP_CALLABLE == "kaigong.core.client_ip.client_ip"
