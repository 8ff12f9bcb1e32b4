"""Tiny hand-made landing zone for the dbt model tests.

Writes Parquet files exactly as docs/landing.md lays them out (same paths, columns and Arrow
types, a zero-row ``empty.parquet`` for every stream), so the dbt sources read these files the
way they read the real landing writer's output. The scenario is small enough to compute every
KPI by hand; the expected values live in tests/test_dbt_models.py.
"""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from connectors.file_landing import write_placeholders as write_file_stream_placeholders
from connectors.lake import EMPTY_DAY, EMPTY_FILE, batch_name, day_dir, day_folder, manifest_dir
from connectors.landing import WINDOWS_SCHEMA, LandingWriter
from connectors.schemas import EVENT_STREAMS

TS = pa.timestamp("us", tz="UTC")

AUDIT_EVENT = pa.struct(
    [
        ("id", pa.int64()),
        ("type", pa.string()),
        ("field_name", pa.string()),
        ("value", pa.string()),
        ("previous_value", pa.string()),
        ("public", pa.bool_()),
        ("author_id", pa.int64()),
    ]
)
CONVERSATION_PART = pa.struct(
    [
        ("id", pa.string()),
        ("part_type", pa.string()),
        ("author_type", pa.string()),
        ("author_id", pa.string()),
        ("created_at", TS),
        ("has_body", pa.bool_()),
        ("assigned_to_type", pa.string()),
        ("assigned_to_id", pa.string()),
    ]
)
SLA_FILTER = pa.struct([("field", pa.string()), ("operator", pa.string()), ("value", pa.string())])

COMMON_FIELDS = [
    ("_raw", pa.string()),
    ("_batch_id", pa.string()),
    ("_extracted_at", TS),
    ("_window_start", TS),
    ("_window_end", TS),
]

