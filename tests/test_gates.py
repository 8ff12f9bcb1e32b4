"""Gates after landing and after the models: a day corrupted on purpose (a burst of
unparseable records, a 40 % drop in volume, a day the marts lost) fails the right check with
words a data engineer can act on, while clean data passes. Real lakes and DuckDB files."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from connectors.lake import rejected_stream_dir
from connectors.landing import LandingWriter
from pipelines.defs.raw.assets import raw_asset_key
from pipelines.defs.raw.checks import RAW_CHECKS, REJECTED_CHECK_NAME
from pipelines.defs.resources import CsopsSettings
from pipelines.gates import missing_days, rejected_share, volume_findings

DAY = date(2026, 3, 4)


def ticket(ident: int) -> dict:
    return {
        "id": ident,
        "created_at": "2026-03-04T09:00:00Z",
        "updated_at": "2026-03-04T10:00:00Z",
        "status": "open",
        "priority": "normal",
        "via": {"channel": "web"},
        "tags": [],
    }


def land_tickets(lake: Path, good: int, garbage: int, day: date = DAY) -> None:
    """Land a day of tickets through the real writer: `garbage` records it cannot parse."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    end = start + timedelta(days=1)
    records = [ticket(i) for i in range(good)]
    records += [{"id": f"x{i}", "updated_at": "yesterday"} for i in range(garbage)]
    LandingWriter(lake).land("zendesk", "tickets", day, records, start, end, end)


def test_a_burst_of_unparseable_records_fails_with_where_they_are_and_what_to_do(tmp_path):
    lake = tmp_path / "lake"
    land_tickets(lake, good=60, garbage=40)  # 40 of 100 = 40 % > 1 %
    finding = rejected_share(lake, "zendesk", "tickets", DAY, DAY, max_pct=1.0)
    assert not finding.passed and finding.severity == "error"
    assert finding.metadata == {"records": 100, "rejected": 40, "rejected_pct": 40.0}
    assert "40 of 100 records (40.0 %) could not be parsed" in finding.message
    assert f"{rejected_stream_dir(lake, 'zendesk', 'tickets')}/" in finding.message
    assert "CSOPS_MAX_REJECTED_PCT" in finding.message and "re-run the days" in finding.message


def test_a_few_rejected_records_warn_and_none_pass(tmp_path):
    lake = tmp_path / "lake"
    land_tickets(lake, good=199, garbage=1)  # 1 of 200 = 0.5 % <= 1 %: a warning
    warned = rejected_share(lake, "zendesk", "tickets", DAY, DAY, max_pct=1.0)
    assert not warned.passed and warned.severity == "warn"
    assert "1 of 200 records (0.5 %)" in warned.message and "within the limit" in warned.message
    land_tickets(lake, good=200, garbage=0)  # the day re-landed clean
    assert rejected_share(lake, "zendesk", "tickets", DAY, DAY, max_pct=1.0).passed


