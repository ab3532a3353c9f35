"""Fixtures of the cases API tests: token clients per user, form filling from the schema."""

from __future__ import annotations

from typing import Any

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(user) -> APIClient:
    """An API client that authenticates as ``user`` with its token (None: anonymous)."""
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def as_user():
    return client_for


def sample_value(prop: dict[str, Any], *, uscc: str = "") -> Any:
    """A valid value for one property of the merged form's JSON Schema."""
    kind = prop.get("x-field-type", "string")
    if "default" in prop:
        return prop["default"]
    if "enum" in prop:
        return prop["enum"][0]
    if kind == "multi_choice":
        return prop["items"]["enum"][:1]
    if kind == "boolean":
        return True
    if kind in ("integer", "decimal"):
        return max(prop.get("minimum", 1), 1)
    if kind == "date":
        return "2026-03-20"
    if kind == "phone":
        return "13800138000"
    if kind == "uscc":
        return uscc
    if kind == "region":
        return "371321"
    if kind == "resident_id":
        return "11010519491231002X"
    return "测试内容"[: prop.get("maxLength", 100)]


def filled_form(schema: dict[str, Any], *, uscc: str = "") -> dict[str, Any]:
    """Every property of the schema with a valid value."""
    return {key: sample_value(prop, uscc=uscc) for key, prop in schema["properties"].items()}


def pdf_upload(name: str = "材料.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
