"""The same dbt project on DuckDB, Spark and PostgreSQL gives the same marts (issue 18).

One simulated org's landing zone is built on each engine: DuckDB reads it in place, Spark
through external tables over the same folders, PostgreSQL after the landing zone is copied
into it (pipelines/engines/postgres.py). What the engines build so far (docs/scale.md) is
compared row for row.
"""

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from dbt_runner import run_dbt
from engines import postgres_server, spark_env

from connectors.landing import LandingWriter
from pipelines.engines.postgres import connection_settings
from simulator.bulk import land_history
from simulator.org import SimConfig

pytestmark = pytest.mark.engines

CONFIG = SimConfig(
    seed=13,
    tickets_per_day=25,
    chats_per_day=15,
    agents=8,
    history_start=date(2024, 3, 1),
    now=datetime(2024, 3, 8, tzinfo=UTC),
)
# What builds on every engine today, from the landing zone on (docs/scale.md).
SELECTED = ("+dim_team",)
MARTS = ("dim_team",)


def build(root: Path, lake: Path, env: dict[str, str] | None = None) -> None:
    result = run_dbt(
        root,
        lake,
        "build",
        "--select",
        *SELECTED,
        "--indirect-selection",
        "cautious",
        "--exclude-resource-type",
        "unit_test",
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr}"


def normalised(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=repr)


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[tuple]]]:
    """{engine: {table: rows}} for the selected models, each engine from the same lake."""
    base = tmp_path_factory.mktemp("engines")
    lake = base / "lake"
    LandingWriter(lake).ensure_streams()  # every stream's placeholder, as a run lands them
    land_history(
        CONFIG, lake, date(2024, 3, 1), date(2024, 3, 7), datetime(2024, 3, 8, 6, tzinfo=UTC)
    )
    tables = {"marts": MARTS}
    found: dict[str, dict[str, list[tuple]]] = {}

    build(base / "duckdb", lake)
    with duckdb.connect(str(base / "duckdb" / "warehouse.duckdb"), read_only=True) as con:
        found["duckdb"] = {
            name: normalised(con.execute(f"select * from {schema}.{name}").fetchall())
            for schema, names in tables.items()
            for name in names
        }

    spark = spark_env(base / "spark_build")
    build(
        base / "spark_build",
        lake,
        {"CSOPS_ENGINE": "spark", "CSOPS_SPARK_LAKE": str(lake), **spark},
    )
    # Spark's managed tables are Parquet files under its warehouse folder.
    with duckdb.connect() as con:
        found["spark"] = {
            name: normalised(
                con.execute(
                    f"select * from read_parquet('{spark['CSOPS_SPARK_WAREHOUSE']}/tables/"
                    f"{schema}.db/{name}/*.parquet')"
                ).fetchall()
            )
            for schema, names in tables.items()
            for name in names
        }

    import psycopg2

    with postgres_server() as pg_env:
        # As a user does it: `csops load-postgres`, twice (a second load replaces each table
        # with the same rows).
        loads = [
            subprocess.run(
                [str(Path(sys.executable).with_name("csops")), "load-postgres"],
                env={**os.environ, **pg_env, "CSOPS_LAKE": str(lake)},
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            for _ in range(2)
        ]
        for load in loads:
            assert load.returncode == 0, load.stderr
        assert "zendesk.groups: " in loads[0].stderr
        assert loads[0].stderr.splitlines()[-1] == loads[1].stderr.splitlines()[-1]
        build(base / "postgres_build", lake, {"CSOPS_ENGINE": "postgres", **pg_env})
        connection = psycopg2.connect(**connection_settings(pg_env))
        try:
            with connection.cursor() as cursor:
                found["postgres"] = {}
                for schema, names in tables.items():
                    for name in names:
                        cursor.execute(f"select * from {schema}.{name}")
                        found["postgres"][name] = normalised(cursor.fetchall())
        finally:
            connection.close()
    return found


@pytest.mark.parametrize("engine", ["spark", "postgres"])
def test_every_model_built_on_the_engine_equals_duckdb_s(engines, engine):
    assert engines["duckdb"]["dim_team"], "the scenario must give dim_team rows"
    for name, rows in engines["duckdb"].items():
        assert engines[engine][name] == rows, name
