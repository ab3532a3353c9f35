"""mypy with django-stubs over kaigong/ and config/, held to a per-file baseline that only shrinks.

``python scripts/typecheck.py`` fails when a file has more mypy errors than its line in
``scripts/mypy-baseline.txt`` (a file not listed there has a baseline of 0).
``python scripts/typecheck.py --update`` rewrites the baseline; use it only to lower numbers
after fixing errors (a review sees any line that grows).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scripts" / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+: error:")


def run_mypy() -> tuple[Counter[str], str]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "kaigong", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    counts: Counter[str] = Counter()
    for line in result.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            counts[match["path"]] += 1
    if result.returncode not in (0, 1) or (result.returncode == 1 and not counts):
        sys.exit(f"mypy did not run:\n{result.stdout}\n{result.stderr}")
    return counts, result.stdout


def read_baseline() -> Counter[str]:
    counts: Counter[str] = Counter()
    if BASELINE.exists():
        for line in BASELINE.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                path, number = line.rsplit(" ", 1)
                counts[path] = int(number)
    return counts


def main() -> int:
    counts, output = run_mypy()
    if "--update" in sys.argv:
        lines = [f"{path} {number}" for path, number in sorted(counts.items())]
        header = "# mypy errors per file that are tolerated for now; numbers may only go down.\n"
        BASELINE.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"mypy baseline: {sum(counts.values())} errors in {len(counts)} files")
        return 0
    baseline = read_baseline()
    grown = {path: n for path, n in counts.items() if n > baseline.get(path, 0)}
    if grown:
        for path in sorted(grown):
            print(f"{path}: {grown[path]} mypy errors (baseline {baseline.get(path, 0)})")
        print("\n".join(line for line in output.splitlines() if line.split(":")[0] in grown))
        return 1
    shrunk = sum(baseline.values()) - sum(counts.values())
    note = f"; {shrunk} fewer than the baseline: run with --update" if shrunk > 0 else ""
    print(f"mypy: {sum(counts.values())} errors, none above the baseline{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
