"""Landing writer tests: typed Parquet per docs/landing.md, rejects, atomic day replacement."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from connectors.base import Extracted
from connectors.lake import (
    EMPTY_DAY,
    EMPTY_FILE,
    day_dir,
    manifest_dir,
    manifest_glob,
    rejected_dir,
)
from connectors.landing import STREAMS, LandingWriter, RecordRejected, parse_record

DAY = date(2026, 3, 2)
START = datetime(2026, 3, 2, tzinfo=UTC)
END = START + timedelta(days=1)
EXTRACTED = datetime(2026, 3, 3, 1, 2, 3, tzinfo=UTC)


def ticket(ident: int, updated: str = "2026-03-02T10:00:00Z", **extra) -> dict:
    return {
        "id": ident,
        "created_at": "2026-03-01T09:00:00Z",
        "updated_at": updated,
        "status": "open",
        "via": {"channel": "web", "source": {"from": {}}},
        "tags": ["vip", "billing"],
        "satisfaction_rating": {"score": "good"},
        "custom_fields": [{"id": 1, "value": None}],
        **extra,
    }


def land(writer: LandingWriter, stream: str, records, source: str = "zendesk", day: date = DAY):
    return writer.land(source, stream, day, records, START, END, EXTRACTED)


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    return con


def test_round_trip_types_match_the_landing_contract(tmp_path: Path):
    writer = LandingWriter(tmp_path)
    result = land(writer, "tickets", [ticket(2), Extracted("tickets", ticket(1), START)])

    assert result.rows == 2 and result.rejected == 0
    assert result.path.parent == day_dir(tmp_path, "zendesk", "tickets", DAY)
    con = connect()
    described = con.execute(f"describe select * from read_parquet('{result.path}')").fetchall()
    types = {name: kind for name, kind, *_ in described}
    assert types["id"] == "BIGINT" and types["updated_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["tags"] == "VARCHAR[]" and types["_raw"] == "VARCHAR"
    assert types["_window_end"] == "TIMESTAMP WITH TIME ZONE"
    rows = con.execute(
        f"select id, channel, satisfaction_score, tags, updated_at, _raw, _window_start "
        f"from read_parquet('{result.path}')"
    ).fetchall()
    assert [r[0] for r in rows] == [1, 2]  # sorted by id
    assert rows[0][1:4] == ("web", "good", ["vip", "billing"])
    assert rows[0][4] == datetime(2026, 3, 2, 10, tzinfo=UTC) and rows[0][6] == START
    assert json.loads(rows[0][5]) == ticket(1)  # the record as the API returned it


def test_nested_streams_land_as_lists_of_structs(tmp_path: Path):
    conversation = {
        "id": 123,
        "created_at": 1772409600,
        "updated_at": 1772413200,
        "admin_assignee_id": 42,
        "contacts": {"contacts": [{"id": "ct1"}]},
        "conversation_rating": {"rating": 4, "created_at": 1772413000, "teammate": {"id": 42}},
        "conversation_parts": {
            "conversation_parts": [
                {
                    "id": "p1",
                    "part_type": "comment",
                    "body": "<p>x</p>",
                    "created_at": 1772410000,
                    "author": {"type": "admin", "id": "42"},
                    "assigned_to": None,
                },
            ]
        },
    }
    result = land(LandingWriter(tmp_path), "conversations", [conversation], source="intercom")
    row = (
        connect()
        .execute(
            f"select id, admin_assignee_id, contact_id, rating, parts[1].author_id, parts[1].has_body, "
            f"parts[1].created_at from read_parquet('{result.path}')"
        )
        .fetchone()
    )
    assert row == ("123", "42", "ct1", 4, "42", True, datetime(2026, 3, 2, 0, 6, 40, tzinfo=UTC))


def test_audit_event_values_keep_strings_and_encode_lists_as_json():
    row = parse_record(
        "zendesk",
        "ticket_audits",
        {
            "id": 1,
            "ticket_id": 2,
            "created_at": "2026-03-02T10:00:00Z",
            "via": {"channel": "email"},
            "events": [
                {
                    "id": 10,
                    "type": "Change",
                    "field_name": "status",
                    "value": "solved",
                    "previous_value": "open",
                },
                {
                    "id": 11,
                    "type": "Change",
                    "field_name": "tags",
                    "value": ["a", "b"],
                    "previous_value": [],
                },
                {"id": 12, "type": "Comment", "public": True, "author_id": 7, "body": "hi"},
            ],
        },
    )
    assert [e["value"] for e in row["events"]] == ["solved", '["a","b"]', None]
    assert row["events"][2]["public"] is True and row["via_channel"] == "email"


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"id": "10", "type": "Change"}, "field id should be an integer, got str"),
        ({"id": 10, "type": 3}, "field type should be a string, got int"),
        ({"id": 10, "type": "Comment", "public": "yes"}, "field public should be a boolean"),
        ({"id": 10, "type": "Comment", "author_id": True}, "field author_id should be an integer"),
    ],
)
def test_an_audit_event_of_the_wrong_type_rejects_its_audit_with_the_field(event, reason):
    """The usual event shape is typed in one test; every other shape meets the strict readers."""
    audit = {"id": 1, "ticket_id": 2, "created_at": "2026-03-02T10:00:00Z", "events": [event]}
    with pytest.raises(RecordRejected, match=reason):
        parse_record("zendesk", "ticket_audits", audit)


def test_typeform_and_holiday_context_fill_required_columns():
    response = {
        "token": "t1",
        "submitted_at": "2026-03-02T10:00:00Z",
        "hidden": {"ticket_id": "9"},
        "answers": [
            {"field": {"id": "f", "ref": "csat", "type": "rating"}, "type": "number", "number": 4}
        ],
    }
    row = parse_record("typeform", "responses", response, {"form_id": "formA"})
    assert (row["response_id"], row["form_id"], row["hidden_ticket_id"]) == ("t1", "formA", "9")
    assert row["answers"][0]["number"] == 4.0 and row["answers"][0]["field_ref"] == "csat"
    with pytest.raises(RecordRejected, match="form_id"):
        parse_record("typeform", "responses", response)
    holiday = parse_record(
        "zendesk", "holidays", {"id": 1, "start_date": "2026-12-25"}, {"schedule_id": 5}
    )
    assert holiday["schedule_id"] == 5 and holiday["start_date"] == date(2026, 12, 25)


def test_rejected_records_are_kept_with_reason_and_original_text(tmp_path: Path):
    bad_type = ticket(3, status=5)
    no_updated = {k: v for k, v in ticket(4).items() if k != "updated_at"}
    result = land(LandingWriter(tmp_path), "tickets", [ticket(1), bad_type, no_updated])

    assert (result.rows, result.rejected) == (1, 2)
    rejected = rejected_dir(tmp_path, "zendesk", "tickets", DAY)
    rows = (
        connect()
        .execute(
            f"select source, stream, reason, _raw, _batch_id from read_parquet('{rejected}/*.parquet') order by reason"
        )
        .fetchall()
    )
    assert [r[2] for r in rows] == [
        "field status should be a string, got int",
        "required field updated_at is missing",
    ]
    assert json.loads(rows[0][3]) == bad_type and rows[0][:2] == ("zendesk", "tickets")
    assert rows[0][4] == result.path.stem


def test_relanding_a_day_replaces_its_files_and_leaves_other_days(tmp_path: Path):
    writer = LandingWriter(tmp_path)
    other = land(writer, "tickets", [ticket(9)], day=DAY + timedelta(days=1))
    land(writer, "tickets", [ticket(1), ticket(2, status=None)])
    second = writer.land(
        "zendesk",
        "tickets",
        DAY,
        [ticket(1, status="solved")],
        START,
        END,
        EXTRACTED + timedelta(hours=1),
    )
    day_dir = second.path.parent

    assert sorted(p.name for p in day_dir.iterdir()) == [second.path.name]
    assert other.path.exists()
    rejects = rejected_dir(tmp_path, "zendesk", "tickets", DAY)
    assert list(rejects.glob("*.parquet")) == []  # the first landing's reject is gone too
    statuses = (
        connect().execute(f"select status from read_parquet('{day_dir}/*.parquet')").fetchall()
    )
    assert statuses == [("solved",)]
    empty = land(writer, "tickets", [])
    assert empty.rows == 0 and sorted(p.name for p in day_dir.iterdir()) == [empty.path.name]


def test_no_temporary_file_is_left_behind(tmp_path: Path):
    writer = LandingWriter(tmp_path)
    land(writer, "tickets", [ticket(1)])
    writer.ensure_streams()
    assert [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []


def test_duplicate_ids_keep_the_latest_update_and_output_is_deterministic(tmp_path: Path):
    records = [
        ticket(1, "2026-03-02T12:00:00Z", status="solved"),
        ticket(1, "2026-03-02T08:00:00Z"),
        ticket(0),
    ]
    first = land(LandingWriter(tmp_path / "a"), "tickets", records)
    second = land(LandingWriter(tmp_path / "b"), "tickets", records)

    table = pq.read_table(first.path)
    assert table.column("id").to_pylist() == [0, 1] and table.column("status").to_pylist() == [
        "open",
        "solved",
    ]
    assert first.path.name == second.path.name
    assert pq.read_table(first.path).equals(pq.read_table(second.path))


def test_empty_files_have_the_schema_of_real_files(tmp_path: Path):
    writer = LandingWriter(tmp_path)
    writer.ensure_streams()
    for source, stream in STREAMS:
        empty = day_dir(tmp_path, source, stream, EMPTY_DAY) / EMPTY_FILE
        assert pq.read_table(empty).num_rows == 0
    real = land(writer, "tickets", [ticket(1)])
    empty = day_dir(tmp_path, "zendesk", "tickets", EMPTY_DAY) / EMPTY_FILE
    assert pq.read_schema(empty).equals(pq.read_schema(real.path))
    count = (
        connect()
        .execute(f"select count(*) from read_parquet('{tmp_path}/zendesk/tickets/*/*.parquet')")
        .fetchone()
    )
    assert count == (1,)


def test_naive_window_times_are_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="extracted_at"):
        LandingWriter(tmp_path).land(
            "zendesk", "tickets", DAY, [], START, END, datetime(2026, 3, 3)
        )


SAMPLES = {
    ("zendesk", "users"): {
        "id": 7,
        "name": "Ann",
        "email": "a@x.io",
        "role": "agent",
        "active": True,
        "default_group_id": 3,
        "updated_at": "2026-03-02T01:00:00Z",
    },
    ("zendesk", "groups"): {
        "id": 3,
        "name": "Tier 1",
        "deleted": False,
        "created_at": "2026-01-01T00:00:00Z",
    },
    ("zendesk", "organizations"): {"id": 4, "name": "Acme", "updated_at": "2026-03-02T01:00:00Z"},
    ("zendesk", "satisfaction_ratings"): {
        "id": 5,
        "ticket_id": 1,
        "score": "offered",
        "updated_at": "2026-03-02T01:00:00Z",
    },
    ("zendesk", "schedules"): {
        "id": 6,
        "name": "EU",
        "time_zone": "Berlin",
        "intervals": [{"start_time": 1980, "end_time": 2460}],
    },
    ("zendesk", "sla_policies"): {
        "id": 8,
        "title": "Urgent",
        "position": 1,
        "filter": {
            "all": [{"field": "priority", "operator": "is", "value": "urgent"}],
            "any": [{"field": "group_id", "operator": "is", "value": 3}],
        },
        "policy_metrics": [
            {
                "priority": "urgent",
                "metric": "first_reply_time",
                "target": 30,
                "business_hours": False,
            }
        ],
    },
    ("intercom", "admins"): {"type": "admin", "id": "42", "name": "Ann", "team_ids": [7, "8"]},
    ("intercom", "teams"): {"type": "team", "id": "7", "name": "Tier 1", "admin_ids": [42]},
    ("typeform", "forms"): {
        "id": "formA",
        "title": "NPS",
        "fields": [{"id": "f1", "ref": "nps", "type": "opinion_scale", "title": "?"}],
    },
}


@pytest.mark.parametrize(("source", "stream"), sorted(SAMPLES))
def test_every_reference_stream_round_trips(tmp_path: Path, source: str, stream: str):
    result = land(LandingWriter(tmp_path), stream, [SAMPLES[(source, stream)]], source=source)
    assert (result.rows, result.rejected) == (1, 0)
    raw = connect().execute(f"select _raw from read_parquet('{result.path}')").fetchone()[0]
    assert json.loads(raw) == SAMPLES[(source, stream)]


def test_sla_values_and_intercom_ids_become_text():
    sla = parse_record("zendesk", "sla_policies", SAMPLES[("zendesk", "sla_policies")])
    assert sla["filter_any"] == [{"field": "group_id", "operator": "is", "value": "3"}]
    assert sla["policy_metrics"][0]["target"] == 30
    admin = parse_record("intercom", "admins", SAMPLES[("intercom", "admins")])
    assert admin["team_ids"] == ["7", "8"]


def windows(lake: Path) -> list[tuple]:
    """The manifest of landed windows, without its placeholder."""
    return (
        connect()
        .execute(
            "select source, stream, day, window_start, window_end, batch_id, rows, rejected,"
            f" extracted_at from read_parquet('{manifest_glob(lake)}') order by all"
        )
        .fetchall()
    )


def land_quiet_day(writer: LandingWriter, extracted: datetime):
    """The day after DAY, landed with no ticket."""
    day_after = DAY + timedelta(days=1)
    return writer.land("zendesk", "tickets", day_after, [], END, END + timedelta(days=1), extracted)


def test_every_landed_day_of_an_event_stream_is_recorded_with_its_window_an_empty_one_too(
    tmp_path: Path,
):
    writer = LandingWriter(tmp_path)
    writer.ensure_streams()
    full = land(writer, "tickets", [ticket(1), ticket(2, status=None)])
    quiet_day = DAY + timedelta(days=1)
    quiet = land_quiet_day(writer, EXTRACTED + timedelta(days=1))
    land(writer, "groups", [{"id": 1, "name": "Tier 1"}])  # reference data: no window

    assert windows(tmp_path) == [
        ("zendesk", "tickets", DAY, START, END, full.path.stem, 1, 1, EXTRACTED),
        (
            "zendesk",
            "tickets",
            quiet_day,
            END,
            END + timedelta(days=1),
            quiet.path.stem,
            0,
            0,
            EXTRACTED + timedelta(days=1),
        ),
    ]
    # Landing the day again replaces its record.
    again = land(writer, "tickets", [])
    assert windows(tmp_path)[0] == (
        "zendesk",
        "tickets",
        DAY,
        START,
        END,
        again.path.stem,
        0,
        0,
        EXTRACTED,
    )


def test_a_lake_landed_without_the_manifest_gets_its_windows_recorded(tmp_path: Path):
    """A lake landed before the manifest existed (or a landing stopped between a batch and
    its window): ensure_streams records each landed event-stream day once, empty ones too."""
    writer = LandingWriter(tmp_path)
    full = land(writer, "tickets", [ticket(1), ticket(2, status=None)])
    quiet_day = DAY + timedelta(days=1)
    quiet = land_quiet_day(writer, EXTRACTED)
    recorded = windows(tmp_path)
    for path in manifest_dir(tmp_path).rglob("*.parquet"):
        path.unlink()

    writer.ensure_streams()
    assert windows(tmp_path) == [
        recorded[0],
        # An empty batch holds no row to read its window and extraction time from: the
        # window is its day's, the extraction time unknown.
        (
            "zendesk",
            "tickets",
            quiet_day,
            END,
            END + timedelta(days=1),
            quiet.path.stem,
            0,
            0,
            None,
        ),
    ]
    assert recorded[0][5] == full.path.stem
    assert writer.record_missing_windows() == 0


def test_the_event_streams_of_the_manifest_are_the_connectors_event_streams():
    from connectors.registry import CONNECTORS
    from connectors.schemas import EVENT_STREAMS

    declared = {(name, s) for name, c in CONNECTORS.items() for s in c.event_streams}
    assert declared == EVENT_STREAMS
