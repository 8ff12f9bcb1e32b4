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
import multiprocessing
import os
import shutil
import sys
import time
from collections import defaultdict
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
# The volume the projections are for: the M benchmark scale (benchmarks/scales.py).
M_TICKETS_PER_DAY, M_DAYS = 2000, 365


def run_request_counts(env: dict[str, str], first: date, last: date) -> dict:
    """Requests each API source sends to sync the window as a run does (its event streams for
    the whole window, then its reference streams once), per stream, per 1,000 Zendesk tickets
    and per day; and the minutes a first sync of M and a nightly sync would take at each
    plan's published limit (connectors/sync_cost.py)."""
    from connectors.registry import SOURCES
    from connectors.sync_cost import BUDGETS, scaled

    start = datetime.combine(first, datetime.min.time(), UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
    days = (last - first).days + 1
    sources: dict[str, dict] = {}
    tickets = 0
    for source in API_SOURCES:
        connector = SOURCES[source].from_env(env, NO_PACING)
        try:
            records = defaultdict(int)
            for item in connector.extract_events(start, end):
                records[item.stream] += 1
            events = connector.requests_sent()
            for _ in connector.extract_reference({}):
                pass
            total = connector.requests_sent()
        finally:
            connector.close()
        reference = {s: n - events.get(s, 0) for s, n in total.items() if n - events.get(s, 0)}
        # The large reference streams read from their last landing (Zendesk's users and
        # organizations) grow with the contacts, like the event streams.
        growing = {
            s: reference.pop(s) for s in connector.incremental_reference_streams if s in reference
        }
        sources[source] = {
            "records": dict(records),
            # What grows with the tickets: the event streams and the large reference streams.
            "growing": {**events, **growing},
            "reference": reference,
        }
        if source == "zendesk":
            tickets = records["tickets"]
    for found in sources.values():
        found["growing_per_1000_tickets"] = {
            s: round(1000 * n / tickets, 1) for s, n in found["growing"].items()
        }
        found["growing_per_day"] = {s: round(n / days, 1) for s, n in found["growing"].items()}
    # M's first sync is one run over its year: the event streams (and the reference streams
    # that grow with them) scaled from this window's tickets to M's, the small reference
    # streams once. A nightly sync is one day of M's volume and the small reference streams
    # again.
    first_sync = M_TICKETS_PER_DAY * M_DAYS / tickets
    nightly = M_TICKETS_PER_DAY / tickets
    projections = []
    for budget in BUDGETS:
        found = sources[budget.source]
        for name, factor in (("first_sync_of_M", first_sync), ("nightly_sync_of_M", nightly)):
            requests = scaled(found["growing"], factor)
            for stream, count in found["reference"].items():
                requests[stream] = requests.get(stream, 0) + count
            projections.append(
                {
                    "source": budget.source,
                    "plan": budget.plan,
                    "per_minute": budget.per_minute,
                    "sync": name,
                    "requests": round(sum(requests.values())),
                    "hours": round(budget.minutes(requests) / 60, 2),
                }
            )
    return {"tickets": tickets, "days": days, "sources": sources, "projections": projections}


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
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--tickets-per-day", type=float, default=200)
    parser.add_argument("--work", type=Path, default=BENCHMARKS / "work" / "throughput")
    parser.add_argument(
        "--requests-only",
        action="store_true",
        help="count every API source's requests and project the sync hours only (no timing, "
        "no dlt: needs no bench extra)",
    )
    args = parser.parse_args(argv)
    config, first, last = _config(args.days, args.tickets_per_day)
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(config, ready, stop), daemon=True)
    server.start()
    try:
        env = ready.get(timeout=60)
        if args.requests_only:
            return _write("requests", run_request_counts(env, first, last))
        load = load_average()
        # Warm-up: the simulator generates and caches the history on first read.
        run_ours(env, args.work / "warmup", first, last)
        peer = run_dlt(env, args.work / "dlt", first)
        ours = run_ours(env, args.work / "lake", first, last)
        requests = run_request_counts(env, first, last)
    finally:
        stop.set()
        server.join(timeout=10)
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
        "requests": requests,
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
