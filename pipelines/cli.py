"""The `csops` command: run the pipeline, the demo, or the simulated help-desk APIs.

Every run goes through Dagster (the `csops_daily` job on the project's instance), so runs
started here show up in `dagster dev`'s run history with their logs, materializations and checks.
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipelines.settings import ENGINES, KNOWN_SOURCES, Settings, SettingsError

MART_SCHEMA = "marts"


class UsageError(Exception):
    """Bad arguments or configuration, detected before anything runs."""


@dataclass(frozen=True)
class RunRequest:
    first_day: date
    last_day: date


def _yesterday() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


def _parse_day(flag: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} {value!r} is not a date: use YYYY-MM-DD (UTC)") from None


def validate_range(first: date, last: date, settings: Settings) -> RunRequest:
    if last < first:
        raise UsageError(f"--end {last} is before --start {first}")
    yesterday = _yesterday()
    if last > yesterday:
        raise UsageError(
            f"--end {last} is not a complete UTC day yet: the latest day that can run is {yesterday}"
        )
    if settings.start_date and first < settings.start_date:
        raise UsageError(
            f"--start {first} is before the first partition {settings.start_date}: "
            "set CSOPS_START_DATE to an earlier date, or unset it"
        )
    return RunRequest(first, last)


def extend_partitions_to(request: RunRequest, settings: Settings) -> None:
    """Without CSOPS_START_DATE the partitions start at the first landed day: a run that
    reaches further back (a first load, older history) moves that start for this process,
    before the definitions are loaded."""
    if settings.start_date is None:
        start = min(settings.partition_start(), request.first_day)
        os.environ["CSOPS_START_DATE"] = start.isoformat()


def check_credentials(settings: Settings) -> None:
    """Fail before anything runs when a configured source lacks its variables (or the share
    of the request budgets, CSOPS_RATE_SHARE, is not a percentage)."""
    from connectors.errors import ConfigError
    from connectors.registry import connectors_from_env, rate_share

    try:
        rate_share(os.environ)
        if settings.demo:
            return
        for connector in connectors_from_env(settings.sources):
            connector.close()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def warehouse_holder(warehouse) -> str | None:
    """DuckDB's own words when another process holds the warehouse open, else None."""
    import duckdb

    if not warehouse.exists():
        return None
    try:
        duckdb.connect(str(warehouse)).close()
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        return str(exc).strip().splitlines()[0]
    return None


def claim_warehouse(instance, settings: Settings) -> None:
    """Before a run: mark runs left for dead as failed; say when this run will queue behind
    another; refuse when a program outside csops holds the warehouse open."""
    from pipelines.runs import active_runs, reap_dead_runs

    for reaped in reap_dead_runs(instance):
        print(
            f"csops: run {reaped.run_id} was left 'started' by a process that is gone "
            f"(pid {reaped.pid}): marked failed; re-run its days if you need them",
            file=sys.stderr,
        )
    running = active_runs(instance)
    for run in running:
        print(
            f"csops: run {run.run_id} ({run.job_name}) is in progress and writes the warehouse: "
            "this run lands its days, then waits for the warehouse (one writer at a time)",
            file=sys.stderr,
        )
    if running:
        return
    holder = warehouse_holder(settings.warehouse)
    if holder:
        raise UsageError(
            f"the warehouse {settings.warehouse} is held open by another program, not a csops "
            f"run ({holder}). BI tools and notebooks should read the serving copy "
            f"{settings.serving} instead (docs/bi.md). Close that program, or wait for it, "
            "and run again."
        )


