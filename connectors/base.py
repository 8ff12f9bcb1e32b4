"""What every connector yields and promises, and the small helpers they share."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from connectors.errors import ConfigError, ConnectorError


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

    def requests_sent(self) -> dict[str, int]: ...

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


def paginate(
    source: str,
    stream: str,
    *,
    path: str,
    key: str,
    fetch: Callable[[str | None], Mapping[str, Any]],
    following: Callable[[Mapping[str, Any], str | None], str | None],
    position: str = "next page",
) -> Iterator[dict]:
    """Every record of a paginated read, page by page, refusing to go round in a loop.

    ``fetch(None)`` reads the first page and ``fetch(p)`` the page at a position ``p`` the API
    handed back (a next-page URL, a cursor, a token); the page's records are under ``key``.
    ``following(page, p)`` applies the stream's own stop condition to the page read at ``p``:
    it returns the next position, or None when that page is the last (it may raise when the
    page is malformed). Records are yielded before the next position is asked for.

    An API that hands back a position it already gave would have us read the same pages
    forever: that raises a ConnectorError naming the source, the stream, the endpoint
    ``path`` and the repeated position (a URL by its path only: query strings can carry
    cursors, filters or keys). ``position`` says what the API's positions are called.
    """
    given: set[str] = set()
    at: str | None = None
    while True:
        page = fetch(at)
        yield from page.get(key) or []
        at = following(page, at)
        if not at:
            return
        if at in given:
            raise ConnectorError(
                f"{source} {stream}: {path} answered with a {position} it had already given "
                f"({_shown_position(at)}), so its pagination loops; stopped instead of reading "
                "the same pages forever. Retry later; if it persists, report it with this message",
                source=source,
                stream=stream,
                path=path,
            )
        given.add(at)


def _shown_position(position: Any) -> str:
    """A position fit for a message: a URL by its path, never its query; a cursor as is."""
    text = str(position)
    parts = urlsplit(text)
    if parts.scheme or text.startswith("/"):
        return parts.path + (", query not shown" if parts.query else "")
    return repr(text if len(text) <= 80 else text[:77] + "...")
