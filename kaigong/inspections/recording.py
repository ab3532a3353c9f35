"""
The call recording's hash chain (云踏勘 录像分段存证).

The inspector's browser records the on-site stream in segments (MediaRecorder, one
complete WebM file each) and uploads them in order. Each segment carries its sequence
number (0, 1, 2, …), its SM3 and its start and end on the call's clock (milliseconds since
the call started). The chain links them:

    genesis  = SM3("kaigong-call-recording:" + inspection public id)
    link(n)  = SM3(canonical JSON {"previous": link(n-1) or genesis, "sequence": n,
                                   "sm3": segment SM3, "start_ms": …, "end_ms": …})
    head     = the last link (the genesis when nothing was recorded)

Changing a segment's bytes changes its SM3, removing one leaves a gap in the sequence,
reordering two breaks the previous links: every case makes the recomputed head differ
from the one that was time-stamped when the call ended. The time stamp is the platform's
SM2 signature over ``stamp_bytes(head, at)`` (certificates.signing.platform_sign).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kaigong.cases.hashing import canonical_json, sm3_hex


def genesis(inspection_id: str) -> str:
    return sm3_hex(f"kaigong-call-recording:{inspection_id}".encode())


def link(previous: str, sequence: int, segment_sm3: str, start_ms: int, end_ms: int) -> str:
    return sm3_hex(
        canonical_json(
            {
                "previous": previous,
                "sequence": sequence,
                "sm3": segment_sm3,
                "start_ms": start_ms,
                "end_ms": end_ms,
            }
        )  # fmt: skip
    )


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    head: str
    broken_at: int | None  # the first sequence position where the chain does not hold


def chain_check(inspection_id: str, segments: Iterable[dict], expected_head: str) -> ChainCheck:
    """
    Recompute the chain over ``segments`` (dicts with sequence, sm3, start_ms, end_ms and,
    when known, the stored ``chain``) in the order given; ok when the sequence numbers run
    0, 1, 2, … without a gap, every stored link matches the recomputed one and the head is
    ``expected_head``.
    """
    previous = genesis(inspection_id)
    broken_at = None
    for position, seg in enumerate(segments):
        computed = link(previous, int(seg["sequence"]), seg["sm3"], int(seg["start_ms"]),
                        int(seg["end_ms"]))  # fmt: skip
        stored = seg.get("chain")
        if broken_at is None and (
            int(seg["sequence"]) != position or (stored is not None and stored != computed)
        ):
            broken_at = position
        previous = computed
    ok = broken_at is None and previous == expected_head
    if not ok and broken_at is None:
        broken_at = (
            -1
        )  # every link holds but the head is not the one stamped (one removed at the end)
    return ChainCheck(ok=ok, head=previous, broken_at=broken_at)


def stamp_bytes(inspection_id: str, head: str, at: str, count: int) -> bytes:
    """What the platform's time stamp signs: the chain head, how many segments, and when."""
    return canonical_json(
        {"inspection": inspection_id, "chain_head": head, "segments": count, "stamped_at": at}
    )
