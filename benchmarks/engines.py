"""The same build on Spark beside DuckDB, at a benchmark scale (docs/scale.md).

    .venv-engines/bin/python -m benchmarks.engines --scale M --work DIR [--engines duckdb,spark]

Reads the lake `benchmarks.run --scale <scale> --work DIR` landed there (run that first; its
history and extra day), and builds every model of the project from it on each engine named,
each as `csops run --target <engine>` builds: a full build (the other engines have no
incremental builds), the data tests included. Spark's marts are then copied into a DuckDB
file as a run copies them for the serving copy, and compared with DuckDB's, mart by mart.

Each build's wall seconds and the peak resident memory of its whole process tree (dbt, and
for Spark the JVM it starts) are written to benchmarks/results/<scale>-engines-<stamp>.json
and printed. Figures are written down, never asserted: see benchmarks/RESULTS.md.
"""

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from benchmarks.measure import MemorySampler, machine, machine_speed
from benchmarks.run import RESULTS_DIR
from benchmarks.scales import SCALES
from benchmarks.stages import Workspace, dbt_build

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class EngineWorkspace(Workspace):
    """One engine's build folder beside the scale's, reading the scale's lake."""

    scale_lake: Path = Path()
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def lake(self) -> Path:
        return self.scale_lake

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.extra_env}


def engine_workspace(root: Path, lake: Path, engine: str, driver_memory: str) -> EngineWorkspace:
    folder = root / "engines" / engine
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    extra = {"CSOPS_ENGINE": engine}
    if engine == "spark":
        extra |= {
            "CSOPS_SPARK_LAKE": str(lake.resolve()),
            "CSOPS_SPARK_WAREHOUSE": str(folder / "spark"),
            "CSOPS_SPARK_MASTER": f"local[{os.cpu_count() or 1}]",
            "CSOPS_SPARK_DRIVER_MEMORY": driver_memory,
        }
    return EngineWorkspace(root=folder, scale_lake=lake, extra_env=extra)


def measured_build(workspace: EngineWorkspace) -> dict:
    sampler = MemorySampler().start()
    try:
        build = dbt_build(workspace)
    finally:
        sampler.stop()
    return {
        **{key: build[key] for key in ("seconds", "execution_seconds", "returncode", "nodes")},
        "failed_nodes": build["failed_nodes"],
        "model_seconds": build["model_seconds"],
        "test_seconds": build["test_seconds"],
        "slowest_models": build["slowest_models"],
        "peak_rss_bytes": sampler.peak_bytes,
        "peak_rss_gib": round(sampler.peak_bytes / 2**30, 2),
        "log": build["log"],
    }


def compare_marts(duckdb_warehouse: Path, other: Path) -> dict[str, dict]:
    """Per mart: rows on each side and the rows found on one side only, once every double
    is rounded to 1e-6 (a sum may differ in its last bits from one engine to another)."""
    found = {}
    with duckdb.connect(str(other)) as con:
        (catalog,) = con.execute("select current_database()").fetchone()
        con.execute(f"attach '{duckdb_warehouse}' as reference (read_only)")
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'reference' "
                "and schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        for mart in marts:
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where database_name = 'reference' and schema_name = 'marts' and table_name = ? "
                "order by column_index",
                [mart],
            ).fetchall()
            select = ", ".join(
                f'round("{name}", 6)' if kind == "DOUBLE" else f'"{name}"' for name, kind in columns
            )
            ours = f'(select {select} from "{catalog}".marts.{mart})'
            theirs = f"(select {select} from reference.marts.{mart})"
            (rows,) = con.execute(f"select count(*) from {ours}").fetchone()
            (reference_rows,) = con.execute(f"select count(*) from {theirs}").fetchone()
            (only_here,) = con.execute(
                f"select count(*) from ({ours} except all {theirs})"
            ).fetchone()
            (only_there,) = con.execute(
                f"select count(*) from ({theirs} except all {ours})"
            ).fetchone()
            found[mart] = {
                "rows": rows,
                "duckdb_rows": reference_rows,
                "rows_only_here": only_here,
                "rows_only_in_duckdb": only_there,
            }
    return found


def run_engines(scale_name: str, work: Path, engines: list[str], driver_memory: str) -> dict:
    from pipelines.engines.marts import mirror_marts

    scale = SCALES[scale_name]
    lake = Workspace(work).lake
    if not lake.is_dir():
        raise SystemExit(
            f"no landed lake at {lake}: run `python -m benchmarks.run --scale {scale_name} "
            f"--work {work}` first"
        )
    speed_before = machine_speed()
    result: dict = {
        "scale": scale.name,
        "description": scale.describe(),
        "lake": str(lake),
        "ran_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "builds": {},
    }
    warehouses = {}
    for engine in engines:
        workspace = engine_workspace(work, lake, engine, driver_memory)
        print(f"{engine}: dbt build of {lake} ...", file=sys.stderr, flush=True)
        build = measured_build(workspace)
        print(
            f"{engine}: {build['seconds']:.0f} s, peak {build['peak_rss_gib']} GiB, "
            f"{build['nodes']} nodes, {len(build['failed_nodes'])} failed",
            file=sys.stderr,
            flush=True,
        )
        if engine == "duckdb":
            warehouses[engine] = workspace.warehouse
        elif build["returncode"] == 0:
            started = time.perf_counter()
            copy = workspace.warehouse  # as a run copies them into CSOPS_WAREHOUSE
            rows = mirror_marts(
                engine, copy, workspace.dbt_target / "manifest.json", workspace.env()
            )
            build["copy_marts_seconds"] = round(time.perf_counter() - started, 2)
            build["mart_rows"] = sum(rows.values())
            warehouses[engine] = copy
        result["builds"][engine] = build
    if "duckdb" in warehouses:
        for engine, warehouse in warehouses.items():
            if engine != "duckdb":
                result["builds"][engine]["compared_with_duckdb"] = compare_marts(
                    warehouses["duckdb"], warehouse
                )
    result["machine_speed"] = {"before": speed_before, "after": machine_speed()}
    return result


def summary(result: dict) -> str:
    lines = [f"{result['scale']}: {result['description']}"]
    for engine, build in result["builds"].items():
        line = (
            f"  {engine:<7} {build['seconds']:>8.1f} s  peak {build['peak_rss_gib']:>5.2f} GiB  "
            f"({build['nodes']} nodes, {len(build['failed_nodes'])} failed)"
        )
        compared = build.get("compared_with_duckdb")
        if compared is not None:
            differing = {
                mart: c
                for mart, c in compared.items()
                if c["rows_only_here"] or c["rows_only_in_duckdb"]
            }
            line += f"; {len(compared) - len(differing)}/{len(compared)} marts equal DuckDB's"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engines", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="M")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(__file__).resolve().parent / "work" / "M",
        help="the folder benchmarks.run used for this scale (default: benchmarks/work/M)",
    )
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma list of duckdb, spark")
    parser.add_argument(
        "--driver-memory", default="4g", help="the Spark driver's memory (default: 4g)"
    )
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        parser.error(f"unknown engine(s) {', '.join(unknown)}: use {', '.join(ENGINES)}")
    result = run_engines(args.scale, args.work.resolve(), engines, args.driver_memory)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    path = RESULTS_DIR / f"{args.scale}-engines-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(summary(result))
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
