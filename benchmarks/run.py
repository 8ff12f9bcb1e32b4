"""Run one benchmark scale end to end and record how fast and how big it is (issue 4).

    .venv/bin/python -m benchmarks.run --scale S|M|L [--work DIR] [--workers N]

Lands the scale's history through the simulator's bulk path, and its weekly shift rosters
through the shift files' landing, into a fresh lake, measures the scan floor, runs `dbt
build` and the raw checks, then lands one more day and rebuilds (the incremental case). Results go to benchmarks/results/<scale>-<date>T<HHMM>.json and a summary
table is printed. Figures are written down, never asserted: see benchmarks/RESULTS.md.
"""

import argparse
import json
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.measure import (
    MemorySampler,
    Timer,
    disk_bytes,
    load_average,
    machine,
    machine_speed,
    rusage_peaks,
)
from benchmarks.scales import SCALES, Scale
from benchmarks.stages import (
    Workspace,
    dbt_build,
    dbt_fixed_cost,
    generate,
    land,
    land_shifts,
    proportions,
    publish_serving,
    raw_checks,
    scan_floor,
    update_shifts,
    write_shifts,
)

BENCHMARKS = Path(__file__).resolve().parent
RESULTS_DIR = BENCHMARKS / "results"
# The targets, checked against M (a smaller scale just reports them).
TARGETS = {
    "end_to_end_seconds": 300,
    "peak_rss_gib": 4.0,
    "incremental_seconds": 60,
    "dbt_floor_multiple": 10,
    "checks_share_pct": 15,
}


def _fresh(workspace: Workspace) -> None:
    """Remove what an earlier run of this scale left, and only that."""
    workspace.root.mkdir(parents=True, exist_ok=True)
    for directory in (
        workspace.lake,
        workspace.dbt_target,
        workspace.root / "dbt_logs",
        workspace.root / "empty",
        workspace.serving,
    ):
        shutil.rmtree(directory, ignore_errors=True)
    for suffix in ("", ".wal"):
        Path(f"{workspace.warehouse}{suffix}").unlink(missing_ok=True)


