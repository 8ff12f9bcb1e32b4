"""The whole pipeline on a tiny simulated org: real HTTP on 127.0.0.1, real Parquet, a real
dbt build into DuckDB, run through Dagster by the csops CLI, exactly as production runs it."""

import os
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml
from dagster._core.storage.dagster_run import RunsFilter
from fakes.zendesk import FakeZendesk
from serving_fixtures import fingerprint
from warehouse_snapshot import mart_snapshot as snapshot_of
from warehouse_snapshot import query as warehouse_query

from connectors.lake import manifest_glob
from pipelines.serving import read_manifest
from simulator.org import SimConfig, SupportOrg
from simulator.server import SimulatorServer

REPO = Path(__file__).resolve().parents[1]
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
            "CSOPS_SOURCES": "zendesk,intercom,typeform,zendesk_qa",
            "CSOPS_LAKE": str(root / "lake"),
            "CSOPS_WAREHOUSE": str(root / "warehouse.duckdb"),
            "CSOPS_SERVING": str(root / "serving"),
            "CSOPS_COST_PER_HUMAN_CONTACT": "4.5",
            "DAGSTER_HOME": str(root / "dagster_home"),
        }

        def run(
            first: date, last: date, extra_env: dict | None = None, exit_code: int = 0
        ) -> subprocess.CompletedProcess:
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
                env={**env, **(extra_env or {})},
                capture_output=True,
                text=True,
                check=False,
                timeout=900,
            )
            assert proc.returncode == exit_code, proc.stdout[-4000:] + proc.stderr[-8000:]
            return proc

        first_run = run(FIRST_DAY, LAST_DAY)
        yield {"root": root, "run": run, "first_run": first_run}


def query(root: Path, sql: str) -> list[tuple]:
    return warehouse_query(root / "warehouse.duckdb", sql)


def mart_snapshot(root: Path) -> dict[str, list[tuple]]:
    return snapshot_of(root / "warehouse.duckdb")


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


def test_every_qa_review_changed_in_the_run_is_one_review_in_the_qa_marts(org, pipeline):
    # The connector reads from 14 days before the run and keeps what changed in the run.
    reviews = org.zendesk_qa_reviews_created_between(WINDOW_START - timedelta(days=14), WINDOW_END)
    served = sorted(r.record["id"] for r in reviews if WINDOW_START <= r.changed_at < WINDOW_END)
    assert served, "the simulated window should hold QA reviews"
    found = query(pipeline["root"], "select review_id from marts.fct_qa_reviews order by 1")
    assert [review_id for (review_id,) in found] == served
    for mart in ("fct_qa_ratings", "kpi_qa_weekly", "kpi_qa_category_weekly"):
        assert query(pipeline["root"], f"select count(*) from marts.{mart}")[0][0] > 0, mart


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


