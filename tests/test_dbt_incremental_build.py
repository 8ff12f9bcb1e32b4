"""An incremental dbt build leaves every table as a full refresh of the same lake would.

A simulated org's history lands and is built; then one more day lands (tickets and chats
updated, solved, closed and created in it) and the same warehouse is built again,
incrementally. A second warehouse is built from scratch on the final lake. Every table of
the two must hold the same rows. A third build with nothing new must change nothing, and a
change to reference data (a schedule) must make the incremental models recompute all.
"""

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from dbt_runner import run_dbt

from simulator.bulk import land_history
from simulator.org import SimConfig

HISTORY = (date(2024, 3, 1), date(2024, 3, 13))
NEXT_DAY = date(2024, 3, 14)
CONFIG = SimConfig(
    seed=13,
    tickets_per_day=25,
    chats_per_day=15,
    agents=8,
    history_start=HISTORY[0],
    now=datetime(2024, 3, 14, tzinfo=UTC),
)
# Later, on the morning after NEXT_DAY: the same org, one day older.
NEXT_CONFIG = SimConfig(**{**CONFIG.__dict__, "now": datetime(2024, 3, 15, tzinfo=UTC)})
SCHEMAS = ("staging", "intermediate", "marts")


def dbt_run(root: Path, lake: Path, *args: str) -> None:
    # Seeds and models, not the data tests: the equality of the tables is what is tested
    # here, and the data tests of the same models run in the other dbt tests.
    result = run_dbt(
        root, lake, "build", "--resource-type", "seed", "--resource-type", "model", *args
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr}"


def tables(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return connection.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_catalog = ? and table_type = 'BASE TABLE' and table_schema in ?"
        " order by all",
        [catalog, list(SCHEMAS)],
    ).fetchall()


def differences(incremental: Path, full: Path) -> dict[str, tuple[int, int]]:
    """Per table: rows only in the incremental build, rows only in the full refresh."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(f"attach '{incremental}' as incr (read_only)")
    connection.execute(f"attach '{full}' as fullr (read_only)")
    names = tables(connection, "fullr")
    assert names == tables(connection, "incr")
    assert len(names) > 30
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


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("incremental_build")
    lake = base / "lake"
    land_history(CONFIG, lake, *HISTORY, datetime(2024, 3, 14, 6, tzinfo=UTC), workers=2)
    incremental = base / "incremental"
    dbt_run(incremental, lake)
    land_history(NEXT_CONFIG, lake, NEXT_DAY, NEXT_DAY, datetime(2024, 3, 15, 6, tzinfo=UTC))
    dbt_run(incremental, lake)
    modes = scope_modes(incremental)
    # Again with nothing new: the open tickets are recomputed, to the same rows.
    dbt_run(incremental, lake)
    rerun_modes = scope_modes(incremental)
    full = base / "full"
    dbt_run(full, lake)
    # A changed var changes what every model computes: the next build recomputes all. One
    # model of each kind is built (the fingerprint is the same macro for all of them), to
    # keep the test's time down.
    changed = base / "changed_var"
    changed.mkdir()
    shutil.copy(incremental / "warehouse.duckdb", changed / "warehouse.duckdb")
    dbt_run(
        changed, lake, "--vars", "{escalation_tags: [escalated, vip]}", "--select", *ONE_OF_EACH
    )
    return {
        "lake": lake,
        "incremental": incremental,
        "full": full,
        "modes": modes,
        "rerun_modes": rerun_modes,
        "changed_var_modes": scope_modes(changed),
    }


INCREMENTAL_MODELS = {
    "stg_zendesk__tickets",
    "stg_zendesk__ticket_audits",
    "stg_zendesk__ticket_audit_events",
    "stg_zendesk__satisfaction_ratings",
    "stg_intercom__conversations",
    "stg_intercom__conversation_parts",
    "stg_typeform__responses",
    "int_zendesk__ticket_comments",
    "int_zendesk__ticket_status_intervals",
    "int_zendesk__ticket_replies",
    "int_zendesk__ticket_metrics",
    "int_zendesk__ticket_business_minutes",
    "int_zendesk__sla_policies_matched",
    "int_backlog__open_ticket_days",
    "fct_tickets",
    "fct_ticket_replies",
    "fct_sla_events",
    "int_intercom__conversation_metrics",
    "int_intercom__conversation_business_minutes",
    "fct_conversations",
    "fct_contacts",
    "int_agent__activities",
    "int_agents__contact_assignments",
    "int_zendesk__ticket_schedules",
    "int_intercom__conversation_schedules",
    "int_contact_csat_ratings",
    "int_feedback__survey_answers",
    "fct_survey_responses",
    "fct_agent_daily",
    "kpi_agent_weekly",
    "kpi_support_daily",
}


def test_one_more_day_builds_only_what_changed(builds: dict) -> None:
    # Every incremental model replaced a part of its rows, after new data and without.
    assert builds["modes"] == dict.fromkeys(INCREMENTAL_MODELS, "partial")
    assert builds["rerun_modes"] == dict.fromkeys(INCREMENTAL_MODELS, "partial")


# One incremental model of each kind: versions, ticket, conversation, contact, response,
# feedback, days.
ONE_OF_EACH = (
    "stg_zendesk__tickets",
    "fct_sla_events",
    "fct_conversations",
    "fct_contacts",
    "int_feedback__survey_answers",
    "fct_survey_responses",
    "kpi_support_daily",
)


def test_a_changed_var_makes_the_incremental_models_recompute_all(builds: dict) -> None:
    assert builds["changed_var_modes"] == dict.fromkeys(ONE_OF_EACH, "all")


def test_an_incremental_build_equals_a_full_refresh(builds: dict) -> None:
    found = differences(
        builds["incremental"] / "warehouse.duckdb", builds["full"] / "warehouse.duckdb"
    )
    assert found == {}