def run_scale(scale: Scale, workspace: Workspace, workers: int) -> dict:
    """Every measurement of one scale, as the JSON document written to results/."""
    _fresh(workspace)
    speed_before = machine_speed()
    sampler = MemorySampler().start()
    timer = Timer()
    started = time.perf_counter()
    config = scale.config(scale.last_day)
    # The simulator's generation stands in for the vendors' APIs: timed, reported, and kept
    # out of the pipeline's figures (the API path is measured by connector_throughput).
    with timer.phase("generate", sampler):
        generated = generate(
            config, workspace.spool("history"), scale.first_day, scale.last_day, workers
        )
        generated["shifts"] = write_shifts(
            config, workspace.shifts, scale.first_day, scale.last_day
        )
    with timer.phase("land", sampler):
        landed = land(workspace.spool("history"), workspace.lake, workers)
        shifts = land_shifts(
            workspace.shifts, workspace.lake, scale.first_day, scale.last_day, landed
        )
    with timer.phase("scan_floor", sampler):
        floor = scan_floor(workspace.lake)
    with timer.phase("dbt_build", sampler):
        build = dbt_build(workspace)
    with timer.phase("checks", sampler):
        checks = raw_checks(workspace.lake, scale.first_day, scale.last_day)
    with timer.phase("publish", sampler):
        published = publish_serving(workspace, "benchmark-history")
    before_publish = timer.seconds["land"] + timer.seconds["dbt_build"] + timer.seconds["checks"]
    end_to_end = before_publish + timer.seconds["publish"]

    day = scale.extra_day
    with timer.phase("incremental_generate", sampler):
        extra_generated = generate(
            scale.config(day), workspace.spool("extra_day"), day, day, workers
        )
        extra_generated["shifts"] = update_shifts(scale.config(day), workspace.shifts, day)
    with timer.phase("incremental_land", sampler):
        extra = land(workspace.spool("extra_day"), workspace.lake, workers)
        extra_shifts = land_shifts(workspace.shifts, workspace.lake, day, day, extra)
    with timer.phase("incremental_dbt_build", sampler):
        extra_build = dbt_build(workspace)
    with timer.phase("incremental_checks", sampler):
        extra_checks = raw_checks(workspace.lake, day, day)
    with timer.phase("incremental_publish", sampler):
        extra_published = publish_serving(workspace, "benchmark-extra-day")
    sampler.stop()
    # Not part of any figure above: the same build over an empty lake, to tell dbt's fixed
    # cost from the part of the build that grows with the data.
    with timer.phase("dbt_fixed_cost"):
        fixed = dbt_fixed_cost(workspace)
    # Not timed either: the QA reviews and rosters beside the contacts and agents.
    ratios = proportions(workspace)
    speed_after = machine_speed()

    incremental = (
        timer.seconds["incremental_land"]
        + timer.seconds["incremental_dbt_build"]
        + timer.seconds["incremental_checks"]
        + timer.seconds["incremental_publish"]
    )
    peak = max(sampler.peak_bytes, *rusage_peaks().values())
    floor_seconds = max(floor["seconds"], 0.01)  # multiples of the floor, never over zero
    return {
        "scale": scale.name,
        "description": scale.describe(),
        "range": [scale.first_day.isoformat(), scale.last_day.isoformat()],
        "ran_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        # The fixed workloads of measure.machine_speed, before and after the run (not counted).
        "machine_speed": {"before": speed_before, "after": speed_after},
        "workers": workers,
        "load_average_before": timer.load_before,
        "seconds": timer.seconds,
        "wall_seconds": round(time.perf_counter() - started, 2),
        "end_to_end_seconds": round(end_to_end, 2),
        "generated": generated,
        "landed": {
            "records": landed.total,
            "records_per_second": round(landed.total / timer.seconds["land"]),
            "per_stream": dict(landed.rows),
            # The shift folder's part of the landing (its rows are in per_stream too).
            "shifts": shifts,
        },
        "scan_floor": floor,
        "dbt_build": build,
        "dbt_floor_multiple": round(timer.seconds["dbt_build"] / floor_seconds, 1),
        "dbt_fixed_cost": {
            **fixed,
            "floor_multiple": round(fixed["seconds"] / floor_seconds, 1),
            # The build less its fixed cost: the part that grows with the data, over the floor.
            "variable_floor_multiple": round(
                (timer.seconds["dbt_build"] - fixed["seconds"]) / floor_seconds, 1
            ),
        },
        "checks": checks,
        "checks_share_pct": round(100 * timer.seconds["checks"] / end_to_end, 1),
        # Publishing the serving copy and the report, and what it adds to the rest of the run.
        "publish": {
            **published,
            "added_pct": round(100 * timer.seconds["publish"] / before_publish, 1),
        },
        "incremental": {
            "day": day.isoformat(),
            "records": extra.total,
            "per_stream": dict(extra.rows),
            "shifts": extra_shifts,
            "generated": extra_generated,
            "seconds": round(incremental, 2),
            "land_seconds": timer.seconds["incremental_land"],
            "dbt_build": extra_build,
            "checks": extra_checks,
            "publish": extra_published,
        },
        "memory": {
            "peak_rss_bytes": peak,
            "peak_rss_gib": round(peak / 2**30, 2),
            "sampled_tree_peak_bytes": sampler.peak_bytes,
            "sampled_phase_peaks_bytes": sampler.phase_peaks,
            **rusage_peaks(),
        },
        "proportions": ratios,
        "disk": {
            "lake_bytes": disk_bytes(workspace.lake),
            "warehouse_bytes": disk_bytes(workspace.warehouse),
        },
    }


def targets(result: dict) -> dict[str, dict]:
    """Each target of the issue beside the figure measured, met or not."""
    measured = {
        "end_to_end_seconds": result["end_to_end_seconds"],
        "peak_rss_gib": result["memory"]["peak_rss_gib"],
        "incremental_seconds": result["incremental"]["seconds"],
        "dbt_floor_multiple": result["dbt_floor_multiple"],
        "checks_share_pct": result["checks_share_pct"],
    }
    return {
        name: {"target": limit, "measured": measured[name], "met": measured[name] <= limit}
        for name, limit in TARGETS.items()
    }


