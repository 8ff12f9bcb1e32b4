"""The landing zone copied into PostgreSQL, for the dbt project's `postgres` target.

PostgreSQL reads no Parquet, so before a build each landed stream is copied whole into a
table of the schema named after its source (`zendesk.tickets`, `landing.windows`), which is
where the project's sources point. DuckDB reads the stream exactly as the DuckDB build's
source does (every file of every day, merged by column name), writes it as CSV, and
PostgreSQL's COPY loads it; a column holding a list or a record (a ticket's tags, an audit's
events) is loaded as jsonb. Each table is replaced in one transaction, so a failed load
leaves the previous copy whole, and loading the same lake twice gives the same tables.

The server and the credentials come from the environment (CSOPS_PG_HOST, CSOPS_PG_PORT,
CSOPS_PG_USER, CSOPS_PG_PASSWORD, CSOPS_PG_DATABASE), as dbt's profile reads them.
"""

import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from connectors.file_landing import FILE_STREAMS
from connectors.lake import manifest_dir, stream_dir
from connectors.schemas import STREAMS

# DuckDB's type names of landed columns, and PostgreSQL's for the same values. A nested
# type (a list, a record) is jsonb; anything else not named here is text.
PG_TYPES = {
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
    "VARCHAR": "text",
}


@dataclass(frozen=True)
class LoadedTable:
    schema: str
    table: str
    rows: int


def landed_tables(lake: Path) -> dict[tuple[str, str], str]:
    """{(schema, table): the Parquet glob it is read from}: every dbt source of the lake."""
    globs = {
        (source, stream): f"{stream_dir(lake, source, stream)}/*/*.parquet"
        for source, stream in [*STREAMS, *FILE_STREAMS]
    }
    globs[("landing", "windows")] = f"{manifest_dir(lake)}/*/*.parquet"
    return globs


def connection_settings(env: Mapping[str, str] | None = None) -> dict[str, object]:
    env = os.environ if env is None else env
    return {
        "host": env.get("CSOPS_PG_HOST", "127.0.0.1"),
        "port": int(env.get("CSOPS_PG_PORT", "5432")),
        "user": env.get("CSOPS_PG_USER", "csops"),
        "password": env.get("CSOPS_PG_PASSWORD", ""),
        "dbname": env.get("CSOPS_PG_DATABASE", "csops"),
    }


def quote_identifier(name: str) -> str:
    """A name quoted for SQL (PostgreSQL's rule, which DuckDB shares)."""
    return '"' + name.replace('"', '""') + '"'


def _pg_type(duckdb_type: str) -> str:
    if duckdb_type.endswith("]") or duckdb_type.startswith(("STRUCT", "MAP")):
        return "jsonb"
    return PG_TYPES.get(duckdb_type, "text")


def load_landing_zone(
    lake: Path,
    env: Mapping[str, str] | None = None,
    on_table: Callable[[LoadedTable, float], None] | None = None,
) -> list[LoadedTable]:
    """Copy every landed stream of `lake` into PostgreSQL; return what each table holds."""
    import psycopg2  # the engines extra (pyproject.toml): only this step needs it

    lake = Path(lake)
    if not lake.is_dir():
        raise FileNotFoundError(f"load-postgres: no landing zone at {lake} (set CSOPS_LAKE)")
    loaded = []
    with (
        duckdb.connect() as duck,
        psycopg2.connect(**connection_settings(env)) as pg,
        tempfile.TemporaryDirectory(prefix="csops-pg-") as scratch,
    ):
        duck.execute("set TimeZone = 'UTC'")
        for (schema, table), pattern in sorted(landed_tables(lake).items()):
            started = time.monotonic()
            relation = f"read_parquet('{pattern}', union_by_name = true)"
            columns = duck.execute(f"describe select * from {relation}").fetchall()
            select = ", ".join(
                f"to_json({quote_identifier(name)})"
                if _pg_type(kind) == "jsonb"
                else quote_identifier(name)
                for name, kind, *_ in columns
            )
            csv = Path(scratch) / f"{schema}.{table}.csv"
            duck.execute(f"copy (select {select} from {relation}) to '{csv}' (header false)")
            target = f"{quote_identifier(schema)}.{quote_identifier(table)}"
            definition = ", ".join(f"{quote_identifier(n)} {_pg_type(k)}" for n, k, *_ in columns)
            wanted = [(n, _pg_type(k)) for n, k, *_ in columns]
            with pg.cursor() as cursor, csv.open() as data:
                cursor.execute(f"create schema if not exists {quote_identifier(schema)}")
                if _existing_columns(cursor, schema, table) == wanted:
                    # Emptied in place: the views a dbt build made over it stay valid.
                    cursor.execute(f"truncate {target}")
                else:
                    # New (or changed) columns: the table is made again, and the views over
                    # it with it (the next dbt build creates them anew).
                    cursor.execute(f"drop table if exists {target} cascade")
                    cursor.execute(f"create table {target} ({definition})")
                cursor.copy_expert(f"copy {target} from stdin with (format csv)", data)
                cursor.execute(f"select count(*) from {target}")
                rows = cursor.fetchone()[0]
            pg.commit()
            done = LoadedTable(schema, table, rows)
            loaded.append(done)
            if on_table:
                on_table(done, time.monotonic() - started)
    return loaded


# PostgreSQL's names (format_type) of the types _pg_type gives.
_FORMATTED = {"timestamp": "timestamp without time zone"}


def _existing_columns(cursor: Any, schema: str, table: str) -> list[tuple[str, str]] | None:
    """The (name, type) of each column of the table as the loader names types, or None."""
    cursor.execute(
        "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
        "join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relname = %s and a.attnum > 0 and not a.attisdropped "
        "order by a.attnum",
        (schema, table),
    )
    found = cursor.fetchall()
    if not found:
        return None
    named = {_FORMATTED.get(kind, kind): kind for kind in {*PG_TYPES.values(), "jsonb"}}
    return [(name, named.get(kind, kind)) for name, kind in found]
