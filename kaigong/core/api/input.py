"""Reading an API request's input: one serializer, validated, or a 400 problem."""

from __future__ import annotations

from typing import Any


def validated(serializer_class: Any, data: Any) -> Any:
    """``serializer_class``'s validated data for ``data`` (DRF raises the 400 otherwise)."""
    parsed = serializer_class(data=data)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data
