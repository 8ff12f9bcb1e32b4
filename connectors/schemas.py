"""Typed columns of every landed stream (docs/landing.md) and the parsers that fill them.

Parsing is strict about the fields the models use (a required field missing, or any used
field of the wrong type, rejects the record with a reason) and ignores everything else:
the full record always lands in ``_raw``, so a field we do not type yet is never lost.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
# Reads one column's value from an API record (or a nested object) and the landing context;
# rejects the record with RecordRejected.
Reader = Callable[[Mapping, Mapping], Any]


@dataclass(frozen=True)
class Column:
    """One typed column: its name, its Arrow type, and how to read it from a record.

    ``early`` columns are read before the others (in table order), so their rejection reason
    wins when several fields are wrong; their place in the row is still their table position.
    """

    name: str
    type: pa.DataType
    read: Reader
    early: bool = False

    @property
    def arrow_field(self) -> pa.Field:
        return pa.field(self.name, self.type)


def col(
    name: str,
    kind: pa.DataType,
    reader: Callable[..., Any],
    path: str | None = None,
    required: bool = False,
    early: bool = False,
) -> Column:
    """A column read by one of connectors.fields' readers at ``path`` (default: its name)."""
    at = path or name
    if required:
        return Column(name, kind, lambda r, _: reader(r, at, True), early)
    return Column(name, kind, lambda r, _: reader(r, at), early)


def _row_parser(columns: tuple[Column, ...]) -> Parser:
    """Reads every column of the table into a dict in table order (early columns first)."""
    readers = tuple((c.name, c.read) for c in columns)
    early = tuple((c.name, c.read) for c in columns if c.early)
    if not early:
        return lambda r, context: {name: read(r, context) for name, read in readers}

    def parse(r: Mapping, context: Mapping) -> dict:
        first = {name: read(r, context) for name, read in early}
        return {name: first[name] if name in first else read(r, context) for name, read in readers}

    return parse


def nested(
    name: str,
    columns: tuple[Column, ...],
    path: str | None = None,
    early: bool = False,
    row: Callable[[Mapping], dict] | None = None,
) -> Column:
    """A list-of-structs column: one struct per object of the list at ``path``.

    The struct's fields are ``columns``; ``row`` replaces the table-driven reader of one object
    where speed matters (it must return exactly those fields, tests/test_stream_columns.py).
    """
    at = path or name
    kind = pa.list_(pa.struct([c.arrow_field for c in columns]))
    if row is not None:
        return Column(name, kind, lambda r, _: [row(i) for i in items(r, at)], early)
    parse = _row_parser(columns)
    return Column(name, kind, lambda r, ctx: [parse(i, ctx) for i in items(r, at)], early)


@dataclass(frozen=True)
class StreamSchema:
    """One landed stream: its columns (hence its Parquet schema and parser) and its dedupe keys.

    ``check`` runs before any column is read, for rules about the record as a whole.
    """

    columns: tuple[Column, ...]
    id_column: str
    updated_column: str | None
    check: Callable[[Mapping, Mapping], Any] | None = None
    typed: pa.Schema = field(init=False, repr=False, compare=False)
    parse: Parser = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "typed", pa.schema([c.arrow_field for c in self.columns]))
        parse = _row_parser(self.columns)
        check = self.check
        if check is not None:
            row = parse

            def parse(r: Mapping, context: Mapping) -> dict:
                check(r, context)
                return row(r, context)

        object.__setattr__(self, "parse", parse)

    @property
    def schema(self) -> pa.Schema:
        """The full file schema: typed columns, then the underscore columns."""
        return pa.schema([*self.typed, *META_FIELDS])


S, I64, I32, B, D, F = pa.string(), pa.int64(), pa.int32(), pa.bool_(), pa.date32(), pa.float64()


def _as_text(path: str) -> Reader:
    """Any JSON value as text (never rejects)."""
    return lambda r, _: as_text(r.get(path))


# ---- zendesk -------------------------------------------------------------------------

_AUDIT_EVENT = (
    col("id", I64, bigint),
    col("type", S, text),
    Column("field_name", S, _as_text("field_name")),
    Column("value", S, _as_text("value")),
    Column("previous_value", S, _as_text("previous_value")),
    col("public", B, boolean),
    col("author_id", I64, bigint),
)


