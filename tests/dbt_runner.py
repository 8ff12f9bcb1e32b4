"""Run the project's real dbt in a test: a build into a temporary DuckDB warehouse."""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")


def run_dbt(
    root: Path, lake: Path, *args: str, env: Mapping[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    """Run `dbt <args>` on `lake`, with the warehouse, target and logs under `root`."""
    return subprocess.run(
        [
            str(DBT),
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(root / "target"),
            "--log-path",
            str(root / "logs"),
        ],
        env={
            **os.environ,
            "CSOPS_LAKE": str(lake),
            "CSOPS_WAREHOUSE": str(root / "warehouse.duckdb"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            **(env or {}),
        },
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def build_warehouse(
    root: Path, lake: Path, *args: str, env: Mapping[str, str] | None = None
) -> duckdb.DuckDBPyConnection:
    """`dbt build` (plus any selection args), assert it passed, and open the warehouse
    read-only with the session pinned to UTC."""
    result = run_dbt(root, lake, "build", *args, env=env)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr}"
    connection = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    connection.execute("set TimeZone = 'UTC'")
    return connection


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts."""
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
