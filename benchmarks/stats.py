"""Small statistics the benchmarks share."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """
    The nearest-rank ``p``-th percentile: the smallest value with at least ``p`` % of the
    values at or below it (p95 of 1…100 is 95).
    """
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[index]
