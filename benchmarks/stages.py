"""The stages a benchmark times: land, scan floor, dbt build, raw checks.

Each stage runs the project's own code the way a nightly run does (the bulk landing path
instead of HTTP, the real dbt project in a subprocess, the real raw-check functions), so
the figures measure the pipeline, not a model of it.
"""

import hashlib
import importlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from connectors.file_landing import FILE_STREAMS, land_files
from connectors.landing import STREAMS, LandingWriter
from connectors.shifts import ACTIVITIES, FILES, list_files
from connectors.shifts import SOURCE as SHIFTS
from pipelines.settings import DBT_BUILD_ARGS
from simulator import shifts as shift_simulator
from simulator.bulk import SPOOL_FORMAT, BulkSummary, land_spool, spool_history
from simulator.clock import day_start
from simulator.org import SimConfig, SupportOrg

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT = PROJECT_ROOT / "dbt_project"
WAREHOUSE_NAME = "warehouse.duckdb"  # dbt-duckdb names the catalog after the file's stem
# Every landed stream: the API sources' (one batch per day) and the shift files' (one batch
# per file version).
LANDED_STREAMS = (*STREAMS, *FILE_STREAMS)
# The roster files' manifest, beside them in their folder (the source reads `*.csv` only).
ROSTER_MANIFEST = "spool.json"


@dataclass(frozen=True)
class Workspace:
    """Where one scale's lake, warehouse and dbt output live (benchmarks/work/<scale>)."""

    root: Path

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def warehouse(self) -> Path:
        return self.root / WAREHOUSE_NAME

    @property
    def serving(self) -> Path:
        return self.root / "serving"

    def spool(self, name: str) -> Path:
        """Where the simulator's generated records wait to be landed (kept between runs)."""
        return self.root / "spool" / name

    @property
    def shifts(self) -> Path:
        """The shift folder (CSOPS_SHIFTS_DIR of a real run): the simulated workforce tool's
        weekly roster files, kept between runs like the spool."""
        return self.spool("shifts")

    @property
    def dbt_target(self) -> Path:
        return self.root / "dbt_target"

    def env(self) -> dict[str, str]:
        """The process environment that points the project at this workspace."""
        return {
            **os.environ,
            "CSOPS_LAKE": str(self.lake),
            "CSOPS_WAREHOUSE": str(self.warehouse),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        }


def generate(config: SimConfig, spool: Path, first_day: date, last_day: date, workers: int) -> dict:
    """The simulator's part: the days' records generated into `spool`, or reused from it.

    A spool is a pure function of the org's configuration and the range, so one written by
    an earlier run of the same scale (its `spool.json` says which) is reused rather than
    generated again; `reused` in the result says which happened.
    """
    key = {
        "format": SPOOL_FORMAT,
        "config": repr(config),
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
    }
    manifest = spool / "spool.json"
    if manifest.exists() and json.loads(manifest.read_text()).get("key") == key:
        return {**json.loads(manifest.read_text()), "reused": True}
    shutil.rmtree(spool, ignore_errors=True)
    started = time.perf_counter()
    summary = spool_history(config, spool, first_day, last_day, workers=workers)
    written = {
        "key": key,
        "records": summary.total,
        "per_stream": dict(summary.rows),
        "generate_seconds": round(time.perf_counter() - started, 2),
    }
    manifest.write_text(json.dumps(written, indent=2) + "\n")
    return {**written, "reused": False}


def write_shifts(config: SimConfig, folder: Path, first_day: date, last_day: date) -> dict:
    """The simulated workforce tool's part: the roster of every ISO week overlapping the days
    (one CSV file a week, `simulator/shifts.py`), written into `folder`, or reused from it.

    The folder is made to hold exactly those weeks: a file the extra day of an earlier run
    added (a new week) is removed, so the history lands the same files on every run. The
    roster is a pure function of the org's configuration, the weeks and the simulator's code
    (its source's hash is in the key), so a folder written for the same key is reused unless
    a file differs from the one the manifest records; `reused` says which happened.
    """
    key = {
        "simulator": _source_hash(shift_simulator.__file__),
        "config": repr(config),
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
    }
    expected = {
        shift_simulator.file_name(monday)
        for monday in shift_simulator.week_starts(first_day, last_day)
    }
    for found in list_files(folder) if folder.is_dir() else []:
        if found.name not in expected:
            found.path.unlink()
    manifest = folder / ROSTER_MANIFEST
    if manifest.exists():
        written = json.loads(manifest.read_text())
        if written.get("key") == key and written.get("sha256") == _hashes(folder):
            return {**written, "reused": True}
    manifest.unlink(missing_ok=True)
    started = time.perf_counter()
    paths = shift_simulator.write_shift_files(SupportOrg(config), folder, first_day, last_day)
    written = {
        "key": key,
        "files": len(paths),
        "rows": sum(_csv_rows(path) for path in paths),
        "write_seconds": round(time.perf_counter() - started, 2),
        "sha256": _hashes(folder),
    }
    manifest.write_text(json.dumps(written, indent=2) + "\n")
    return {**written, "reused": False}


