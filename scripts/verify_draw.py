#!/usr/bin/env python3
"""
Re-run a Kaigong draw from its published record, with Python's standard library only.

    python3 verify_draw.py https://<host>/api/v1/draws/<id>/     (or a saved JSON file)

It recomputes the candidate-list hash, the seed commitment and the result by the algorithm
in docs/draws.md, and says whether each matches what was published. Exit status 0 when all do.
"""

import hashlib
import hmac
import json
import sys
import urllib.request
from decimal import Context, Decimal

CTX = Context(prec=60)
TWO_256 = Decimal(2) ** 256


def load(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source) as answer:  # noqa: S310 (an address the user gives)
            return json.load(answer)
    with open(source, encoding="utf-8") as f:
        return json.load(f)


def list_hash(candidates):
    rows = sorted(
        ({"id": c["id"], "label": c["label"], "weight": c["weight"]} for c in candidates),
        key=lambda c: c["id"],
    )
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def key(seed, digest_of_list, candidate):
    h = hmac.new(seed, f"{digest_of_list}:{candidate['id']}".encode(), hashlib.sha256).digest()
    u = CTX.divide(Decimal(int.from_bytes(h, "big") + 1), TWO_256 + 1)
    return CTX.divide(u.ln(CTX), Decimal(candidate["weight"]))


def main(source):
    record = load(source)
    candidates = record["candidates"]
    digest = list_hash(candidates)
    seed_hex = record.get("seed") or ""
    checks = {"candidate list hash": digest == record["candidates_hash"]}
    if not seed_hex:
        print("The seed is not revealed yet: only the list hash can be checked.")
    else:
        seed = bytes.fromhex(seed_hex)
        checks["seed commitment"] = hashlib.sha256(seed).hexdigest() == record["seed_commitment"]
        ranked = sorted(candidates, key=lambda c: (-key(seed, digest, c), c["id"]))
        result = [c["id"] for c in ranked[: int(record["count"])]]
        checks["result"] = result == list(record["result"])
        print("recomputed result:", ", ".join(result))
    for name, ok in checks.items():
        print(f"{name}: {'OK' if ok else 'MISMATCH'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
