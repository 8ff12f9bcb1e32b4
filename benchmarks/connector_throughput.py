"""Connector throughput over HTTP against the simulator, beside dlt's REST API source (issue 4).

    .venv/bin/python -m benchmarks.connector_throughput [--days 7] [--tickets-per-day 200]

What the API path costs apart from the vendor's own rate limits: our Zendesk connector reads
the incremental ticket export and every ticket's audits and lands them (connectors.zendesk
+ pipelines.landing + the landing writer), while the peer, dlt's generic `rest_api` source,
pulls the same incremental ticket export from the same simulator into a DuckDB file. The
simulator serves from its own process, so client and server do not share one interpreter
lock, and it is warmed up first, so neither side pays for generating the history.

The two do not do the same work: ours also reads one audits page per ticket (the peer reads
tickets only), parses every record strictly and writes Parquet; dlt infers a schema,
normalises nested lists into child tables and loads DuckDB. The ratio is reported for the
ticket export alone and for the whole tickets-with-audits read.
"""

import argparse
import json
import math
import multiprocessing
import os
import shutil
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from requests import Response

from benchmarks.measure import load_average, machine
from connectors.landing import LandingWriter
from connectors.zendesk import ZendeskConnector
from simulator.org import SimConfig, SupportOrg
from simulator.server import SimulatorServer

BENCHMARKS = Path(__file__).resolve().parent
# The simulator sends no rate-limit headers; throttling is switched off so that only the
# client's own cost is measured.
NO_THROTTLE = {"rate_limit": None}


def _serve(
    config: SimConfig, ready: "multiprocessing.Queue[dict]", stop: "multiprocessing.Event"
) -> None:
    with SimulatorServer(SupportOrg(config)) as server:
        ready.put(server.env())
        stop.wait()


def _config(days: int, tickets_per_day: float) -> tuple[SimConfig, date, date]:
    first = date(2024, 3, 1)
    last = first + timedelta(days=days - 1)
    config = SimConfig(
        seed=7,
        tickets_per_day=tickets_per_day,
        chats_per_day=tickets_per_day * 0.75,
        agents=30,
        history_start=first,
        now=datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC),
    )
    return config, first, last


def run_ours(env: dict[str, str], lake: Path, first: date, last: date) -> dict:
    """Tickets and their audits through the Zendesk connector, landed per day."""
    shutil.rmtree(lake, ignore_errors=True)
    connector = ZendeskConnector.from_env(env, NO_THROTTLE)
    writer = LandingWriter(lake)
    start = datetime.combine(first, datetime.min.time(), UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
    buckets: dict[tuple[str, date], list] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    started = time.perf_counter()
    export_seconds = None
    try:
        for item in connector.extract_events(start, end):
            if item.stream != "tickets" and export_seconds is None:
                # The connector yields every ticket before the first audit.
                export_seconds = time.perf_counter() - started
            counts[item.stream] += 1
            buckets[(item.stream, item.event_time.date())].append(item)
    finally:
        connector.close()
    for (stream, day), items in sorted(buckets.items()):
        writer.land(
            "zendesk",
            stream,
            day,
            items,
            datetime.combine(day, datetime.min.time(), UTC),
            datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC),
            datetime.now(UTC),
        )
    seconds = time.perf_counter() - started
    records = counts["tickets"] + counts["ticket_audits"]
    return {
        "seconds": round(seconds, 2),
        "records": dict(counts),
        "tickets_with_audits_per_second": round(records / seconds),
        "export_seconds": round(export_seconds or seconds, 2),
        "tickets_per_second_export_only": round(counts["tickets"] / (export_seconds or seconds)),
    }


