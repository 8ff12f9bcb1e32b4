"""Business-hours schedules and holidays of the simulated organisation.

A schedule is what Zendesk calls a business-hours schedule: a Rails time-zone name, weekly
opening intervals in minutes from Sunday 00:00 local time, and holidays (local dates closed
all day). The simulated agents work inside these hours, so waiting times in the generated
history really do stretch across nights, weekends, DST changes and holidays.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60

# The Rails zone names the simulated schedules use, and their IANA equivalents.
RAILS_TO_IANA = {
    "Eastern Time (US & Canada)": "America/New_York",
    "London": "Europe/London",
    "Jerusalem": "Asia/Jerusalem",
    "Sydney": "Australia/Sydney",
}


@dataclass(frozen=True)
class Holiday:
    """A closed stretch of local dates (inclusive both ends), as Zendesk lists them."""

    id: int
    name: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class Schedule:
    """One business-hours schedule: zone, weekly intervals and holidays."""

    id: int
    name: str
    rails_zone: str
    intervals: tuple[tuple[int, int], ...]  # minutes from Sunday 00:00 local, [start, end)
    holidays: tuple[Holiday, ...]
    created_at: datetime
    _closed_dates: frozenset[date] = field(init=False, repr=False, compare=False)
    _windows: dict = field(init=False, repr=False, compare=False)
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        closed = set()
        for holiday in self.holidays:
            day = holiday.start_date
            while day <= holiday.end_date:
                closed.add(day)
                day += timedelta(days=1)
        object.__setattr__(self, "_closed_dates", frozenset(closed))
        # Open windows per local date, memoised: agents' reply times query them constantly.
        object.__setattr__(self, "_windows", {})
        object.__setattr__(self, "_zone", ZoneInfo(RAILS_TO_IANA[self.rails_zone]))

    @property
    def zone(self) -> ZoneInfo:
        """The schedule's IANA zone."""
        return self._zone

    def local_weekday(self, moment: datetime) -> int:
        """Sunday-based weekday (0 = Sunday) of `moment` in the schedule's zone."""
        return (moment.astimezone(self.zone).weekday() + 1) % 7

    def open_windows(self, local_date: date) -> tuple[tuple[datetime, datetime], ...]:
        """The UTC instants the schedule is open on one local date (empty on holidays)."""
        cached = self._windows.get(local_date)
        if cached is None:
            cached = self._compute_windows(local_date)
            self._windows[local_date] = cached
        return cached

    def _compute_windows(self, local_date: date) -> tuple[tuple[datetime, datetime], ...]:
        if local_date in self._closed_dates:
            return ()
        zone = self.zone
        base = ((local_date.weekday() + 1) % 7) * MINUTES_PER_DAY
        # Each end of a window takes the UTC offset in force at its own local time, so a
        # window spanning a DST change is an hour shorter or longer, as docs/kpis.md defines.
        return tuple(
            (
                _local(local_date, start - base, zone).astimezone(UTC),
                _local(local_date, end - base, zone).astimezone(UTC),
            )
            for start, end in self.intervals
            if base <= start < base + MINUTES_PER_DAY
        )

    def next_open(self, moment: datetime) -> datetime:
        """`moment` itself when open, else the next opening instant."""
        return self.add_business_minutes(moment, 0.0)

    def add_business_minutes(self, moment: datetime, minutes: float) -> datetime:
        """The instant reached after `minutes` of open time, counted from `moment`."""
        remaining = timedelta(minutes=minutes)
        local_date = moment.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(60):
            for start, end in self.open_windows(local_date):
                if end <= moment:
                    continue
                begin = max(start, moment)
                if begin + remaining <= end:
                    return begin + remaining
                remaining -= end - begin
            local_date += timedelta(days=1)
        raise RuntimeError(f"schedule {self.name!r} has no open hours within 60 days of {moment}")


def _local(local_date: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Local wall-clock `minutes` after midnight of `local_date`, as an aware datetime."""
    if minutes >= MINUTES_PER_DAY:
        local_date, minutes = local_date + timedelta(days=1), minutes - MINUTES_PER_DAY
    return datetime.combine(local_date, time(minutes // 60, minutes % 60), tzinfo=zone)


def weekly(days: range | tuple[int, ...], opens: str, closes: str) -> tuple[tuple[int, int], ...]:
    """Zendesk-shaped intervals: the same opening hours on each Sunday-based weekday."""
    open_minutes = _minutes(opens)
    close_minutes = _minutes(closes)
    return tuple(
        (day * MINUTES_PER_DAY + open_minutes, day * MINUTES_PER_DAY + close_minutes)
        for day in days
    )


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (Monday = 0) of a month, e.g. US Thanksgiving."""
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


# Israeli holidays follow the Hebrew calendar; these are the observed office closures.
_ISRAEL_HOLIDAYS = {
    2023: [("Passover", (4, 5), (4, 6)), ("Rosh Hashanah", (9, 15), (9, 17)),
           ("Yom Kippur", (9, 24), (9, 25))],
    2024: [("Passover", (4, 22), (4, 23)), ("Rosh Hashanah", (10, 2), (10, 4)),
           ("Yom Kippur", (10, 11), (10, 12))],
    2025: [("Passover", (4, 12), (4, 13)), ("Rosh Hashanah", (9, 22), (9, 24)),
           ("Yom Kippur", (10, 1), (10, 2))],
    2026: [("Passover", (4, 1), (4, 2)), ("Rosh Hashanah", (9, 11), (9, 13)),
           ("Yom Kippur", (9, 20), (9, 21))],
    2027: [("Passover", (4, 21), (4, 22)), ("Rosh Hashanah", (10, 1), (10, 3)),
           ("Yom Kippur", (10, 10), (10, 11))],
}  # fmt: skip


def holiday_dates(calendar: str, year: int) -> list[tuple[str, date, date]]:
    """(name, first date, last date) of the holidays one regional calendar closes."""
    one = [("New Year's Day", date(year, 1, 1))]
    if calendar == "us":
        one += [
            ("Independence Day", date(year, 7, 4)),
            ("Thanksgiving", nth_weekday(year, 11, 3, 4)),
            ("Christmas Day", date(year, 12, 25)),
        ]
    elif calendar == "uk":
        easter = easter_sunday(year)
        one += [
            ("Good Friday", easter - timedelta(days=2)),
            ("Easter Monday", easter + timedelta(days=1)),
        ]
        spans = [("Christmas", date(year, 12, 25), date(year, 12, 26))]
        return [(n, d, d) for n, d in one] + spans
    elif calendar == "au":
        one += [
            ("Australia Day", date(year, 1, 26)),
            ("Anzac Day", date(year, 4, 25)),
            ("Christmas Day", date(year, 12, 25)),
            ("Boxing Day", date(year, 12, 26)),
        ]
    elif calendar == "il":
        return [
            (name, date(year, *first), date(year, *last))
            for name, first, last in _ISRAEL_HOLIDAYS.get(year, [])
        ]
    else:
        raise ValueError(f"unknown holiday calendar {calendar!r}: use us, uk, au or il")
    return [(name, day, day) for name, day in one]
