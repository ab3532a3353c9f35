"""
Schemathesis hooks for the outside fuzzing run (``scripts/fuzz_outside.sh``).

Loaded by the schemathesis CLI through ``SCHEMATHESIS_HOOKS=fuzz_hooks`` (with ``scripts/``
on ``PYTHONPATH``). Path parameters are drawn either from the generated value or from the
real identifiers of the demo database (cases, items, projects, enterprises, certificates,
documents, materials, extensions, notices, bundle codes, tracking tokens, and the objects of
the apps above the spine, per path prefix), which the script
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


def _known(path: str, name: str) -> list[str]:
    """The demo's identifiers for a path parameter: for ``{public_id}``, those of the
    objects the path names (the longest known prefix before the parameter), else any."""
    if name == "public_id":
        head = path.removeprefix("/api/v1/").split("{", 1)[0]
        prefixes = [p for p in KNOWN.get("by_prefix", {}) if head.startswith(p)]
        if prefixes:
            ids = KNOWN["by_prefix"][max(prefixes, key=len)]
            if ids:
                return ids
    return KNOWN.get(name, KNOWN.get("public_id", []))


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    """Either the generated value or a real identifier of the demo."""
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path if context.operation is not None else ""
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([value, *_known(path, name)])
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


# The coverage phase makes a fixed list of cases per operation (every boundary and negation
# of every parameter): often a hundred or more, too many for ten minutes of 198 operations.
# At most FUZZ_COVERAGE_CASES of them run, spread evenly over the whole list, so each
# parameter keeps some of its variants (the in-suite test shares its list out likewise).
_COVERAGE_CASES = int(os.environ.get("FUZZ_COVERAGE_CASES", "0") or 0)
if _COVERAGE_CASES > 0:
    from schemathesis.generation.hypothesis import builder as _builder

    _generate_coverage_cases = _builder.generate_coverage_cases

    def _spread_coverage_cases(**kwargs):
        cases = list(_generate_coverage_cases(**kwargs))
        if len(cases) <= _COVERAGE_CASES:
            return iter(cases)
        step = len(cases) / _COVERAGE_CASES
        return iter(cases[int(i * step)] for i in range(_COVERAGE_CASES))

    _builder.generate_coverage_cases = _spread_coverage_cases
