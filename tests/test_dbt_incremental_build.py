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

import pytest
from dbt_runner import INCREMENTAL_MODELS, TEAM_SUBJECTS, differences, run_dbt, scope_modes

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


def dbt_run(root: Path, lake: Path, *args: str) -> None:
    # Seeds and models, not the data tests: the equality of the tables is what is tested
    # here, and the data tests of the same models run in the other dbt tests. The team
    # subjects are plain tables, rebuilt whole on every run: nothing incremental to compare.
    leave_out = () if "--select" in args else ("--exclude", *TEAM_SUBJECTS)
    result = run_dbt(
        root,
        lake,
        "build",
        "--resource-type",
        "seed",
        "--resource-type",
        "model",
        *leave_out,
        *args,
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr}"


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


def test_one_more_day_builds_only_what_changed(builds: dict) -> None:
    # Every incremental model replaced a part of its rows, after new data and without.
    assert builds["modes"] == dict.fromkeys(INCREMENTAL_MODELS, "partial")
    assert builds["rerun_modes"] == dict.fromkeys(INCREMENTAL_MODELS, "partial")


# One incremental model of each kind: versions, ticket, conversation, contact, response,
# feedback.
ONE_OF_EACH = (
    "stg_zendesk__tickets",
    "fct_sla_events",
    "fct_conversations",
    "fct_contacts",
    "int_feedback__survey_answers",
    "fct_survey_responses",
)


def test_a_changed_var_makes_the_incremental_models_recompute_all(builds: dict) -> None:
    assert builds["changed_var_modes"] == dict.fromkeys(ONE_OF_EACH, "all")


def test_an_incremental_build_equals_a_full_refresh(builds: dict) -> None:
    incremental, full = builds["incremental"], builds["full"]
    found = differences(incremental / "warehouse.duckdb", full / "warehouse.duckdb")
    assert found == {}
