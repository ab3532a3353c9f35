"""
Rate limits of feedback's public doors (the core throttles, per client address):

* ``RatingIpThrottle``: the rating POST (API ``POST /api/v1/feedback/evaluations/`` and the
  rating page share the budget) — the token is the only credential, so guessing and
  flooding are counted per address;
* ``HotlineIpThrottle``: the 12345 intake and status calls, before the signature is
  checked (an unsigned flood costs a cache hit, not an HMAC and a query).

Rates: ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["feedback_rating" | "hotline"]``.
"""

from __future__ import annotations

from kaigong.core.throttling import IpRateThrottle


class RatingIpThrottle(IpRateThrottle):
    fixed_scope = "feedback_rating"


class HotlineIpThrottle(IpRateThrottle):
    fixed_scope = "hotline"