# Every API source, paced by nothing but the simulator: only the requests are counted here.
NO_PACING = {"rate_limit": None, "min_interval": 0.0}
API_SOURCES = ("zendesk", "intercom", "typeform", "zendesk_qa")
# What is measured: each source as csops reads it, and Zendesk once more with every ticket's
# audits read on their own (the path before the account-wide listing), for the comparison.
REQUEST_VARIANTS: tuple[tuple[str, str, dict], ...] = (
    ("zendesk", "zendesk", {}),
    ("zendesk_per_ticket_audits", "zendesk", {"audit_listing": False}),
    ("intercom", "intercom", {}),
    ("intercom_every_conversation_read", "intercom", {"reuse_landed": False}),
    ("typeform", "typeform", {}),
    ("zendesk_qa", "zendesk_qa", {}),
)
# The volume the projections are for: the M benchmark scale (benchmarks/scales.py).
M_TICKETS_PER_DAY, M_DAYS = 2000, 365


# Streams that do not grow with the help desk's volume although read incrementally: the
# simulator caps organizations at 200 (M has 201), one page of the export at any volume.
NOT_SCALED = {"organizations"}
# Zendesk streams read in pages of up to BULK_PAGE records: the cursor exports (tickets,
# users) and the account-wide audit listing.
BULK_STREAMS, BULK_PAGE = ("tickets", "users"), 1000


def _sync_requests(
    source: str,
    options: dict,
    env: dict[str, str],
    start: datetime,
    end: datetime,
    since,
    landed: dict | None = None,
) -> dict:
    """The records and requests of one run of one source over [start, end): its event
    streams, then its reference streams (the large ones from `since`). `landed` holds the
    versions landed before the run ({id: record}), for a connector that reuses them."""
    from connectors.registry import SOURCES

    options = dict(options)
    reuse = options.pop("reuse_landed", True)
    connector = SOURCES[source].from_env(env, NO_PACING)
    for name, value in options.items():
        setattr(connector, name, value)
    if reuse and landed is not None and hasattr(connector, "landed_versions"):
        connector.landed_versions = lambda _, ids: {i: landed[i] for i in ids if i in landed}
    try:
        records: dict[str, int] = defaultdict(int)
        for item in connector.extract_events(start, end):
            records[item.stream] += 1
        events = connector.requests_sent()
        for item in connector.extract_reference(since):
            records[item.stream] += 1
        total = connector.requests_sent()
    finally:
        connector.close()
    reference = {s: n - events.get(s, 0) for s, n in total.items() if n - events.get(s, 0)}
    # The large reference streams read from their last landing (Zendesk's users and
    # organizations) grow with the help desk, like the event streams.
    growing = {
        s: reference.pop(s)
        for s in connector.incremental_reference_streams
        if s in reference and s not in NOT_SCALED
    }
    growing = {**events, **growing}
    # Zendesk's bulk reads, whose pages hold up to 1000 records at any volume: projected
    # from the records they delivered, not from the (few, partly filled) pages sent here.
    bulk: dict[str, int] = {}
    if source == "zendesk":
        for stream in BULK_STREAMS:
            if stream in growing:
                growing.pop(stream)
                bulk[stream] = records.get(stream, 0)
        if connector.listing_pages:
            growing["ticket_audits"] -= connector.listing_pages
            bulk["ticket_audit_listing"] = connector.audits_listed
    return {"records": dict(records), "growing": growing, "bulk": bulk, "reference": reference}


def _landed_before(source: str, env: dict[str, str], start: datetime, end: datetime) -> dict:
    """The event records a sync of [start, end) lands, latest per id (not counted)."""
    from connectors.registry import SOURCES

    connector = SOURCES[source].from_env(env, NO_PACING)
    try:
        return {
            str(item.record.get("id")): item.record for item in connector.extract_events(start, end)
        }
    finally:
        connector.close()


