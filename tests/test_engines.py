"""The same pipeline on DuckDB, Spark and PostgreSQL gives the same marts.

The end-to-end scenario of tests/test_end_to_end.py (its simulated org and days, with the
workforce tool's rosters too) runs through `csops run --target <engine>` once per engine, as a
user runs it: landed from the simulated APIs on 127.0.0.1, built by dbt on the engine (Spark
through external tables over the landing zone, PostgreSQL after the run copies the landing
zone in), checked, and published. Every mart of each serving copy is compared with DuckDB's.
The cross-database macros are also held, on each engine, to values worked out by hand
(models/conformance/).
"""

import hashlib
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from dbt_runner import run_dbt
from engines import postgres_server, spark_env
from test_end_to_end import FIRST_DAY, LAST_DAY, SIM  # its scenario

from pipelines.engines.postgres import connection_settings
from simulator.org import SupportOrg
from simulator.server import SimulatorServer
from simulator.shifts import write_shift_files

pytestmark = pytest.mark.engines

ENGINES = ("duckdb", "spark", "postgres")
SOURCES = "zendesk,intercom,typeform,zendesk_qa,shifts"
VARS = "{csops_conformance: true, reporting_timezone: America/New_York}"
# Durations may differ in the last bits of a double from one engine to another.
MINUTES_TOLERANCE = 0.01


def normalised(rows: list[tuple]) -> list[tuple]:
    """Rows in one order whatever the engine: by their values other than doubles (which may
    differ in their last bits), then by the doubles rounded."""

    def key(row: tuple) -> tuple:
        exact = repr(tuple(None if isinstance(v, float) else v for v in row))
        return (exact, tuple(round(v, 2) for v in row if isinstance(v, float)))

    return sorted(rows, key=key)


def same_rows(found: list[tuple], expected: list[tuple]) -> bool:
    if len(found) != len(expected):
        return False
    for row, other in zip(found, expected, strict=True):
        for value, wanted in zip(row, other, strict=True):
            if isinstance(wanted, float) and isinstance(value, float):
                if abs(value - wanted) > MINUTES_TOLERANCE:
                    return False
            elif value != wanted:
                return False
    return True


def csops(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    assert done.returncode == 0, (
        f"csops {' '.join(args)}:\n{done.stdout[-3000:]}{done.stderr[-8000:]}"
    )
    return done


def served_marts(serving: Path) -> dict[str, list[tuple]]:
    """{mart: rows} of a serving copy (its manifest table aside)."""
    with duckdb.connect(str(serving / "marts.duckdb"), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where table_name != 'serving_manifest' "
                "order by 1"
            ).fetchall()
        ]
        return {
            name: normalised(con.execute(f'select * from "{name}"').fetchall()) for name in names
        }


def conformance_row(root: Path, lake: Path, env: dict[str, str] | None) -> tuple[list[str], tuple]:
    """Build the conformance model alone on the engine `env` names; return its one row."""
    result = run_dbt(
        root,
        lake,
        "build",
        "--select",
        "conformance__cross_db",
        "--vars",
        VARS,
        "--exclude-resource-type",
        "unit_test",
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr}"
    engine = (env or {}).get("CSOPS_ENGINE", "duckdb")
    if engine == "duckdb":
        with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
            cursor = con.execute("select * from conformance.conformance__cross_db")
            rows = cursor.fetchall()
            names = [column[0] for column in cursor.description]
    elif engine == "spark":
        # Spark's managed tables are Parquet files under its warehouse folder.
        with duckdb.connect() as con:
            cursor = con.execute(
                f"select * from read_parquet('{env['CSOPS_SPARK_WAREHOUSE']}/tables/"
                "conformance.db/conformance__cross_db/*.parquet')"
            )
            rows = cursor.fetchall()
            names = [column[0] for column in cursor.description]
    else:
        import psycopg2

        connection = psycopg2.connect(**connection_settings(env))
        try:
            with connection.cursor() as cursor:
                cursor.execute("select * from conformance.conformance__cross_db")
                rows = cursor.fetchall()
                names = [column[0] for column in cursor.description]
        finally:
            connection.close()
    [row] = rows
    return names, row


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """{engine: what its run gave}: the serving copy's marts, the run's output, its
    warehouse's schemas and the conformance row."""
    base = tmp_path_factory.mktemp("engines")
    org = SupportOrg(SIM)
    rosters = base / "rosters"
    write_shift_files(org, rosters, FIRST_DAY - timedelta(days=7), LAST_DAY)
    found: dict[str, dict] = {}
    with postgres_server() as pg_env, SimulatorServer(org) as server:
        for engine in ENGINES:
            home = base / engine
            env = {
                **os.environ,
                **server.env(),
                **pg_env,
                **spark_env(home),
                "CSOPS_SOURCES": SOURCES,
                "CSOPS_SHIFTS_DIR": str(rosters),
                "CSOPS_LAKE": str(home / "lake"),
                "CSOPS_WAREHOUSE": str(home / "warehouse.duckdb"),
                "CSOPS_SERVING": str(home / "serving"),
                "DAGSTER_HOME": str(home / "dagster_home"),
            }
            env.pop("CSOPS_ENGINE", None)
            run = csops(
                "run",
                "--start",
                FIRST_DAY.isoformat(),
                "--end",
                LAST_DAY.isoformat(),
                "--target",
                engine,
                env=env,
            )
            with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
                schemas = {
                    schema
                    for (schema,) in con.execute(
                        "select distinct schema_name from duckdb_tables()"
                    ).fetchall()
                }
            found[engine] = {
                "marts": served_marts(home / "serving"),
                "run": run,
                "schemas": schemas,
                "report": (home / "serving" / "report.html").read_text(),
            }
            if engine == "postgres":
                # The landing zone copied in again over the views the build made on it.
                found[engine]["reload"] = csops("load-postgres", env=env)
            engine_env = {
                "duckdb": None,
                "spark": {
                    "CSOPS_ENGINE": "spark",
                    "CSOPS_SPARK_LAKE": str(home / "lake"),
                    **spark_env(home / "conformance"),
                },
                "postgres": {"CSOPS_ENGINE": "postgres", **pg_env},
            }[engine]
            found[engine]["conformance"] = conformance_row(
                home / "conformance", home / "lake", engine_env
            )
    return found


def test_the_scenario_gives_every_mart_rows(engines):
    marts = engines["duckdb"]["marts"]
    assert len(marts) >= 27
    assert [name for name, rows in marts.items() if not rows] == []


@pytest.mark.parametrize("engine", ["spark", "postgres"])
def test_every_mart_built_on_the_engine_equals_duckdb_s(engines, engine):
    expected = engines["duckdb"]["marts"]
    found = engines[engine]["marts"]
    assert sorted(found) == sorted(expected)
    differ = [name for name in expected if not same_rows(found[name], expected[name])]
    assert differ == []


@pytest.mark.parametrize("engine", ["spark", "postgres"])
def test_the_serving_copy_and_report_come_from_the_engine_s_marts(engines, engine):
    run = engines[engine]["run"].stderr
    assert f"engine: {engine}" in run
    assert "serving:   " in run and "NOT published" not in run
    # Only the marts and the reporting clock were copied into the DuckDB warehouse: dbt built
    # nothing there (a DuckDB build leaves its staging and intermediate models).
    assert engines[engine]["schemas"] == {"marts", "intermediate"}
    assert {"staging", "intermediate", "marts"} <= engines["duckdb"]["schemas"]
    assert "<html" in engines[engine]["report"].lower()


def test_postgres_takes_the_landing_zone_again_after_a_build(engines):
    reload = engines["postgres"]["reload"].stderr
    assert "zendesk.groups: " in reload
    assert reload.splitlines()[-1].endswith("rows")


