"""The same dbt project on DuckDB, Spark and PostgreSQL gives the same marts.

One simulated org's landing zone is built on each engine: DuckDB reads it in place, Spark
through external tables over the same folders, PostgreSQL after the landing zone is copied
into it (pipelines/engines/postgres.py). What the engines build so far (docs/scale.md) is
compared row for row.
"""

import hashlib
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
# The marts each engine builds today, from the landing zone on (docs/scale.md), compared
# with DuckDB's; and the cross-database macros on fixed inputs (models/conformance/, enabled
# by a var), held to values worked out by hand.
ENGINE_MARTS = {
    "spark": (
        "dim_team",
        "dim_channel",
        "dim_organization",
        "dim_agent",
        "dim_customer",
        "dim_date",
        "fct_conversations",
        "fct_tickets",
        "fct_ticket_replies",
        "fct_contacts",
        "fct_sla_events",
        "fct_survey_responses",
        "fct_agent_daily",
        "fct_qa_reviews",
        "fct_qa_ratings",
        "kpi_support_daily",
        "kpi_sla_daily",
        "kpi_backlog_daily",
        "kpi_feedback_daily",
        "kpi_agent_weekly",
        "kpi_qa_weekly",
        "kpi_qa_category_weekly",
        "kpi_change_drivers_weekly",
        "kpi_target_attainment_weekly",
    ),
    "postgres": ("dim_team",),
}
VARS = "{csops_conformance: true, reporting_timezone: America/New_York}"
# Durations may differ in the last bits of a double from one engine to another.
MINUTES_TOLERANCE = 0.01


def build(
    root: Path, lake: Path, marts: tuple[str, ...], env: dict[str, str] | None = None
) -> None:
    result = run_dbt(
        root,
        lake,
        "build",
        "--select",
        *(f"+{mart}" for mart in marts),
        "conformance__cross_db",
        "--indirect-selection",
        "cautious",
        "--vars",
        VARS,
        "--exclude-resource-type",
        "unit_test",
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr}"


def own_tables(engine: str) -> dict[str, tuple[str, ...]]:
    """{schema: tables} an engine builds and is compared on."""
    return {"marts": ENGINE_MARTS[engine], "conformance": ("conformance__cross_db",)}


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


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[tuple]]]:
    """{engine: {table: rows}} for the selected models, each engine from the same lake."""
    base = tmp_path_factory.mktemp("engines")
    lake = base / "lake"
    LandingWriter(lake).ensure_streams()  # every stream's placeholder, as a run lands them
    land_history(
        CONFIG, lake, date(2024, 3, 1), date(2024, 3, 7), datetime(2024, 3, 8, 6, tzinfo=UTC)
    )
    every_mart = tuple(sorted({m for marts in ENGINE_MARTS.values() for m in marts}))
    tables = {"marts": every_mart, "conformance": ("conformance__cross_db",)}
    found: dict[str, dict[str, list[tuple]]] = {}

    build(base / "duckdb", lake, every_mart)
    with duckdb.connect(str(base / "duckdb" / "warehouse.duckdb"), read_only=True) as con:
        found["duckdb"] = {
            name: normalised(con.execute(f"select * from {schema}.{name}").fetchall())
            for schema, names in tables.items()
            for name in names
        }
        cursor = con.execute("select * from conformance.conformance__cross_db limit 0")
        found["columns"] = [column[0] for column in cursor.description]  # type: ignore[assignment]

    spark = spark_env(base / "spark_build")
    build(
        base / "spark_build",
        lake,
        ENGINE_MARTS["spark"],
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
            for schema, names in own_tables("spark").items()
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
        build(
            base / "postgres_build",
            lake,
            ENGINE_MARTS["postgres"],
            {"CSOPS_ENGINE": "postgres", **pg_env},
        )
        connection = psycopg2.connect(**connection_settings(pg_env))
        try:
            with connection.cursor() as cursor:
                found["postgres"] = {}
                for schema, names in own_tables("postgres").items():
                    for name in names:
                        cursor.execute(f"select * from {schema}.{name}")
                        found["postgres"][name] = normalised(cursor.fetchall())
        finally:
            connection.close()
    return found


@pytest.mark.parametrize("engine", ["spark", "postgres"])
def test_every_model_built_on_the_engine_equals_duckdb_s(engines, engine):
    for name in ENGINE_MARTS[engine]:
        expected = engines["duckdb"][name]
        assert expected, f"the scenario must give {name} rows"
        assert same_rows(engines[engine][name], expected), name


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
    [row] = engines[engine]["conformance__cross_db"]
    found = dict(zip(engines["columns"], row, strict=True))
    for name, expected in EXPECTED.items():
        value = found[name]
        if isinstance(expected, float):
            assert value == pytest.approx(expected, abs=1e-9), name
        elif isinstance(expected, datetime) and expected.tzinfo is None:
            assert value == expected and value.tzinfo is None, name
        else:
            assert value == expected, name
