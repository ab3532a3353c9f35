"""
Request body parsers that refuse what the database or the code behind cannot hold.

DRF's own parsers hand every JSON value on as it came; a NUL byte then fails in
PostgreSQL, a lone surrogate fails when the row is encoded, and 5,000 nested arrays
exhaust the recursion of the parser itself: three 500s. These parsers answer them as
400 problem documents with stable codes instead:

- ``invalid_characters``: a NUL byte or a lone surrogate in a key or a value;
- ``invalid_encoding``: a body that is not UTF-8;
- ``body_too_deep``: objects/arrays nested deeper than ``KAIGONG_API_JSON_MAX_DEPTH``;
- ``payload_too_large`` (413): a body larger than ``KAIGONG_API_JSON_MAX_BYTES`` (the
  middleware refuses it from its ``Content-Length`` already; this guards the stream).

They are the defaults of ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``; views that list
their parsers import them from here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError
from rest_framework.settings import api_settings


class InvalidCharacters(ParseError):
    default_detail = _("The request contains a NUL byte or an invalid character.")
    default_code = "invalid_characters"


class InvalidEncoding(ParseError):
    default_detail = _("The request body is not valid UTF-8.")
    default_code = "invalid_encoding"


class BodyTooDeep(ParseError):
    default_detail = _("The request body is nested too deeply.")
    default_code = "body_too_deep"


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


def json_max_bytes() -> int:
    return int(getattr(settings, "KAIGONG_API_JSON_MAX_BYTES", 1024 * 1024))


def json_max_depth() -> int:
    return int(getattr(settings, "KAIGONG_API_JSON_MAX_DEPTH", 32))


def bad_text(value: str) -> bool:
    """A NUL byte or a lone surrogate (neither can be stored as UTF-8 text)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_value(value: Any, *, max_depth: int) -> None:
    """Raise ``InvalidCharacters`` / ``BodyTooDeep`` for a parsed JSON value (iteratively)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if bad_text(node):
                raise InvalidCharacters()
        elif isinstance(node, dict):
            if depth >= max_depth:
                raise BodyTooDeep()
            for key, child in node.items():
                if bad_text(key):
                    raise InvalidCharacters()
                stack.append((child, depth + 1))
        elif isinstance(node, list):
            if depth >= max_depth:
                raise BodyTooDeep()
            stack.extend((child, depth + 1) for child in node)


def check_strings(values: Iterable[str]) -> None:
    for value in values:
        if isinstance(value, str) and bad_text(value):
            raise InvalidCharacters()


def _read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise PayloadTooLarge()
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size limit, strict UTF-8 and the checks above."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = _read_limited(stream, json_max_bytes())
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidEncoding() from exc
        if not text.strip():
            raise ParseError(_("The request body is empty; send a JSON document."))
        try:
            value = json.loads(
                text,
                parse_constant=_no_constants if api_settings.STRICT_JSON else None,
                parse_float=_finite_float,
            )
        except RecursionError as exc:
            raise BodyTooDeep() from exc
        except ValueError as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
        check_value(value, max_depth=json_max_depth())
        return value


def _no_constants(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    """1e999 would become infinity, which no JSON column can store: refused."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _check_querydict(data) -> None:
    for key, values in data.lists():
        check_strings([key])
        check_strings(values)


class FormParser(parsers.FormParser):
    """DRF's form parser; a NUL byte or a surrogate in a field → ``invalid_characters``."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_querydict(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser; the fields (not the files) are checked as above."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _check_querydict(result.data)
        for name, upload in result.files.items():
            check_strings([name, getattr(upload, "name", "") or ""])
        return result
