"""Checks of the project itself: configuration documented, translations complete."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env_keys_read_in(path: Path) -> set[str]:
    pattern = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")
    return set(pattern.findall(path.read_text(encoding="utf-8")))


def test_every_environment_variable_is_listed_in_env_example():
    read = set()
    for path in (ROOT / "config").rglob("*.py"):
        read |= _env_keys_read_in(path)
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))

    assert read, "no env() calls found: the pattern is broken"
    assert read - listed == set()


ENVIRONMENT_READ = re.compile(
    r"\bos\.environ\b|\bgetenv\s*\(|\benviron\s*\[|from os import .*environ"
)


def test_only_config_env_reads_the_environment():
    # settings modules may set a default for config/env.py to read (os.environ.setdefault)
    allowed = {"config/env.py"}
    offenders = []
    for base in ("kaigong", "config"):
        for path in (ROOT / base).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if relative in allowed or "/tests/" in relative:
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if ENVIRONMENT_READ.search(line) and "os.environ.setdefault(" not in line:
                    offenders.append(f"{relative}: {line.strip()}")
    assert offenders == []


def test_the_environment_pattern_sees_every_form():
    reads = ["os.environ['X']", 'os.environ.get("X")', "os.getenv('X')", "{**os.environ}"]
    assert [bool(ENVIRONMENT_READ.search(line)) for line in reads] == [True] * 4
    assert ENVIRONMENT_READ.search("env('X')") is None


PO_FILES = sorted(ROOT.glob("kaigong/*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_are_chinese_catalogues():
    assert len(PO_FILES) >= 4


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: p.parts[-5])
def test_chinese_translation_is_complete(po_path):
    po = polib.pofile(str(po_path))

    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []
