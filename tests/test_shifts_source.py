"""The shifts source: CSV files in a folder, landed by file version, bad rows set aside.

Real files in temporary folders, the real landing code, and one selective dbt build of the
staging model (the latest version of each file is the one in force).
"""

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from dbt_runner import build_warehouse, rows, run_dbt
from landing_fixtures import write_empty_streams

from connectors.errors import ConfigError, ConnectorError
from connectors.file_landing import land_files, latest_versions
from connectors.lake import rejected_stream_dir, stream_dir
from connectors.registry import connectors_from_env
from connectors.shifts import ShiftsConnector, list_files
from pipelines.quality import read_landed, validate_frame
from pipelines.source_check import check_connector
from simulator.bulk import land_history
from simulator.org import SimConfig, SupportOrg
from simulator.shifts import agent_week, week_csv, write_shift_files

DAY = date(2026, 3, 2)
START = datetime(2026, 3, 2, tzinfo=UTC)
END = START + timedelta(days=1)

HEADER = "agent_email,start,end,activity_type\n"
WEEK_ONE = (
    HEADER
    + "alice@x.test,2026-03-02T09:00:00+01:00,2026-03-02T17:00:00+01:00,Shift\n"
    + "alice@x.test,2026-03-02T12:00:00+01:00,2026-03-02T12:30:00+01:00,Lunch\n"
)


def land(lake: Path, folder: Path, moment: datetime):
    """One landing of the folder, as the raw asset does it (the run's last day: DAY)."""
    return land_files(lake, list_files(folder), DAY, START, END, moment)


def batches(lake: Path, stream: str) -> list[Path]:
    return sorted(p for p in stream_dir(lake, "shifts", stream).glob("date=2026-*/*.parquet"))


def test_a_file_is_landed_once_and_again_only_when_its_content_changes(tmp_path: Path):
    lake, folder = tmp_path / "lake", tmp_path / "shifts"
    folder.mkdir()
    roster = folder / "week.csv"
    roster.write_text(WEEK_ONE)

    first = land(lake, folder, END + timedelta(hours=1))
    assert (first.landed, first.rows, first.rejected) == (["week.csv"], 2, 0)
    landed = pq.read_table(batches(lake, "activities")[0]).to_pylist()
    # The row's text as written, the file and line, and the times read as UTC (+01:00 -> -1 h).
    assert [(r["file"], r["line"], r["start_text"], r["activity_type"]) for r in landed] == [
        ("week.csv", 2, "2026-03-02T09:00:00+01:00", "Shift"),
        ("week.csv", 3, "2026-03-02T12:00:00+01:00", "Lunch"),
    ]
    assert landed[0]["start_at"] == datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert landed[0]["_raw"] == (
        "alice@x.test,2026-03-02T09:00:00+01:00,2026-03-02T17:00:00+01:00,Shift"
    )

    # Unchanged: nothing is read or written again.
    again = land(lake, folder, END + timedelta(hours=2))
    assert (again.landed, again.unchanged) == ([], ["week.csv"])
    # Touched (a new modification time) but the same bytes: not landed again either.
    later = roster.stat().st_mtime + 60
    os.utime(roster, (later, later))
    touched = land(lake, folder, END + timedelta(hours=3))
    assert (touched.landed, touched.unchanged) == ([], ["week.csv"])
    assert len(batches(lake, "activities")) == 1 and len(batches(lake, "files")) == 1

    # Re-exported with a correction: a new version, landed whole beside the first.
    roster.write_text(WEEK_ONE.replace("17:00:00+01:00,Shift", "18:00:00+01:00,Shift"))
    changed = land(lake, folder, END + timedelta(hours=4))
    assert (changed.landed, changed.rows) == (["week.csv"], 2)
    assert len(batches(lake, "activities")) == 2 and len(batches(lake, "files")) == 2
    assert latest_versions(lake)["week.csv"].size == roster.stat().st_size


def test_bad_rows_are_set_aside_with_the_reason_the_file_and_the_line(tmp_path: Path):
    lake, folder = tmp_path / "lake", tmp_path / "shifts"
    (folder / "emea").mkdir(parents=True)
    (folder / "emea" / "march.csv").write_text(
        "Agent_Email, start ,END,activity_type\n"  # header names: any case, spaces trimmed
        "bob@x.test,2026-03-02T08:00:00Z,2026-03-02T16:00:00Z,Chat\n"
        ",2026-03-02T08:00:00Z,2026-03-02T09:00:00Z,Chat\n"
        "bob@x.test,2026-03-02 08:00,2026-03-02T09:00:00Z,Chat\n"
        "\n"
        "bob@x.test,2026-03-02T08:00:00Z,tomorrow,Chat\n"
        "bob@x.test,2026-03-02T10:00:00Z,2026-03-02T10:00:00Z,Break\n"
        "bob@x.test,2026-03-02T10:00:00Z,2026-03-02T11:00:00Z\n"
        "bob@x.test,2026-03-02T10:00:00Z,2026-03-02T11:00:00Z,\n"
    )
    (folder / "other.csv").write_text("email,from,to,type\nbob@x.test,a,b,c\n")
    (folder / ".hidden.csv").write_text(WEEK_ONE)  # a sync tool's temporary copy: not read
    (folder / "notes.txt").write_text("not a roster")

    summary = land(lake, folder, END + timedelta(hours=1))

    assert summary.landed == ["emea/march.csv", "other.csv"]
    assert (summary.rows, summary.rejected) == (1, 7)
    rejected = duckdb.sql(
        f"select reason, _raw from read_parquet('{rejected_stream_dir(lake, 'shifts', 'activities')}"
        "/*/*.parquet') order by reason"
    ).fetchall()
    reasons = [reason for reason, _ in rejected]
    assert reasons == [
        "emea/march.csv line 3: agent_email is empty",
        (
            "emea/march.csv line 4: start '2026-03-02 08:00' has no UTC offset (write it as "
            "e.g. 2026-03-02T09:00:00+01:00 or ...Z): without one its moment is unknown"
        ),
        "emea/march.csv line 6: end 'tomorrow' is not an ISO-8601 time",
        (
            "emea/march.csv line 7: end '2026-03-02T10:00:00Z' is not after start "
            "'2026-03-02T10:00:00Z'"
        ),
        "emea/march.csv line 8: 3 fields, the header has 4",
        "emea/march.csv line 9: activity_type is empty",
        (
            "other.csv line 1: header: missing column(s) agent_email, start, end, "
            "activity_type; unknown column(s) 'email', 'from', 'to', 'type'; the header must "
            "name exactly the columns agent_email, start, end, activity_type (any order), so "
            "the whole file was set aside"
        ),
    ]
    # The original text travels with the reason.
    assert rejected[0][1] == ",2026-03-02T08:00:00Z,2026-03-02T09:00:00Z,Chat"
    assert rejected[-1][1] == "email,from,to,type"
    # The version record counts both, so nothing vanishes between the file and the lake.
    versions = duckdb.sql(
        f"select file, rows, rejected from read_parquet('{stream_dir(lake, 'shifts', 'files')}"
        "/*/*.parquet') order by file"
    ).fetchall()
    assert versions == [("emea/march.csv", 1, 6), ("other.csv", 0, 1)]


