"""The marts another engine built, copied into the DuckDB warehouse (pipelines/engines/marts.py):
here from Parquet files laid out as a Spark session writes its tables, so the copy's casts,
empty tables and errors are checked without starting Spark (tests/test_engines.py runs the
real engines)."""

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.defs.dbt.project import ensure_manifest
from pipelines.engines.marts import EngineError, built_tables, mirror_marts


@pytest.fixture(scope="module")
def manifest() -> Path:
    return ensure_manifest()


def spark_folder(warehouse: Path, schema: str, table: str) -> Path:
    folder = warehouse / "tables" / f"{schema}.db" / table
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_copied_tables_are_every_mart_and_the_reporting_clock(manifest):
    tables = built_tables(json.loads(manifest.read_text()))
    names = {f"{t.schema}.{t.name}" for t in tables}
    assert "intermediate.int_build__as_of" in names
    assert {"marts.fct_tickets", "marts.kpi_support_daily", "marts.dim_channel"} <= names
    assert all(t.schema in ("marts", "intermediate") for t in tables)
    # Every mart declares its columns' types (its contract), which the copy casts to.
    assert all(kind for t in tables if t.schema == "marts" for _, kind, _ in t.columns)


def test_spark_s_tables_are_copied_with_the_contract_s_types(tmp_path, manifest):
    spark = tmp_path / "spark"
    tables = built_tables(json.loads(manifest.read_text()))
    for table in tables:  # every table empty: a folder without a Parquet file
        spark_folder(spark, table.schema, table.name)
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        # Spark writes a string where DuckDB has varchar, and its instants adjusted to UTC.
        con.execute(
            "copy (select 'chat' as channel_group, 'chat' as channel union all "
            "select 'async', 'email') to "
            f"'{spark_folder(spark, 'marts', 'dim_channel')}/part-0.parquet'"
        )
        con.execute(
            "copy (select timestamptz '2026-03-06 00:00:00+00' as as_of, "
            "timestamptz '2026-03-01 00:00:00+00' as first_window_start) to "
            f"'{spark_folder(spark, 'intermediate', 'int_build__as_of')}/part-0.parquet'"
        )
    # Named as the serving copy's file is: `marts` is then a catalog as well as a schema.
    warehouse = tmp_path / "marts.duckdb"
    rows = mirror_marts("spark", warehouse, manifest, {"CSOPS_SPARK_WAREHOUSE": str(spark)})
    assert rows["marts.dim_channel"] == 2
    assert rows["intermediate.int_build__as_of"] == 1
    assert rows["marts.fct_tickets"] == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        # The columns in the contract's order, whatever order the files hold them in.
        assert con.execute("select * from marts.marts.dim_channel order by 1").fetchall() == [
            ("chat", "chat"),
            ("email", "async"),
        ]
        assert con.execute("select as_of from marts.intermediate.int_build__as_of").fetchall() == [
            (datetime(2026, 3, 6, tzinfo=UTC),)
        ]
        declared = {
            (t.name, name): kind.upper()
            for t in tables
            if t.name in ("fct_tickets", "kpi_support_daily")
            for name, kind, _ in t.columns
        }
        found = {
            (table, name): kind
            for table, name, kind in con.execute(
                "select table_name, column_name, data_type from duckdb_columns() "
                "where table_name in ('fct_tickets', 'kpi_support_daily')"
            ).fetchall()
        }
        assert found == declared
        (comment,) = con.execute(
            "select comment from duckdb_tables() where table_name = 'dim_channel'"
        ).fetchone()
        assert comment.startswith("Every conformed channel of a contact")


def test_a_table_the_engine_did_not_build_stops_the_copy_and_leaves_the_warehouse(
    tmp_path, manifest
):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.dim_channel as select 'before' as channel")
    spark = tmp_path / "spark"
    spark_folder(spark, "intermediate", "int_build__as_of")
    with pytest.raises(EngineError, match=r"Spark built no table marts\.dim_agent"):
        mirror_marts("spark", warehouse, manifest, {"CSOPS_SPARK_WAREHOUSE": str(spark)})
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select * from marts.dim_channel").fetchall() == [("before",)]