# Typed columns per stream, in the order and with the types of docs/landing.md.
STREAM_FIELDS: dict[tuple[str, str], list[tuple[str, pa.DataType]]] = {
    ("zendesk", "tickets"): [
        ("id", pa.int64()),
        ("created_at", TS),
        ("updated_at", TS),
        ("status", pa.string()),
        ("priority", pa.string()),
        ("channel", pa.string()),
        ("group_id", pa.int64()),
        ("assignee_id", pa.int64()),
        ("requester_id", pa.int64()),
        ("submitter_id", pa.int64()),
        ("organization_id", pa.int64()),
        ("tags", pa.list_(pa.string())),
        ("satisfaction_score", pa.string()),
        ("is_public", pa.bool_()),
    ],
    ("zendesk", "ticket_audits"): [
        ("id", pa.int64()),
        ("ticket_id", pa.int64()),
        ("created_at", TS),
        ("author_id", pa.int64()),
        ("via_channel", pa.string()),
        ("events", pa.list_(AUDIT_EVENT)),
    ],
    ("zendesk", "users"): [
        ("id", pa.int64()),
        ("name", pa.string()),
        ("email", pa.string()),
        ("role", pa.string()),
        ("active", pa.bool_()),
        ("organization_id", pa.int64()),
        ("default_group_id", pa.int64()),
        ("created_at", TS),
        ("updated_at", TS),
    ],
    ("zendesk", "groups"): [
        ("id", pa.int64()),
        ("name", pa.string()),
        ("deleted", pa.bool_()),
        ("created_at", TS),
        ("updated_at", TS),
    ],
    ("zendesk", "organizations"): [
        ("id", pa.int64()),
        ("name", pa.string()),
        ("created_at", TS),
        ("updated_at", TS),
    ],
    ("zendesk", "satisfaction_ratings"): [
        ("id", pa.int64()),
        ("ticket_id", pa.int64()),
        ("assignee_id", pa.int64()),
        ("group_id", pa.int64()),
        ("requester_id", pa.int64()),
        ("score", pa.string()),
        ("created_at", TS),
        ("updated_at", TS),
    ],
    ("zendesk", "schedules"): [
        ("id", pa.int64()),
        ("name", pa.string()),
        ("time_zone", pa.string()),
        (
            "intervals",
            pa.list_(pa.struct([("start_time", pa.int32()), ("end_time", pa.int32())])),
        ),
        ("created_at", TS),
        ("updated_at", TS),
    ],
    ("zendesk", "holidays"): [
        ("id", pa.int64()),
        ("schedule_id", pa.int64()),
        ("name", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
    ],
    ("zendesk", "sla_policies"): [
        ("id", pa.int64()),
        ("title", pa.string()),
        ("position", pa.int32()),
        ("filter_all", pa.list_(SLA_FILTER)),
        ("filter_any", pa.list_(SLA_FILTER)),
        (
            "policy_metrics",
            pa.list_(
                pa.struct(
                    [
                        ("priority", pa.string()),
                        ("metric", pa.string()),
                        ("target", pa.int32()),
                        ("business_hours", pa.bool_()),
                    ]
                )
            ),
        ),
        ("created_at", TS),
        ("updated_at", TS),
    ],
    ("intercom", "conversations"): [
        ("id", pa.string()),
        ("created_at", TS),
        ("updated_at", TS),
        ("state", pa.string()),
        ("open", pa.bool_()),
        ("admin_assignee_id", pa.string()),
        ("team_assignee_id", pa.string()),
        ("source_type", pa.string()),
        ("source_delivered_as", pa.string()),
        ("source_author_type", pa.string()),
        ("source_author_id", pa.string()),
        ("source_author_email", pa.string()),
        ("contact_id", pa.string()),
        ("rating", pa.int32()),
        ("rating_created_at", TS),
        ("rating_teammate_id", pa.string()),
        ("ai_agent_participated", pa.bool_()),
        ("ai_agent_resolution_state", pa.string()),
        ("sla_name", pa.string()),
        ("sla_status", pa.string()),
        ("parts", pa.list_(CONVERSATION_PART)),
    ],
    ("intercom", "admins"): [
        ("id", pa.string()),
        ("name", pa.string()),
        ("email", pa.string()),
        ("type", pa.string()),
        ("team_ids", pa.list_(pa.string())),
    ],
    ("intercom", "teams"): [
        ("id", pa.string()),
        ("name", pa.string()),
        ("admin_ids", pa.list_(pa.string())),
    ],
    ("typeform", "responses"): [
        ("response_id", pa.string()),
        ("form_id", pa.string()),
        ("landed_at", TS),
        ("submitted_at", TS),
        ("hidden_ticket_id", pa.string()),
        ("hidden_conversation_id", pa.string()),
        ("hidden_email", pa.string()),
        (
            "answers",
            pa.list_(
                pa.struct(
                    [
                        ("field_id", pa.string()),
                        ("field_ref", pa.string()),
                        ("field_type", pa.string()),
                        ("type", pa.string()),
                        ("number", pa.float64()),
                        ("text", pa.string()),
                        ("boolean", pa.bool_()),
                        ("choice_label", pa.string()),
                    ]
                )
            ),
        ),
    ],
    ("typeform", "forms"): [
        ("id", pa.string()),
        ("title", pa.string()),
        (
            "fields",
            pa.list_(
                pa.struct(
                    [
                        ("id", pa.string()),
                        ("ref", pa.string()),
                        ("type", pa.string()),
                        ("title", pa.string()),
                    ]
                )
            ),
        ),
    ],
    ("zendesk_qa", "reviews"): [
        ("id", pa.string()),
        ("external_id", pa.string()),
        ("source_type", pa.string()),
        ("workspace_id", pa.string()),
        ("created_at", TS),
        ("updated_at", TS),
        ("score", pa.float64()),
        ("reviewer_email", pa.string()),
        ("reviewer_name", pa.string()),
        ("reviewee_email", pa.string()),
        ("reviewee_name", pa.string()),
        ("scorecard_id", pa.string()),
        ("scorecard_name", pa.string()),
        (
            "ratings",
            pa.list_(
                pa.struct(
                    [
                        ("category_id", pa.string()),
                        ("category_name", pa.string()),
                        ("score", pa.float64()),
                        ("weight", pa.float64()),
                        ("critical", pa.bool_()),
                    ]
                )
            ),
        ),
    ],
}


def stream_schema(source: str, stream: str) -> pa.Schema:
    """The Arrow schema the landing writer uses for one stream (typed columns, then lineage)."""
    return pa.schema(STREAM_FIELDS[(source, stream)] + COMMON_FIELDS)


def write_empty_streams(lake: Path) -> None:
    """Write the zero-row ``empty.parquet`` of every stream and of the manifest of landed
    windows, as the landing writer guarantees."""
    for source, stream in STREAM_FIELDS:
        folder = day_dir(lake, source, stream, EMPTY_DAY)
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(stream_schema(source, stream).empty_table(), folder / EMPTY_FILE)
    folder = manifest_dir(lake) / day_folder(EMPTY_DAY)
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(WINDOWS_SCHEMA.empty_table(), folder / EMPTY_FILE)
    write_file_stream_placeholders(lake)  # the shift files' streams (connectors/file_landing.py)


def write_batch(lake: Path, source: str, stream: str, day: str, rows: list[dict[str, Any]]) -> Path:
    """Land one batch of typed rows for ``day`` (the window [day, day + 1) UTC); for an event
    stream, record the window in the manifest as the landing writer does, an empty one too."""
    window_start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    window_end = window_start + timedelta(days=1)
    batch_id = f"{source}-{stream}-{day}"
    full_rows = [
        {
            **row,
            "_raw": json.dumps(row, default=str),
            "_batch_id": batch_id,
            "_extracted_at": window_end + timedelta(minutes=5),
            "_window_start": window_start,
            "_window_end": window_end,
        }
        for row in rows
    ]
    table = pa.Table.from_pylist(full_rows, schema=stream_schema(source, stream))
    folder = day_dir(lake, source, stream, date.fromisoformat(day))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / batch_name(batch_id)
    pq.write_table(table, path)
    if (source, stream) in EVENT_STREAMS:
        LandingWriter(lake).record_window(
            source,
            stream,
            window_start.date(),
            {
                "window_start": window_start,
                "window_end": window_end,
                "batch_id": batch_id,
                "rows": len(rows),
                "rejected": 0,
                "extracted_at": window_end + timedelta(minutes=5),
            },
        )
    return path


# --- the hand-made support scenario -----------------------------------------------------------

AGENT_ALICE = 1  # role agent
ADMIN_BOB = 2  # role admin
CAROL = 3  # end user
DAVE = 4  # end user
TRIGGER = -1  # Zendesk's author id for triggers and automations: no user record
TIER_1 = 10
TIER_2 = 20

# The end of the latest landed window (the 2024-03-06 window): every open clock stops here.
AS_OF = datetime(2024, 3, 7, tzinfo=UTC)


def at(text: str) -> datetime:
    """A UTC instant from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def comment(event_id: int, author_id: int, public: bool = True) -> dict[str, Any]:
    """A Zendesk audit Comment event."""
    return {"id": event_id, "type": "Comment", "public": public, "author_id": author_id}


def field_event(
    event_id: int, field_name: str, value: str, previous: str | None = None
) -> dict[str, Any]:
    """A Zendesk audit Create (no previous value) or Change event on one field."""
    return {
        "id": event_id,
        "type": "Create" if previous is None else "Change",
        "field_name": field_name,
        "value": value,
        "previous_value": previous,
    }


def audit(audit_id: int, ticket_id: int, when: str, author_id: int, *events: dict) -> dict:
    """One Zendesk ticket audit row."""
    return {
        "id": audit_id,
        "ticket_id": ticket_id,
        "created_at": at(when),
        "author_id": author_id,
        "via_channel": "web",
        "events": list(events),
    }


def ticket(
    ticket_id: int,
    created: str,
    updated: str,
    status: str,
    channel: str,
    requester_id: int,
    assignee_id: int | None,
    group_id: int = TIER_1,
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """One Zendesk ticket row."""
    return {
        "id": ticket_id,
        "created_at": at(created),
        "updated_at": at(updated),
        "status": status,
        "priority": "normal",
        "channel": channel,
        "group_id": group_id,
        "assignee_id": assignee_id,
        "requester_id": requester_id,
        "submitter_id": requester_id,
        "tags": tags or [],
        "is_public": True,
    }


# Audits per ticket. Each scenario is described where the expected values are computed
# (tests/test_dbt_models.py); the ids of Comment events are the reply ids.
AUDITS: dict[int, list[dict]] = {
    # 101: replied once and solved (one touch).
    101: [
        audit(
            1001,
            101,
            "2024-03-04 09:00",
            CAROL,
            comment(1, CAROL),
            field_event(2, "status", "new"),
            field_event(3, "group_id", "10"),
        ),
        audit(
            1002,
            101,
            "2024-03-04 09:30",
            AGENT_ALICE,
            comment(4, AGENT_ALICE),
            field_event(5, "status", "pending", "new"),
        ),
        audit(
            1003,
            101,
            "2024-03-04 10:30",
            AGENT_ALICE,
            field_event(6, "status", "solved", "pending"),
        ),
    ],
    # 102: solved, reopened, solved, reopened, solved, then closed by an automation.
    102: [
        audit(
            2001, 102, "2024-03-04 08:00", DAVE, comment(11, DAVE), field_event(12, "status", "new")
        ),
        audit(
            2002,
            102,
            "2024-03-04 08:20",
            ADMIN_BOB,
            comment(13, ADMIN_BOB),
            field_event(14, "status", "open", "new"),
        ),
        audit(
            2003, 102, "2024-03-04 09:00", ADMIN_BOB, field_event(15, "status", "solved", "open")
        ),
        audit(
            2004,
            102,
            "2024-03-04 10:00",
            DAVE,
            comment(16, DAVE),
            field_event(17, "status", "open", "solved"),
        ),
        audit(
            2005,
            102,
            "2024-03-04 10:40",
            ADMIN_BOB,
            comment(18, ADMIN_BOB),
            field_event(19, "status", "hold", "open"),
        ),
        audit(
            2006, 102, "2024-03-04 11:00", ADMIN_BOB, field_event(20, "status", "solved", "hold")
        ),
        audit(
            2007,
            102,
            "2024-03-04 12:00",
            DAVE,
            comment(21, DAVE),
            field_event(22, "status", "open", "solved"),
        ),
        audit(
            2008,
            102,
            "2024-03-04 13:00",
            ADMIN_BOB,
            comment(23, ADMIN_BOB),
            field_event(24, "status", "solved", "open"),
        ),
        audit(
            2009, 102, "2024-03-04 14:00", TRIGGER, field_event(25, "status", "closed", "solved")
        ),
    ],
    # 103: agent-initiated (the opening comment is a public agent comment).
    103: [
        audit(
            3001,
            103,
            "2024-03-05 09:00",
            AGENT_ALICE,
            comment(31, AGENT_ALICE),
            field_event(32, "status", "pending"),
        ),
        audit(
            3002,
            103,
            "2024-03-05 11:00",
            CAROL,
            comment(33, CAROL),
            field_event(34, "status", "open", "pending"),
        ),
        audit(
            3003,
            103,
            "2024-03-05 11:45",
            AGENT_ALICE,
            comment(35, AGENT_ALICE),
            field_event(36, "status", "solved", "open"),
        ),
    ],
    # 104: a follow-up reply (no end-user comment since the previous reply) and a private note;
    # the ticket carries the "escalated" tag.
    104: [
        audit(
            4001, 104, "2024-03-05 10:00", DAVE, comment(41, DAVE), field_event(42, "status", "new")
        ),
        audit(
            4002,
            104,
            "2024-03-05 10:15",
            AGENT_ALICE,
            comment(43, AGENT_ALICE),
            field_event(44, "status", "pending", "new"),
        ),
        audit(4003, 104, "2024-03-05 10:25", AGENT_ALICE, comment(45, AGENT_ALICE)),
        audit(4004, 104, "2024-03-05 10:35", AGENT_ALICE, comment(46, AGENT_ALICE, public=False)),
        audit(
            4005,
            104,
            "2024-03-05 11:00",
            DAVE,
            comment(47, DAVE),
            field_event(48, "status", "open", "pending"),
        ),
        audit(
            4006,
            104,
            "2024-03-05 11:30",
            AGENT_ALICE,
            comment(49, AGENT_ALICE),
            field_event(50, "status", "solved", "open"),
        ),
    ],
    # 105: solved by a trigger five minutes after creation, no agent ever replied.
    105: [
        audit(
            5001,
            105,
            "2024-03-05 12:00",
            CAROL,
            comment(51, CAROL),
            field_event(52, "status", "new"),
        ),
        audit(5002, 105, "2024-03-05 12:05", TRIGGER, field_event(53, "status", "solved", "new")),
    ],
    # 106: never solved: open at as_of.
    106: [
        audit(
            6001, 106, "2024-03-04 20:00", DAVE, comment(61, DAVE), field_event(62, "status", "new")
        ),
        audit(6002, 106, "2024-03-06 09:00", ADMIN_BOB, field_event(63, "status", "open", "new")),
    ],
    # 107: escalated to Tier 2 and handed back to Tier 1: escalated through group history only.
    107: [
        audit(
            7001,
            107,
            "2024-03-05 14:00",
            CAROL,
            comment(71, CAROL),
            field_event(72, "status", "new"),
            field_event(73, "group_id", "10"),
        ),
        audit(
            7002,
            107,
            "2024-03-05 14:30",
            AGENT_ALICE,
            comment(74, AGENT_ALICE),
            field_event(75, "status", "open", "new"),
        ),
        audit(7003, 107, "2024-03-05 15:00", AGENT_ALICE, field_event(76, "group_id", "20", "10")),
        audit(7004, 107, "2024-03-05 16:00", ADMIN_BOB, field_event(77, "group_id", "10", "20")),
    ],
}

TICKETS: dict[str, list[dict]] = {
    "2024-03-04": [
        ticket(101, "2024-03-04 09:00", "2024-03-04 10:30", "solved", "email", CAROL, AGENT_ALICE),
        ticket(102, "2024-03-04 08:00", "2024-03-04 14:00", "closed", "web", DAVE, ADMIN_BOB),
        # First version of 106, superseded by the 2024-03-06 one (dedupe keeps the latest).
        ticket(106, "2024-03-04 20:00", "2024-03-04 20:00", "new", "voice", DAVE, None),
    ],
    "2024-03-05": [
        ticket(103, "2024-03-05 09:00", "2024-03-05 11:45", "solved", "email", CAROL, AGENT_ALICE),
        ticket(
            104,
            "2024-03-05 10:00",
            "2024-03-05 11:30",
            "solved",
            "chat",
            DAVE,
            AGENT_ALICE,
            tags=["vip", "escalated"],
        ),
        ticket(105, "2024-03-05 12:00", "2024-03-05 12:05", "solved", "web", CAROL, None),
        ticket(107, "2024-03-05 14:00", "2024-03-05 16:00", "open", "email", CAROL, ADMIN_BOB),
    ],
    "2024-03-06": [
        ticket(106, "2024-03-04 20:00", "2024-03-06 09:00", "open", "voice", DAVE, ADMIN_BOB),
    ],
}


def part(
    part_id: str,
    part_type: str,
    author_type: str,
    author_id: str,
    when: str,
    has_body: bool,
    assigned_to: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """One Intercom conversation part."""
    return {
        "id": part_id,
        "part_type": part_type,
        "author_type": author_type,
        "author_id": author_id,
        "created_at": at(when),
        "has_body": has_body,
        "assigned_to_type": assigned_to[0] if assigned_to else None,
        "assigned_to_id": assigned_to[1] if assigned_to else None,
    }


def conversation(
    conversation_id: str,
    created: str,
    updated: str,
    source_type: str,
    author_email: str,
    parts: list[dict],
    **fields: Any,
) -> dict[str, Any]:
    """One Intercom conversation row, closed unless fields say otherwise."""
    return {
        "id": conversation_id,
        "created_at": at(created),
        "updated_at": at(updated),
        "state": "closed",
        "open": False,
        "source_type": source_type,
        "source_delivered_as": "customer_initiated",
        "source_author_type": "user",
        "source_author_id": f"user-{conversation_id}",
        "source_author_email": author_email,
        "contact_id": f"user-{conversation_id}",
        "ai_agent_participated": False,
        "parts": parts,
        **fields,
    }


CONVERSATIONS = [
    # c1: answered and closed by the bot alone.
    conversation(
        "c1",
        "2024-03-05 10:00",
        "2024-03-05 10:05",
        "conversation",
        "Carol@Example.com",
        [
            part("c1p1", "comment", "bot", "fin", "2024-03-05 10:01", True),
            part("c1p2", "close", "bot", "fin", "2024-03-05 10:05", False),
        ],
        ai_agent_participated=True,
        ai_agent_resolution_state="assumed_resolution",
    ),
    # c2: a human conversation closed three times and reopened twice.
    conversation(
        "c2",
        "2024-03-05 11:00",
        "2024-03-05 13:30",
        "email",
        "dave@example.com",
        [
            part("c2p1", "assignment", "admin", "a1", "2024-03-05 11:00", False, ("team", "t1")),
            part("c2p2", "comment", "admin", "a1", "2024-03-05 11:10", True),
            part("c2p3", "close", "admin", "a1", "2024-03-05 11:20", False),
            part("c2p4", "comment", "user", "user-c2", "2024-03-05 11:40", True),
            part("c2p5", "comment", "user", "user-c2", "2024-03-05 11:45", True),
            part("c2p6", "open", "admin", "a1", "2024-03-05 11:50", False),
            part("c2p7", "comment", "admin", "a1", "2024-03-05 12:00", True),
            part("c2p8", "close", "admin", "a1", "2024-03-05 12:30", False),
            part("c2p9", "open", "user", "user-c2", "2024-03-05 13:00", False),
            part("c2p10", "close", "admin", "a1", "2024-03-05 13:30", False),
        ],
        admin_assignee_id="a1",
        team_assignee_id="t1",
        rating=5,
        rating_created_at=at("2024-03-05 13:35"),
    ),
]


def write_support_scenario(lake: Path) -> None:
    """Land the whole scenario: seven tickets with audits, two ratings, two conversations,
    users, groups, admins and teams; every other stream is present through its ``empty.parquet`` only."""
    write_empty_streams(lake)
    for day, rows in TICKETS.items():
        write_batch(lake, "zendesk", "tickets", day, rows)
        # The connector re-reads every audit of a ticket it lands, into the ticket's day.
        audits = [a for row in rows for a in AUDITS[row["id"]]]
        write_batch(lake, "zendesk", "ticket_audits", day, audits)
    snapshot_day = "2024-03-06"
    created = at("2024-01-01 00:00")
    users = [
        (AGENT_ALICE, "Alice", "alice@acme.test", "agent"),
        (ADMIN_BOB, "Bob", "bob@acme.test", "admin"),
        (CAROL, "Carol", "carol@example.com", "end-user"),
        (DAVE, "Dave", "dave@example.com", "end-user"),
    ]
    write_batch(
        lake,
        "zendesk",
        "users",
        snapshot_day,
        [
            {
                "id": i,
                "name": n,
                "email": e,
                "role": r,
                "active": True,
                "created_at": created,
                "updated_at": created,
            }
            for i, n, e, r in users
        ],
    )
    write_batch(
        lake,
        "zendesk",
        "groups",
        snapshot_day,
        [
            {
                "id": TIER_1,
                "name": "Tier 1",
                "deleted": False,
                "created_at": created,
                "updated_at": created,
            },
            {
                "id": TIER_2,
                "name": "Tier 2",
                "deleted": False,
                "created_at": created,
                "updated_at": created,
            },
        ],
    )
    # 101 rated good the day it was solved; 102 was only offered a survey (not a rating).
    write_batch(
        lake,
        "zendesk",
        "satisfaction_ratings",
        "2024-03-04",
        [
            {
                "id": 9001,
                "ticket_id": 101,
                "assignee_id": AGENT_ALICE,
                "group_id": TIER_1,
                "requester_id": CAROL,
                "score": "good",
                "created_at": at("2024-03-04 11:00"),
                "updated_at": at("2024-03-04 11:00"),
            },
            {
                "id": 9002,
                "ticket_id": 102,
                "assignee_id": ADMIN_BOB,
                "group_id": TIER_1,
                "requester_id": DAVE,
                "score": "offered",
                "created_at": at("2024-03-04 12:00"),
                "updated_at": at("2024-03-04 12:00"),
            },
        ],
    )
    write_batch(lake, "intercom", "conversations", "2024-03-05", CONVERSATIONS)
    write_batch(
        lake,
        "intercom",
        "admins",
        snapshot_day,
        [
            {
                "id": "a1",
                "name": "Ann",
                "email": "ann@acme.test",
                "type": "admin",
                "team_ids": ["t1"],
            }
        ],
    )
    write_batch(
        lake, "intercom", "teams", snapshot_day, [{"id": "t1", "name": "Chat", "admin_ids": ["a1"]}]
    )
