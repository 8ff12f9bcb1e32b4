"""The benchmark's shift rosters: written once per key, landed with the history, and on the
extra day only when a week's file is new or changed; the raw checks and the scan floor read
them with the other streams.

A small org over two ISO weeks (2024-01-01 is a Monday, week 1), the real simulator, the
real file landing into a temporary lake, and the real raw-check functions; no dbt build.
"""

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from benchmarks.stages import (
    LANDED_STREAMS,
    ROSTER_MANIFEST,
    Workspace,
    land_shifts,
    proportions,
    scan_floor,
    update_shifts,
    write_shifts,
)
from connectors.landing import LandingWriter
from pipelines.quality import read_landed, validate_frame
from simulator.bulk import BulkSummary
from simulator.org import SimConfig

FIRST, LAST = date(2024, 1, 1), date(2024, 1, 14)  # ISO weeks 2024-W01 and W02, whole
CONFIG_NOW = datetime(2024, 1, 17, tzinfo=UTC)


def config() -> SimConfig:
    return SimConfig(
        seed=3, tickets_per_day=4, chats_per_day=3, agents=6, history_start=FIRST, now=CONFIG_NOW
    )


def csv_rows(path: Path) -> int:
    """Data lines of a roster file, counted apart from the landing code: lines less the header."""
    return len(path.read_text().splitlines()) - 1


def test_the_rosters_are_reused_for_the_same_key_and_hold_the_history_weeks_only(tmp_path):
    folder = tmp_path / "spool" / "shifts"
    first = write_shifts(config(), folder, FIRST, LAST)
    names = sorted(p.name for p in folder.glob("*.csv"))
    assert names == ["roster_2024-W01.csv", "roster_2024-W02.csv"]
    assert (first["reused"], first["files"]) == (False, 2)
    assert first["rows"] == sum(csv_rows(folder / name) for name in names)
    assert (folder / ROSTER_MANIFEST).exists()

    assert write_shifts(config(), folder, FIRST, LAST)["reused"] is True

    # An earlier run's extra day added the next week: the history no longer holds it.
    (folder / "roster_2024-W03.csv").write_text("agent_email,start,end,activity_type\n")
    again = write_shifts(config(), folder, FIRST, LAST)
    assert again["reused"] is True
    assert sorted(p.name for p in folder.glob("*.csv")) == names

    # A file that is not the one recorded (edited by hand): written again, same as at first.
    week_one = folder / "roster_2024-W01.csv"
    original = week_one.read_text()
    week_one.write_text(original.replace("Lunch", "Break", 1))
    rewritten = write_shifts(config(), folder, FIRST, LAST)
    assert rewritten["reused"] is False
    assert week_one.read_text() == original

    # Another range is another key.
    assert write_shifts(config(), folder, FIRST, date(2024, 1, 7))["reused"] is False
    assert sorted(p.name for p in folder.glob("*.csv")) == ["roster_2024-W01.csv"]


def test_the_extra_day_lands_a_week_file_only_when_it_is_new(tmp_path):
    folder, lake = tmp_path / "shifts", tmp_path / "lake"
    write_shifts(config(), folder, FIRST, LAST)
    history = BulkSummary()
    landed = land_shifts(folder, lake, FIRST, LAST, history)
    week_rows = {p.name: csv_rows(p) for p in folder.glob("*.csv")}
    assert (landed["files_landed"], landed["files_unchanged"], landed["rejected"]) == (2, 0, 0)
    # Every roster row lands, and one `files` row per file version.
    assert history.rows["shifts/activities"] == landed["rows"] == sum(week_rows.values())
    assert history.rows["shifts/files"] == 2

    # Monday 2024-01-15 opens week 3: its file is new and lands on the extra day.
    monday = date(2024, 1, 15)
    written = update_shifts(config(), folder, monday)
    assert written["changed"] == ["roster_2024-W03.csv"]
    extra = BulkSummary()
    landed = land_shifts(folder, lake, monday, monday, extra)
    assert (landed["files_landed"], landed["files_unchanged"]) == (1, 2)
    assert extra.rows["shifts/activities"] == csv_rows(folder / "roster_2024-W03.csv")
    assert extra.rows["shifts/files"] == 1

    # Tuesday: week 3 was exported on Monday and has not changed, so nothing lands.
    tuesday = date(2024, 1, 16)
    assert update_shifts(config(), folder, tuesday)["changed"] == []
    quiet = BulkSummary()
    landed = land_shifts(folder, lake, tuesday, tuesday, quiet)
    assert (landed["files_landed"], landed["files_unchanged"], landed["rows"]) == (0, 3, 0)
    assert quiet.total == 0


