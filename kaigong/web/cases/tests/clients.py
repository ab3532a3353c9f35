"""Logged-in page clients for the case page tests."""

from __future__ import annotations

from django.test import Client


def client_for(user) -> Client:
    """A browser session logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client
