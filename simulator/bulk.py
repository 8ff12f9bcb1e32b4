"""The bulk path: the simulated history handed straight to the landing writer, no HTTP.

Benchmarks need a year of history for an organisation with hundreds of agents; reading it
through the simulator's API would spend the time on HTTP and JSON, not on the pipeline
under test. This module lands what `pipelines.landing.land_source_range` lands when the
Zendesk, Intercom and Typeform connectors read a `SupportOrg` over HTTP (same records, same
day partitions, same windows), through the same `LandingWriter` and so the same parsing
code (`connectors.schemas.parse_record`). tests/test_simulator_bulk.py holds it to that.

A record lands in the UTC day of the time the API filters on (a ticket's and a
conversation's `updated_at` as of the org's `now`, a rating's `updated_at`, a response's
`submitted_at`), and anything a contact does happens within MAX_LIFE_DAYS of its creation.
So landing days are complete once their own creation day is generated: each worker walks
creation days in order, lands each day as soon as it is complete, and forgets the
generated history, which keeps memory flat over a year. Workers take contiguous stretches
of landing days; each also generates the MAX_LIFE_DAYS before its stretch (the lead-in),
the price of not shipping millions of records between processes. A range of a few days
(one more day on top of a lake) instead shares its creation days out among the workers,
which send back the few records that land in it.

A benchmark wants the landing timed apart from the simulator's generation (a real API has
its own cost, measured apart by benchmarks/connector_throughput.py): `spool_history`
generates a range into a spool folder (one pickle of records per landing day, plus the
reference snapshot) and `land_spool` lands a spool through the same writer. Together they
land what `land_history` lands.
"""

import gc
import multiprocessing
import os
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from connectors.base import Extracted, parse_time
from connectors.landing import LandingWriter, collections_paused
from connectors.registry import CONNECTORS
from simulator.clock import MAX_LIFE_DAYS, day_start, utc_day
from simulator.org import SimConfig, SupportOrg
from simulator.surveys import response_record

# The event streams each connector lands per day, in the order the connectors declare them.
EVENT_STREAMS = {
    "zendesk": ("tickets", "ticket_audits", "satisfaction_ratings"),
    "intercom": ("conversations",),
    "typeform": ("responses",),
    "zendesk_qa": ("reviews",),
}

DayCallback = Callable[[date, int], None]
SPOOL_REFERENCE = "reference.pkl"
# The layout of a spooled day; a spool written in another layout is generated again.
# 2: per (source, stream, day), the records, their contexts and their POSIX event times in
# three lists (unpickling a list of Extracted cost a fifth of the landing time).
# 3: the days hold the Zendesk QA reviews (a spool of format 2 predates them and lands none).
SPOOL_FORMAT = 3

# Allocations between young-generation collections while landing (Python's default: 700).
GC_THRESHOLD = 200_000
# Ranges shorter than this many days are landed by sharing out their creation days.
SHORT_RANGE_DAYS = 7


@dataclass
class BulkSummary:
    """Rows landed per `source/stream`, and the days landed."""

    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    days: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def add(self, other: "BulkSummary") -> None:
        for key, count in other.rows.items():
            self.rows[key] += count
        self.days += other.days


def land_history(
    config: SimConfig,
    lake: Path,
    first_day: date,
    last_day: date,
    extracted_at: datetime,
    *,
    workers: int = 1,
    on_day: DayCallback | None = None,
) -> BulkSummary:
    """Land first_day..last_day (inclusive) of every stream of the simulated org into `lake`.

    The org is `SupportOrg(config)`; the range must end by the org's `now`, since the HTTP
    path cannot read a window that has not finished. `workers` > 1 lands stretches of days
    in parallel processes (or, for a range shorter than SHORT_RANGE_DAYS, shares out the
    generation of its creation days). `on_day(day, rows)` is called as each day lands,
    when workers == 1.
    """
    org = SupportOrg(config)
    _check_range(org, first_day, last_day)
    return _generate(org, _LakeSink(Path(lake), extracted_at), first_day, last_day, workers, on_day)


def spool_history(
    config: SimConfig, spool: Path, first_day: date, last_day: date, *, workers: int = 1
) -> BulkSummary:
    """Generate first_day..last_day into `spool` without landing it (see `land_spool`)."""
    org = SupportOrg(config)
    _check_range(org, first_day, last_day)
    spool = Path(spool)
    spool.mkdir(parents=True, exist_ok=True)
    return _generate(org, _SpoolSink(spool), first_day, last_day, workers, None)


