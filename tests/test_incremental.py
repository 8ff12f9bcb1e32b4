"""Incremental correctness: day windows, future windows, idempotent re-reads, late updates,
duplicates across pages and pages out of order, landed through the real landing writer."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from connector_fixtures import EMAIL, END, IC_TOKEN, START, TF_TOKEN, ZD_TOKEN, E, S
from dbt_runner import run_dbt
from fakes.intercom import FakeIntercom
from fakes.typeform import FakeTypeform
from fakes.zendesk import FakeZendesk, iso

from connectors.intercom import IntercomConnector
from connectors.lake import day_dir
from connectors.landing import LandingWriter
from connectors.typeform import TypeformConnector
from connectors.zendesk import ZendeskConnector
from pipelines.landing import land_source_range

DAY = date(2026, 3, 2)  # the shared fixtures' window, START..END
NO_WAIT = {"sleep": lambda seconds: None, "backoff_base": 0.01}


@pytest.fixture
def typeform_api(typeform_api: FakeTypeform) -> FakeTypeform:
    typeform_api.forms = {"f1": {"id": "f1", "title": "NPS", "fields": []}}
    return typeform_api


def zendesk(fake: FakeZendesk) -> ZendeskConnector:
    return ZendeskConnector(fake.url, EMAIL, ZD_TOKEN, page_size=2, http_options=NO_WAIT)


def intercom(fake: FakeIntercom) -> IntercomConnector:
    return IntercomConnector(IC_TOKEN, fake.url, per_page=2, http_options=NO_WAIT)


def typeform(fake: FakeTypeform) -> TypeformConnector:
    return TypeformConnector(TF_TOKEN, ("f1",), fake.url, page_size=2, http_options=NO_WAIT)


def ticket(ident: int, updated: int, status: str = "open") -> dict:
    return {
        "id": ident,
        "created_at": iso(S - 86400),
        "updated_at": iso(updated),
        "status": status,
        "via": {"channel": "web"},
    }


def conversation(ident: str, updated: int) -> dict:
    return {"type": "conversation", "id": ident, "created_at": S - 60, "updated_at": updated}


def response(token: str, submitted: int) -> dict:
    return {"token": token, "response_id": token, "submitted_at": iso(submitted), "answers": []}


def landed(lake: Path, source: str, stream: str, day: date, column: str = "id") -> list:
    """The values of one column in a day's batch (exactly one file per landed day)."""
    files = sorted(day_dir(lake, source, stream, day).glob("*.parquet"))
    assert len(files) == 1, files
    return sorted(pq.read_table(files[0]).column(column).to_pylist())


def test_a_day_lands_exactly_the_records_updated_in_it(
    zendesk_api, intercom_api, typeform_api, tmp_path
):
    before, first, last, after = S - 1, S, E - 1, E
    zendesk_api.tickets = [ticket(i, t) for i, t in enumerate((before, first, last, after), 1)]
    intercom_api.conversations = [
        conversation(f"c{i}", t) for i, t in enumerate((before, first, last, after), 1)
    ]
    typeform_api.responses = {
        "f1": [response(f"r{i}", t) for i, t in enumerate((before, first, last, after), 1)]
    }
    writer = LandingWriter(tmp_path)
    for connector in (zendesk(zendesk_api), intercom(intercom_api), typeform(typeform_api)):
        land_source_range(connector, writer, DAY, DAY)

    assert landed(tmp_path, "zendesk", "tickets", DAY) == [2, 3]
    assert landed(tmp_path, "intercom", "conversations", DAY) == ["c2", "c3"]
    assert landed(tmp_path, "typeform", "responses", DAY, "response_id") == ["r2", "r3"]