def support_mart(
    path: Path, first_day: date, contacts: dict[date, int]
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema intermediate")
    con.execute(
        "create table intermediate.int_build__as_of (as_of timestamptz, first_window_start timestamptz)"
    )
    last = max(contacts)
    con.execute(
        "insert into intermediate.int_build__as_of values (?, ?)",
        [
            datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1),
            datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC),
        ],
    )
    con.execute(
        "create table marts.kpi_support_daily (date_day date, channel varchar, contacts_created integer)"
    )
    # Each day's contacts split over two channels: the gate sums them.
    rows = []
    for day, n in contacts.items():
        rows += [(day, "email", n // 2), (day, "chat", n - n // 2)]
    con.executemany("insert into marts.kpi_support_daily values (?, ?, ?)", rows)
    return con


def five_weeks(last_day_contacts: int) -> dict[date, int]:
    """Five weeks to Thursday 2026-03-12: 100 contacts every weekday, 40 on weekends, and
    the given number on the last day. Days before 02-06 hold only a few old contacts."""
    first = date(2026, 2, 6)
    days = {first - timedelta(days=i): 3 for i in range(1, 10)}  # before the landed history
    for i in range(35):
        day = first + timedelta(days=i)
        days[day] = 40 if day.isoweekday() >= 6 else 100
    days[date(2026, 3, 12)] = last_day_contacts
    return days


def test_a_forty_percent_drop_in_volume_warns_naming_the_day_and_its_weekday(tmp_path):
    # Thursday 03-12: 60 contacts against the 100 of each of the four Thursdays before
    # (02-12, 02-19, 02-26, 03-05): (60 - 100) / 100 = -40 %, beyond 30 %, and |60 - 100| = 40
    # is beyond chance, 3 x sqrt(100) = 30.
    con = support_mart(tmp_path / "w.duckdb", date(2026, 2, 6), five_weeks(60))
    finding = volume_findings(con, date(2026, 3, 6), date(2026, 3, 12), deviation_pct=30)
    assert not finding.passed and finding.severity == "warn"
    assert finding.message.startswith(
        "2026-03-12 (Thursday): 60 contacts created, 40 % below the 100 of an average Thursday"
    )
    assert "compare the raw assets' record counts" in finding.message
    # 03-06..03-11 were as usual; only the Thursday is named.
    assert finding.metadata["days_checked"] == 7 and finding.metadata["days_unusual"] == 1


def test_usual_volume_and_a_weekend_dip_pass(tmp_path):
    # 80 on Thursday: -20 %, within 30 %. Weekends are compared with weekends (40 vs 40).
    con = support_mart(tmp_path / "w.duckdb", date(2026, 2, 6), five_weeks(80))
    finding = volume_findings(con, date(2026, 3, 6), date(2026, 3, 12), deviation_pct=30)
    assert finding.passed, finding.message


def test_a_small_day_is_not_flagged_for_a_difference_chance_explains(tmp_path):
    # A desk of 9 contacts a day has a day of 5: -44 %, but |5 - 9| = 4 is within chance
    # (3 x sqrt(9) = 9), so no false alarm.
    days = {date(2026, 2, 6) + timedelta(days=i): 9 for i in range(35)}
    days[date(2026, 3, 12)] = 5
    con = support_mart(tmp_path / "w.duckdb", date(2026, 2, 6), days)
    assert volume_findings(con, date(2026, 3, 12), date(2026, 3, 12), 30).passed


def test_without_four_weeks_of_history_there_is_nothing_to_compare(tmp_path):
    days = {date(2026, 3, 1) + timedelta(days=i): 100 for i in range(12)}
    con = support_mart(tmp_path / "w.duckdb", date(2026, 3, 1), days)
    finding = volume_findings(con, date(2026, 3, 12), date(2026, 3, 12), 30)
    assert finding.passed and "nothing to compare with yet" in finding.message


def test_a_landed_day_missing_from_the_daily_mart_fails(tmp_path):
    lake = tmp_path / "lake"
    for day in (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)):
        land_tickets(lake, good=2, garbage=0, day=day)
    # The mart lost 03-03; as_of is the end of 03-04.
    con = support_mart(
        tmp_path / "w.duckdb", date(2026, 3, 2), {date(2026, 3, 2): 4, date(2026, 3, 4): 4}
    )
    finding = missing_days(con, lake)
    assert not finding.passed and finding.severity == "error"
    assert finding.message.startswith(
        "1 landed day(s) have no row in kpi_support_daily: 2026-03-03"
    )
    assert "full refresh" in finding.message
    con.execute("insert into marts.kpi_support_daily values ('2026-03-03', 'email', 0)")
    assert missing_days(con, lake).passed


# ---- the rejected-share gate in a real Dagster run ---------------------------------------------

ZENDESK_CHECKS = next(c for c in RAW_CHECKS if c.node_def.name == "raw_zendesk_expectations")


@dg.asset(
    key=raw_asset_key("zendesk", "tickets"),
    partitions_def=dg.DailyPartitionsDefinition("2026-01-01"),
)
def zendesk_tickets():
    """Stands in for the extraction: the test has already landed the day."""


@dg.asset(deps=[zendesk_tickets.key], partitions_def=dg.DailyPartitionsDefinition("2026-01-01"))
def ticket_model() -> None:
    """Stands in for the models that read the tickets."""


@pytest.mark.parametrize(("garbage", "blocked"), [(40, True), (0, False)])
def test_in_a_run_a_burst_of_rejected_records_blocks_the_models(
    garbage, blocked, tmp_path, monkeypatch
):
    lake = tmp_path / "lake"
    monkeypatch.setenv("CSOPS_LAKE", str(lake))
    land_tickets(lake, good=60, garbage=garbage)
    result = dg.materialize(
        [zendesk_tickets, ticket_model, ZENDESK_CHECKS],
        partition_key=DAY.isoformat(),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        selection=[zendesk_tickets.key, ticket_model.key],
        resources={"settings": CsopsSettings.from_env()},
    )
    [share] = [
        e for e in result.get_asset_check_evaluations() if e.check_name == REJECTED_CHECK_NAME
    ]
    assert share.passed is not blocked
    if blocked:
        assert share.severity == dg.AssetCheckSeverity.ERROR
        assert "40 of 100 records (40.0 %)" in share.description
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert (ticket_model.key in materialized) is not blocked
