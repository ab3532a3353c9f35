"""The verifiable draw: known answers, the commitment, weights, reveal once, the public re-run."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model

import pytest

from kaigong.core.draw_selectors import draw_public_get
from kaigong.core.draw_services import draw_prepare, draw_record, draw_reveal
from kaigong.core.draws import Candidate, candidates_hash, draw_compute, draw_verify
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.models import AuditRecord, Draw

ROOT = Path(__file__).resolve().parents[3]
FIVE = [Candidate(id=f"a{i}", label=f"机构{i}") for i in range(1, 6)]
SEED = "00" * 31 + "01"


def test_known_answer():
    # the list hash is SHA-256 of the canonical JSON, as docs/draws.md writes it out
    canonical = (
        '[{"id":"a1","label":"机构1","weight":1},{"id":"a2","label":"机构2","weight":1},'
        '{"id":"a3","label":"机构3","weight":1},{"id":"a4","label":"机构4","weight":1},'
        '{"id":"a5","label":"机构5","weight":1}]'
    )
    import hashlib

    assert candidates_hash(FIVE) == hashlib.sha256(canonical.encode()).hexdigest()
    # a fixed vector (also what the standalone stdlib verifier gives, below)
    assert draw_compute(FIVE, SEED, 2) == KNOWN_RESULT


# computed by the standalone stdlib verifier (scripts/verify_draw.py) for this list and seed
KNOWN_RESULT = ["a1", "a4"]


def test_order_of_the_list_does_not_matter_but_its_content_does():
    assert draw_compute(list(reversed(FIVE)), SEED, 3) == draw_compute(FIVE, SEED, 3)
    changed = [*FIVE[:4], Candidate(id="a6", label="机构6")]
    assert candidates_hash(changed) != candidates_hash(FIVE)
    seeds = [f"{n:064x}" for n in range(1, 40)]
    results = {tuple(draw_compute(FIVE, s, 2)) for s in seeds}
    assert len(results) > 5  # different seeds draw differently


def test_weights_are_followed_over_many_seeded_draws():
    # given a weight 3 candidate among three of weight 1: drawn first with p = 3/6
    pool = [Candidate(id="heavy", weight=3), *(Candidate(id=f"w{i}") for i in range(3))]
    firsts = Counter(draw_compute(pool, f"{n:064x}", 1)[0] for n in range(1, 3001))
    share = firsts["heavy"] / 3000
    # then the share is within 4 standard deviations of 0.5 (sd = sqrt(.25/3000) ≈ 0.0091)
    assert 0.5 - 0.037 < share < 0.5 + 0.037
    # and each light one about 1/6
    for i in range(3):
        assert abs(firsts[f"w{i}"] / 3000 - 1 / 6) < 0.03


def test_bad_inputs_are_refused_with_codes():
    for candidates, count, code in (
        ([], 1, "draw_no_candidates"),
        ([Candidate(id="x"), Candidate(id="x")], 1, "draw_duplicate_candidate"),
        ([Candidate(id="x", weight=0)], 1, "draw_bad_weight"),
        (FIVE, 6, "draw_bad_count"),
        (FIVE, 0, "draw_bad_count"),
    ):
        with pytest.raises(InvalidInput) as caught:
            draw_compute(candidates, SEED, count)
        assert caught.value.code == code


@pytest.mark.django_db
def test_prepare_hides_the_seed_reveal_once_and_the_public_rerun(client):
    officer = get_user_model().objects.create_user(username="officer", password="x")
    draw = draw_prepare(purpose="中介机构选取", candidates=FIVE, count=2, actor=officer)

    # before the draw: the commitment is published, the seed and result are not
    before = client.get(f"/api/v1/draws/{draw.public_id}/").json()
    assert before["seed"] is None and before["result"] == [] and before["verification"] is None
    assert before["seed_commitment"] == draw.seed_commitment != ""

    with pytest.raises(InvalidInput):
        draw_reveal(draw=draw, witnesses=[" "], actor=officer)
    draw_reveal(draw=draw, witnesses=["公证员 王某", "业主代表 李某"], actor=officer)
    with pytest.raises(Conflict):
        draw_reveal(draw=draw, witnesses=["再来一次"], actor=officer)

    after = client.get(f"/api/v1/draws/{draw.public_id}/").json()
    assert after["verification"]["ok"] is True
    assert len(after["result"]) == 2 and set(after["result"]) <= {c.id for c in FIVE}
    assert ["draw_prepared", "draw_revealed"] == list(
        AuditRecord.objects.filter(object_id=str(draw.public_id))
        .order_by("occurred_at", "id")
        .values_list("action", flat=True)
    )

    page = client.get(f"/draws/{draw.public_id}/")
    assert page.status_code == 200
    assert "公证员 王某" in page.content.decode()

    # a tampered record fails the re-run, and names what does not match
    record = draw_record(Draw.objects.get(pk=draw.pk))
    forged = {**record, "result": list(reversed(record["result"]))}
    assert not draw_verify(forged).result_ok and draw_verify(forged).list_hash_ok
    forged_list = {**record, "candidates": record["candidates"][:4]}
    assert not draw_verify(forged_list).list_hash_ok
    forged_seed = {**record, "seed": "ff" * 32}
    assert not draw_verify(forged_seed).commitment_ok

    assert client.get("/api/v1/draws/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/draws/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.django_db
def test_the_standalone_verifier_agrees(tmp_path):
    officer = get_user_model().objects.create_user(username="officer", password="x")
    draw = draw_prepare(purpose="专家抽取", candidates=FIVE, count=3, actor=officer)
    draw_reveal(draw=draw, witnesses=["监督员"], actor=officer)
    record = draw_public_get(draw.public_id)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "verify_draw.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "result: OK" in run.stdout

    # and a record whose result was altered is refused by the script too
    path.write_text(json.dumps({**record, "result": record["result"][::-1]}), encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "verify_draw.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "result: MISMATCH" in bad.stdout
