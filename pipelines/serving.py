"""The serving copy: what BI tools and people open, published only after a run's checks pass.

DuckDB lets one process write a database file, or many processes read it, never both. So BI
never opens the warehouse the pipeline writes: after a run whose blocking checks all passed,
the marts are copied to a separate folder (`CSOPS_SERVING`, default `data/serving/`):

    marts.duckdb                    every mart, and `serving_manifest` (read as marts.<table>)
    parquet/<mart>.parquet          one file per mart, and serving_manifest.parquet
    report.html                     the KPI report (pipelines/report.py)

Every file is written aside under a dot-name in the same folder and renamed into place, so a
reader sees the previous complete file or the new one, never half of one. A reader holding the
old `marts.duckdb` open keeps reading the old copy (the rename does not touch its open file)
and the next publish never waits for it; the pipeline's own writes go to the warehouse, which
no reader of the serving copy touches. docs/bi.md says how BI tools connect.

This module knows nothing about Dagster: `pipelines/defs/serving/assets.py` decides whether a
run may publish, and calls `publish`.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

MART_SCHEMA = "marts"
# In marts.duckdb the marts sit in schema `main`: the file's own name is the catalog `marts`,
# so `select * from marts.fct_tickets` reads the same in the warehouse and in the copy, and a
# schema also named `marts` would make that name ambiguous.
SERVING_SCHEMA = "main"
DATABASE_NAME = "marts.duckdb"
PARQUET_DIR = "parquet"
REPORT_NAME = "report.html"
MANIFEST_TABLE = "serving_manifest"
# Written aside under these prefixes; anything left by a publish that died is removed by the next.
ASIDE_PREFIX = ".publishing-"


class ServingError(RuntimeError):
    """The serving copy cannot be published or read; the message says what and where."""


@dataclass(frozen=True)
class Manifest:
    """What a serving copy shows: the data's clock, when and by which run it was published."""

    as_of: datetime | None
    published_at: datetime
    run_id: str
    row_counts: dict[str, int]

    def summary(self) -> str:
        as_of = f"{self.as_of:%Y-%m-%d %H:%M} UTC" if self.as_of else "none"
        return (
            f"as_of {as_of}, published {self.published_at:%Y-%m-%d %H:%M:%S} UTC "
            f"by run {self.run_id}, {len(self.row_counts)} marts"
        )


def database_path(serving: Path) -> Path:
    return serving / DATABASE_NAME


def report_path(serving: Path) -> Path:
    return serving / REPORT_NAME


