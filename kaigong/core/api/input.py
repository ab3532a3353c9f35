"""Reading an API request's input: one serializer, validated, or a 400 problem."""

from __future__ import annotations

from typing import Any

# the spellings of a boolean query parameter the API accepts (anything else is a 400)
TRUE_VALUES = frozenset({"true", "1", "yes"})
FALSE_VALUES = frozenset({"false", "0", "no", ""})


def validated(serializer_class: Any, data: Any) -> Any:
    """``serializer_class``'s validated data for ``data`` (DRF raises the 400 otherwise)."""
    parsed = serializer_class(data=data)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data
