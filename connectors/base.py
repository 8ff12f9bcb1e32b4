"""What every connector yields and promises, and the small helpers they share."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from connectors.errors import ConfigError


@dataclass(frozen=True)
class Extracted:
    """One record read from an API, with the time that decides its day partition."""

    stream: str
    record: dict
    event_time: datetime
    context: Mapping[str, Any] = field(default_factory=dict)


class Connector(Protocol):
    """A source API read as day-windowed event streams plus reference streams.

    Reference streams are read in full on each run, except `incremental_reference_streams`
    (the large ones, such as Zendesk users): those are read through the vendor's incremental
    export from the start time the caller passes in `since`, from the beginning without one.
    """

    source: str
    base_url: str
    event_streams: tuple[str, ...]
    reference_streams: tuple[str, ...]
    incremental_reference_streams: tuple[str, ...]

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, http_options: Mapping[str, Any] | None = None
    ) -> "Connector": ...

    def extract_events(self, start: datetime, end: datetime) -> Iterator[Extracted]: ...

    def extract_reference(
        self, since: Mapping[str, datetime] | None = None
    ) -> Iterator[Extracted]: ...

    def check(self) -> None: ...

    def close(self) -> None: ...


def require_env(source: str, env: Mapping[str, str], required: Iterable[str]) -> dict[str, str]:
    """The required variables' values; one ConfigError naming every missing one."""
    values = {name: env.get(name, "").strip() for name in required}
    missing = tuple(name for name, value in values.items() if not value)
    if missing:
        raise ConfigError(
            f"{source}: missing environment variable(s) {', '.join(missing)}; set them "
            "(see docs/connectors.md) or remove the source from CSOPS_SOURCES",
            source=source,
            variables=missing,
        )
    return values


def parse_time(value: Any) -> datetime:
    """A tz-aware UTC datetime from an ISO-8601 string or unix seconds.

    Raises TypeError for other types and ValueError for unparseable strings.
    """
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            # The three APIs send UTC; a zone-less string is read as UTC rather than local time.
            return parsed.replace(tzinfo=UTC)
        return parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)
    if isinstance(value, bool):
        raise TypeError(f"expected a timestamp, got {value!r}")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    raise TypeError(f"expected a timestamp, got {type(value).__name__}")


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def record_time(record: Mapping[str, Any], key: str) -> datetime:
    """The record's timestamp under ``key``, or EPOCH when it is absent or unreadable."""
    try:
        return parse_time(record.get(key))
    except (TypeError, ValueError, OverflowError, OSError):
        return EPOCH


def event_time_in(moment: datetime, start: datetime, end: datetime) -> datetime | None:
    """The partition time of a record filtered on ``moment``; None when outside [start, end).

    A record whose time could not be read (EPOCH) is kept at ``start``: landing then rejects
    it with the reason instead of it vanishing without a trace.
    """
    if moment == EPOCH:
        return start
    return moment if in_window(moment, start, end) else None


def check_window(start: datetime, end: datetime) -> None:
    """Refuse naive or empty windows: they would silently shift or drop a day."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("window start and end must be timezone-aware (UTC)")
    if end <= start:
        raise ValueError(f"window end {end.isoformat()} is not after start {start.isoformat()}")


def in_window(moment: datetime, start: datetime, end: datetime) -> bool:
    """The half-open rule every connector applies, whatever the API's own boundaries."""
    return start <= moment < end


def keep_latest(
    records: Iterable[dict],
    key: Callable[[dict], Any],
    updated: Callable[[dict], datetime],
) -> list[dict]:
    """One record per id, the most recently updated, in first-seen order.

    Incremental exports and paginated searches can return a record twice when it changes
    while we page; the later version is the truth.
    """
    latest: dict[Any, dict] = {}
    for record in records:
        ident = key(record)
        kept = latest.get(ident)
        if kept is None or updated(record) >= updated(kept):
            latest[ident] = record
    return list(latest.values())