def test_the_scan_floor_and_the_raw_checks_read_the_team_streams(tmp_path):
    assert {("zendesk_qa", "reviews"), ("shifts", "activities"), ("shifts", "files")} <= set(
        LANDED_STREAMS
    )
    folder, lake = tmp_path / "shifts", tmp_path / "lake"
    write_shifts(config(), folder, FIRST, LAST)
    LandingWriter(lake).ensure_streams()
    summary = BulkSummary()
    land_shifts(folder, lake, FIRST, LAST, summary)

    floor = scan_floor(lake)
    assert floor["per_stream"]["shifts/activities"] == summary.rows["shifts/activities"]
    assert floor["per_stream"]["shifts/files"] == 2
    assert floor["per_stream"]["zendesk_qa/reviews"] == 0  # placeholder only

    # The files land in the range's last day, where the raw checks of the range read them.
    for stream, rows in (("activities", summary.rows["shifts/activities"]), ("files", 2)):
        result = validate_frame("shifts", stream, read_landed(lake, "shifts", stream, FIRST, LAST))
        assert (result.rows, result.success) == (rows, True)


def test_proportions_divide_reviews_by_resolved_contacts_and_rows_by_agent_weeks(tmp_path):
    workspace = Workspace(tmp_path / "S")
    workspace.root.mkdir()
    with duckdb.connect(str(workspace.warehouse)) as con:
        con.execute("create schema marts")
        # 40 contacts, 30 of them resolved, 25 of those by an agent (no agent on 25..29);
        # 2 reviews.
        con.execute(
            "create table marts.fct_contacts as select i < 30 as is_resolved, "
            "case when i < 25 or i >= 30 then i end as agent_key from range(40) t(i)"
        )
        con.execute("create table marts.fct_qa_reviews as select i from range(2) t(i)")
    folder = tmp_path / "shifts"
    folder.mkdir()
    # Two agents in week 1 (3 rows and 1 row), one of them in week 2 (2 rows).
    header = "agent_email,start,end,activity_type\n"
    shift = "2024-01-0{d}T09:00:00+00:00,2024-01-0{d}T17:00:00+00:00,Shift\n"
    (folder / "w1.csv").write_text(
        header
        + "".join(f"a@x.test,{shift.format(d=d)}" for d in (1, 2, 3))
        + f"b@x.test,{shift.format(d=1)}"
    )
    (folder / "w2.csv").write_text(
        header + "".join(f"a@x.test,{shift.format(d=d)}" for d in (8, 9))
    )
    land_shifts(folder, workspace.lake, FIRST, LAST, BulkSummary())
    # 2 / 30 = 6.67 per 100, 2 / 25 = 8.0 per 100 resolved by an agent; 6 rows over 3
    # agent-weeks (a/w1, b/w1, a/w2) = 2.0.
    assert proportions(workspace) == {
        "resolved_contacts": 30,
        "resolved_by_an_agent": 25,
        "qa_reviews": 2,
        "qa_reviews_per_100_resolved": 6.67,
        "qa_reviews_per_100_resolved_by_an_agent": 8.0,
        "shift_rows": 6,
        "agent_weeks": 3,
        "shift_rows_per_agent_week": 2.0,
    }