def test_a_run_whose_checks_pass_publishes_the_serving_copy_and_the_report(pipeline):
    root = pipeline["root"]
    serving = root / "serving"
    with duckdb.connect(str(serving / "marts.duckdb"), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        manifest = con.execute(
            "select mart, row_count, as_of from marts.serving_manifest order by mart"
        ).fetchall()
        copied = {
            m: con.execute(f"select count(*) from marts.{m}").fetchone()[0] for m, *_ in manifest
        }
    warehouse = {m: len(rows) for m, rows in mart_snapshot(root).items()}
    assert {m: n for m, n, _ in manifest} == warehouse == copied
    assert {a for *_, a in manifest} == {WINDOW_END}
    assert sorted(p.stem for p in (serving / "parquet").glob("*.parquet")) == sorted(
        [*warehouse, "serving_manifest"]
    )
    with duckdb.connect(str(serving / "marts.duckdb"), read_only=True) as con:
        savings = con.execute(
            "select sum(automated_resolutions), sum(estimated_savings),"
            " count(*) filter (where estimated_savings <> automated_resolutions * 4.5)"
            " from marts.kpi_support_daily"
        ).fetchone()
    # CSOPS_COST_PER_HUMAN_CONTACT=4.5: every row's savings are its automated resolutions x 4.5.
    automated, saved, wrong = savings
    assert automated > 0 and saved == automated * 4.5 and wrong == 0
    report = (serving / "report.html").read_text()
    assert "data as of 2026-03-06 00:00 UTC" in report
    assert "estimated savings" in report
    err = pipeline["first_run"].stderr.rstrip().splitlines()
    assert err[-2].startswith(f"serving:   {serving}  (as_of 2026-03-06 00:00 UTC")
    assert err[-1] == f"report:    {serving / 'report.html'}"


# BI clients in their own processes during a whole run. "hold": one connection opened
# before the run and held through it. "poll": a new read-only connection every 250 ms, each
# checking that it sees one complete copy (every manifest row from one run). Two processes,
# because DuckDB shares one open database among a process's connections to the same file:
# a process holding the copy open keeps reading the copy it opened.
BI_READER = textwrap.dedent(
    """
    import sys, time, pathlib, duckdb
    mode, path, stop = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    query = "select distinct run_id from marts.serving_manifest"
    if mode == "hold":
        held = duckdb.connect(path, read_only=True)
        first = held.execute(query).fetchall()
        print("open", flush=True)
        while not stop.exists():
            time.sleep(0.05)
        print(first == held.execute(query).fetchall(), flush=True)
    else:
        print("open", flush=True)
        seen, reads = set(), 0
        while not stop.exists():
            with duckdb.connect(path, read_only=True) as con:
                runs = con.execute(query).fetchall()
                marts = con.execute("select count(*) from marts.serving_manifest").fetchone()[0]
            assert len(runs) == 1 and marts >= 18, (runs, marts)
            seen.add(runs[0][0])
            reads += 1
            time.sleep(0.25)
        print(reads, len(seen), flush=True)
    """
)


def test_rerunning_loaded_days_leaves_every_mart_row_unchanged(pipeline):
    """Days 03-02 and 03-03 again, while BI readers hold the serving copy: the marts come out
    the same; re-landing older days neither moves as_of nor loses the later days' versions."""
    root = pipeline["root"]
    before = mart_snapshot(root)
    assert before["fct_contacts"]
    stop = root / "stop-reading"
    copy = str(root / "serving" / "marts.duckdb")
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", BI_READER, mode, copy, str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("hold", "poll")
    ]
    try:
        for reader in readers:
            assert reader.stdout.readline().strip() == "open"
        pipeline["run"](FIRST_DAY + timedelta(days=1), FIRST_DAY + timedelta(days=2))
        stop.touch()
        (held, held_err), (polled, poll_err) = [r.communicate(timeout=60) for r in readers]
    finally:
        for reader in readers:
            reader.kill()
    # The run was not blocked by the readers, nor the readers by the run: the connection held
    # through the run still read the copy it had opened, and every read during the run
    # succeeded and saw one whole copy, the old one and then the new one.
    assert [r.returncode for r in readers] == [0, 0], held_err + poll_err
    assert held.strip() == "True"
    reads, copies = polled.split()
    assert int(reads) > 10 and int(copies) == 2, polled
    assert mart_snapshot(root) == before


def test_audits_read_ticket_by_ticket_land_the_same_audits_and_marts(pipeline, tmp_path):
    """The first run read Zendesk audits through the account-wide listing (the default); a run
    of the same days reading each ticket's audits on its own lands the same audits, so every
    mart comes out the same."""
    root, other = pipeline["root"], tmp_path / "per-ticket"
    pipeline["run"](
        FIRST_DAY,
        LAST_DAY,
        {
            "CSOPS_ZENDESK_AUDITS": "per-ticket",
            "CSOPS_LAKE": str(other / "lake"),
            "CSOPS_WAREHOUSE": str(other / "warehouse.duckdb"),
            "CSOPS_SERVING": str(other / "serving"),
            "DAGSTER_HOME": str(other / "dagster_home"),
        },
    )

    def audits(lake: Path) -> list[tuple]:
        return query(
            root,
            "select * exclude (_batch_id, _extracted_at) from read_parquet("
            f"'{lake}/zendesk/ticket_audits/*/*.parquet', union_by_name=true) order by id",
        )

    listed = audits(root / "lake")
    assert listed and audits(other / "lake") == listed
    assert mart_snapshot(other) == mart_snapshot(root)


def test_cli_runs_are_recorded_in_the_dagster_instance(pipeline, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(pipeline["root"] / "dagster_home"))
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
    assert runs and all(r.job_name == "csops_daily" for r in runs)
    assert any(
        r.tags.get("dagster/asset_partition_range_start") == FIRST_DAY.isoformat() for r in runs
    )
    # Each run carries the origin of the code location workspace.yaml names, which is what the
    # UI lists under the job and re-executes (tests/test_dagster_ui.py does so through it).
    (location,) = yaml.safe_load((REPO / "workspace.yaml").read_text())["load_from"]
    for run in runs:
        origin = run.remote_job_origin
        assert origin is not None and run.job_code_origin is not None
        assert origin.location_name == location["python_module"]["location_name"]
        assert origin.job_name == "csops_daily"
    # The UI's job page finds a job's runs by the repository label stored with each run.
    with dg.DagsterInstance.get() as instance:
        labelled = instance.get_runs(
            filters=RunsFilter(tags={".dagster/repository": "__repository__@csops"})
        )
    assert {r.run_id for r in labelled} == {r.run_id for r in runs}


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
        f"select day, sum(rows) from read_parquet('{manifest_glob(root / 'lake')}')"
        " where day >= '2026-03-06' group by 1 order by 1",
    )
    assert landed == [(date(2026, 3, 6), 0), (date(2026, 3, 7), 0)]
    assert "as_of:     2026-03-08 00:00 UTC" in quiet.stderr
    clock = query(root, "select as_of from intermediate.int_build__as_of")
    assert clock == [(datetime(2026, 3, 8, tzinfo=UTC),)]
    after = query(root, backlog)
    assert [(d, n) for d, n, _ in after] == [
        (date(2026, 3, 5), open_at_end_of_0305),
        (date(2026, 3, 6), open_at_end_of_0305),
        (date(2026, 3, 7), open_at_end_of_0305),
    ]
    assert [created for _, _, created in after[1:]] == [0, 0]


def test_a_failing_check_fails_the_run_by_name_and_the_serving_copy_stays_as_it_was(pipeline):
    """After the quiet weekend the serving copy shows as_of 03-08 00:00. The next run reads a
    Zendesk account (a fake of its API on 127.0.0.1) that sends a ticket with a status Zendesk
    does not have: the raw suite of zendesk/tickets fails, so nothing downstream is built and
    nothing is published."""
    root = pipeline["root"]
    serving = root / "serving"
    before = fingerprint(serving)
    assert read_manifest(serving).as_of == datetime(2026, 3, 8, tzinfo=UTC)
    email, token = "gate@example.com", "zd-gate-token-1234"
    fake = FakeZendesk(email, token).start()
    fake.tickets = [
        {
            "id": 990001,
            "created_at": "2026-03-08T09:00:00Z",
            "updated_at": "2026-03-08T10:00:00Z",
            "status": "bogus",
            "priority": "normal",
            "via": {"channel": "web"},
            "requester_id": 1,
            "tags": [],
        }
    ]
    try:
        failed = pipeline["run"](
            date(2026, 3, 8),
            date(2026, 3, 8),
            extra_env={
                "CSOPS_SOURCES": "zendesk",
                "ZENDESK_BASE_URL": fake.url,
                "ZENDESK_EMAIL": email,
                "ZENDESK_API_TOKEN": token,
            },
            exit_code=1,
        )
    finally:
        fake.stop()
    err = failed.stderr
    assert "FAILED" in err
    assert "  failed: zendesk/tickets raw_expectations" in err
    shown = read_manifest(serving)
    assert f"serving:   NOT published this run; {serving} still shows: {shown.summary()}" in err
    assert fingerprint(serving) == before


def test_nothing_left_127_0_0_1(pipeline, netguard_log):
    assert netguard_log.read_text() == ""


def test_each_mart_records_its_row_count_in_the_dagster_instance(pipeline, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(pipeline["root"] / "dagster_home"))
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["marts", "fct_contacts"]))
    recorded = event.asset_materialization.metadata["dagster/row_count"].value
    assert recorded == query(pipeline["root"], "select count(*) from marts.fct_contacts")[0][0]
