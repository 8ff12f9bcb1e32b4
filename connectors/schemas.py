"""Typed columns of every landed stream (docs/landing.md) and the parsers that fill them.

Parsing is strict about the fields the models use (a required field missing, or any used
field of the wrong type, rejects the record with a reason) and ignores everything else:
the full record always lands in ``_raw``, so a field we do not type yet is never lost.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from connectors.fields import (
    RecordRejected,
    as_text,
    bigint,
    boolean,
    day,
    get,
    id_list,
    ident,
    integer,
    items,
    number,
    text,
    text_list,
    timestamp,
)

TS = pa.timestamp("us", tz="UTC")
META_FIELDS = (
    pa.field("_raw", pa.string()),
    pa.field("_batch_id", pa.string()),
    pa.field("_extracted_at", TS),
    pa.field("_window_start", TS),
    pa.field("_window_end", TS),
)
REJECTED_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("stream", pa.string()),
        pa.field("reason", pa.string()),
        *META_FIELDS,
    ]
)


Parser = Callable[[dict, Mapping[str, Any]], dict]


@dataclass(frozen=True)
class StreamSchema:
    """One landed stream: its Parquet schema, its parser, and how to dedupe its rows."""

    typed: pa.Schema
    parse: Parser
    id_column: str
    updated_column: str | None

    @property
    def schema(self) -> pa.Schema:
        """The full file schema: typed columns, then the underscore columns."""
        return pa.schema([*self.typed, *META_FIELDS])


def _struct(**fields: pa.DataType) -> pa.DataType:
    return pa.list_(pa.struct([pa.field(name, kind) for name, kind in fields.items()]))


# ---- zendesk -------------------------------------------------------------------------


def _zendesk_ticket(r: dict, _: Mapping) -> dict:
    return {
        "id": bigint(r, "id", True),
        "created_at": timestamp(r, "created_at", True),
        "updated_at": timestamp(r, "updated_at", True),
        "status": text(r, "status", True),
        "priority": text(r, "priority"),
        "channel": text(r, "via.channel"),
        "group_id": bigint(r, "group_id"),
        "assignee_id": bigint(r, "assignee_id"),
        "requester_id": bigint(r, "requester_id"),
        "submitter_id": bigint(r, "submitter_id"),
        "organization_id": bigint(r, "organization_id"),
        "tags": text_list(r, "tags"),
        "satisfaction_score": text(r, "satisfaction_rating.score"),
        "is_public": boolean(r, "is_public"),
    }


def _zendesk_audit_event(e: Mapping) -> dict:
    event_id, kind, public, author_id = (
        e.get("id"),
        e.get("type"),
        e.get("public"),
        e.get("author_id"),
    )
    # A year of audits holds tens of millions of events: the usual shape (an integer id, a
    # string type, an optional boolean and author) is typed in one test, and anything else
    # goes through the strict readers, which reject a wrong type with its reason.
    if not (
        type(event_id) is int
        and type(kind) is str
        and (public is None or type(public) is bool)
        and (author_id is None or type(author_id) is int)
    ):
        event_id, kind = bigint(e, "id"), text(e, "type")
        public, author_id = boolean(e, "public"), bigint(e, "author_id")
    return {
        "id": event_id,
        "type": kind,
        "field_name": as_text(e.get("field_name")),
        "value": as_text(e.get("value")),
        "previous_value": as_text(e.get("previous_value")),
        "public": public,
        "author_id": author_id,
    }


def _zendesk_audit(r: dict, _: Mapping) -> dict:
    events = [_zendesk_audit_event(e) for e in items(r, "events")]
    return {
        "id": bigint(r, "id", True),
        "ticket_id": bigint(r, "ticket_id", True),
        "created_at": timestamp(r, "created_at", True),
        "author_id": bigint(r, "author_id"),
        "via_channel": text(r, "via.channel"),
        "events": events,
    }


def _zendesk_user(r: dict, _: Mapping) -> dict:
    return {
        "id": bigint(r, "id", True),
        "name": text(r, "name"),
        "email": text(r, "email"),
        "role": text(r, "role"),
        "active": boolean(r, "active"),
        "organization_id": bigint(r, "organization_id"),
        "default_group_id": bigint(r, "default_group_id"),
        "created_at": timestamp(r, "created_at"),
        "updated_at": timestamp(r, "updated_at", True),
    }


def _zendesk_group(r: dict, _: Mapping) -> dict:
    return {
        "id": bigint(r, "id", True),
        "name": text(r, "name"),
        "deleted": boolean(r, "deleted"),
        "created_at": timestamp(r, "created_at"),
        "updated_at": timestamp(r, "updated_at"),
    }


def _zendesk_organization(r: dict, _: Mapping) -> dict:
    return {
        "id": bigint(r, "id", True),
        "name": text(r, "name"),
        "created_at": timestamp(r, "created_at"),
        "updated_at": timestamp(r, "updated_at", True),
    }


def _zendesk_rating(r: dict, _: Mapping) -> dict:
    return {
        "id": bigint(r, "id", True),
        "ticket_id": bigint(r, "ticket_id"),
        "assignee_id": bigint(r, "assignee_id"),
        "group_id": bigint(r, "group_id"),
        "requester_id": bigint(r, "requester_id"),
        "score": text(r, "score", True),
        "created_at": timestamp(r, "created_at"),
        "updated_at": timestamp(r, "updated_at", True),
    }


def _zendesk_schedule(r: dict, _: Mapping) -> dict:
    intervals = [
        {"start_time": integer(i, "start_time"), "end_time": integer(i, "end_time")}
        for i in items(r, "intervals")
    ]
    return {
        "id": bigint(r, "id", True),
        "name": text(r, "name"),
        "time_zone": text(r, "time_zone"),
        "intervals": intervals,
        "created_at": timestamp(r, "created_at"),
        "updated_at": timestamp(r, "updated_at"),
    }


def _zendesk_holiday(r: dict, context: Mapping) -> dict:
    return {
        "id": bigint(r, "id", True),
        "schedule_id": bigint(
            {"schedule_id": context.get("schedule_id", r.get("schedule_id"))}, "schedule_id", True
        ),
        "name": text(r, "name"),
        "start_date": day(r, "start_date"),
        "end_date": day(r, "end_date"),
    }


def _conditions(r: dict, path: str) -> list[dict]:
    return [
        {
            "field": as_text(c.get("field")),
            "operator": text(c, "operator"),
            "value": as_text(c.get("value")),
        }
        for c in items(r, path)
    ]


def _zendesk_sla_policy(r: dict, _: Mapping) -> dict:
    metrics = [
        {
            "priority": text(m, "priority"),
            "metric": text(m, "metric"),
            "target": integer(m, "target"),
            "business_hours": boolean(m, "business_hours"),
        }
        for m in items(r, "policy_metrics")
    ]
    return {
        "id": bigint(r, "id", True),
        "title": text(r, "title"),
        "position": integer(r, "position"),
        "filter_all": _conditions(r, "filter.all"),
        "filter_any": _conditions(r, "filter.any"),
        "policy_metrics": metrics,
        "created_at": timestamp(r, "created_at"),
        "updated_at": timestamp(r, "updated_at"),
    }


# ---- intercom ------------------------------------------------------------------------


def _intercom_part(p: Mapping) -> dict:
    body = p.get("body")
    return {
        "id": ident(p, "id"),
        "part_type": text(p, "part_type"),
        "author_type": text(p, "author.type"),
        "author_id": ident(p, "author.id"),
        "created_at": timestamp(p, "created_at"),
        "has_body": isinstance(body, str) and body.strip() != "",
        "assigned_to_type": text(p, "assigned_to.type"),
        "assigned_to_id": ident(p, "assigned_to.id"),
    }


def _intercom_conversation(r: dict, _: Mapping) -> dict:
    contacts = items(r, "contacts.contacts")
    return {
        "id": ident(r, "id", True),
        "created_at": timestamp(r, "created_at", True),
        "updated_at": timestamp(r, "updated_at", True),
        "state": text(r, "state"),
        "open": boolean(r, "open"),
        "admin_assignee_id": ident(r, "admin_assignee_id"),
        "team_assignee_id": ident(r, "team_assignee_id"),
        "source_type": text(r, "source.type"),
        "source_delivered_as": text(r, "source.delivered_as"),
        "source_author_type": text(r, "source.author.type"),
        "source_author_id": ident(r, "source.author.id"),
        "source_author_email": text(r, "source.author.email"),
        "contact_id": ident(contacts[0], "id") if contacts else None,
        "rating": integer(r, "conversation_rating.rating"),
        "rating_created_at": timestamp(r, "conversation_rating.created_at"),
        "rating_teammate_id": ident(r, "conversation_rating.teammate.id"),
        "ai_agent_participated": boolean(r, "ai_agent_participated"),
        "ai_agent_resolution_state": text(r, "ai_agent.resolution_state"),
        "sla_name": text(r, "sla_applied.sla_name"),
        "sla_status": text(r, "sla_applied.sla_status"),
        "parts": [_intercom_part(p) for p in items(r, "conversation_parts.conversation_parts")],
    }


def _intercom_admin(r: dict, _: Mapping) -> dict:
    return {
        "id": ident(r, "id", True),
        "name": text(r, "name"),
        "email": text(r, "email"),
        "type": text(r, "type"),
        "team_ids": id_list(r, "team_ids"),
    }


def _intercom_team(r: dict, _: Mapping) -> dict:
    return {
        "id": ident(r, "id", True),
        "name": text(r, "name"),
        "admin_ids": id_list(r, "admin_ids"),
    }


# ---- typeform ------------------------------------------------------------------------

# Answer types whose value is text, keyed by the answer's "type" (the value sits under it).
_TEXT_ANSWERS = ("text", "email", "url", "phone_number", "date", "file_url", "payment")


def _typeform_answer(a: Mapping) -> dict:
    kind = text(a, "type")
    value = a.get(kind) if kind in _TEXT_ANSWERS else None
    labels = get(a, "choices.labels")
    choice = text(a, "choice.label")
    if choice is None and isinstance(labels, list):
        choice = as_text(labels)
    return {
        "field_id": ident(a, "field.id"),
        "field_ref": text(a, "field.ref"),
        "field_type": text(a, "field.type"),
        "type": kind,
        "number": number(a, "number"),
        "text": as_text(value),
        "boolean": boolean(a, "boolean"),
        "choice_label": choice,
    }


def _typeform_response(r: dict, context: Mapping) -> dict:
    form_id = context.get("form_id")
    if form_id is None:
        raise RecordRejected("required field form_id is missing (no form in the context)")
    response_id = r.get("response_id") or r.get("token")
    return {
        "response_id": ident({"id": response_id}, "id", True),
        "form_id": ident({"id": form_id}, "id", True),
        "landed_at": timestamp(r, "landed_at"),
        "submitted_at": timestamp(r, "submitted_at", True),
        "hidden_ticket_id": as_text(get(r, "hidden.ticket_id")),
        "hidden_conversation_id": as_text(get(r, "hidden.conversation_id")),
        "hidden_email": text(r, "hidden.email"),
        "answers": [_typeform_answer(a) for a in items(r, "answers")],
    }


def _typeform_form(r: dict, _: Mapping) -> dict:
    fields = [
        {
            "id": ident(f, "id"),
            "ref": text(f, "ref"),
            "type": text(f, "type"),
            "title": text(f, "title"),
        }
        for f in items(r, "fields")
    ]
    return {"id": ident(r, "id", True), "title": text(r, "title"), "fields": fields}


# ---- the registry of streams ---------------------------------------------------------

S, I64, I32, B, D, F = pa.string(), pa.int64(), pa.int32(), pa.bool_(), pa.date32(), pa.float64()
_CONDITION = _struct(field=S, operator=S, value=S)


def _schema(**columns: pa.DataType) -> pa.Schema:
    return pa.schema([pa.field(name, kind) for name, kind in columns.items()])


STREAMS: dict[tuple[str, str], StreamSchema] = {
    ("zendesk", "tickets"): StreamSchema(
        _schema(
            id=I64,
            created_at=TS,
            updated_at=TS,
            status=S,
            priority=S,
            channel=S,
            group_id=I64,
            assignee_id=I64,
            requester_id=I64,
            submitter_id=I64,
            organization_id=I64,
            tags=pa.list_(S),
            satisfaction_score=S,
            is_public=B,
        ),
        _zendesk_ticket,
        "id",
        "updated_at",
    ),
    ("zendesk", "ticket_audits"): StreamSchema(
        _schema(
            id=I64,
            ticket_id=I64,
            created_at=TS,
            author_id=I64,
            via_channel=S,
            events=_struct(
                id=I64, type=S, field_name=S, value=S, previous_value=S, public=B, author_id=I64
            ),
        ),
        _zendesk_audit,
        "id",
        "created_at",
    ),
    ("zendesk", "users"): StreamSchema(
        _schema(
            id=I64,
            name=S,
            email=S,
            role=S,
            active=B,
            organization_id=I64,
            default_group_id=I64,
            created_at=TS,
            updated_at=TS,
        ),
        _zendesk_user,
        "id",
        "updated_at",
    ),
    ("zendesk", "groups"): StreamSchema(
        _schema(id=I64, name=S, deleted=B, created_at=TS, updated_at=TS),
        _zendesk_group,
        "id",
        "updated_at",
    ),
    ("zendesk", "organizations"): StreamSchema(
        _schema(id=I64, name=S, created_at=TS, updated_at=TS),
        _zendesk_organization,
        "id",
        "updated_at",
    ),
    ("zendesk", "satisfaction_ratings"): StreamSchema(
        _schema(
            id=I64,
            ticket_id=I64,
            assignee_id=I64,
            group_id=I64,
            requester_id=I64,
            score=S,
            created_at=TS,
            updated_at=TS,
        ),
        _zendesk_rating,
        "id",
        "updated_at",
    ),
    ("zendesk", "schedules"): StreamSchema(
        _schema(
            id=I64,
            name=S,
            time_zone=S,
            intervals=_struct(start_time=I32, end_time=I32),
            created_at=TS,
            updated_at=TS,
        ),
        _zendesk_schedule,
        "id",
        "updated_at",
    ),
    ("zendesk", "holidays"): StreamSchema(
        _schema(id=I64, schedule_id=I64, name=S, start_date=D, end_date=D),
        _zendesk_holiday,
        "id",
        None,
    ),
    ("zendesk", "sla_policies"): StreamSchema(
        _schema(
            id=I64,
            title=S,
            position=I32,
            filter_all=_CONDITION,
            filter_any=_CONDITION,
            policy_metrics=_struct(priority=S, metric=S, target=I32, business_hours=B),
            created_at=TS,
            updated_at=TS,
        ),
        _zendesk_sla_policy,
        "id",
        "updated_at",
    ),
    ("intercom", "conversations"): StreamSchema(
        _schema(
            id=S,
            created_at=TS,
            updated_at=TS,
            state=S,
            open=B,
            admin_assignee_id=S,
            team_assignee_id=S,
            source_type=S,
            source_delivered_as=S,
            source_author_type=S,
            source_author_id=S,
            source_author_email=S,
            contact_id=S,
            rating=I32,
            rating_created_at=TS,
            rating_teammate_id=S,
            ai_agent_participated=B,
            ai_agent_resolution_state=S,
            sla_name=S,
            sla_status=S,
            parts=_struct(
                id=S,
                part_type=S,
                author_type=S,
                author_id=S,
                created_at=TS,
                has_body=B,
                assigned_to_type=S,
                assigned_to_id=S,
            ),
        ),
        _intercom_conversation,
        "id",
        "updated_at",
    ),
    ("intercom", "admins"): StreamSchema(
        _schema(id=S, name=S, email=S, type=S, team_ids=pa.list_(S)), _intercom_admin, "id", None
    ),
    ("intercom", "teams"): StreamSchema(
        _schema(id=S, name=S, admin_ids=pa.list_(S)), _intercom_team, "id", None
    ),
    ("typeform", "responses"): StreamSchema(
        _schema(
            response_id=S,
            form_id=S,
            landed_at=TS,
            submitted_at=TS,
            hidden_ticket_id=S,
            hidden_conversation_id=S,
            hidden_email=S,
            answers=_struct(
                field_id=S,
                field_ref=S,
                field_type=S,
                type=S,
                number=F,
                text=S,
                boolean=B,
                choice_label=S,
            ),
        ),
        _typeform_response,
        "response_id",
        "submitted_at",
    ),
    ("typeform", "forms"): StreamSchema(
        _schema(id=S, title=S, fields=_struct(id=S, ref=S, type=S, title=S)),
        _typeform_form,
        "id",
        None,
    ),
}


# The streams landed one batch per UTC day of the time the API filters on: their landed
# windows (the manifest under `_windows/`, docs/landing.md) set the reporting clock `as_of`.
# The other streams are reference data, landed once per run. Each connector lists the same
# streams as its `event_streams` (tests/test_landing.py holds the two together).
EVENT_STREAMS: frozenset[tuple[str, str]] = frozenset(
    {
        ("zendesk", "tickets"),
        ("zendesk", "ticket_audits"),
        ("zendesk", "satisfaction_ratings"),
        ("intercom", "conversations"),
        ("typeform", "responses"),
    }
)


def stream_schema(source: str, stream: str) -> StreamSchema:
    """The schema of a landed stream; KeyError names the streams that exist."""
    try:
        return STREAMS[(source, stream)]
    except KeyError:
        known = ", ".join(f"{s}/{t}" for s, t in STREAMS)
        raise KeyError(f"no landed stream {source}/{stream}; known streams: {known}") from None


def parse_record(source: str, stream: str, record: dict, context: Mapping | None = None) -> dict:
    """The typed row of docs/landing.md for one API record (without the underscore columns)."""
    if not isinstance(record, dict):
        raise RecordRejected(f"record should be a JSON object, got {type(record).__name__}")
    return stream_schema(source, stream).parse(record, context or {})