def test_the_staging_model_keeps_only_the_latest_version_of_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    lake, folder = tmp_path / "lake", tmp_path / "shifts"
    write_empty_streams(lake)
    folder.mkdir()
    (folder / "a.csv").write_text(WEEK_ONE)
    (folder / "b.csv").write_text(
        HEADER + "carol@x.test,2026-03-03T22:00:00Z,2026-03-04T06:00:00Z,Phone\n"
    )
    land(lake, folder, END + timedelta(hours=1))
    # a.csv corrected: its Lunch is gone and the shift is an hour longer; b.csv unchanged.
    (folder / "a.csv").write_text(
        HEADER + " Alice@X.test ,2026-03-02T09:00:00+01:00,2026-03-02T18:00:00+01:00,Shift\n"
    )
    land(lake, folder, END + timedelta(hours=2))

    result = run_dbt(
        tmp_path, lake, "build", "--select", "stg_shifts__activities",
        "--exclude-resource-type", "unit_test",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    monkeypatch.chdir(tmp_path)  # the staging view reads the lake by its path relative to dbt's
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        staged = rows(
            con,
            "select file, line, agent_email, activity_type, start_at, end_at"
            " from staging.stg_shifts__activities order by file, line",
        )
    # a.csv: only its second version (one row, email lower-cased and trimmed); b.csv as is.
    assert staged == [
        {
            "file": "a.csv",
            "line": 2,
            "agent_email": "alice@x.test",
            "activity_type": "Shift",
            "start_at": datetime(2026, 3, 2, 8, tzinfo=UTC),
            "end_at": datetime(2026, 3, 2, 17, tzinfo=UTC),
        },
        {
            "file": "b.csv",
            "line": 2,
            "agent_email": "carol@x.test",
            "activity_type": "Phone",
            "start_at": datetime(2026, 3, 3, 22, tzinfo=UTC),
            "end_at": datetime(2026, 3, 4, 6, tzinfo=UTC),
        },
    ]


def test_the_folder_is_configured_and_checked_like_the_api_sources(tmp_path: Path):
    with pytest.raises(ConfigError, match="CSOPS_SHIFTS_DIR") as raised:
        connectors_from_env(["shifts"], {})
    assert raised.value.variables == ("CSOPS_SHIFTS_DIR",)

    missing = ShiftsConnector(tmp_path / "nowhere")
    verdict = check_connector(missing)
    assert not verdict.ok and verdict.fix == ("CSOPS_SHIFTS_DIR",)
    assert f"the folder {tmp_path / 'nowhere'} (CSOPS_SHIFTS_DIR) does not exist" in verdict.advice
    with pytest.raises(ConnectorError, match="does not exist"):
        missing.files()

    (tmp_path / "rosters").mkdir()
    (tmp_path / "rosters" / "w1.csv").write_text(WEEK_ONE)
    (tmp_path / "rosters" / "w2.CSV").write_text(WEEK_ONE)
    [connector] = connectors_from_env(["shifts"], {"CSOPS_SHIFTS_DIR": str(tmp_path / "rosters")})
    verdict = check_connector(connector)
    assert verdict.ok
    assert verdict.line() == (
        f"shifts: ok: folder {tmp_path / 'rosters'} is readable and holds 2 CSV file(s)"
    )


def test_the_simulated_rosters_rotate_weekends_and_nights_and_overwork_a_few(tmp_path: Path):
    org = SupportOrg(SimConfig(now=datetime(2026, 4, 1, tzinfo=UTC)))
    monday = date(2026, 3, 2)
    written = write_shift_files(org, tmp_path, monday, monday + timedelta(days=13))
    assert [p.name for p in written] == ["roster_2026-W10.csv", "roster_2026-W11.csv"]
    # Written again: the same bytes, and a file already right is not rewritten.
    before = written[0].stat().st_mtime_ns
    write_shift_files(org, tmp_path, monday, monday)
    assert written[0].stat().st_mtime_ns == before
    assert written[0].read_text() == week_csv(org, monday)

    kinds, night, weekend, hours = set(), 0, 0, {}
    for agent in org.directory.agents:
        for start, end, kind in agent_week(org, agent, monday):
            kinds.add(kind)
            local = start.astimezone(agent.team.schedule.zone)
            night += local.hour >= 22
            weekend += local.isoweekday() >= 6
            # Net work: work activities less the lunch and break inside them (time off and
            # training are counted as work here: they change no agent's count below).
            sign = {"Lunch": -1, "Break": -1, "Training": 0, "PTO": 0, "Sick": 0}.get(kind, 1)
            hours[agent.index] = hours.get(agent.index, 0) + sign * (end - start) / timedelta(
                hours=1
            )
    assert {"Lunch", "Break", "Training", "PTO"} <= kinds
    assert night > 0 and weekend > 0
    # A few agents, not most, work more than 40 hours: long days are 5 x (10.5 - 0.5 lunch -
    # 0.25 break) = 48.75 h, and a week without a day off 5 x 7.75 + 2 x 6 = 50.75 h, while a
    # usual week is 5 x (8.5 - 0.75) = 38.75 h and a Saturday on rotation, with its Monday off,
    # 4 x 7.75 + 6 = 37 h.
    over = [index for index, total in hours.items() if total > 40]
    assert 0 < len(over) <= len(org.directory.agents) // 4, (len(over), len(hours))
    assert any(total > 45 for total in hours.values())


def test_landed_shift_files_meet_their_raw_suites(tmp_path: Path):
    lake, folder = tmp_path / "lake", tmp_path / "shifts"
    folder.mkdir()
    (folder / "week.csv").write_text(WEEK_ONE + "bob@x.test,2026-03-02T10:00:00Z,bad,Chat\n")
    land(lake, folder, END + timedelta(hours=1))
    for stream, landed_rows in (("activities", 2), ("files", 1)):
        result = validate_frame("shifts", stream, read_landed(lake, "shifts", stream, DAY, DAY))
        assert (result.rows, result.failed, result.success) == (landed_rows, [], True)


# The one scenario build of this module: two weeks of a small simulated org (the week of
# 2024-03-04 and the one after the US spring DST change), its help-desk history landed by the
# bulk path and its rosters by the shift landing, built up to the two workload marts.
SCENARIO = SimConfig(
    seed=5,
    tickets_per_day=10,
    chats_per_day=8,
    agents=8,
    history_start=date(2024, 3, 4),
    now=datetime(2024, 3, 18, tzinfo=UTC),
)


@pytest.fixture(scope="module")
def workload(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    root = tmp_path_factory.mktemp("shift_scenario")
    lake, folder = root / "lake", root / "rosters"
    first, last = date(2024, 3, 4), date(2024, 3, 17)
    land_history(SCENARIO, lake, first, last, datetime(2024, 3, 18, 6, tzinfo=UTC))
    write_empty_streams(lake)
    write_shift_files(SupportOrg(SCENARIO), folder, first, last)
    start = datetime(2024, 3, 4, tzinfo=UTC)
    land_files(lake, list_files(folder), last, start, start + timedelta(days=14), SCENARIO.now)
    return build_warehouse(
        root,
        lake,
        "--select",
        "+kpi_agent_workload_weekly",
        "+kpi_shift_fairness_weekly",
        # Only the tests whose models are all built here (not those that also read a fact
        # this selection leaves out).
        "--indirect-selection",
        "cautious",
        team_subjects=True,
    )


def test_the_simulated_rosters_give_every_workload_mart_rows(workload):
    shifts = rows(
        workload,
        "select count(*) as activities, count(agent_key) as matched, sum(work_minutes) as work,"
        " sum(night_work_minutes) as night, count(*) filter (where is_weekend and"
        " work_minutes > 0) as weekend_work from marts.fct_agent_shifts",
    )[0]
    # Every roster email is a help-desk agent's; nights (the escalation team's rotation) and
    # weekend work (the Saturday rotation) are there.
    assert shifts["activities"] > 0 and shifts["matched"] == shifts["activities"]
    assert shifts["night"] > 0 and shifts["weekend_work"] > 0
    weeks = rows(
        workload,
        "select sum(scheduled_work_minutes) as work, count(*) filter (where is_overworked)"
        " as overworked, sum(active_minutes) as active, sum(active_outside_shift_minutes)"
        " as outside from marts.kpi_agent_workload_weekly",
    )[0]
    # The weekly mart re-adds the activities' minutes; a few agents are overworked; agents
    # act in the help desk both inside and outside their shifts.
    assert weeks["work"] == shifts["work"]
    assert weeks["overworked"] > 0
    assert 0 < weeks["outside"] < weeks["active"]
    fairness = rows(
        workload,
        "select week_start, count(*) as teams, sum(agents) as agents"
        " from marts.kpi_shift_fairness_weekly group by 1 order by 1",
    )
    assert [row["week_start"] for row in fairness] == [date(2024, 3, 4), date(2024, 3, 11)]
    assert all(row["teams"] == 5 for row in fairness)
