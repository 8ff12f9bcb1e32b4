"""How simulated people behave: arrival volumes and times, delays, and satisfaction.

These are the knobs that make the KPIs move in believable directions: quieter weekends and
nights, faster replies for urgent work, and customers who rate worse the longer they waited.
"""

import functools
import itertools
import math
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from simulator.clock import day_start, whole_seconds

T = TypeVar("T")

# Relative contact volume Monday..Sunday, normalised so the weekly mean is 1.
_WEEKDAY_RAW = (1.25, 1.2, 1.12, 1.05, 0.95, 0.5, 0.43)
WEEKDAY_FACTOR = tuple(f * 7 / sum(_WEEKDAY_RAW) for f in _WEEKDAY_RAW)

# Relative arrival intensity per local hour of the customer (peak 1.0 mid-morning).
HOURLY_PROFILE = (
    0.08, 0.05, 0.04, 0.04, 0.05, 0.1, 0.25, 0.5, 0.85, 1.0, 1.0, 0.95,
    0.85, 0.9, 0.95, 0.9, 0.8, 0.65, 0.5, 0.4, 0.32, 0.25, 0.18, 0.12,
)  # fmt: skip


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw; the normal approximation above 30 keeps big days cheap."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def daily_count(rng: random.Random, mean_per_day: float, day: date) -> int:
    """How many contacts arrive on `day`, with the weekly seasonality applied."""
    return poisson(rng, mean_per_day * WEEKDAY_FACTOR[day.weekday()])


def arrival_time(rng: random.Random, day: date, zone: ZoneInfo) -> datetime:
    """A UTC instant on `day`, denser during the customer's local daytime (rejection sampling)."""
    start = day_start(day)
    while True:
        moment = start + timedelta(seconds=rng.randrange(86400))
        if rng.random() < HOURLY_PROFILE[moment.astimezone(zone).hour]:
            return moment


def choose(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    """One item of (item, weight) pairs, drawn by weight."""
    items, cumulative = _cumulative(tuple(weighted))
    # Passing the running sums draws exactly what weights= would: choices() computes
    # the same sums from weights on every call, which showed up in the profile.
    return rng.choices(items, cum_weights=cumulative, k=1)[0]


@functools.cache
def _cumulative(weighted: tuple[tuple[T, float], ...]) -> tuple[list[T], list[float]]:
    return [item for item, _ in weighted], list(itertools.accumulate(w for _, w in weighted))


def lognormal_minutes(rng: random.Random, median: float, spread: float = 0.8) -> float:
    """A right-skewed duration in minutes: most are near `median`, a few are much longer."""
    return median * math.exp(rng.gauss(0.0, spread))


def later(moment: datetime, minutes: float) -> datetime:
    """`moment` plus `minutes`, at least one second later, in whole seconds."""
    return whole_seconds(moment + timedelta(seconds=max(1.0, minutes * 60)))


def dissatisfaction(wait_minutes: float, rounds: int, reopens: int) -> float:
    """0 (delighted) .. 1 (furious): grows with the wait for a first answer and with friction."""
    wait_part = 1 - math.exp(-wait_minutes / (60 * 20))
    return min(1.0, 0.05 + 0.55 * wait_part + 0.07 * max(0, rounds - 1) + 0.2 * reopens)


def clamp_score(value: float, low: int, high: int) -> int:
    """Round a latent score to the integer scale [low, high]."""
    return int(min(high, max(low, round(value))))