def summary_table(result: dict) -> str:
    """The figures a reader wants first, one per line."""
    build, extra = result["dbt_build"], result["incremental"]
    slowest = ", ".join(
        f"{m['unique_id'].rsplit('.', 1)[-1]} {m['seconds']}s" for m in build["slowest_models"]
    )
    incremental = (
        f"{extra['seconds']} (land {extra['land_seconds']}, "
        f"dbt {extra['dbt_build']['seconds']}, checks {extra['checks']['seconds']}"
        + (f", publish {extra['publish']['seconds']})" if "publish" in extra else ")")
        + (f"; shift files {_shift_files(extra['shifts'])}" if "shifts" in extra else "")
    )
    rows = [
        ("scale", f"{result['scale']}: {result['description']}"),
        ("load average before land", " ".join(map(str, result["load_average_before"]["land"]))),
        ("machine speed (s, before/after)", _speed(result["machine_speed"])),
        ("generate seconds (simulator)", _generated(result["generated"])),
        ("records landed", f"{result['landed']['records']:,}"),
        # Results recorded before the team sources have no reviews, shifts or proportions.
        ("of which QA reviews, shift rows", _team_rows(result["landed"]["per_stream"])),
        ("shift files landed", _shift_files(result["landed"].get("shifts"))),
        ("QA reviews / 100 resolved contacts", _reviews(result.get("proportions"))),
        ("shift rows / agent-week", _ratio(result, "shift_rows_per_agent_week")),
        ("land seconds", result["seconds"]["land"]),
        ("records landed / s", f"{result['landed']['records_per_second']:,}"),
        ("scan floor seconds", result["scan_floor"]["seconds"]),
        ("dbt build seconds", f"{build['seconds']} (exit {build['returncode']})"),
        ("dbt build / floor", f"{result['dbt_floor_multiple']} x"),
        ("dbt build of an empty lake", _fixed(result["dbt_fixed_cost"])),
        ("slowest models", slowest or "-"),
        ("check seconds", f"{result['checks']['seconds']} ({result['checks_share_pct']} %)"),
        # Results recorded before the serving copy existed have no publish figure.
        ("publish + report seconds", _published(result["publish"]) if "publish" in result else "-"),
        ("end to end seconds", result["end_to_end_seconds"]),
        ("wall seconds (all)", result["wall_seconds"]),
        ("peak RSS GiB", result["memory"]["peak_rss_gib"]),
        ("lake MiB", round(result["disk"]["lake_bytes"] / 2**20, 1)),
        ("warehouse MiB", round(result["disk"]["warehouse_bytes"] / 2**20, 1)),
        ("one more day seconds", incremental),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _team_rows(per_stream: dict) -> str:
    return ", ".join(
        f"{per_stream[name]:,}" if name in per_stream else "-"
        for name in ("zendesk_qa/reviews", "shifts/activities")
    )


def _shift_files(shifts: dict | None) -> str:
    if shifts is None:
        return "-"
    return (
        f"{shifts['files_landed']} landed, {shifts['files_unchanged']} unchanged "
        f"({shifts['rows']:,} rows, {shifts['rejected']} set aside, {shifts['seconds']} s)"
    )


def _reviews(ratios: dict | None) -> str:
    if ratios is None:
        return "-"
    return (
        f"{ratios['qa_reviews_per_100_resolved']} "
        f"({ratios['qa_reviews_per_100_resolved_by_an_agent']} of those an agent resolved)"
    )


def _ratio(result: dict, name: str) -> str:
    value = result.get("proportions", {}).get(name)
    return "-" if value is None else str(value)


def _published(published: dict) -> str:
    return (
        f"{published['seconds']} (copy {published['publish_seconds']}, report "
        f"{published['report_seconds']}; +{published['added_pct']} % on land + dbt + checks)"
    )


def _speed(speed: dict) -> str:
    before, after = speed["before"], speed["after"]
    return (
        f"python {before['python_seconds']}/{after['python_seconds']}, "
        f"duckdb {before['duckdb_seconds']}/{after['duckdb_seconds']}"
    )


def _fixed(fixed: dict) -> str:
    return (
        f"{fixed['seconds']} s (exit {fixed['returncode']}; {fixed['floor_multiple']} x the "
        f"floor); the rest of the build {fixed['variable_floor_multiple']} x the floor"
    )


def _generated(generated: dict) -> str:
    if generated["reused"]:
        spool = f"reused the spool (generated in {generated['generate_seconds']} s)"
    else:
        spool = str(generated["generate_seconds"])
    roster = generated.get("shifts")
    if roster is None:
        return spool
    reused = "reused the rosters" if roster["reused"] else "rosters"
    return f"{spool}; {reused} ({roster['files']} files, {roster['write_seconds']} s)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), required=True)
    parser.add_argument("--work", type=Path, help="workspace (default benchmarks/work/<scale>)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="bulk landing processes"
    )
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    workspace = Workspace((args.work or BENCHMARKS / "work" / scale.name).resolve())
    print(f"benchmark {scale.name}: {scale.describe()}; load {load_average()}", flush=True)
    result = run_scale(scale, workspace, args.workers)
    result["targets"] = targets(result)
    RESULTS_DIR.mkdir(exist_ok=True)
    # Date and time in the name: a later run the same day never overwrites an earlier one.
    out = RESULTS_DIR / f"{scale.name}-{datetime.now(UTC):%Y-%m-%dT%H%M}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(summary_table(result))
    print(f"results: {out}")
    if result["dbt_build"]["returncode"] != 0:
        print(f"dbt build failed: see {result['dbt_build']['log']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
