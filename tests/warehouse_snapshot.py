"""Every mart of a warehouse, read for comparison: two builds are the same when their
snapshots are equal (rows sorted, so the order rows were written in does not matter)."""

from pathlib import Path

import duckdb


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(sql).fetchall()


def mart_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    tables = [
        t
        for (t,) in query(
            warehouse,
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' order by 1",
        )
    ]
    return {t: sorted(query(warehouse, f'select * from marts."{t}"'), key=repr) for t in tables}
