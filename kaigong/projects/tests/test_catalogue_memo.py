"""The catalogue's memo (catalog.memo), as the guide uses it: bounded, and it drops the
oldest entry, never all of them."""

from __future__ import annotations

import pytest

from kaigong.catalog import memo


@pytest.fixture
def empty_memo(monkeypatch):
    monkeypatch.setattr(memo, "_memo", {})
    monkeypatch.setattr(memo, "catalogue_fingerprint", lambda: ("fp",))
    return memo._memo


def test_a_full_memo_drops_only_its_oldest_entry(empty_memo):
    for n in range(memo.MEMO_SIZE):
        memo.memoised(("k", n), lambda n=n: n)
    loads = []
    memo.memoised(("k", "new"), lambda: loads.append("new") or "new")
    assert len(memo._memo) == memo.MEMO_SIZE
    assert (("fp",), "k", 0) not in memo._memo
    assert (("fp",), "k", 1) in memo._memo and (("fp",), "k", "new") in memo._memo
    # what is kept is not loaded again
    assert memo.memoised(("k", 1), lambda: pytest.fail("loaded again")) == 1
    assert loads == ["new"]
