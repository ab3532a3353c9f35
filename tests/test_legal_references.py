"""
Every ``# rule:`` comment can be followed from a clone alone (issue #10, part 8).

A rule cites its source: a section of ``docs/legal.md`` (``docs/legal.md#<anchor>``, which
must exist), or a named law, standard, national document or source report that
``docs/legal.md`` summarises. Nothing points outside the repository (``domain.md`` is the
founders' research notes, not part of a clone).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEGAL = ROOT / "docs" / "legal.md"

# what a reader can look up in docs/legal.md by name
NAMED_SOURCE = re.compile(
    r"docs/legal\.md#|行政许可法|民法典|行政复议法|行政诉讼法|建筑法|条例|国务院令|国办发|国发|"
    r"GB(?:/T)? ?\d|seeds?/?\s?0\d\d|seed 0\d\d|DESIGN\.md|沂南|潍坊|滨州|海宁|高明|"
    r"动态调整|容缺|告知承诺|串联审批|secrets module"
)


def _rules() -> list[tuple[str, int, str]]:
    """Each ``# rule:`` with the comment lines that continue it, as (file, line, text)."""
    found = []
    for path in sorted((ROOT / "kaigong").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if "# rule:" not in line:
                continue
            text = [line.split("# rule:", 1)[1]]
            for following in lines[number:]:
                stripped = following.strip()
                if not stripped.startswith("#") or "# rule:" in stripped:
                    break
                text.append(stripped.lstrip("# "))
            found.append((str(path.relative_to(ROOT)), number, " ".join(text)))
    return found


def _anchors() -> set[str]:
    return set(re.findall(r'<a id="([a-z0-9-]+)"></a>', LEGAL.read_text(encoding="utf-8")))


def test_the_rules_are_found():
    assert len(_rules()) >= 40


def test_every_cited_section_of_docs_legal_exists():
    anchors = _anchors()
    missing = [
        f"{path}:{line} #{anchor}"
        for path, line, text in _rules()
        for anchor in re.findall(r"docs/legal\.md#([a-z0-9-]+)", text)
        if anchor not in anchors
    ]
    assert missing == []


def test_no_rule_points_outside_the_repository():
    outside = [f"{path}:{line}" for path, line, text in _rules() if "domain.md" in text]
    assert outside == []


def test_every_rule_names_a_source_a_reader_can_follow():
    unsourced = [
        f"{path}:{line} {text}" for path, line, text in _rules() if not NAMED_SOURCE.search(text)
    ]
    assert unsourced == []