def run_request_counts(
    env: dict[str, str], first: date, last: date, yesterday_env: dict[str, str] | None = None
) -> dict:
    """Requests each API source sends for a first sync and for a nightly sync, per stream, and
    the hours they would take for M at each plan's published limit (connectors/sync_cost.py).

    First sync: the whole window as one run from an empty state. Nightly: the window's last
    day, users and organizations changed since that day began. The window should span a year
    (the --requests-only default): Zendesk archives tickets 120 days after they close and
    leaves them out of the audit listing, and a help desk's users accumulate over its
    history, so a week would project neither. What grows with the help desk (event streams,
    users, organizations) is scaled by M's volume over the simulated one; the small reference
    streams are counted as measured. Zendesk's bulk reads (the cursor exports, the audit
    listing) are projected from the records they delivered, 1000 a page. `yesterday_env`
    serves the same history as it stood when the last day began: what a nightly run finds
    landed (Intercom reuses the parts of conversations that got none since); without it,
    the nightly run finds nothing landed.
    """
    from connectors.registry import SOURCES
    from connectors.sync_cost import BUDGETS, scaled

    start = datetime.combine(first, datetime.min.time(), UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
    last_start = end - timedelta(days=1)
    days = (last - first).days + 1
    sources: dict[str, dict] = {}
    for label, source, options in REQUEST_VARIANTS:
        nightly_since = dict.fromkeys(SOURCES[source].incremental_reference_streams, last_start)
        # What the lake holds before the nightly run: the days before it, as synced then.
        landed = None
        if source == "intercom" and yesterday_env is not None:
            landed = _landed_before(source, yesterday_env, start, last_start)
        sources[label] = {
            "first_sync": _sync_requests(source, options, env, start, end, {}),
            "nightly": _sync_requests(source, options, env, last_start, end, nightly_since, landed),
        }
        print(f"{label}: {sources[label]['first_sync']['growing']}", file=sys.stderr, flush=True)
    tickets = sources["zendesk"]["first_sync"]["records"]["tickets"]
    for found in sources.values():
        growing = found["first_sync"]["growing"]
        found["first_sync_per_1000_tickets"] = {
            s: round(1000 * n / tickets, 1) for s, n in growing.items()
        }
        found["first_sync_per_day"] = {s: round(n / days, 1) for s, n in growing.items()}
    # M's volume over the simulated one; a first sync of M spans M_DAYS.
    volume = M_TICKETS_PER_DAY * days / tickets
    factors = {"first_sync_of_M": volume * M_DAYS / days, "nightly_sync_of_M": volume}
    projections = []
    for label, source, _ in REQUEST_VARIANTS:
        for budget in (b for b in BUDGETS if b.source == source):
            for name, sync in (("first_sync_of_M", "first_sync"), ("nightly_sync_of_M", "nightly")):
                found = sources[label][sync]
                requests = scaled(found["growing"], factors[name])
                for stream, count in found["bulk"].items():
                    pages = max(1, math.ceil(count * factors[name] / BULK_PAGE))
                    key = "ticket_audits" if stream == "ticket_audit_listing" else stream
                    requests[key] = requests.get(key, 0) + pages
                for stream, count in found["reference"].items():
                    requests[stream] = requests.get(stream, 0) + count
                projections.append(
                    {
                        "source": label,
                        "plan": budget.plan,
                        "per_minute": budget.per_minute,
                        "sync": name,
                        "requests": round(sum(requests.values())),
                        "by_stream": {s: round(n) for s, n in requests.items()},
                        "hours": round(budget.minutes(requests) / 60, 2),
                    }
                )
    return {
        "window": [first.isoformat(), last.isoformat()],
        "tickets": tickets,
        "days": days,
        "scale_to_M": round(volume, 2),
        "sources": sources,
        "projections": projections,
    }


def run_dlt(env: dict[str, str], work: Path, first: date) -> dict:
    """dlt's rest_api source: the incremental ticket export, cursor-paginated, into DuckDB."""
    # dlt reports anonymous usage to its vendor unless told not to; nothing here may leave
    # the machine.
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    import dlt
    from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator
    from dlt.sources.rest_api import rest_api_source

    class EndOfStreamPaginator(JSONLinkPaginator):
        """Zendesk's cursor export: follow after_url until the page says end_of_stream."""

        def update_state(self, response: Response, data: list | None = None) -> None:
            super().update_state(response, data)
            if response.json().get("end_of_stream", True):
                self._next_reference = None

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    source = rest_api_source(
        {
            "client": {
                "base_url": env["ZENDESK_BASE_URL"] + "/api/v2/",
                "auth": {
                    "type": "http_basic",
                    "username": f"{env['ZENDESK_EMAIL']}/token",
                    "password": env["ZENDESK_API_TOKEN"],
                },
            },
            "resources": [
                {
                    "name": "tickets",
                    "primary_key": "id",
                    "write_disposition": "replace",
                    "endpoint": {
                        "path": "incremental/tickets/cursor.json",
                        "params": {
                            "start_time": int(
                                datetime.combine(first, datetime.min.time(), UTC).timestamp()
                            )
                        },
                        "data_selector": "tickets",
                        "paginator": EndOfStreamPaginator(next_url_path="after_url"),
                    },
                }
            ],
        }
    )
    pipeline = dlt.pipeline(
        pipeline_name="zendesk_peer",
        pipelines_dir=str(work / "pipelines"),
        destination=dlt.destinations.duckdb(str(work / "peer.duckdb")),
        dataset_name="zendesk",
    )
    started = time.perf_counter()
    pipeline.run(source)
    seconds = time.perf_counter() - started
    with pipeline.sql_client() as client:
        tickets = client.execute_sql("select count(*) from tickets")[0][0]
    return {
        "seconds": round(seconds, 2),
        "tickets": tickets,
        "tickets_per_second": round(tickets / seconds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.connector_throughput")
    parser.add_argument(
        "--days", type=int, default=None, help="days of history (7; 365 with --requests-only)"
    )
    parser.add_argument(
        "--tickets-per-day",
        type=float,
        default=None,
        help="simulated tickets a day (200; 20 with --requests-only)",
    )
    parser.add_argument("--work", type=Path, default=BENCHMARKS / "work" / "throughput")
    parser.add_argument(
        "--requests-only",
        action="store_true",
        help="count every API source's requests and project the sync hours only (no timing, "
        "no dlt: needs no bench extra)",
    )
    args = parser.parse_args(argv)
    if args.requests_only:
        # A year (archiving and users need one: run_request_counts) at a hundredth of M.
        args.days = args.days or 365
        args.tickets_per_day = args.tickets_per_day or 20
    else:
        args.days = args.days or 7
        args.tickets_per_day = args.tickets_per_day or 200
    config, first, last = _config(args.days, args.tickets_per_day)
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(config, ready, stop), daemon=True)
    server.start()
    # The same history as it stood when the last day began, for the nightly run's lake.
    yesterday = replace(config, now=datetime.combine(last, datetime.min.time(), UTC))
    ready_yesterday = context.Queue()
    yesterday_server = context.Process(
        target=_serve, args=(yesterday, ready_yesterday, stop), daemon=True
    )
    if args.requests_only:
        yesterday_server.start()
    try:
        env = ready.get(timeout=60)
        if args.requests_only:
            yesterday_env = ready_yesterday.get(timeout=60)
            return _write("requests", run_request_counts(env, first, last, yesterday_env))
        load = load_average()
        # Warm-up: the simulator generates and caches the history on first read.
        run_ours(env, args.work / "warmup", first, last)
        peer = run_dlt(env, args.work / "dlt", first)
        ours = run_ours(env, args.work / "lake", first, last)
    finally:
        stop.set()
        server.join(timeout=10)
        if yesterday_server.is_alive():
            yesterday_server.join(timeout=10)
    result = {
        "ran_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_before": load,
        "window": [first.isoformat(), last.isoformat()],
        "tickets_per_day": args.tickets_per_day,
        "ours": ours,
        "dlt_rest_api": peer,
        "ratio_export_only": round(
            ours["tickets_per_second_export_only"] / peer["tickets_per_second"], 2
        ),
        "ratio_tickets_with_audits": round(
            ours["tickets_with_audits_per_second"] / peer["tickets_per_second"], 2
        ),
    }
    return _write("throughput", result)


def _write(kind: str, result: dict) -> int:
    results = BENCHMARKS / "results"
    results.mkdir(exist_ok=True)
    out = results / f"{kind}-{datetime.now(UTC):%Y-%m-%d}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