def _zendesk_audit_event(e: Mapping) -> dict:
    """One audit event, the fields of _AUDIT_EVENT (hand-written: it is the hot path)."""
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


def _holiday_schedule_id(r: Mapping, context: Mapping) -> int | None:
    return bigint(
        {"schedule_id": context.get("schedule_id", r.get("schedule_id"))}, "schedule_id", True
    )


_CONDITION = (
    Column("field", S, _as_text("field")),
    col("operator", S, text),
    Column("value", S, _as_text("value")),
)

# ---- intercom ------------------------------------------------------------------------


def _has_body(p: Mapping, _: Mapping) -> bool:
    body = p.get("body")
    return isinstance(body, str) and body.strip() != ""


def _contacts(r: Mapping, _: Mapping) -> list[Mapping]:
    return items(r, "contacts.contacts")


def _contact_id(r: Mapping, context: Mapping) -> str | None:
    contacts = _contacts(r, context)
    return ident(contacts[0], "id") if contacts else None


# ---- zendesk_qa ----------------------------------------------------------------------


def _qa_context_text(key: str, vendor_name: str) -> Reader:
    """A field of the review's conversation, handed over in the landing context, as text."""
    return lambda _, context: ident({vendor_name: context.get(key)}, vendor_name)


def _qa_time(r: Mapping, primary: str, legacy: str, required: bool = False) -> Any:
    """The ISO field (createdISO, updatedISO), else its legacy twin (created, updated)."""
    if get(r, primary) not in (None, ""):
        return timestamp(r, primary)
    if get(r, legacy) not in (None, ""):
        return timestamp(r, legacy)
    if required:
        raise RecordRejected(f"required field {primary} is missing (and {legacy} too)")
    return None


def _qa_created(r: Mapping, _: Mapping) -> Any:
    return _qa_time(r, "createdISO", "created", required=True)


def _qa_updated(r: Mapping, _: Mapping) -> Any:
    return _qa_time(r, "updatedISO", "updated")


# ---- typeform ------------------------------------------------------------------------

# Answer types whose value is text, keyed by the answer's "type" (the value sits under it).
_TEXT_ANSWERS = ("text", "email", "url", "phone_number", "date", "file_url", "payment")


def _answer_text(a: Mapping, _: Mapping) -> str | None:
    kind = a.get("type")  # already checked by the early "type" column
    return as_text(a.get(kind) if kind in _TEXT_ANSWERS else None)


def _answer_choice(a: Mapping, _: Mapping) -> str | None:
    labels = get(a, "choices.labels")
    choice = text(a, "choice.label")
    if choice is None and isinstance(labels, list):
        choice = as_text(labels)
    return choice


def _form_in_context(_: Mapping, context: Mapping) -> None:
    if context.get("form_id") is None:
        raise RecordRejected("required field form_id is missing (no form in the context)")


def _response_id(r: Mapping, _: Mapping) -> str | None:
    return ident({"id": r.get("response_id") or r.get("token")}, "id", True)


def _form_id(_: Mapping, context: Mapping) -> str | None:
    return ident({"id": context.get("form_id")}, "id", True)


# ---- the registry of streams ---------------------------------------------------------

