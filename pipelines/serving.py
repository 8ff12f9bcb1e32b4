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

`marts.duckdb` is not rebuilt from nothing on every publish: the new file starts as a copy of
the one in place, and each mart whose columns are unchanged gets only its changed rows. A mart's
rows are grouped by its first column and each group is compared by its row count and the sum of
its rows' hashes; the groups that differ are deleted and inserted again from the warehouse, and
the whole mart's count and hash sum must then equal the warehouse's, or it is copied whole. A
mart that is new, or whose columns changed, is copied whole, and so is everything when there is
no copy yet or when more than half of the old file is free space (deleted rows left behind). A
nightly run changes a few percent of the rows: this is a fraction of the copy's cost
(benchmarks/RESULTS.md). The Parquet files are written whole from the warehouse every time.

This module knows nothing about Dagster: `pipelines/defs/serving/assets.py` decides whether a
run may publish, and calls `publish`.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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
    # The marts this publish updated in the previous copy instead of copying them whole (known
    # to the publish only; not stored in the copy).
    updated_in_place: tuple[str, ...] = field(default=(), compare=False)

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
    previous = _start_from_previous(database_path(serving), aside_db)
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
        copied = _columns(
            con, con.execute("select current_database()").fetchone()[0], SERVING_SCHEMA
        )
        for table in copied.keys() - set(marts):
            con.execute(f'drop table {SERVING_SCHEMA}."{table}"')  # gone, or the old manifest
        source = _columns(con, "warehouse", MART_SCHEMA)
        counts: dict[str, int] = {}
        updated = []
        for mart in marts:
            columns = source[mart]
            if (
                previous
                and copied.get(mart) == columns
                and _update_changed_rows(con, mart, key=columns[0][0])
            ):
                updated.append(mart)
            else:
                con.execute(f'drop table if exists {SERVING_SCHEMA}."{mart}"')
                con.execute(
                    f'create table {SERVING_SCHEMA}."{mart}" as '
                    f'select * from warehouse.{MART_SCHEMA}."{mart}"'
                )
            (counts[mart],) = con.execute(
                f'select count(*) from {SERVING_SCHEMA}."{mart}"'
            ).fetchone()
        _copy_descriptions(con)
        manifest = Manifest(as_of, published_at, run_id, counts, tuple(updated))
        _write_manifest_table(con, manifest)
        # The marts' Parquet files from the warehouse (the copy's updated marts hold the same
        # rows, not in the same order), the manifest's from the copy.
        relations = {mart: f'warehouse.{MART_SCHEMA}."{mart}"' for mart in marts}
        relations[MANIFEST_TABLE] = f"{SERVING_SCHEMA}.{MANIFEST_TABLE}"
        aside_parquet = []
        for table, relation in relations.items():
            aside = parquet / f"{ASIDE_PREFIX}{run_id}-{table}.parquet"
            con.execute(
                f"copy {relation} to '{_sql_text(aside)}' "
                f"(format parquet, compression zstd, kv_metadata "
                f"{{csops_run_id: '{_sql_text(run_id)}', csops_as_of: '{_iso(as_of)}'}})"
            )
            aside_parquet.append((aside, parquet / f"{table}.parquet"))
        con.execute("detach warehouse")
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


def _start_from_previous(previous: Path, aside: Path) -> bool:
    """Copy the serving database in place to `aside`, to be updated there; False (and nothing
    aside) when there is none, or it cannot be opened, or more than half of it is free space."""
    if not previous.exists():
        return False
    shutil.copyfile(previous, aside)
    try:
        with duckdb.connect(str(aside)) as con:
            (used, free), *_ = con.execute(
                "select used_blocks, free_blocks from pragma_database_size() "
                "where database_name = current_database()"
            ).fetchall()
    except duckdb.Error:
        used, free = 0, 1  # unreadable: start afresh
    if free > used:
        aside.unlink()
        return False
    return True


def _columns(
    con: duckdb.DuckDBPyConnection, database: str, schema: str
) -> dict[str, list[tuple[str, str]]]:
    """Every table of the schema with its columns (name and type) in order."""
    rows = con.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? order by table_name, column_index",
        [database, schema],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def _update_changed_rows(con: duckdb.DuckDBPyConnection, mart: str, key: str) -> bool:
    """Bring the copied mart level with the warehouse's by replacing the groups of rows (by
    `key`, its first column) whose count or hash sum differs; True when the whole mart then has
    the warehouse's row count and hash sum, False when it must be copied whole."""
    copy, source = f'{SERVING_SCHEMA}."{mart}"', f'warehouse.{MART_SCHEMA}."{mart}"'
    column = f'"{key}"'
    con.execute(
        f"""
        create or replace temp table csops_changed_groups as
        with copied as (
            select {column} as k, count(*) as n, sum(hash(csops_row)) as h
            from {copy} as csops_row group by 1
        ),
        current as (
            select {column} as k, count(*) as n, sum(hash(csops_row)) as h
            from {source} as csops_row group by 1
        )
        select coalesce(current.k, copied.k) as k
        from current
        full outer join copied on current.k is not distinct from copied.k
        where current.n is distinct from copied.n or current.h is distinct from copied.h
        """
    )
    changed = (
        f"({column} in (select k from csops_changed_groups) or ({column} is null "
        "and exists (select 1 from csops_changed_groups where k is null)))"
    )
    con.execute(f"delete from {copy} where {changed}")
    con.execute(f"insert into {copy} select * from {source} where {changed}")
    con.execute("drop table csops_changed_groups")
    # The whole row is hashed by the alias: a column of that name would shadow it.
    whole = "select count(*), sum(hash(csops_row)) from {} as csops_row"
    return (
        con.execute(whole.format(copy)).fetchone() == con.execute(whole.format(source)).fetchone()
    )


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