# Each macro's result on the inputs of models/conformance/conformance__cross_db.sql, worked
# out by hand (reporting zone America/New_York: EST, UTC-5, until 2024-03-10 02:00 local,
# EDT, UTC-4, after).
EXPECTED = {
    # 01:00:00 to 03:30:15.5 = 150 minutes and 15.5 seconds = 150 + 15.5 / 60.
    "minutes_between": 150 + 15.5 / 60,
    # 01:00:00 + 90.5 minutes = 02:30:30 UTC.
    "add_minutes": datetime(2024, 3, 10, 2, 30, 30, tzinfo=UTC),
    # 2024-03-10 + 1,500 minutes (25 hours) = 2024-03-11 01:00, a wall time.
    "local_date_plus_minutes": datetime(2024, 3, 11, 1, 0),
    # 2024-03-10 is a Sunday (0 from Sunday, 7 in ISO), 2024-03-16 a Saturday (6).
    "sunday_from_sunday": 0,
    "saturday_from_sunday": 6,
    "utc_day_start": datetime(2024, 3, 10, tzinfo=UTC),
    # 2024-03-11 04:30 UTC is on the UTC date 2024-03-11.
    "utc_date": date(2024, 3, 11),
    "sunday_iso": 7,
    "monday_iso": 1,
    # The ISO week of Sunday 2024-03-10 starts on Monday 2024-03-04.
    "iso_week_start": date(2024, 3, 4),
    # 07:30 UTC on 2024-03-10 is after New York's spring-forward (07:00 UTC): 03:30 EDT.
    "utc_to_local": datetime(2024, 3, 10, 3, 30),
    # 07:44:59.9 lies in the quarter hour from 07:30.
    "quarter_hour_bucket": datetime(2024, 3, 10, 7, 30, tzinfo=UTC),
    "raw_text_field": "a@example.com",
    # 2024-03-10 03:00 UTC is 22:00 EST on 2024-03-09 in New York.
    "to_reporting_date": date(2024, 3, 9),
    # Midnight of Monday 2024-03-11 in New York (EDT, UTC-4) is 04:00 UTC.
    "reporting_day_start": datetime(2024, 3, 11, 4, 0, tzinfo=UTC),
    # New York springs forward at 02:00 EST (07:00 UTC) on 2024-03-10: 02:30 does not exist
    # and maps to the end of the gap, 07:00 UTC.
    "local_to_utc_gap": datetime(2024, 3, 10, 7, 0, tzinfo=UTC),
    # It falls back at 02:00 EDT (06:00 UTC) on 2024-11-03: 01:30 happens twice, and its
    # first occurrence is 01:30 EDT (UTC-4) = 05:30 UTC.
    "local_to_utc_repeated": datetime(2024, 11, 3, 5, 30, tzinfo=UTC),
    # 09:00 EDT (UTC-4) = 13:00 UTC.
    "local_to_utc_summer": datetime(2024, 7, 1, 13, 0, tzinfo=UTC),
    # London springs forward at 01:00 GMT on 2024-03-31: 01:15 maps to 01:00 UTC.
    "local_to_utc_london_gap": datetime(2024, 3, 31, 1, 0, tzinfo=UTC),
    # md5 of the parts joined by '|'.
    "surrogate_key": hashlib.md5(b"zendesk|123").hexdigest(),
    # 0.1 + 0.2 as doubles is 0.30000000000000004; snapped to the microsecond grid, 0.3.
    "exact_minutes": 0.3,
    # 1, 2, 3, 10: the median is (2 + 3) / 2 = 2.5; the 90th percentile sits at rank
    # 0.9 x 3 = 2.7, between 3 and 10: 3 + 0.7 x 7 = 7.9.
    "median_value": 2.5,
    "p90_value": 7.9,
    # The distinct non-null sources, sorted.
    "sources": "intercom,zendesk",
    # 2024-02-27 to 2024-03-02 in a leap year: 27, 28, 29, 1, 2.
    "spine_days": 5,
    # 2024-03-10 01:00 UTC to 2024-03-11 04:30 UTC touches two UTC days, the last starting at
    # 2024-03-11 00:00 UTC.
    "utc_days": 2,
    "last_utc_day": datetime(2024, 3, 11, tzinfo=UTC),
    # 2024-03-10 07:44:59.9 UTC is on the UTC day starting 2024-03-10 00:00.
    "utc_day_start_of": datetime(2024, 3, 10, tzinfo=UTC),
    # Of the rows whose source is not zendesk (intercom at 2; null at 10 is left out by the
    # filter, as null != 'zendesk' is not true), the one with the smallest value: intercom.
    "arg_min_source": "intercom",
    # The same days as a series of local midnights, the first 2024-02-27 00:00 (a wall time).
    "series_days": 5,
    "first_series_day": datetime(2024, 2, 27, 0, 0),
}


@pytest.mark.parametrize("engine", ["duckdb", "spark", "postgres"])
def test_each_cross_database_macro_gives_the_hand_worked_value(engines, engine):
    names, row = engines[engine]["conformance"]
    found = dict(zip(names, row, strict=True))
    for name, expected in EXPECTED.items():
        value = found[name]
        if isinstance(expected, float):
            assert value == pytest.approx(expected, abs=1e-9), name
        elif isinstance(expected, datetime) and expected.tzinfo is None:
            assert value == expected and value.tzinfo is None, name
        else:
            assert value == expected, name