def update_shifts(config: SimConfig, folder: Path, day: date) -> dict:
    """The workforce tool's export on the morning after `day`: the roster of the week holding
    it written into the folder, as the demo writes it for a nightly run. A file that already
    holds the same text is left untouched (the week was exported with the history), and the
    source then does not land it again."""
    before = _hashes(folder)
    started = time.perf_counter()
    paths = shift_simulator.write_shift_files(SupportOrg(config), folder, day, day)
    after = _hashes(folder)
    return {
        "files": len(paths),
        "changed": sorted(p.name for p in paths if before.get(p.name) != after.get(p.name)),
        "write_seconds": round(time.perf_counter() - started, 2),
    }


def _source_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _hashes(folder: Path) -> dict[str, str]:
    return {found.name: found.read()[1] for found in list_files(folder)} if folder.is_dir() else {}


def _csv_rows(path: Path) -> int:
    with path.open("rb") as file:
        return max(0, sum(1 for line in file if line.strip()) - 1)  # less the header


def land(spool: Path, lake: Path, workers: int) -> BulkSummary:
    """Our part: a spool landed through the landing writer (every stream's placeholder first)."""
    LandingWriter(lake).ensure_streams()
    return land_spool(spool, lake, datetime.now(UTC), workers=workers)


def land_shifts(
    folder: Path, lake: Path, first_day: date, last_day: date, summary: BulkSummary
) -> dict:
    """The shift folder landed as the raw asset lands it for a run of first_day..last_day:
    each new or changed file into the last day's folders, an unchanged file not read again.
    Rows landed are added to `summary` (`shifts/activities`, and one `shifts/files` row per
    file version landed); returns what happened file by file, and the seconds it took."""
    started = time.perf_counter()
    landed = land_files(
        lake,
        list_files(folder),
        last_day,
        day_start(first_day),
        day_start(last_day + timedelta(days=1)),
        datetime.now(UTC),
    )
    summary.rows[f"{SHIFTS}/{ACTIVITIES}"] += landed.rows
    summary.rows[f"{SHIFTS}/{FILES}"] += len(landed.landed)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "files_landed": len(landed.landed),
        "files_unchanged": len(landed.unchanged),
        "rows": landed.rows,
        "rejected": landed.rejected,
    }


def scan_floor(lake: Path) -> dict:
    """One DuckDB pass over every landed file: the least any transformation must read.

    Counts rows and the longest `_raw` per stream, which forces every row group of every
    file to be read and decompressed, as a model reading `_raw` must.
    """
    parts = [
        f"select '{source}/{stream}' as stream, count(*) as rows, max(length(_raw)) as widest "
        f"from read_parquet('{lake / source / stream}/*/*.parquet', union_by_name = true)"
        for source, stream in LANDED_STREAMS
    ]
    started = time.perf_counter()
    with duckdb.connect() as con:
        rows = con.sql(" union all ".join(parts)).fetchall()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "rows": sum(row[1] for row in rows),
        "per_stream": {row[0]: row[1] for row in rows},
    }


def dbt_build(workspace: Workspace) -> dict:
    """`dbt build` of the project against this workspace, as the pipeline runs it (unit
    tests left to the test suite); seconds, status and node timings.

    target/ and logs/ go into the workspace, so a benchmark never overwrites the
    manifest another dbt run in the project tree is using.
    """
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt),
        "build",
        *DBT_BUILD_ARGS,
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(workspace.dbt_target),
        "--log-path",
        str(workspace.root / "dbt_logs"),
    ]
    started = time.perf_counter()
    finished = subprocess.run(
        command,
        env=workspace.env(),
        cwd=DBT_PROJECT,
        capture_output=True,
        text=True,
        check=False,  # a failed build is a result to record, with its log, not a crash
    )
    seconds = time.perf_counter() - started
    (workspace.root / "dbt_build.log").write_text(finished.stdout + finished.stderr)
    nodes = _node_timings(workspace.dbt_target / "run_results.json")
    # dbt's own figure for running the nodes, without process start, parsing and compiling.
    executed = re.search(r"Finished running .* \((\d+(?:\.\d+)?)s\)", finished.stdout)
    failed = [
        n for n in nodes if n["status"] not in ("success", "pass", "warn", "skipped", "no-op")
    ]
    return {
        "seconds": round(seconds, 2),
        "execution_seconds": float(executed[1]) if executed else None,
        "returncode": finished.returncode,
        "nodes": len(nodes),
        "failed_nodes": [n["unique_id"] for n in failed],
        "model_seconds": round(sum(n["seconds"] for n in nodes if _is_model(n)), 2),
        "test_seconds": round(sum(n["seconds"] for n in nodes if not _is_model(n)), 2),
        "slowest_models": sorted(
            (n for n in nodes if _is_model(n)), key=lambda n: n["seconds"], reverse=True
        )[:3],
        # Every model's seconds, slowest first: where a build's time goes, kept per build
        # (run_results.json holds only the workspace's latest).
        "model_timings": {
            n["unique_id"].removeprefix("model.csops."): n["seconds"]
            for n in sorted(nodes, key=lambda n: n["seconds"], reverse=True)
            if _is_model(n)
        },
        # The ten slowest data tests: what the tests of a nightly build still read whole.
        "slowest_tests": {
            n["unique_id"].removeprefix("test.csops."): n["seconds"]
            for n in sorted(
                (n for n in nodes if not _is_model(n)), key=lambda n: n["seconds"], reverse=True
            )[:10]
        },
        "log": str(workspace.root / "dbt_build.log"),
    }


