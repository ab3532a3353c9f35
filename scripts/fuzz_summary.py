"""
Summary of an outside fuzzing run (scripts/fuzz_outside.sh): per schemathesis run the
operations tested, the test cases generated and the failures by kind; the requests the
server answered (its access log) and how many were 5xx; the operations of the schema that
the runs reached together (their JUnit reports) and those none reached. Exit 1 when a run
found a failure that counts ("blocking": a 5xx, a response not matching its schema, an
undocumented status or content type, a missing documented header) or an operation was not
reached; the other kinds are listed for review.

    python scripts/fuzz_summary.py var/fuzz 600
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

BLOCKING = (
    "Server error",
    "Response violates schema",
    "Undocumented HTTP status code",
    "Undocumented Content-Type",
    "Missing Content-Type header",
    "Malformed media type",
    "Missing required headers",
    "Response header does not conform to the schema",
    "Unsupported methods",
    "Network Error",
)


def parse(text: str) -> dict:
    tested = re.search(r"^\s+Tested: (\d+)", text, re.M)
    cases = re.search(r"^\s+(\d+) generated", text, re.M)
    failures: Counter[str] = Counter()
    block = re.search(r"^Failures:\n(.*?)(?:\n\n|\Z)", text, re.M | re.S)
    if block:
        for line in block.group(1).splitlines():
            match = re.match(r"\s+\S+\s+(.+): (\d+)$", line)
            if match:
                failures[match.group(1)] += int(match.group(2))
    # uvicorn refuses malformed HTTP (a header value with control characters, as the
    # ignored_auth check sends) before the application: "400 Invalid HTTP request received."
    # as text/plain. Counted apart: no application code runs for it.
    transport = len(
        re.findall(
            r"- Undocumented Content-Type\n(?:.*\n){0,6}?\s+`Invalid HTTP request received\.`",
            text,
        )
    )
    if transport:
        failures["Undocumented Content-Type"] -= transport
        if failures["Undocumented Content-Type"] <= 0:
            del failures["Undocumented Content-Type"]
        failures["Malformed HTTP refused by the server (uvicorn, text/plain)"] += transport
    errors = 1 if "KeyError: ('from __future__" in text or "ERRORS" in text else 0
    return {
        "tested": int(tested.group(1)) if tested else 0,
        "cases": int(cases.group(1)) if cases else 0,
        "failures": failures,
        "errors": errors,
    }


METHODS = ("get", "put", "post", "patch", "delete")


def operations_of(schema_file: Path) -> set[str]:
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    }


def reached_in(junit_file: Path) -> set[str]:
    """The operations a run tested (a JUnit test case that was not only skipped)."""
    try:
        root = ET.parse(junit_file).getroot()
    except (ET.ParseError, OSError):
        return set()
    return {
        case.get("name", "")
        for case in root.iter("testcase")
        if case.find("skipped") is None or case.find("failure") is not None
    }


def main() -> int:
    out = Path(sys.argv[1])
    elapsed = sys.argv[2] if len(sys.argv) > 2 else "?"
    total: Counter[str] = Counter()
    cases = 0
    operations_total: list[int] = []
    print(f"{'run':28} {'ops':>4} {'cases':>6}  failures")
    for path in sorted(out.glob("*.txt")):
        if path.stem in ("summary", "demo_load", "server"):
            continue
        result = parse(path.read_text(encoding="utf-8", errors="replace"))
        cases += result["cases"]
        total.update(result["failures"])
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(result["failures"].items())) or "none"
        note = " (internal error of the CLI)" if result["errors"] else ""
        print(f"{path.stem:28} {result['tested']:>4} {result['cases']:>6}  {kinds}{note}")
        operations_total.append(result["tested"])
    log = (out / "server.log").read_text(encoding="utf-8", errors="replace")
    requests = re.findall(r'" (\d{3})$', log, re.M)
    server_errors = sum(1 for status in requests if status.startswith("5"))
    print(
        f"\n{elapsed}s of fuzzing; {cases} test cases; {len(requests)} requests answered, "
        f"{server_errors} of them 5xx"
    )
    statuses = Counter(requests)
    print("  statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    operations = operations_of(out / "schema.json")
    reached: set[str] = set()
    for junit in sorted(out.glob("junit-*.xml")):
        reached |= reached_in(junit)
    missing = sorted(operations - reached)
    print(f"operations reached: {len(operations & reached)} / {len(operations)}")
    for label in missing:
        print(f"  not reached: {label}")
    for kind, n in sorted(total.items()):
        flag = "BLOCKING" if kind in BLOCKING else "review"
        print(f"  {flag:8} {kind}: {n}")
    blocking = sum(n for kind, n in total.items() if kind in BLOCKING) + server_errors
    blocking += len(missing)
    print(
        "result:",
        "FAIL" if blocking else "clean (every operation reached, no 5xx, no schema violation)",
    )
    return 1 if blocking else 0


if __name__ == "__main__":
    sys.exit(main())
