"""Land a range of days of one source: the glue between a connector and the landing writer.

The connector reads the whole range in one pass (a Zendesk incremental export read day by day
would re-read every later day's tickets once per day); records are then bucketed into their
UTC day by `event_time` and each day of each event stream is landed as one batch. A day with
no records still lands an empty batch, so re-running it replaces whatever was there.
Reference streams land in the range's last day: the small ones read in full, the large ones
(a connector's `incremental_reference_streams`) through their incremental export, from the
latest change landed on an earlier day (`LandingWriter.reference_start`), so a nightly run
lands the users that changed, not all of them.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from connectors.base import Connector, Extracted
from connectors.landing import LandingWriter, LandResult

ProgressCallback = Callable[[str, str, date, int], None]
ExtractCallback = Callable[[str, dict[str, int]], None]

# How often extraction reports its running counts: often enough to show life on a slow API,
# rarely enough that a million-record backfill does not spend its time printing.
EXTRACT_REPORT_EVERY = 500


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def days_between(first: date, last: date) -> list[date]:
    """Every day from first to last, both inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@dataclass
class SourceLandingSummary:
    source: str
    results: list[LandResult] = field(default_factory=list)

    def rows(self, stream: str) -> int:
        return sum(r.rows for r in self.results if r.stream == stream)

    def rejected(self, stream: str) -> int:
        return sum(r.rejected for r in self.results if r.stream == stream)


def land_source_range(
    connector: Connector,
    writer: LandingWriter,
    first_day: date,
    last_day: date,
    on_progress: ProgressCallback | None = None,
    on_extract: ExtractCallback | None = None,
) -> SourceLandingSummary:
    """Land the days first_day..last_day (inclusive) of every stream of one connector."""
    start, end = day_start(first_day), day_start(last_day + timedelta(days=1))
    extracted_at = datetime.now(UTC)
    summary = SourceLandingSummary(connector.source)

    if hasattr(connector, "landed_versions"):
        # What a connector may reuse instead of asking again: versions landed before the
        # range only, so a re-run lands what a clean run lands.
        def landed_versions(stream: str, ids: Iterable[str]) -> dict:
            return writer.latest_landed(connector.source, stream, first_day, ids)

        connector.landed_versions = landed_versions

    buckets: dict[tuple[str, date], list[Extracted]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for item in connector.extract_events(start, end):
        counts[item.stream] += 1
        if on_extract and sum(counts.values()) % EXTRACT_REPORT_EVERY == 0:
            on_extract(connector.source, dict(counts))
        day = item.event_time.astimezone(UTC).date()
        if not first_day <= day <= last_day:
            # The connector promises [start, end); a record outside it is a connector bug,
            # and landing it in a day that was not asked for would break idempotency.
            raise RuntimeError(
                f"{connector.source}/{item.stream}: record dated {item.event_time.isoformat()} "
                f"is outside the requested window {start.isoformat()}..{end.isoformat()}"
            )
        buckets[(item.stream, day)].append(item)
    if on_extract:
        on_extract(connector.source, dict(counts))

    # Every read happens before anything lands: a source that gives up part-way (a reference
    # stream included) leaves the lake exactly as it was, never a partly landed range.
    since = {
        stream: moment
        for stream in connector.incremental_reference_streams
        if (moment := writer.reference_start(connector.source, stream, last_day)) is not None
    }
    reference: dict[str, list[Extracted]] = defaultdict(list)
    for item in connector.extract_reference(since):
        reference[item.stream].append(item)

    for day in days_between(first_day, last_day):
        for stream in connector.event_streams:
            records = buckets.pop((stream, day), [])
            result = writer.land(
                connector.source,
                stream,
                day,
                records,
                window_start=day_start(day),
                window_end=day_start(day + timedelta(days=1)),
                extracted_at=extracted_at,
            )
            summary.results.append(result)
            if on_progress:
                on_progress(connector.source, stream, day, result.rows)

    for stream in connector.reference_streams:
        result = writer.land(
            connector.source,
            stream,
            last_day,
            reference.get(stream, []),
            window_start=start,
            window_end=end,
            extracted_at=extracted_at,
        )
        summary.results.append(result)
        if on_progress:
            on_progress(connector.source, stream, last_day, result.rows)
    return summary