def land_spool(spool: Path, lake: Path, extracted_at: datetime, *, workers: int = 1) -> BulkSummary:
    """Land every day of a spool, then its reference snapshot, through the landing writer."""
    spool = Path(spool)
    days = sorted(date.fromisoformat(path.stem) for path in spool.glob("????-??-??.pkl"))
    if not days:
        raise ValueError(f"bulk landing: the spool {spool} holds no day (run spool_history)")
    sink = _LakeSink(Path(lake), extracted_at)
    summary = BulkSummary()
    shares = [days[index::workers] for index in range(min(max(1, workers), len(days)))]
    if len(shares) == 1:
        summary.add(_land_spooled_days(spool, sink, shares[0]))
        summary.add(_land_spooled_reference(spool, sink))
        return summary
    with _pool(len(shares)) as pool:
        futures = [pool.submit(_land_spooled_days, spool, sink, share) for share in shares]
        # This process would only wait: it lands the reference snapshot (a year's users take
        # seconds) while the workers land the days.
        summary.add(_land_spooled_reference(spool, sink))
        for future in futures:
            summary.add(future.result())
    return summary


def _land_spooled_reference(spool: Path, sink: "_LakeSink") -> BulkSummary:
    with (spool / SPOOL_REFERENCE).open("rb") as file:
        reference = pickle.load(file)
    return sink.reference(*reference)


def _land_spooled_days(spool: Path, sink: "_LakeSink", days: list[date]) -> BulkSummary:
    summary = BulkSummary()
    for day in days:
        with collections_paused():
            with (spool / f"{day.isoformat()}.pkl").open("rb") as file:
                pending = _Pending(_unspool(pickle.load(file)))
            sink.day(pending, day, summary)
    return summary


def _spooled(items: list[Extracted]) -> tuple[list[dict], list[dict], list[float]]:
    return (
        [item.record for item in items],
        [dict(item.context) for item in items],
        [item.event_time.timestamp() for item in items],
    )


def _unspool(
    records: dict[tuple[str, str, date], tuple[list[dict], list[dict], list[float]]],
) -> dict[tuple[str, str, date], list[Extracted]]:
    return {
        (source, stream, day): [
            Extracted(stream, record, datetime.fromtimestamp(at, UTC), context)
            for record, context, at in zip(*columns, strict=True)
        ]
        for (source, stream, day), columns in records.items()
    }


def _check_range(org: SupportOrg, first_day: date, last_day: date) -> None:
    end = day_start(last_day + timedelta(days=1))
    if last_day < first_day:
        raise ValueError(f"bulk landing: last_day {last_day} is before first_day {first_day}")
    if end > org.now:
        raise ValueError(
            f"bulk landing: the range ends {end.isoformat()}, after the simulated now "
            f"{org.now.isoformat()}; set SimConfig.now to at least the day after {last_day}"
        )


def _generate(
    org: SupportOrg,
    sink: "_LakeSink | _SpoolSink",
    first_day: date,
    last_day: date,
    workers: int,
    on_day: DayCallback | None,
) -> BulkSummary:
    config = org.config
    stretches = _stretches(config.history_start, first_day, last_day, max(1, workers))
    summary = BulkSummary()
    if workers > 1 and (last_day - first_day).days < SHORT_RANGE_DAYS:
        summary.add(_land_short_range(config, sink, first_day, last_day, workers))
    elif len(stretches) == 1:
        summary.add(_land_stretch(config, sink, first_day, last_day, on_day))
    else:
        with _pool(len(stretches)) as pool:
            futures = [
                pool.submit(_land_stretch, config, sink, first, last, None)
                for first, last in stretches
            ]
            for future in futures:
                summary.add(future.result())
    summary.add(sink.reference(*_reference(org, first_day, last_day)))
    return summary


@dataclass(frozen=True)
class _LakeSink:
    """Lands each completed day into the lake."""

    lake: Path
    extracted_at: datetime

    def day(self, pending: "_Pending", day: date, summary: BulkSummary) -> int:
        return _land_day(LandingWriter(self.lake), pending, day, self.extracted_at, summary)

    def reference(
        self, day: date, start: datetime, end: datetime, records: dict[tuple[str, str], list]
    ) -> BulkSummary:
        writer, summary = LandingWriter(self.lake), BulkSummary()
        for (source, stream), items in records.items():
            if stream in CONNECTORS[source].incremental_reference_streams:
                items = _changed_since(items, writer.reference_start(source, stream, day))
            result = writer.land(
                source,
                stream,
                day,
                items,
                window_start=start,
                window_end=end,
                extracted_at=self.extracted_at,
            )
            summary.rows[f"{source}/{stream}"] += result.rows
        return summary


def _changed_since(records: list[dict], since: datetime | None) -> list[dict]:
    """What an incremental export started at `since` returns (whole seconds, inclusive), as
    `pipelines.landing` asks the API for it."""
    if since is None:
        return records
    start = int(since.timestamp())
    return [r for r in records if int(parse_time(r["updated_at"]).timestamp()) >= start]


