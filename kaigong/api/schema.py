"""
OpenAPI: every operation documents the problem documents it can answer.

``problem_responses`` (a drf-spectacular postprocessing hook, SPECTACULAR_SETTINGS) adds,
to each operation that does not list them already, ``application/problem+json`` responses
of the one ``Problem`` component:

- 400 everywhere (a NUL byte in a query parameter or a header, bad input), 401 (a wrong
  token is refused even on public operations), 403, 429 (throttles);
- 404 where the path names an object, and on lists (a page past the last one);
- 404 (an object the body names), 409, 413 and 415 where a body is sent (POST, PUT,
  PATCH).

Error responses that an app documented with its own copy of the problem serializer are
re-pointed to ``Problem`` and to the ``application/problem+json`` media type the API
actually answers (kaigong/api/exception_handler.py).
"""

from __future__ import annotations

from typing import Any

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "RFC 7807 problem document. `code` is stable (clients branch on it); `title` and "
        "`detail` follow Accept-Language (Chinese by default). Some problems add fields "
        "(e.g. the current `status` and the refused `action` of a 409)."
    ),
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string", "pattern": "^[a-z0-9_]+$"},
        "detail": {"type": "string"},
        "invalid_params": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["name", "code", "reason"],
            },
        },
    },
    "required": ["type", "title", "status", "code", "detail", "invalid_params"],
}

DESCRIPTIONS = {
    "400": "Invalid input (`invalid_params` lists each field), or a NUL byte / invalid "
    "character in the request (`invalid_characters`), a body nested too deep "
    "(`body_too_deep`) or not JSON (`parse_error`).",
    "401": "Not authenticated, or the credentials given are not valid.",
    "403": "Permission denied (the role does not allow it).",
    "404": "Not found, or not visible to you (the same answer on purpose).",
    "409": "The status does not allow it, or somebody changed it meanwhile.",
    "412": "The If-Match precondition names a version that is no longer current.",
    "413": "The request body is too large (`payload_too_large`; refused unread).",
    "415": "The request body's content type is not accepted here (`unsupported_media_type`).",
    "429": "Too many requests (`throttled`; see Retry-After).",
}

_BODY_METHODS = {"post", "put", "patch"}
_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _wanted(path: str, method: str, operation: dict) -> set[str]:
    statuses = {"400", "401", "403", "429"}
    paginated = any(p.get("name") == "page" for p in operation.get("parameters", []))
    if "{" in path or paginated:  # an object named by the path; a page past the last
        statuses.add("404")
    if method in _BODY_METHODS:  # 404: an object the body names
        statuses |= {"404", "409", "413", "415"}
    return statuses


def _problem_response(status: str, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or DESCRIPTIONS.get(status, ""),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": dict(PROBLEM_REF)}},
    }


def problem_responses(result: dict, generator=None, request=None, public=None) -> dict:
    """The postprocessing hook (see the module doc)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in list(responses):
                if str(status)[:1] in ("4", "5"):
                    description = responses[status].get("description") or None
                    responses[status] = _problem_response(str(status), description)
            for status in _wanted(path, method, operation) - {str(s) for s in responses}:
                responses[status] = _problem_response(status)
            operation["responses"] = dict(sorted(responses.items(), key=lambda kv: str(kv[0])))
    return result