def test_a_window_in_the_future_yields_nothing(zendesk_api, intercom_api, typeform_api):
    now = int(datetime.now(UTC).timestamp())
    zendesk_api.tickets = [ticket(1, now - 60)]
    intercom_api.conversations = [conversation("c1", now - 60)]
    typeform_api.responses = {"f1": [response("r1", now - 60)]}
    tomorrow = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow += timedelta(days=1)
    window = (tomorrow, tomorrow + timedelta(days=1))
    for connector in (zendesk(zendesk_api), intercom(intercom_api), typeform(typeform_api)):
        assert list(connector.extract_events(*window)) == [], connector.source


def test_reading_the_same_window_twice_lands_identical_files(zendesk_api, tmp_path):
    zendesk_api.tickets = [ticket(i, S + 60 * i) for i in range(1, 6)]
    zendesk_api.audits = {2: [{"id": 20, "ticket_id": 2, "created_at": iso(S), "events": []}]}
    extracted = datetime(2026, 3, 3, 2, tzinfo=UTC)
    snapshots = []
    for lake in (tmp_path / "first", tmp_path / "second"):
        writer = LandingWriter(lake)
        items = list(zendesk(zendesk_api).extract_events(START, END))
        for stream in ("tickets", "ticket_audits"):
            records = [x for x in items if x.stream == stream]
            writer.land("zendesk", stream, DAY, records, START, END, extracted)
        snapshots.append(
            {str(p.relative_to(lake)): p.read_bytes() for p in lake.rglob("*.parquet")}
        )
    # Two batches, and the two days they landed in the manifest of landed windows.
    assert snapshots[0] == snapshots[1] and len(snapshots[0]) == 4

    # Through the pipeline's glue, a re-run replaces the day: still one file, same rows.
    writer = LandingWriter(tmp_path / "rerun")
    for _ in range(2):
        land_source_range(zendesk(zendesk_api), writer, DAY, DAY)
    assert landed(tmp_path / "rerun", "zendesk", "tickets", DAY) == [1, 2, 3, 4, 5]


def test_duplicates_across_pages_are_landed_once_per_batch(zendesk_api, intercom_api, tmp_path):
    # Page size 2: the repeated versions sit on different pages.
    zendesk_api.tickets = [ticket(1, S + 1), ticket(2, S + 2), ticket(1, S + 1), ticket(3, S + 3)]
    zendesk_api.tickets.append(ticket(2, S + 5, "solved"))
    intercom_api.conversations = [
        conversation("c1", S + 1),
        conversation("c2", S + 2),
        conversation("c1", S + 3),
    ]
    writer = LandingWriter(tmp_path)
    land_source_range(zendesk(zendesk_api), writer, DAY, DAY)
    land_source_range(intercom(intercom_api), writer, DAY, DAY)

    assert landed(tmp_path, "zendesk", "tickets", DAY) == [1, 2, 3]
    assert landed(tmp_path, "zendesk", "tickets", DAY, "status").count("solved") == 1
    assert landed(tmp_path, "intercom", "conversations", DAY) == ["c1", "c2"]
    assert len(intercom_api.calls("/conversations/c1")) == 1  # read in full once


def test_pages_out_of_order_lose_no_record(zendesk_api, intercom_api, tmp_path):
    # Zendesk's export follows its own generated time; Intercom chooses the search's order.
    zendesk_api.export_sorted = False
    zendesk_api.tickets = [ticket(i, S + (7 - i) * 600) for i in range(1, 8)]
    intercom_api.newest_first = True
    intercom_api.conversations = [conversation(f"c{i}", S + i * 60) for i in range(1, 6)]
    writer = LandingWriter(tmp_path)
    land_source_range(zendesk(zendesk_api), writer, DAY, DAY)
    land_source_range(intercom(intercom_api), writer, DAY, DAY)

    assert landed(tmp_path, "zendesk", "tickets", DAY) == list(range(1, 8))
    assert landed(tmp_path, "intercom", "conversations", DAY) == [f"c{i}" for i in range(1, 6)]