@dataclass(frozen=True)
class _SpoolSink:
    """Pickles each completed day's records into the spool folder instead of landing them."""

    spool: Path

    def day(self, pending: "_Pending", day: date, summary: BulkSummary) -> int:
        records = {
            (source, stream, day): _spooled(pending.take(source, stream, day))
            for source, streams in EVENT_STREAMS.items()
            for stream in streams
        }
        self._write(f"{day.isoformat()}.pkl", records)
        count = 0
        for (source, stream, _), (items, _, _) in records.items():
            summary.rows[f"{source}/{stream}"] += len(items)
            count += len(items)
        summary.days += 1
        return count

    def reference(
        self, day: date, start: datetime, end: datetime, records: dict[tuple[str, str], list]
    ) -> BulkSummary:
        self._write(SPOOL_REFERENCE, (day, start, end, records))
        summary = BulkSummary()
        for (source, stream), items in records.items():
            summary.rows[f"{source}/{stream}"] += len(items)
        return summary

    def _write(self, name: str, value: object) -> None:
        temporary = self.spool / f".{name}.tmp"
        with temporary.open("wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.spool / name)


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: a forked child inherits whatever threads and locks the caller holds
    # (a Dagster run, a server thread), which is unsafe; spawning costs about a second.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _land_short_range(
    config: SimConfig,
    sink: "_LakeSink | _SpoolSink",
    first_day: date,
    last_day: date,
    workers: int,
) -> BulkSummary:
    """A few days: workers share the creation days, and this process lands what they find.

    Landing one more day still means generating the MAX_LIFE_DAYS before it, and a single
    stretch would do that on one core. The records that land in a few days are few enough
    to send back between processes.
    """
    first_created = max(config.history_start, first_day - timedelta(days=MAX_LIFE_DAYS))
    creation_days = [
        first_created + timedelta(days=n) for n in range((last_day - first_created).days + 1)
    ]
    pending = _Pending()
    with _pool(workers) as pool:
        # Interleaved, not contiguous: recent creation days land more records.
        futures = [
            pool.submit(_collect_days, config, creation_days[index::workers], first_day, last_day)
            for index in range(workers)
        ]
        for future in futures:
            for key, items in future.result().items():
                pending.buckets[key].extend(items)
    summary = BulkSummary()
    day = first_day
    while day <= last_day:
        sink.day(pending, day, summary)
        day += timedelta(days=1)
    return summary


def _collect_days(
    config: SimConfig, days: list[date], first_day: date, last_day: date
) -> dict[tuple[str, str, date], list[Extracted]]:
    """The records of the contacts created on `days` that land in first_day..last_day."""
    org = SupportOrg(config)
    start, end = day_start(first_day), day_start(last_day + timedelta(days=1))
    pending = _Pending()
    with _rare_collections():
        for day in days:
            _collect_day(org, day, start, end, pending)
            org.forget_day(day)
    return dict(pending.buckets)


def _stretches(
    history_start: date, first_day: date, last_day: date, workers: int
) -> list[tuple[date, date]]:
    """Contiguous stretches of landing days with about equal generation work each.

    A stretch's work is its days plus its lead-in, which is shorter near history_start;
    the first stretch therefore takes more landing days than the later ones.
    """
    total = (last_day - first_day).days + 1
    workers = min(workers, total)

    def cost(first: date, days: int) -> int:
        return days + min(MAX_LIFE_DAYS, max(0, (first - history_start).days))

    target = (cost(first_day, total) + (workers - 1) * MAX_LIFE_DAYS) / workers
    stretches: list[tuple[date, date]] = []
    start = first_day
    for index in range(workers):
        remaining = (last_day - start).days + 1
        if index == workers - 1:
            days = remaining
        else:
            days = 1
            while days < remaining - (workers - 1 - index) and cost(start, days + 1) <= target:
                days += 1
        stretches.append((start, start + timedelta(days=days - 1)))
        start += timedelta(days=days)
    return stretches


