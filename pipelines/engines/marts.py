"""The marts another engine built, copied into the DuckDB warehouse the rest of the run reads.

`csops run --target spark|postgres` builds every model on that engine (docs/scale.md). What
follows the build (the marts' row counts, the gates after the models, the serving copy and
the report) reads the DuckDB warehouse, so after a build on another engine its marts, and the
reporting clock (intermediate.int_build__as_of), are copied into that warehouse: nothing
else is, and the copy holds exactly the rows the engine built. Each column is cast to the
type the marts' contract declares (the YAML the manifest carries), so BI sees the same
columns and types whichever engine built them, and the tables' and columns' descriptions
come along for the serving copy.

Spark's tables are read as the Parquet files under its warehouse folder
(CSOPS_SPARK_WAREHOUSE/tables/<schema>.db/<table>); PostgreSQL's through COPY ... TO STDOUT
as CSV. The copy is one DuckDB transaction: a failure leaves the warehouse as it was.
"""

import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.engines.postgres import connection_settings, quote_identifier
from pipelines.serving import MART_SCHEMA

# Not a mart, but what the gates and the serving copy's manifest read (as_of).
CLOCK = ("intermediate", "int_build__as_of")


class EngineError(RuntimeError):
    """The marts of an engine's build could not be read; the message says where."""


@dataclass(frozen=True)
class BuiltTable:
    schema: str
    name: str
    description: str
    # (name, contract type or None, description), in the contract's order.
    columns: tuple[tuple[str, str | None, str], ...]


def built_tables(manifest: Mapping[str, Any]) -> list[BuiltTable]:
    """Every model of the marts schema, and the reporting clock, from dbt's manifest."""
    tables = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or not node["config"].get("enabled", True):
            continue
        if node["schema"] != MART_SCHEMA and (node["schema"], node["name"]) != CLOCK:
            continue
        columns = tuple(
            (name, column.get("data_type"), (column.get("description") or "").strip())
            for name, column in node["columns"].items()
        )
        tables.append(
            BuiltTable(node["schema"], node["alias"] or node["name"], node["description"], columns)
        )
    return sorted(tables, key=lambda t: (t.schema, t.name))


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _select_list(table: BuiltTable) -> str:
    return ", ".join(
        f"cast({quote_identifier(name)} as {kind}) as {quote_identifier(name)}"
        if kind
        else quote_identifier(name)
        for name, kind, _ in table.columns
    )


def _empty(table: BuiltTable) -> str:
    """A relation with the table's columns and no row (an engine wrote no file for it)."""
    columns = ", ".join(
        f"cast(null as {kind or 'varchar'}) as {quote_identifier(name)}"
        for name, kind, _ in table.columns
    )
    return f"(select {columns} where false)"


class SparkMarts:
    """The Parquet files of the tables a local Spark session (or one writing to a folder this
    machine reads) keeps under its warehouse folder."""

    def __init__(self, spark_warehouse: Path) -> None:
        self.tables = Path(spark_warehouse) / "tables"

    def relation(self, table: BuiltTable, scratch: Path) -> str:
        folder = self.tables / f"{table.schema}.db" / table.name
        if not folder.is_dir():
            raise EngineError(
                f"Spark built no table {table.schema}.{table.name}: no folder {folder} "
                "(CSOPS_SPARK_WAREHOUSE must be the folder the build wrote to)"
            )
        if not any(folder.glob("*.parquet")):
            return _empty(table)
        return f"read_parquet({_text(str(folder / '*.parquet'))})"

    def close(self) -> None:
        pass


class PostgresMarts:
    """The tables of a PostgreSQL database, each copied out as CSV."""

    def __init__(self, env: Mapping[str, str] | None) -> None:
        import psycopg2  # the engines extra (pyproject.toml)

        self.connection = psycopg2.connect(
            **connection_settings(env), options="-c TimeZone=UTC -c extra_float_digits=1"
        )

    def relation(self, table: BuiltTable, scratch: Path) -> str:
        csv = scratch / f"{table.schema}.{table.name}.csv"
        names = ", ".join(quote_identifier(name) for name, _, _ in table.columns)
        with self.connection.cursor() as cursor, csv.open("w") as out:
            cursor.copy_expert(
                f"copy (select {names} from {quote_identifier(table.schema)}.{quote_identifier(table.name)}) "
                "to stdout with (format csv)",
                out,
            )
        self.connection.rollback()
        if csv.stat().st_size == 0:
            return _empty(table)
        # Every column as text, then cast: an unquoted empty field is null, a quoted one ("")
        # an empty text, as PostgreSQL wrote them.
        types = ", ".join(f"{_text(name)}: 'varchar'" for name, _, _ in table.columns)
        return (
            f"read_csv({_text(str(csv))}, auto_detect = false, header = false, delim = ',', "
            f"quote = '\"', escape = '\"', allow_quoted_nulls = false, columns = {{{types}}})"
        )

    def close(self) -> None:
        self.connection.close()


def mirror_marts(
    engine: str,
    warehouse: Path,
    manifest_path: Path,
    env: Mapping[str, str] | None = None,
    on_table: Callable[[str, int, float], None] | None = None,
) -> dict[str, int]:
    """Copy the marts (and the reporting clock) `engine` built into the DuckDB `warehouse`;
    return {schema.table: rows}."""
    env = os.environ if env is None else env
    tables = built_tables(json.loads(Path(manifest_path).read_text()))
    if engine == "spark":
        reader: SparkMarts | PostgresMarts = SparkMarts(
            Path(env.get("CSOPS_SPARK_WAREHOUSE", "data/spark"))
        )
    elif engine == "postgres":
        reader = PostgresMarts(env)
    else:
        raise EngineError(f"no marts to copy from engine {engine!r}: one of spark, postgres")
    rows: dict[str, int] = {}
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="csops-marts-") as scratch,
            duckdb.connect(str(warehouse)) as con,
        ):
            con.execute("set TimeZone = 'UTC'")
            # Named in full: a warehouse file called marts.duckdb makes `marts` a catalog too.
            (catalog,) = con.execute("select current_database()").fetchone()
            con.execute("begin")
            for table in tables:
                started = time.monotonic()
                schema = f"{quote_identifier(catalog)}.{quote_identifier(table.schema)}"
                target = f"{schema}.{quote_identifier(table.name)}"
                relation = reader.relation(table, Path(scratch))
                con.execute(f"create schema if not exists {schema}")
                con.execute(
                    f"create or replace table {target} as "
                    f"select {_select_list(table)} from {relation}"
                )
                if table.description:
                    con.execute(f"comment on table {target} is {_text(table.description)}")
                for name, _, description in table.columns:
                    if description:
                        con.execute(
                            f"comment on column {target}.{quote_identifier(name)} is {_text(description)}"
                        )
                (count,) = con.execute(f"select count(*) from {target}").fetchone()
                rows[f"{table.schema}.{table.name}"] = count
                if on_table:
                    on_table(f"{table.schema}.{table.name}", count, time.monotonic() - started)
            con.execute("commit")
    finally:
        reader.close()
    return rows