def dbt_fixed_cost(workspace: Workspace) -> dict:
    """`dbt build` of an empty lake (every stream's placeholder file, no record): what dbt
    and DuckDB cost whatever the volume (start-up, parsing, one statement after another for
    every node), the part of a build that no model's SQL can make cheaper.

    In its own workspace beside the scale's, removed afterwards.
    """
    empty = Workspace(workspace.root / "empty")
    shutil.rmtree(empty.root, ignore_errors=True)
    empty.root.mkdir(parents=True)
    try:
        LandingWriter(empty.lake).ensure_streams()
        build = dbt_build(empty)
        return {key: build[key] for key in ("seconds", "execution_seconds", "returncode", "nodes")}
    finally:
        shutil.rmtree(empty.root, ignore_errors=True)


def _is_model(node: dict) -> bool:
    return node["unique_id"].startswith("model.")


def _node_timings(path: Path) -> list[dict]:
    if not path.exists():
        return []
    results = json.loads(path.read_text()).get("results", [])
    return [
        {
            "unique_id": r["unique_id"],
            "status": r["status"],
            "seconds": round(float(r.get("execution_time") or 0.0), 2),
        }
        for r in results
    ]


def raw_checks(lake: Path, first_day: date, last_day: date) -> dict:
    """Every stream's Great Expectations suite over the range, as the raw checks run it.

    In a child process, as a Dagster step runs it: the frames of a year of audits take
    gigabytes that Python keeps after use, and held by the harness they would be counted
    in the peak memory of the dbt build that follows.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_raw_checks, lake, first_day, last_day).result()


def _raw_checks(lake: Path, first_day: date, last_day: date) -> dict:
    from pipelines.quality import read_landed, validate_frame

    started = time.perf_counter()
    # Importing Great Expectations costs seconds on every run, whatever the volume: timed
    # apart so that it is not mistaken for validation work.
    importlib.import_module("great_expectations")
    imported = time.perf_counter() - started
    results = {}
    for source, stream in LANDED_STREAMS:
        frame = read_landed(lake, source, stream, first_day, last_day)
        result = validate_frame(source, stream, frame)
        results[f"{source}/{stream}"] = {"rows": result.rows, "success": result.success}
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "import_seconds": round(imported, 2),
        "all_passed": all(r["success"] for r in results.values()),
        "streams": results,
    }


def publish_serving(workspace: Workspace, run_id: str) -> dict:
    """The run's last step, as the serving assets run it: copy the marts to the serving
    folder (marts.duckdb and one Parquet file per mart), then render the KPI report."""
    from pipelines.report import write_report
    from pipelines.serving import publish

    started = time.perf_counter()
    manifest = publish(workspace.warehouse, workspace.serving, run_id)
    published = time.perf_counter() - started
    report = write_report(workspace.serving)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "publish_seconds": round(published, 2),
        "report_seconds": round(time.perf_counter() - started - published, 2),
        "rows": sum(manifest.row_counts.values()),
        "serving_bytes": sum(p.stat().st_size for p in workspace.serving.rglob("*") if p.is_file()),
        "report_bytes": report.stat().st_size,
    }


def proportions(workspace: Workspace) -> dict:
    """The team sources beside what they follow from, to check that a scale keeps the demo's
    proportions: QA reviews per 100 resolved contacts, all of them and those an agent resolved
    (the simulator reviews 7 % of the latter, a few hours to two days after resolution, so
    the last days of a range fall a little short) from the marts, and roster rows per agent
    and week from the landed shift files."""
    with duckdb.connect(str(workspace.warehouse), read_only=True) as con:
        resolved, by_agent, reviews = con.execute(
            "select count(*) filter (where is_resolved), "
            "count(*) filter (where is_resolved and agent_key is not null), "
            "(select count(*) from marts.fct_qa_reviews) from marts.fct_contacts"
        ).fetchone()
    with duckdb.connect() as con:
        rows, agent_weeks = con.execute(
            "select count(*), count(distinct (agent_email, file)) from read_parquet($files)",
            {"files": str(workspace.lake / SHIFTS / ACTIVITIES / "date=*" / "*.parquet")},
        ).fetchone()
    return {
        "resolved_contacts": resolved,
        "resolved_by_an_agent": by_agent,
        "qa_reviews": reviews,
        "qa_reviews_per_100_resolved": _per_100(reviews, resolved),
        "qa_reviews_per_100_resolved_by_an_agent": _per_100(reviews, by_agent),
        "shift_rows": rows,
        "agent_weeks": agent_weeks,
        "shift_rows_per_agent_week": round(rows / agent_weeks, 2) if agent_weeks else None,
    }


def _per_100(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None
