"""The guide's catalogue memo: bounded, and it drops the oldest entry, never all of them."""

from __future__ import annotations

import pytest

from kaigong.projects import guide


@pytest.fixture
def empty_memo(monkeypatch):
    monkeypatch.setattr(guide, "_memo", {})
    return guide._memo


def test_a_full_memo_drops_only_its_oldest_entry(empty_memo):
    for n in range(guide._MEMO_SIZE):
        guide._memoised(("k", n), lambda n=n: n)
    loads = []
    guide._memoised(("k", "new"), lambda: loads.append("new") or "new")
    assert len(guide._memo) == guide._MEMO_SIZE
    assert ("k", 0) not in guide._memo
    assert ("k", 1) in guide._memo and ("k", "new") in guide._memo
    # what is kept is not loaded again
    assert guide._memoised(("k", 1), lambda: pytest.fail("loaded again")) == 1
    assert loads == ["new"]