def execute(request: RunRequest, settings: Settings) -> int:
    """Run the daily job over the range as one run; print a summary; return the exit code."""
    import dagster as dg
    from dagster._core.execution.api import execute_run
    from dagster._core.storage.tags import (
        ASSET_PARTITION_RANGE_END_TAG,
        ASSET_PARTITION_RANGE_START_TAG,
    )

    from pipelines.definitions import DAILY_JOB_NAME
    from pipelines.progress import keep_terminal_for_progress
    from pipelines.runs import create_job_run, process_tags

    keep_terminal_for_progress()
    started = time.monotonic()
    mode = "demo (simulated org on 127.0.0.1)" if settings.demo else ", ".join(settings.sources)
    print(
        f"csops: {request.first_day}..{request.last_day} "
        f"({(request.last_day - request.first_day).days + 1} days), sources: {mode}, "
        f"engine: {settings.engine}",
        file=sys.stderr,
    )
    with dg.DagsterInstance.get() as instance:
        claim_warehouse(instance, settings)
        job, run = create_job_run(
            instance,
            DAILY_JOB_NAME,
            tags={
                ASSET_PARTITION_RANGE_START_TAG: request.first_day.isoformat(),
                ASSET_PARTITION_RANGE_END_TAG: request.last_day.isoformat(),
                "csops/trigger": "cli",
                **process_tags(),
            },
            # Steps run in this process, one after another, so the terminal shows progress;
            # the UI's re-execution of this run reuses this config.
            run_config={
                "execution": {"config": {"in_process": {}}},
                "loggers": {"console": {"config": {"log_level": "WARNING"}}},
            },
        )
        result = execute_run(job, run, instance, raise_on_error=False)
        evaluations = result.get_asset_check_evaluations()
        passed = sum(1 for e in evaluations if e.passed)
        # A warning-level check that fails (unmatched QA reviews, unusual volume) is reported
        # and alerted on, but does not fail the run: its rows are kept and the marts published.
        warned = [
            e for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.WARN
        ]
        failed = [
            e for e in evaluations if not e.passed and e.severity != dg.AssetCheckSeverity.WARN
        ]
        print(file=sys.stderr)
        print(
            f"run {result.run_id} {'succeeded' if result.success else 'FAILED'} "
            f"in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )
        print(
            f"checks: {passed} passed, {len(failed)} failed, {len(warned)} warning(s)",
            file=sys.stderr,
        )
        for label, evaluations_of_kind in (("failed", failed), ("warning", warned)):
            for evaluation in evaluations_of_kind[:20]:
                print(
                    f"  {label}: {evaluation.asset_key.to_user_string()} {evaluation.check_name}",
                    file=sys.stderr,
                )
        if result.success:
            for line in [*reporting_clock(settings), *mart_row_counts(settings)]:
                print(line, file=sys.stderr)
        else:
            for event in result.all_events:
                if event.is_failure and event.step_key:
                    info = event.event_specific_data
                    error = getattr(info, "error", None)
                    print(
                        f"  step {event.step_key} failed: {_root_cause(error, event.message)}",
                        file=sys.stderr,
                    )
        print(f"warehouse: {settings.warehouse}", file=sys.stderr)
        print(f"lake:      {settings.lake}", file=sys.stderr)
        print(
            f"inspect:   dagster dev -w workspace.yaml  (DAGSTER_HOME={settings.dagster_home})",
            file=sys.stderr,
        )
        for line in serving_status(settings, published=_published(result)):
            print(line, file=sys.stderr)
    return 0 if result.success and not failed else 1


def _published(result) -> bool:
    from pipelines.defs.serving.assets import SERVING_KEY

    return any(
        event.asset_key == SERVING_KEY for event in result.get_asset_materialization_events()
    )


def serving_status(settings: Settings, published: bool) -> list[str]:
    """Where BI and people read the results, and what the copy there shows."""
    from pipelines.serving import read_manifest, report_path

    manifest = read_manifest(settings.serving)
    shows = manifest.summary() if manifest else "nothing published yet"
    if published:
        lines = [f"serving:   {settings.serving}  ({shows}; BI reads this copy, docs/bi.md)"]
    else:
        lines = [f"serving:   NOT published this run; {settings.serving} still shows: {shows}"]
    report = report_path(settings.serving)
    if report.exists():
        lines.append(f"report:    {report}")
    return lines


def _root_cause(error, fallback: str | None) -> str:
    """The innermost error of a Dagster step failure: the one that says what went wrong."""
    if error is None:
        return fallback or "unknown error"
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return error.message.strip()


def reporting_clock(settings: Settings) -> list[str]:
    """Which moment the marts describe: as_of, the end of the latest landed window."""
    import duckdb

    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        (as_of,) = con.execute("select as_of from intermediate.int_build__as_of").fetchone()
    if as_of is None:
        return ["as_of:     none (nothing landed yet)"]
    note = "the end of the latest landed day; open tickets and SLAs are measured to it"
    return [f"as_of:     {as_of:%Y-%m-%d %H:%M} UTC ({note})"]


def mart_row_counts(settings: Settings) -> list[str]:
    import duckdb

    lines = ["rows per mart:"]
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "order by table_name",
            [MART_SCHEMA],
        ).fetchall()
        for (table,) in tables:
            (count,) = con.execute(f'select count(*) from {MART_SCHEMA}."{table}"').fetchone()
            lines.append(f"  {MART_SCHEMA}.{table:<28} {count:>10,}")
    return lines