def test_a_record_updated_on_a_later_day_lands_there_and_the_marts_show_its_latest_state(
    zendesk_api, tmp_path
):
    day2 = DAY + timedelta(days=1)
    lake = tmp_path / "lake"
    writer = LandingWriter(lake)
    writer.ensure_streams()
    zendesk_api.tickets = [ticket(7, S + 3600, "open"), ticket(8, S + 7200, "open")]
    land_source_range(zendesk(zendesk_api), writer, DAY, DAY)

    # Ticket 7 is solved the next day: the export now holds only its latest version.
    zendesk_api.tickets = [ticket(8, S + 7200, "open"), ticket(7, E + 3600, "solved")]
    land_source_range(zendesk(zendesk_api), writer, day2, day2)
    assert landed(lake, "zendesk", "tickets", day2) == [7]
    assert landed(lake, "zendesk", "tickets", day2, "status") == ["solved"]

    # Re-running the first day now leaves ticket 7 to the day it was last updated.
    land_source_range(zendesk(zendesk_api), writer, DAY, DAY)
    assert landed(lake, "zendesk", "tickets", DAY) == [8]

    warehouse = tmp_path / "warehouse.duckdb"
    build = run_dbt(
        tmp_path,
        lake,
        "build",
        "--select",
        "+fct_tickets",
        # Only tests of the selected models (not those that also read unbuilt ones), and not
        # the singular tests that read other sources' staging models.
        "--indirect-selection",
        "cautious",
        "--exclude",
        "test_type:singular",
    )
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        got = con.execute(
            "select ticket_id, status, updated_at from staging.stg_zendesk__tickets order by 1"
        ).fetchall()
        mart = con.execute(
            "select ticket_id, status, is_solved from marts.fct_tickets order by 1"
        ).fetchall()
    assert got == [
        (7, "solved", END + timedelta(hours=1)),
        (8, "open", START + timedelta(hours=2)),
    ]
    assert mart == [(7, "solved", True), (8, "open", False)]


def user(ident: int, updated: int, name: str = "") -> dict:
    return {
        "id": ident,
        "name": name or f"user {ident}",
        "role": "end-user",
        "created_at": iso(S - 30 * 86400),
        "updated_at": iso(updated),
    }


def test_users_land_incrementally_from_the_latest_change_of_an_earlier_day(zendesk_api, tmp_path):
    day2 = DAY + timedelta(days=1)
    lake = tmp_path / "lake"
    writer = LandingWriter(lake)
    writer.ensure_streams()
    exports = "/api/v2/incremental/users/cursor.json"

    def starts() -> list[int]:
        return [
            int(c.query["start_time"])
            for c in zendesk_api.calls(exports)
            if "start_time" in c.query
        ]

    # Day 1 on an empty lake: the whole history (start_time 0).
    zendesk_api.users = [user(1, S - 10 * 86400), user(2, S + 200)]
    land_source_range(zendesk(zendesk_api), writer, DAY, DAY)
    assert landed(lake, "zendesk", "users", DAY) == [1, 2]
    assert starts() == [0]

    # Day 2: from day 1's latest change (S + 200) less the hour of overlap. User 1 has not
    # changed since long before: it is not read again. User 2 changed, user 3 is new.
    zendesk_api.users = [user(1, S - 10 * 86400), user(2, E + 300, "renamed"), user(3, E + 400)]
    land_source_range(zendesk(zendesk_api), writer, day2, day2)
    assert starts() == [0, S + 200 - 3600]
    assert landed(lake, "zendesk", "users", day2) == [2, 3]

    # Re-running day 1 reads from before day 1 (nothing: the whole history again), so its
    # file loses no user; re-running day 2 then starts at the latest change day 1 now holds.
    land_source_range(zendesk(zendesk_api), writer, DAY, DAY)
    assert starts()[-1] == 0
    assert landed(lake, "zendesk", "users", DAY) == [1, 2, 3]
    land_source_range(zendesk(zendesk_api), writer, day2, day2)
    assert starts()[-1] == E + 400 - 3600
    assert landed(lake, "zendesk", "users", day2) == [2, 3]
