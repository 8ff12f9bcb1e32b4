"""Run the project's real dbt in a test: a build into a temporary DuckDB warehouse."""

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
SCHEMAS = ("staging", "intermediate", "marts")
# The models built incrementally (docs/incremental.md).
INCREMENTAL_MODELS = {
    "stg_zendesk__tickets",
    "stg_zendesk__ticket_audits",
    "stg_zendesk__ticket_audit_events",
    "stg_zendesk__satisfaction_ratings",
    "stg_intercom__conversations",
    "stg_intercom__conversation_parts",
    "stg_typeform__responses",
    "int_tickets__comments",
    "int_tickets__status_intervals",
    "int_tickets__replies",
    "int_tickets__metrics",
    "int_business_hours__ticket_minutes",
    "int_sla__policies_matched",
    "int_sla__first_reply_time",
    "int_sla__next_reply_time",
    "int_sla__requester_wait_time",
    "int_backlog__open_ticket_days",
    "fct_tickets",
    "fct_ticket_replies",
    "fct_sla_events",
    "int_conversations__metrics",
    "int_business_hours__conversation_minutes",
    "fct_conversations",
    "fct_contacts",
    "int_agents__activities",
    "int_agents__contact_assignments",
    "int_shifts__contact_action_buckets",
    "int_business_hours__ticket_schedules",
    "int_business_hours__conversation_schedules",
    "int_feedback__csat_ratings",
    "int_feedback__survey_answers",
    "fct_survey_responses",
}
DBT = Path(sys.executable).with_name("dbt")


# dbt re-parses the whole project (about 10 s) unless the parse state of an earlier build
# (partial_parse.msgpack) matches: same profile, vars and files. Every test build therefore
# runs in its own folder with the same relative warehouse and lake paths, so the profile is
# the same for all, and starts from the state the last test build left here.
PARSE_STATE = "partial_parse.msgpack"
SHARED_PARSE_STATE = PROJECT_DIR / "target" / "tests_partial_parse.msgpack"


def run_dbt(
    root: Path, lake: Path, *args: str, env: Mapping[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    """Run `dbt <args>` on `lake`, with the warehouse, target and logs under `root`."""
    target = root / "target"
    target.mkdir(parents=True, exist_ok=True)
    if SHARED_PARSE_STATE.exists() and not (target / PARSE_STATE).exists():
        shutil.copyfile(SHARED_PARSE_STATE, target / PARSE_STATE)
    result = subprocess.run(
        [
            str(DBT),
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(root / "logs"),
        ],
        cwd=root,
        env={
            **os.environ,
            "CSOPS_LAKE": os.path.relpath(lake, root),
            "CSOPS_WAREHOUSE": "warehouse.duckdb",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            **(env or {}),
        },
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    # Only a build with the common settings leaves its parse state for the others: one with
    # its own vars or environment (a targets file, a salt) parsed a project the other builds
    # do not have, and would make each of them parse the whole project again.
    common = env is None and "--vars" not in args
    if common and (target / PARSE_STATE).exists():
        SHARED_PARSE_STATE.parent.mkdir(parents=True, exist_ok=True)
        partial = SHARED_PARSE_STATE.with_name(f".{os.getpid()}.{PARSE_STATE}")
        shutil.copyfile(target / PARSE_STATE, partial)
        os.replace(partial, SHARED_PARSE_STATE)
    return result


# The team-management views (targets, QA reviews, shifts): each subject from its first model
# on, with everything built on it. A scenario that reads none of them leaves them out of its
# build; their own tests, the end-to-end run and tests/test_dbt_docs.py build them.
TEAM_SUBJECTS = (
    "int_targets__kpi_targets+",
    "stg_shifts__activities+",
    "int_shifts__agents+",
    "stg_zendesk_qa__reviews+",
    "stg_zendesk_qa__review_ratings+",
    "int_qa__agent_emails+",
)


def build_warehouse(
    root: Path,
    lake: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    team_subjects: bool = False,
) -> duckdb.DuckDBPyConnection:
    """`dbt build` (plus any selection args), assert it passed, and open the warehouse
    read-only with the session pinned to UTC. dbt's unit tests do not read the lake, so they
    run once, in tests/test_dbt_docs.py, not in every scenario's build. The team subjects are
    built only when asked for."""
    leave_out = () if team_subjects else ("--exclude", *TEAM_SUBJECTS)
    result = run_dbt(
        root, lake, "build", "--exclude-resource-type", "unit_test", *leave_out, *args, env=env
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr}"
    connection = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    connection.execute("set TimeZone = 'UTC'")
    return connection


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts."""
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def tables(
    connection: duckdb.DuckDBPyConnection, catalog: str, schemas: tuple[str, ...] = SCHEMAS
) -> list[tuple[str, str]]:
    return connection.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_catalog = ? and table_type = 'BASE TABLE' and table_schema in ?"
        " order by all",
        [catalog, list(schemas)],
    ).fetchall()


def differences(
    incremental: Path, full: Path, schemas: tuple[str, ...] = SCHEMAS
) -> dict[str, tuple[int, int]]:
    """Per table of the two warehouses (files) in `schemas`: rows only in the incremental
    build, rows only in the full refresh. Both must hold the same tables, more than ten."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(f"attach '{incremental}' as incr (read_only)")
    connection.execute(f"attach '{full}' as fullr (read_only)")
    names = tables(connection, "fullr", schemas)
    assert names == tables(connection, "incr", schemas)
    assert len(names) > 10
    found = {}
    for schema, name in names:
        a, b = f"incr.{schema}.{name}", f"fullr.{schema}.{name}"
        only_a = connection.execute(
            f"select count(*) from (select * from {a} except all select * from {b})"
        ).fetchone()[0]
        only_b = connection.execute(
            f"select count(*) from (select * from {b} except all select * from {a})"
        ).fetchone()[0]
        if only_a or only_b:
            found[f"{schema}.{name}"] = (only_a, only_b)
    return found


def scope_modes(root: Path) -> dict[str, str]:
    """What the last build did per incremental model, from dbt's compiled SQL."""
    modes = {}
    for path in (root / "target" / "run").rglob("*.sql"):
        text = path.read_text()
        if "delete from" in text and "insert into" in text:
            modes[path.stem] = "partial" if "where" in text.split("insert into")[0] else "all"
    return modes