def choose_engine(target: str | None) -> None:
    """`--target` wins over CSOPS_ENGINE; an engine whose dbt adapter (or runtime) is missing
    stops the run before anything lands, saying how to install it."""
    import shutil

    if target:
        os.environ["CSOPS_ENGINE"] = target
    engine = Settings.from_env().engine
    needs = {
        "spark": ("dbt.adapters.spark", "pyspark"),
        "postgres": ("dbt.adapters.postgres", "psycopg2"),
    }.get(engine, ())
    missing = [name for name in needs if not _importable(name)]
    if missing:
        raise UsageError(
            f"the {engine} engine needs {', '.join(missing)}: install csops with the engines "
            "extra (make setup-engines, docs/scale.md)"
        )
    if engine != "duckdb" and os.environ.get("CSOPS_KPI_TARGETS", "").strip():
        raise UsageError(
            f"CSOPS_KPI_TARGETS is read by the duckdb engine only, not by {engine}: unset it and "
            "put the targets in the seed dbt_project/seeds/kpi_targets.csv (docs/scale.md)"
        )
    if engine == "spark" and shutil.which("java") is None:
        raise UsageError(
            "the spark engine needs Java 17 on PATH (make engines-runtime installs Debian's "
            "openjdk-17-jre-headless; docs/scale.md)"
        )


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def cmd_run(args: argparse.Namespace) -> int:
    choose_engine(args.target)
    settings = Settings.from_env()
    request = validate_range(
        _parse_day("--start", args.start), _parse_day("--end", args.end), settings
    )
    check_credentials(settings)
    settings.export()
    extend_partitions_to(request, settings)
    return execute(request, settings)


def cmd_demo(args: argparse.Namespace) -> int:
    if args.days < 1:
        raise UsageError(f"--days {args.days} must be at least 1")
    os.environ["CSOPS_SOURCES"] = "demo"
    choose_engine(args.target)
    settings = Settings.from_env()
    last = _yesterday()
    request = validate_range(last - timedelta(days=args.days - 1), last, settings)
    check_credentials(settings)
    settings.export()
    extend_partitions_to(request, settings)
    return execute(request, settings)


