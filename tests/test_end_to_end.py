"""The whole pipeline on a tiny simulated org: real HTTP on 127.0.0.1, real Parquet, a real
dbt build into DuckDB, run through Dagster by the csops CLI, exactly as production runs it."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from simulator.org import SimConfig, SupportOrg
from simulator.server import SimulatorServer

FIRST_DAY = date(2026, 3, 1)
LAST_DAY = date(2026, 3, 5)
WINDOW_START = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW_END = datetime(2026, 3, 6, tzinfo=UTC)
SIM = SimConfig(
    seed=11,
    tickets_per_day=6,
    chats_per_day=4,
    agents=6,
    history_start=date(2026, 2, 15),
    now=WINDOW_END,
)


@pytest.fixture(scope="module")
def org() -> SupportOrg:
    return SupportOrg(SIM)


@pytest.fixture(scope="module")
def pipeline(org, tmp_path_factory):
    """Serve the org, then run `csops run` for the window in a fresh process."""
    root = tmp_path_factory.mktemp("e2e")
    with SimulatorServer(org) as server:
        env = {
            **os.environ,
            **server.env(),
            "CSOPS_SOURCES": "zendesk,intercom,typeform",
            "CSOPS_LAKE": str(root / "lake"),
            "CSOPS_WAREHOUSE": str(root / "warehouse.duckdb"),
            "DAGSTER_HOME": str(root / "dagster_home"),
        }

        def run(first: date, last: date) -> subprocess.CompletedProcess:
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pipelines.cli",
                    "run",
                    "--start",
                    first.isoformat(),
                    "--end",
                    last.isoformat(),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=900,
            )
            assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-8000:]
            return proc

        first_run = run(FIRST_DAY, LAST_DAY)
        yield {"root": root, "run": run, "first_run": first_run}


def query(root: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(sql).fetchall()


def mart_snapshot(root: Path) -> dict[str, list[tuple]]:
    tables = [
        t
        for (t,) in query(
            root,
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' order by 1",
        )
    ]
    return {t: sorted(query(root, f'select * from marts."{t}"'), key=repr) for t in tables}


def test_every_served_ticket_and_conversation_is_one_contact(org, pipeline):
    tickets = org.zendesk_tickets_updated_between(WINDOW_START, WINDOW_END)
    chats = org.intercom_conversations_updated_between(WINDOW_START, WINDOW_END)
    assert tickets and chats, "the simulated window should not be empty"
    rows = query(
        pipeline["root"],
        "select contact_type, contact_id, count(*) from marts.fct_contacts group by all",
    )
    assert all(n == 1 for _, _, n in rows), "a contact appears more than once"
    landed = {(t, str(i)) for t, i, _ in rows}
    served = {("ticket", str(t["id"])) for t in tickets} | {
        ("conversation", str(c["id"])) for c in chats
    }
    assert landed == served


def test_kpi_support_daily_covers_every_day_of_the_run(pipeline):
    days = {
        d
        for (d,) in query(pipeline["root"], "select distinct date_day from marts.kpi_support_daily")
    }
    expected = {FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)}
    assert expected <= days


def test_run_prints_a_summary_with_marts_checks_and_warehouse(pipeline):
    err = pipeline["first_run"].stderr
    assert "succeeded" in err
    assert "checks:" in err and " 0 failed" in err
    assert "marts.fct_contacts" in err
    # The end of the last day of the run, 03-05.
    assert "as_of:     2026-03-06 00:00 UTC" in err
    assert str(pipeline["root"] / "warehouse.duckdb") in err


def test_rerunning_loaded_days_leaves_every_mart_row_unchanged(pipeline):
    before = mart_snapshot(pipeline["root"])
    assert before["fct_contacts"]
    pipeline["run"](FIRST_DAY, LAST_DAY)
    assert mart_snapshot(pipeline["root"]) == before
    # An older day on its own must not move as_of or lose the later days' versions.
    pipeline["run"](FIRST_DAY + timedelta(days=1), FIRST_DAY + timedelta(days=1))
    assert mart_snapshot(pipeline["root"]) == before


def test_cli_runs_are_recorded_in_the_dagster_instance(pipeline, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(pipeline["root"] / "dagster_home"))
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
    assert runs and all(r.job_name == "csops_daily" for r in runs)
    assert any(
        r.tags.get("dagster/asset_partition_range_start") == FIRST_DAY.isoformat() for r in runs
    )


def test_a_quiet_weekend_moves_as_of_and_the_backlog_stays_open_over_it(pipeline):
    """The org is served as of 2026-03-06 00:00, so nothing is updated later: `csops run`
    of 03-06 and 03-07 lands two quiet days (an empty batch per event stream). The clock
    moves to their end, 03-08 00:00, and as no ticket changed after 03-06 00:00, exactly the
    tickets open at the end of 03-05 are open at the end of each quiet day."""
    root = pipeline["root"]
    backlog = (
        "select date_day, sum(backlog_open_end_of_day), sum(contacts_created)"
        " from marts.kpi_support_daily where date_day >= '2026-03-05' group by 1 order by 1"
    )
    [(_, open_at_end_of_0305, _)] = query(root, backlog)
    assert open_at_end_of_0305 > 0

    quiet = pipeline["run"](date(2026, 3, 6), date(2026, 3, 7))

    landed = query(
        root,
        f"select day, sum(rows) from read_parquet('{root}/lake/_windows/*/*.parquet')"
        " where day >= '2026-03-06' group by 1 order by 1",
    )
    assert landed == [(date(2026, 3, 6), 0), (date(2026, 3, 7), 0)]
    assert "as_of:     2026-03-08 00:00 UTC" in quiet.stderr
    clock = query(root, "select as_of from intermediate.int_as_of")
    assert clock == [(datetime(2026, 3, 8, tzinfo=UTC),)]
    after = query(root, backlog)
    assert [(d, n) for d, n, _ in after] == [
        (date(2026, 3, 5), open_at_end_of_0305),
        (date(2026, 3, 6), open_at_end_of_0305),
        (date(2026, 3, 7), open_at_end_of_0305),
    ]
    assert [created for _, _, created in after[1:]] == [0, 0]


def test_nothing_left_127_0_0_1(pipeline, netguard_log):
    assert netguard_log.read_text() == ""
