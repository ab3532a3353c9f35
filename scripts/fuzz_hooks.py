"""
Schemathesis hooks for the outside fuzzing run (``scripts/fuzz_outside.sh``).

Loaded by the schemathesis CLI through ``SCHEMATHESIS_HOOKS=fuzz_hooks`` (with ``scripts/``
on ``PYTHONPATH``). Path parameters are drawn either from the generated value or from the
real identifiers of the demo database (cases, items, projects, enterprises, certificates,
documents, materials, extensions, notices, bundle codes, tracking tokens), which the script
writes to the JSON file named by ``KAIGONG_FUZZ_KNOWN``. So every role also hits objects
that exist: its own (which it may read or change) and other people's (which must be 404).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import schemathesis
from hypothesis import strategies as st

_known_file = os.environ.get("KAIGONG_FUZZ_KNOWN", "")
KNOWN: dict[str, list[str]] = (
    json.loads(Path(_known_file).read_text(encoding="utf-8")) if _known_file else {}
)


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    """Either the generated value or a real identifier of the demo."""
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([value, *KNOWN.get(name, KNOWN.get("public_id", []))])
            for name, value in path_parameters.items()
        }
    )


@schemathesis.auth()
class RoleToken:
    """The role's token (``KAIGONG_FUZZ_TOKEN``) as the schema's ``tokenAuth``; none for the
    anonymous run. Given as authentication (not as a plain header) so that the
    ``ignored_auth`` check can drop it or spoil it and expect a 401."""

    def get(self, case, context):
        return os.environ.get("KAIGONG_FUZZ_TOKEN") or None

    def set(self, case, data, context):
        if data:
            case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}
