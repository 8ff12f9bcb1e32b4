"""Time and randomness primitives shared by the simulator.

Every random draw in the simulator comes from a `random.Random` seeded by a string that
names what is being drawn (seed, stream, day or record id). Python seeds string keys through
SHA-512, so the draws are identical across processes and independent of PYTHONHASHSEED, and
generating one day or one record never consumes randomness that another one needs.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

# Ticket and conversation ids encode their creation day relative to this epoch, so a record
# can be found again from its id alone (the audits and conversation endpoints rely on it).
ID_EPOCH = date(2020, 1, 1)

# Upper bound on how long after its creation anything happens to a contact (replies, closes,
# ratings, surveys). Window queries only need to look this far back; the generators drop
# anything later so the bound always holds.
MAX_LIFE_DAYS = 58


def rng_for(*parts: object) -> random.Random:
    """A random generator dedicated to one named thing (e.g. seed, "ticket", ticket id)."""
    return random.Random(":".join(str(part) for part in parts))


def day_number(day: date) -> int:
    """Days since ID_EPOCH: the creation-day part of simulated record ids."""
    return (day - ID_EPOCH).days


def day_from_number(number: int) -> date:
    """The calendar day a record id's day part refers to."""
    return ID_EPOCH + timedelta(days=number)


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of an aware datetime."""
    return moment.astimezone(UTC).date()


def require_aware(moment: datetime, what: str) -> datetime:
    """Reject naive datetimes: the simulator only reasons in UTC instants."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime (UTC), got naive {moment!r}")
    return moment.astimezone(UTC)


def whole_seconds(moment: datetime) -> datetime:
    """Drop sub-second precision: every vendor API here reports whole seconds."""
    return moment.replace(microsecond=0)


def iso_z(moment: datetime) -> str:
    """Zendesk / Typeform timestamp text, e.g. 2024-03-01T09:30:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def unix(moment: datetime) -> int:
    """Unix seconds, as Intercom reports timestamps."""
    return int(moment.timestamp())


def from_unix(seconds: float) -> datetime:
    """Aware UTC datetime from unix seconds."""
    return datetime.fromtimestamp(seconds, tz=UTC)
