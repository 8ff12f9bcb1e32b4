"""Proactive throttling from the rate-limit headers the vendors send with every answer.

Waiting for a 429 before slowing down wastes a request and, on Zendesk, counts against the
account for every integration sharing it. The vendors report the budget left in the current
window, so when it runs low we spread what is left over the time until the window resets.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """Where one vendor reports its request budget, and how its reset time is expressed.

    ``reset_is_unix_time``: Intercom sends the reset as a unix time, Zendesk as seconds from
    now. ``window_seconds`` is used when an answer reports a low budget without a reset.
    """

    remaining_headers: tuple[str, ...]
    limit_headers: tuple[str, ...]
    reset_header: str | None
    reset_is_unix_time: bool
    window_seconds: float
    low_fraction: float = 0.05
    max_wait: float = 60.0

    def delay(self, headers: Mapping[str, str], now: float, share: float = 1.0) -> float:
        """Seconds to wait before the next request (0 while the budget is comfortable).

        csops may use ``share`` of the window's limit: the rest is left to the account's
        other integrations, so the budget counts as spent once only that rest remains. "Low"
        is at most ``low_fraction`` of csops' part (at least one request). The remaining
        requests are spread evenly until the reset, so a budget of zero waits for the whole
        reset and a budget of a few keeps requests flowing, just slower. Without a limit in
        the answer the share cannot be applied, and only a budget of one or none is low.
        """
        remaining = _first_number(headers, self.remaining_headers)
        if remaining is None:
            return 0.0
        limit = _first_number(headers, self.limit_headers)
        if limit:
            remaining -= limit * (1 - share)
        threshold = max(1.0, limit * share * self.low_fraction) if limit else 1.0
        if remaining > threshold:
            return 0.0
        reset = _number(headers.get(self.reset_header)) if self.reset_header else None
        if reset is None:
            until_reset = self.window_seconds
        elif self.reset_is_unix_time:
            until_reset = reset - now
        else:
            until_reset = reset
        wait = max(0.0, until_reset) / (max(0.0, remaining) + 1)
        return min(wait, self.max_wait)


# developer.zendesk.com "Rate limits": every answer carries X-Rate-Limit and
# X-Rate-Limit-Remaining for the current minute; Ticketing API answers add ratelimit-limit,
# ratelimit-remaining and ratelimit-reset (seconds until the minute resets).
ZENDESK_RATE_LIMIT = RateLimit(
    remaining_headers=("ratelimit-remaining", "X-Rate-Limit-Remaining"),
    limit_headers=("ratelimit-limit", "X-Rate-Limit"),
    reset_header="ratelimit-reset",
    reset_is_unix_time=False,
    window_seconds=60.0,
)

# developers.intercom.com "Rate limiting": X-RateLimit-Limit / -Remaining per 10-second
# window, X-RateLimit-Reset as a unix time.
INTERCOM_RATE_LIMIT = RateLimit(
    remaining_headers=("X-RateLimit-Remaining",),
    limit_headers=("X-RateLimit-Limit",),
    reset_header="X-RateLimit-Reset",
    reset_is_unix_time=True,
    window_seconds=10.0,
)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        parsed = float(value)
    except ValueError:
        return None
    return parsed if math.isfinite(parsed) else None


def _first_number(headers: Mapping[str, str], names: tuple[str, ...]) -> float | None:
    for name in names:
        parsed = _number(headers.get(name))
        if parsed is not None:
            return parsed
    return None