@dataclass
class _Pending:
    """Records generated so far, by (source, stream) and landing day."""

    buckets: dict[tuple[str, str, date], list[Extracted]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def __post_init__(self) -> None:
        if not isinstance(self.buckets, defaultdict):
            self.buckets = defaultdict(list, self.buckets)

    def add(self, source: str, stream: str, record: dict, at: datetime, **context: str) -> None:
        self.buckets[(source, stream, utc_day(at))].append(Extracted(stream, record, at, context))

    def take(self, source: str, stream: str, day: date) -> list[Extracted]:
        return self.buckets.pop((source, stream, day), [])


def _land_stretch(
    config: SimConfig,
    sink: "_LakeSink | _SpoolSink",
    first_day: date,
    last_day: date,
    on_day: DayCallback | None,
) -> BulkSummary:
    """Generate the creation days that reach first_day..last_day and land those days."""
    org = SupportOrg(config)
    start, end = day_start(first_day), day_start(last_day + timedelta(days=1))
    pending = _Pending()
    summary = BulkSummary()
    creation = max(config.history_start, first_day - timedelta(days=MAX_LIFE_DAYS))
    with _rare_collections():
        while creation <= last_day:
            _collect_day(org, creation, start, end, pending)
            org.forget_day(creation)
            if creation >= first_day:
                landed = sink.day(pending, creation, summary)
                if on_day:
                    on_day(creation, landed)
            creation += timedelta(days=1)
    return summary


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while a stretch is generated.

    Generation allocates millions of small dicts that live until their day lands, and the
    default thresholds re-scan them over and over: a third of the time of a 20-day
    stretch of M went there. The records hold no reference cycles, so collecting
    rarely costs no memory.
    """
    previous = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _collect_day(
    org: SupportOrg, day: date, start: datetime, end: datetime, pending: _Pending
) -> None:
    """Bucket every record of the contacts created on `day` that the range would read."""
    now, seed = org.now, org.config.seed
    tickets = org.tickets_created_on(day)
    conversations = org.conversations_created_on(day)
    for history in tickets:
        view = history.as_of(now)
        if view is None:
            continue
        if start <= view.updated_at < end:
            pending.add("zendesk", "tickets", view.ticket, view.updated_at)
            for audit in view.audits:
                pending.add("zendesk", "ticket_audits", audit, view.updated_at)
        if view.rating is not None:
            rated_at = parse_time(view.rating["updated_at"])
            if start <= rated_at < end:
                pending.add("zendesk", "satisfaction_ratings", view.rating, rated_at)
    for history in conversations:
        seen = history.as_of(now)
        if seen is not None and start <= seen[0] < end:
            pending.add("intercom", "conversations", seen[1], seen[0])
    for history in [*tickets, *conversations]:
        for invite in history.surveys:
            if start <= invite.submitted_at < end and invite.submitted_at <= now:
                record = response_record(seed, invite)
                form_id = org.form_ids[invite.form_kind]
                pending.add("typeform", "responses", record, invite.submitted_at, form_id=form_id)
    # A review lands on the day of its latest change, as the connector keeps it.
    for review in org.qa_reviews_of_contacts_created_on(day):
        if start <= review.changed_at < end:
            pending.add(
                "zendesk_qa", "reviews", review.record, review.changed_at, **review.context()
            )


def _land_day(
    writer: LandingWriter,
    pending: _Pending,
    day: date,
    extracted_at: datetime,
    summary: BulkSummary,
) -> int:
    """Land one day of every event stream (an empty day too, as the HTTP path does)."""
    window_start, window_end = day_start(day), day_start(day + timedelta(days=1))
    landed = 0
    for source, streams in EVENT_STREAMS.items():
        for stream in streams:
            result = writer.land(
                source,
                stream,
                day,
                pending.take(source, stream, day),
                window_start=window_start,
                window_end=window_end,
                extracted_at=extracted_at,
            )
            summary.rows[f"{source}/{stream}"] += result.rows
            landed += result.rows
    summary.days += 1
    return landed


def _reference(
    org: SupportOrg, first_day: date, last_day: date
) -> tuple[date, datetime, datetime, dict[tuple[str, str], list]]:
    """The reference streams, read in full, as a snapshot in the range's last day."""
    start, end = day_start(first_day), day_start(last_day + timedelta(days=1))
    schedules = org.zendesk_schedules()
    holidays = [
        Extracted("holidays", holiday, end, {"schedule_id": schedule["id"]})
        for schedule in schedules
        for holiday in org.zendesk_holidays(schedule["id"]) or []
    ]
    forms = [org.typeform_form(identifier) for identifier in org.typeform_form_ids()]
    reference = {
        ("zendesk", "users"): [user for _, _, user in org.zendesk_users()],
        ("zendesk", "groups"): org.zendesk_groups(),
        ("zendesk", "organizations"): [record for _, _, record in org.zendesk_organizations()],
        ("zendesk", "schedules"): schedules,
        ("zendesk", "holidays"): holidays,
        ("zendesk", "sla_policies"): org.zendesk_sla_policies(),
        ("intercom", "admins"): org.intercom_admins(),
        ("intercom", "teams"): org.intercom_teams(),
        ("typeform", "forms"): [form for form in forms if form is not None],
    }
    return last_day, start, end, reference