def publish(warehouse: Path, serving: Path, run_id: str) -> Manifest:
    """Copy every table of the warehouse's `marts` schema to the serving folder, atomically
    file by file; return the new copy's manifest. The warehouse is only read."""
    if not warehouse.exists():
        raise ServingError(f"no warehouse at {warehouse}: run `csops run` or `csops demo` first")
    serving.mkdir(parents=True, exist_ok=True)
    parquet = serving / PARQUET_DIR
    parquet.mkdir(exist_ok=True)
    remove_leftovers(serving)

    aside_db = serving / f"{ASIDE_PREFIX}{run_id}-{DATABASE_NAME}"
    published_at = datetime.now(UTC).replace(microsecond=0)
    with duckdb.connect(str(aside_db)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{_sql_text(warehouse)}' as warehouse (read_only)")
        marts = _warehouse_marts(con)
        if not marts:
            raise ServingError(
                f"the warehouse {warehouse} has no tables in schema {MART_SCHEMA}: "
                "the models have not been built"
            )
        as_of = _as_of(con)
        counts: dict[str, int] = {}
        for mart in marts:
            con.execute(
                f'create table {SERVING_SCHEMA}."{mart}" as '
                f'select * from warehouse.{MART_SCHEMA}."{mart}"'
            )
            (counts[mart],) = con.execute(
                f'select count(*) from {SERVING_SCHEMA}."{mart}"'
            ).fetchone()
        _copy_descriptions(con)
        manifest = Manifest(as_of, published_at, run_id, counts)
        _write_manifest_table(con, manifest)
        con.execute("detach warehouse")
        aside_parquet = []
        for table in [*marts, MANIFEST_TABLE]:
            aside = parquet / f"{ASIDE_PREFIX}{run_id}-{table}.parquet"
            con.execute(
                f"copy {SERVING_SCHEMA}.\"{table}\" to '{_sql_text(aside)}' "
                f"(format parquet, compression zstd, kv_metadata "
                f"{{csops_run_id: '{_sql_text(run_id)}', csops_as_of: '{_iso(as_of)}'}})"
            )
            aside_parquet.append((aside, parquet / f"{table}.parquet"))
        con.execute("checkpoint")
    # Everything is on disk: now the renames, one after another, each atomic.
    for aside, final in aside_parquet:
        os.replace(aside, final)
    os.replace(aside_db, database_path(serving))
    keep = {final.name for _, final in aside_parquet}
    for stale in parquet.glob("*.parquet"):
        if stale.name not in keep:
            stale.unlink()  # a mart that no longer exists must not be read as current
    return manifest


def read_manifest(serving: Path) -> Manifest | None:
    """The manifest of the serving copy in place, or None when nothing was published yet."""
    path = database_path(serving)
    if not path.exists():
        return None
    with read_only(serving) as con:
        rows = con.execute(
            f"select mart, row_count, as_of, published_at, run_id "
            f"from {SERVING_SCHEMA}.{MANIFEST_TABLE} order by mart"
        ).fetchall()
    if not rows:
        return None
    _, _, as_of, published_at, run_id = rows[0]
    return Manifest(as_of, published_at, run_id, {mart: n for mart, n, *_ in rows})


@contextmanager
def read_only(serving: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the serving copy, as a BI tool should open it."""
    path = database_path(serving)
    if not path.exists():
        raise ServingError(
            f"no serving copy at {path}: a run publishes one once its checks pass "
            "(`csops run`, `csops demo`)"
        )
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        yield con


def remove_leftovers(serving: Path) -> None:
    """Delete files a publish wrote aside and never renamed (it died half-way)."""
    for folder in (serving, serving / PARQUET_DIR):
        for leftover in folder.glob(f"{ASIDE_PREFIX}*"):
            leftover.unlink(missing_ok=True)


def _warehouse_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() "
        "where database_name = 'warehouse' and schema_name = ? order by table_name",
        [MART_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows if name != MANIFEST_TABLE]


def _as_of(con: duckdb.DuckDBPyConnection) -> datetime | None:
    found = con.execute(
        "select 1 from duckdb_tables() where database_name = 'warehouse' "
        "and schema_name = 'intermediate' and table_name = 'int_build__as_of'"
    ).fetchone()
    if not found:
        return None
    row = con.execute("select as_of from warehouse.intermediate.int_build__as_of").fetchone()
    return row[0] if row else None


def _copy_descriptions(con: duckdb.DuckDBPyConnection) -> None:
    """Carry the models' descriptions (dbt's persist_docs) over, so SQL clients show them."""
    tables = con.execute(
        "select table_name, comment from duckdb_tables() where database_name = 'warehouse' "
        "and schema_name = ? and comment is not null",
        [MART_SCHEMA],
    ).fetchall()
    for table, comment in tables:
        if table != MANIFEST_TABLE:
            con.execute(f"comment on table {SERVING_SCHEMA}.\"{table}\" is '{_sql_text(comment)}'")
    columns = con.execute(
        "select table_name, column_name, comment from duckdb_columns() "
        "where database_name = 'warehouse' and schema_name = ? and comment is not null",
        [MART_SCHEMA],
    ).fetchall()
    for table, column, comment in columns:
        if table != MANIFEST_TABLE:
            con.execute(
                f'comment on column {SERVING_SCHEMA}."{table}"."{column}" '
                f"is '{_sql_text(comment)}'"
            )


def _write_manifest_table(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> None:
    con.execute(
        f"create table {SERVING_SCHEMA}.{MANIFEST_TABLE} ("
        "mart varchar not null, row_count bigint not null, as_of timestamptz, "
        "published_at timestamptz not null, run_id varchar not null)"
    )
    con.executemany(
        f"insert into {SERVING_SCHEMA}.{MANIFEST_TABLE} values (?, ?, ?, ?, ?)",
        [
            (mart, count, manifest.as_of, manifest.published_at, manifest.run_id)
            for mart, count in manifest.row_counts.items()
        ],
    )
    con.execute(
        f"comment on table {SERVING_SCHEMA}.{MANIFEST_TABLE} is 'What this serving copy shows: "
        "one row per mart with its row count, the data''s as_of (the end of the latest landed "
        "window), when it was published and by which run.'"
    )


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _sql_text(value: object) -> str:
    return str(value).replace("'", "''")
