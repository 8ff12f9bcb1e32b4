"""The uniqueness tests of an incremental model look at the rows written since they last passed.

One incremental model (the audit events, kind `versions`) is built from a small lake, then
built again on one more day, with duplicates planted straight into its table between runs:
one sharing the key of a row the latest build wrote, one copying a row no build has touched
since the tests last passed. The scoped test must find the first, keep finding it on later
runs until it is gone, and leave the second to the full test a full refresh brings back
(macros/incremental/tests_since_last_pass.sql, docs/incremental.md).
"""

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from dbt_runner import run_dbt

from simulator.bulk import land_history
from simulator.org import SimConfig

MODEL = "stg_zendesk__ticket_audit_events"
TABLE = f"staging.{MODEL}"
TEST = f"unique_since_last_pass_{MODEL}_event_id"
CONFIG = SimConfig(
    seed=21,
    tickets_per_day=12,
    chats_per_day=4,
    agents=5,
    history_start=date(2024, 5, 1),
    now=datetime(2024, 5, 6, tzinfo=UTC),
)


def later(days: int) -> SimConfig:
    return SimConfig(**{**CONFIG.__dict__, "now": datetime(2024, 5, 6 + days, tzinfo=UTC)})


def dbt(root: Path, lake: Path, *args: str) -> str:
    """Run dbt on the one model; return 'pass' or 'fail' for a test run, raise otherwise."""
    result = run_dbt(root, lake, *args, "--select", MODEL)
    if args[0] == "test":
        if result.returncode == 0:
            return "pass"
        assert f"FAIL 1 {TEST}" in result.stdout, result.stdout[-4000:]
        return "fail"
    assert result.returncode == 0, f"dbt failed:\n{result.stdout[-4000:]}\n{result.stderr}"
    return "ok"


def sql(root: Path, statement: str) -> list[tuple]:
    with duckdb.connect(str(root / "warehouse.duckdb")) as connection:
        return connection.execute(statement).fetchall()


def unchecked(root: Path) -> set[int]:
    rows = sql(
        root,
        "select cast(scope_value as bigint) from csops_state.unchecked_keys"
        f" where model = '{MODEL}'",
    )
    return {row[0] for row in rows}


def plant_duplicate(root: Path, event_id: int) -> None:
    sql(root, f"insert into {TABLE} select * from {TABLE} where event_id = {event_id}")


def remove_duplicate(root: Path, event_id: int) -> None:
    # Both copies go, then one comes back: the table as it was before the plant.
    sql(
        root,
        f"create temp table kept as select * from {TABLE} where event_id = {event_id} limit 1;"
        f" delete from {TABLE} where event_id = {event_id};"
        f" insert into {TABLE} select * from kept",
    )


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("scoped_tests") / "lake"
    land_history(CONFIG, lake, date(2024, 5, 1), date(2024, 5, 5), datetime(2024, 5, 6, tzinfo=UTC))
    return lake


def test_a_duplicate_written_since_the_last_pass_is_found_until_it_is_gone(lake, tmp_path):
    root = tmp_path / "build"
    assert dbt(root, lake, "build") == "ok"
    # The first build's tests read the whole table and passed: nothing is left to check.
    assert sql(root, f"select full_test from csops_state.test_scope where model = '{MODEL}'") == [
        (False,)
    ]
    assert unchecked(root) == set()

    land_history(
        later(1), lake, date(2024, 5, 6), date(2024, 5, 6), datetime(2024, 5, 7, tzinfo=UTC)
    )
    assert dbt(root, lake, "run") == "ok"
    written = unchecked(root)
    landed = {
        row[0]
        for row in sql(root, f"select event_id from {TABLE} where created_at >= '2024-05-06'")
    }
    # Every event created on the new day was written by the partial build (others may be
    # too: audits of older tickets landed again with the day's updates).
    assert landed and landed <= written

    # One sharing the key of a row the build wrote is found ...
    new_event = min(landed)
    plant_duplicate(root, new_event)
    assert dbt(root, lake, "test") == "fail"
    assert new_event in unchecked(root)
    # ... and still found after another day is built on top, since the failed run kept the
    # keys it had not cleared (one `build`: the model is rebuilt, then its tests run).
    land_history(
        later(2), lake, date(2024, 5, 7), date(2024, 5, 7), datetime(2024, 5, 8, tzinfo=UTC)
    )
    built = run_dbt(root, lake, "build", "--select", MODEL)
    assert f"OK created sql incremental model staging.{MODEL}" in built.stdout, built.stdout[-4000:]
    assert f"FAIL 1 {TEST}" in built.stdout, built.stdout[-4000:]
    # An event no build has written since the first: its ticket had no audit on the new days.
    old_event = sql(
        root,
        f"select min(event_id) from {TABLE} where ticket_id not in"
        f" (select ticket_id from {TABLE} where created_at >= '2024-05-06')",
    )[0][0]
    assert old_event is not None and old_event not in unchecked(root)
    # Gone, the test passes and the keys are cleared; a duplicate of a row no build wrote
    # since the tests last passed is outside the scoped test (the tests check what the builds
    # write; nothing else writes these tables) ...
    remove_duplicate(root, new_event)
    plant_duplicate(root, old_event)
    assert dbt(root, lake, "test") == "pass"
    assert unchecked(root) == set()
    # ... until a full refresh rewrites the whole table (the planted copy with it, so it is
    # planted again): the next test reads every row.
    assert dbt(root, lake, "run", "--full-refresh") == "ok"
    assert sql(root, f"select full_test from csops_state.test_scope where model = '{MODEL}'") == [
        (True,)
    ]
    plant_duplicate(root, old_event)
    assert dbt(root, lake, "test") == "fail"