STREAMS: dict[tuple[str, str], StreamSchema] = {
    ("zendesk", "tickets"): StreamSchema(
        (
            col("id", I64, bigint, required=True),
            col("created_at", TS, timestamp, required=True),
            col("updated_at", TS, timestamp, required=True),
            col("status", S, text, required=True),
            col("priority", S, text),
            col("channel", S, text, "via.channel"),
            col("group_id", I64, bigint),
            col("assignee_id", I64, bigint),
            col("requester_id", I64, bigint),
            col("submitter_id", I64, bigint),
            col("organization_id", I64, bigint),
            col("tags", pa.list_(S), text_list),
            col("satisfaction_score", S, text, "satisfaction_rating.score"),
            col("is_public", B, boolean),
        ),
        "id",
        "updated_at",
    ),
    ("zendesk", "ticket_audits"): StreamSchema(
        (
            col("id", I64, bigint, required=True),
            col("ticket_id", I64, bigint, required=True),
            col("created_at", TS, timestamp, required=True),
            col("author_id", I64, bigint),
            col("via_channel", S, text, "via.channel"),
            nested("events", _AUDIT_EVENT, early=True, row=_zendesk_audit_event),
        ),
        "id",
        "created_at",
    ),
    ("zendesk", "users"): StreamSchema(
        (
            col("id", I64, bigint, required=True),
            col("name", S, text),
            col("email", S, text),
            col("role", S, text),
            col("active", B, boolean),
            col("organization_id", I64, bigint),
            col("default_group_id", I64, bigint),
            col("created_at", TS, timestamp),
            col("updated_at", TS, timestamp, required=True),
        ),
        "id",
        "updated_at",
    ),
    ("zendesk", "groups"): StreamSchema(
        (
            col("id", I64, bigint, required=True),
            col("name", S, text),
            col("deleted", B, boolean),
            col("created_at", TS, timestamp),
            col("updated_at", TS, timestamp),
        ),
        "id",
        "updated_at",
    ),
    ("zendesk", "organizations"): StreamSchema(
        (
            col("id", I64, bigint, required=True),
            col("name", S, text),
            col("created_at", TS, timestamp),
            col("updated_at", TS, timestamp, required=True),
        ),
        "id",
        "updated_at",
    ),
    ("zendesk", "satisfaction_ratings"): StreamSchema(
        (
            col("id", I64, bigint, required=True),
            col("ticket_id", I64, bigint),
            col("assignee_id", I64, bigint),
            col("group_id", I64, bigint),
            col("requester_id", I64, bigint),
            col("score", S, text, required=True),
            col("created_at", TS, timestamp),
            col("updated_at", TS, timestamp, required=True),
        ),
        "id",
        "updated_at",
    ),
    ("zendesk", "schedules"): StreamSchema(
        (
            col("id", I64, bigint, required=True),
            col("name", S, text),
            col("time_zone", S, text),
            nested(
                "intervals",
                (col("start_time", I32, integer), col("end_time", I32, integer)),
                early=True,
            ),
            col("created_at", TS, timestamp),
            col("updated_at", TS, timestamp),
        ),
        "id",
        "updated_at",
    ),
    ("zendesk", "holidays"): StreamSchema(
        (
            col("id", I64, bigint, required=True),
            Column("schedule_id", I64, _holiday_schedule_id),  # the context's schedule first
            col("name", S, text),
            col("start_date", D, day),
            col("end_date", D, day),
        ),
        "id",
        None,
    ),
    ("zendesk", "sla_policies"): StreamSchema(
        (
            col("id", I64, bigint, required=True),
            col("title", S, text),
            col("position", I32, integer),
            nested("filter_all", _CONDITION, "filter.all"),
            nested("filter_any", _CONDITION, "filter.any"),
            nested(
                "policy_metrics",
                (
                    col("priority", S, text),
                    col("metric", S, text),
                    col("target", I32, integer),
                    col("business_hours", B, boolean),
                ),
                early=True,
            ),
            col("created_at", TS, timestamp),
            col("updated_at", TS, timestamp),
        ),
        "id",
        "updated_at",
    ),
    ("intercom", "conversations"): StreamSchema(
        (
            col("id", S, ident, required=True),
            col("created_at", TS, timestamp, required=True),
            col("updated_at", TS, timestamp, required=True),
            col("state", S, text),
            col("open", B, boolean),
            col("admin_assignee_id", S, ident),
            col("team_assignee_id", S, ident),
            col("source_type", S, text, "source.type"),
            col("source_delivered_as", S, text, "source.delivered_as"),
            col("source_author_type", S, text, "source.author.type"),
            col("source_author_id", S, ident, "source.author.id"),
            col("source_author_email", S, text, "source.author.email"),
            Column("contact_id", S, _contact_id),  # the first contact's
            col("rating", I32, integer, "conversation_rating.rating"),
            col("rating_created_at", TS, timestamp, "conversation_rating.created_at"),
            col("rating_teammate_id", S, ident, "conversation_rating.teammate.id"),
            col("ai_agent_participated", B, boolean),
            col("ai_agent_resolution_state", S, text, "ai_agent.resolution_state"),
            col("sla_name", S, text, "sla_applied.sla_name"),
            col("sla_status", S, text, "sla_applied.sla_status"),
            nested(
                "parts",
                (
                    col("id", S, ident),
                    col("part_type", S, text),
                    col("author_type", S, text, "author.type"),
                    col("author_id", S, ident, "author.id"),
                    col("created_at", TS, timestamp),
                    Column("has_body", B, _has_body),  # a non-blank body, not the text
                    col("assigned_to_type", S, text, "assigned_to.type"),
                    col("assigned_to_id", S, ident, "assigned_to.id"),
                ),
                "conversation_parts.conversation_parts",
            ),
        ),
        "id",
        "updated_at",
        check=_contacts,  # a malformed contacts list rejects before any other field
    ),
    ("intercom", "admins"): StreamSchema(
        (
            col("id", S, ident, required=True),
            col("name", S, text),
            col("email", S, text),
            col("type", S, text),
            col("team_ids", pa.list_(S), id_list),
        ),
        "id",
        None,
    ),
    ("intercom", "teams"): StreamSchema(
        (
            col("id", S, ident, required=True),
            col("name", S, text),
            col("admin_ids", pa.list_(S), id_list),
        ),
        "id",
        None,
    ),
    ("typeform", "responses"): StreamSchema(
        (
            Column("response_id", S, _response_id),  # or the token
            Column("form_id", S, _form_id),  # from the context
            col("landed_at", TS, timestamp),
            col("submitted_at", TS, timestamp, required=True),
            Column("hidden_ticket_id", S, lambda r, _: as_text(get(r, "hidden.ticket_id"))),
            Column(
                "hidden_conversation_id",
                S,
                lambda r, _: as_text(get(r, "hidden.conversation_id")),
            ),
            col("hidden_email", S, text, "hidden.email"),
            nested(
                "answers",
                (
                    col("field_id", S, ident, "field.id"),
                    col("field_ref", S, text, "field.ref"),
                    col("field_type", S, text, "field.type"),
                    col("type", S, text, early=True),
                    col("number", F, number),
                    Column("text", S, _answer_text),  # the value under the answer's type
                    col("boolean", B, boolean),
                    Column("choice_label", S, _answer_choice, early=True),
                ),
            ),
        ),
        "response_id",
        "submitted_at",
        check=_form_in_context,
    ),
    ("typeform", "forms"): StreamSchema(
        (
            col("id", S, ident, required=True),
            col("title", S, text),
            nested(
                "fields",
                (
                    col("id", S, ident),
                    col("ref", S, text),
                    col("type", S, text),
                    col("title", S, text),
                ),
                early=True,
            ),
        ),
        "id",
        None,
    ),
    ("zendesk_qa", "reviews"): StreamSchema(
        (
            col("id", S, ident, required=True, early=True),
            Column(
                "external_id", S, _qa_context_text("external_id", "externalId")
            ),  # the conversation's
            Column(
                "source_type", S, _qa_context_text("source_type", "sourceType")
            ),  # from the context
            Column("workspace_id", S, _qa_context_text("workspace_id", "workspaceId")),
            Column("created_at", TS, _qa_created),  # createdISO, else created
            Column("updated_at", TS, _qa_updated),  # updatedISO, else updated
            col("score", F, number),
            col("reviewer_email", S, text, "reviewer.email"),
            col("reviewer_name", S, text, "reviewer.name"),
            col("reviewee_email", S, text, "reviewee.email"),
            col("reviewee_name", S, text, "reviewee.name"),
            col("scorecard_id", S, ident, "scorecard.id"),
            col("scorecard_name", S, text, "scorecard.name"),
            nested(
                "ratings",
                (
                    col("category_id", S, ident, "categoryId"),
                    col("category_name", S, text, "categoryName"),
                    col("score", F, number),
                    col("weight", F, number),
                    col("critical", B, boolean),
                ),
            ),
        ),
        "id",
        "updated_at",
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
        ("zendesk_qa", "reviews"),
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
