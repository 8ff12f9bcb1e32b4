"""Tiny hand-made landing zone for the dbt model tests.

Writes Parquet files exactly as docs/landing.md lays them out (same paths, columns and Arrow
types, a zero-row ``_empty.parquet`` for every stream), so the dbt sources read these files the
way they read the real landing writer's output. The scenario is small enough to compute every
KPI by hand; the expected values live in tests/test_dbt_models.py.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

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
}


def stream_schema(source: str, stream: str) -> pa.Schema:
    """The Arrow schema the landing writer uses for one stream (typed columns, then lineage)."""
    return pa.schema(STREAM_FIELDS[(source, stream)] + COMMON_FIELDS)


def write_empty_streams(lake: Path) -> None:
    """Write the zero-row ``_empty.parquet`` of every stream, as the landing writer guarantees."""
    for source, stream in STREAM_FIELDS:
        folder = lake / source / stream / "date=1970-01-01"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(stream_schema(source, stream).empty_table(), folder / "_empty.parquet")


def write_batch(
    lake: Path, source: str, stream: str, day: str, rows: list[dict[str, Any]]
) -> Path:
    """Land one batch of typed rows for ``day`` (the window [day, day + 1) UTC)."""
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
    folder = lake / source / stream / f"date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{batch_id}.parquet"
    pq.write_table(table, path)
    return path
