"""Checksums of every mart of a warehouse, to show that a change left the marts as they were.

    .venv/bin/python -m benchmarks.mart_checksums data/warehouse.duckdb [other.duckdb]

Prints one line per table of the schema `marts`: its row count and an MD5 of its rows, sorted
(so the order rows were written in does not count), each row as DuckDB prints its values. With
two warehouses it prints both and says which marts differ; the exit status is 1 when any does.
Build both from the same lake (or run `csops demo` on the same day, which simulates the same
organisation) before comparing.
"""

import argparse
import hashlib
import sys
from pathlib import Path

import duckdb


def checksums(warehouse: Path) -> dict[str, tuple[int, str]]:
    """{mart: (rows, md5 of its sorted rows)} for every table of the schema `marts`."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        found = {}
        for mart in marts:
            rows = sorted(
                repr(row) for row in con.execute(f'select * from marts."{mart}"').fetchall()
            )
            digest = hashlib.md5("\n".join(rows).encode()).hexdigest()
            found[mart] = (len(rows), digest)
    return found


def _shown(checksum: tuple[int, str] | None) -> str:
    return f"{checksum[0]:>10,}  {checksum[1]}" if checksum else f"{'missing':>10}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("other", type=Path, nargs="?")
    args = parser.parse_args(argv)
    first = checksums(args.warehouse)
    if args.other is None:
        for mart, (rows, digest) in first.items():
            print(f"{mart:32} {rows:>10,}  {digest}")
        return 0
    second = checksums(args.other)
    differ = []
    for mart in sorted(set(first) | set(second)):
        a, b = first.get(mart), second.get(mart)
        same = a == b
        differ += [] if same else [mart]
        print(f"{mart:32} {_shown(a)}  {_shown(b)}  {'same' if same else 'DIFFERENT'}")
    print(
        f"{len(first)} marts, {len(differ)} different"
        + (f": {', '.join(differ)}" if differ else "")
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