def cmd_report(args: argparse.Namespace) -> int:
    """Rebuild the KPI report from the serving copy in place; print its path."""
    from pipelines.report import write_report
    from pipelines.serving import ServingError, read_manifest

    settings = Settings.from_env()
    try:
        manifest = read_manifest(settings.serving)
        if manifest is None:
            raise ServingError(
                f"no serving copy in {settings.serving}: a run publishes one once its checks "
                "pass (`csops run`, `csops demo`)"
            )
        path = write_report(settings.serving)
    except ServingError as exc:
        raise UsageError(str(exc)) from None
    print(f"report of the serving copy ({manifest.summary()}):", file=sys.stderr)
    print(path)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Check every configured source's connection: 0 when all pass, 1 when one fails."""
    from connectors.errors import ConfigError
    from pipelines.source_check import check_sources

    settings = Settings.from_env()
    try:
        results = check_sources(settings)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    for result in results:
        print(result.line(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if all(result.ok for result in results) else 1


def cmd_load_postgres(args: argparse.Namespace) -> int:
    """Copy the landing zone into PostgreSQL for the dbt project's `postgres` target."""
    from pipelines.engines.postgres import connection_settings, load_landing_zone

    settings = Settings.from_env()
    server = connection_settings()
    print(
        f"copying {settings.lake} into PostgreSQL at {server['host']}:{server['port']}"
        f"/{server['dbname']} as {server['user']}",
        file=sys.stderr,
    )

    def progress(table, seconds: float) -> None:
        print(
            f"  {table.schema}.{table.table}: {table.rows:,} rows ({seconds:.1f} s)",
            file=sys.stderr,
        )

    try:
        loaded = load_landing_zone(settings.lake, on_table=progress)
    except ImportError:
        raise UsageError(
            "the PostgreSQL driver is not installed: install csops with the engines extra "
            "(make setup-engines, docs/scale.md)"
        ) from None
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except Exception as exc:  # psycopg2's errors: the server, the credentials, the database
        if type(exc).__module__.startswith("psycopg2"):
            raise UsageError(f"PostgreSQL: {str(exc).strip()} (CSOPS_PG_* variables)") from None
        raise
    print(f"{len(loaded)} tables, {sum(t.rows for t in loaded):,} rows", file=sys.stderr)
    return 0


def cmd_simulate_api(args: argparse.Namespace) -> int:
    from pipelines.defs.raw.resources import demo_config
    from simulator.server import serve_forever

    base = demo_config()
    config = type(base)(
        seed=args.seed if args.seed is not None else base.seed,
        tickets_per_day=args.tickets_per_day or base.tickets_per_day,
        chats_per_day=args.chats_per_day or base.chats_per_day,
        agents=args.agents or base.agents,
    )
    serve_forever(config, args.host, args.port, shifts_dir=args.shifts_dir)
    return 0


def _add_target(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--target",
        choices=ENGINES,
        default=None,
        help="the engine dbt builds the models on (default: CSOPS_ENGINE, else duckdb; "
        "spark and postgres need the engines extra, docs/scale.md)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csops",
        description="Customer-support operations analytics: help-desk APIs → DuckDB KPI marts.",
        epilog="Configuration: environment variables, see docs/configuration.md.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="land a range of UTC days from the configured sources, then build and check the models",
        description=(
            "Land every day from --start to --end (both inclusive, UTC) from the sources named in "
            f"CSOPS_SOURCES ({', '.join(KNOWN_SOURCES)}, or 'demo'), rebuild the models and run "
            "every check, as one Dagster run. Re-running days already loaded gives the same marts."
        ),
    )
    run.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="first UTC day")
    run.add_argument("--end", required=True, metavar="YYYY-MM-DD", help="last UTC day (inclusive)")
    _add_target(run)
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser(
        "demo",
        help="serve the simulated org on 127.0.0.1 and run the pipeline on its last 90 days",
        description=(
            "Start the simulated support organisation on 127.0.0.1 and run the real connectors, "
            "models and checks over the complete UTC days up to yesterday."
        ),
    )
    demo.add_argument("--days", type=int, default=90, help="number of days (default: 90)")
    _add_target(demo)
    demo.set_defaults(func=cmd_demo)

    report = sub.add_parser(
        "report",
        help="rebuild the KPI report (report.html) from the serving copy and print its path",
        description=(
            "Render the KPI report from the serving copy in CSOPS_SERVING (default "
            "data/serving): last complete week against the week before, 13 weeks of charts "
            "and the agent scorecard, as one self-contained HTML file that opens from disk. "
            "Every run that publishes rebuilds it too."
        ),
    )
    report.set_defaults(func=cmd_report)

    check = sub.add_parser(
        "check",
        help="check the connection to every configured source and say what to fix",
        description=(
            "For each source in CSOPS_SOURCES, make one cheap authenticated call to every "
            "endpoint the connector reads and report ok, or what is wrong (bad credentials, "
            "missing permission, wrong base URL, unknown form id, unreachable) with the "
            "environment variable to fix. Exit 0 when all pass, 1 when one fails, 2 when the "
            "configuration is incomplete."
        ),
    )
    check.set_defaults(func=cmd_check)

    load_pg = sub.add_parser(
        "load-postgres",
        help="copy the landing zone into PostgreSQL, for the dbt project's postgres target",
        description=(
            "Copy every landed stream of CSOPS_LAKE into the PostgreSQL database the CSOPS_PG_* "
            "variables name (one schema per source, each table replaced whole), so that "
            "`dbt build` with CSOPS_ENGINE=postgres reads the same records as DuckDB "
            "(docs/scale.md). Needs the engines extra."
        ),
    )
    load_pg.set_defaults(func=cmd_load_postgres)

    sim = sub.add_parser(
        "simulate-api",
        help="serve the simulated Zendesk, Intercom, Typeform and Zendesk QA APIs until Ctrl-C",
        description=(
            "Serve the simulated org through the Zendesk, Intercom and Typeform API shapes on "
            "HOST:PORT, and print the environment variables that point the connectors at it."
        ),
    )
    sim.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 = any free)")
    sim.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    sim.add_argument("--seed", type=int, default=None, help="simulation seed (default: 7)")
    sim.add_argument("--tickets-per-day", type=float, default=None, help="mean tickets per day")
    sim.add_argument("--chats-per-day", type=float, default=None, help="mean chats per day")
    sim.add_argument("--agents", type=int, default=None, help="number of human agents")
    sim.add_argument(
        "--shifts-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write the simulated workforce tool's weekly roster CSV files of the last 90 "
        "days into DIR and print CSOPS_SHIFTS_DIR for the shifts source",
    )
    sim.set_defaults(func=cmd_simulate_api)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, SettingsError) as exc:
        print(f"csops {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("csops: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
