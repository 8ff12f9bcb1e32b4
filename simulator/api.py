"""The vendor APIs over a `SupportOrg`: request in, (HTTP status, JSON body) out.

Paths are relative to each vendor's base URL (`/api/v2/...` for Zendesk, `/conversations`
for Intercom, `/forms/...` for Typeform, `/qa/api/export/...` for Zendesk QA, on the Zendesk
base URL). Pagination urls are absolute and point back at
the serving base URL, as the vendors' own urls do.
"""

import base64
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from simulator.clock import from_unix, unix
from simulator.org import Position, SupportOrg
from simulator.qa import WORKSPACE_ID, conversation_record


@dataclass(frozen=True)
class Request:
    """One API call, already split from its HTTP transport."""

    method: str
    path: str
    query: dict[str, str]
    body: object
    base_url: str  # the vendor base url, e.g. http://127.0.0.1:8080/zendesk


Response = tuple[int, dict]


class BadRequest(Exception):
    """A request the vendor would refuse with 400; the message goes into the error body."""


def encode_cursor(position: Position) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(position)).encode()).decode().rstrip("=")


def decode_cursor(text: str) -> Position:
    try:
        padded = text + "=" * (-len(text) % 4)
        stamp, identifier = json.loads(base64.urlsafe_b64decode(padded))
        return int(stamp), identifier
    except (ValueError, TypeError) as error:
        raise BadRequest(f"invalid cursor {text!r}") from error


def _int(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise BadRequest(f"{name} must be an integer, got {raw!r}") from error
    return max(low, min(high, value))


def _url(base: str, path: str, params: dict[str, object]) -> str:
    return f"{base}{path}?{urlencode(params)}"


# -- Zendesk ------------------------------------------------------------------------------


def _zendesk_error(status: int, error: str, description: str) -> Response:
    return status, {"error": error, "description": description}


def _start_position(query: dict[str, str]) -> Position:
    if "cursor" in query:
        return decode_cursor(query["cursor"])
    if "start_time" not in query:
        raise BadRequest("start_time or cursor is required")
    return _int(query, "start_time", 0, 0, 2**40), -1


def _cursor_export(
    req: Request, key: str, path: str, page: tuple[list[dict], bool], start: Position
) -> Response:
    items, more = page
    if items:
        last = items[-1]
        position: Position = (
            int(datetime.fromisoformat(last["updated_at"]).timestamp()),
            last["id"],
        )
    else:
        position = start
    cursor = encode_cursor(position)
    return 200, {
        key: items,
        "after_cursor": cursor,
        "after_url": _url(req.base_url, path, {"cursor": cursor}),
        "before_cursor": None,
        "before_url": None,
        "end_of_stream": not more,
    }


def zendesk_tickets_export(org: SupportOrg, req: Request) -> Response:
    start = _start_position(req.query)
    limit = _int(req.query, "per_page", 1000, 1, 1000)
    page = org.zendesk_ticket_export(start, limit)
    return _cursor_export(req, "tickets", "/api/v2/incremental/tickets/cursor.json", page, start)


def zendesk_users_export(org: SupportOrg, req: Request) -> Response:
    start = _start_position(req.query)
    limit = _int(req.query, "per_page", 1000, 1, 1000)
    rows = [user for updated, uid, user in org.zendesk_users() if (unix(updated), uid) > start]
    page = (rows[:limit], len(rows) > limit)
    return _cursor_export(req, "users", "/api/v2/incremental/users/cursor.json", page, start)


def zendesk_organizations_export(org: SupportOrg, req: Request) -> Response:
    """Time-based export: next_page restarts at end_time, the last record's update second.
    A page never splits one second, so restarting there repeats records but loses none."""
    if "start_time" not in req.query:
        raise BadRequest("start_time is required")
    start = _int(req.query, "start_time", 0, 0, 2**40)
    limit = _int(req.query, "per_page", 1000, 1, 1000)
    rows = [(unix(updated), record) for updated, _, record in org.zendesk_organizations()]
    rows = [row for row in rows if row[0] >= start]
    page = rows[:limit]
    while len(page) < len(rows) and rows[len(page)][0] == page[-1][0]:
        page.append(rows[len(page)])
    end_time = page[-1][0] if page else start
    return 200, {
        "organizations": [record for _, record in page],
        "count": len(page),
        "end_time": end_time,
        "next_page": _url(
            req.base_url, "/api/v2/incremental/organizations.json", {"start_time": end_time}
        ),
        "end_of_stream": len(page) == len(rows),
    }


def zendesk_audits(org: SupportOrg, req: Request, ticket_id: int) -> Response:
    audits = org.zendesk_ticket_audits(ticket_id)
    if audits is None:
        return _zendesk_error(404, "RecordNotFound", f"Ticket {ticket_id} not found")
    size = _int(req.query, "page[size]", 100, 1, 100)
    offset = 0
    if "page[after]" in req.query:
        offset = int(decode_cursor(req.query["page[after]"])[0])
    page = audits[offset : offset + size]
    more = offset + size < len(audits)
    after = encode_cursor((offset + len(page), ticket_id)) if page else None
    before = encode_cursor((offset, ticket_id)) if page else None
    path = f"/api/v2/tickets/{ticket_id}/audits.json"
    return 200, {
        "audits": page,
        "meta": {"has_more": more, "after_cursor": after, "before_cursor": before},
        "links": {
            "prev": None,
            "next": _url(req.base_url, path, {"page[size]": size, "page[after]": after})
            if more
            else None,
        },
    }


def zendesk_audit_listing(org: SupportOrg, req: Request) -> Response:
    """List All Ticket Audits with its default, legacy cursor: pages of up to `limit` (1000)
    audits, newest first; before_url leads to older audits, after_url to newer ones, each
    null when there are none. Archived tickets are left out."""
    limit = _int(req.query, "limit", 1000, 1, 1000)
    older, position = True, None
    if "cursor" in req.query:
        raw = req.query["cursor"]
        if raw[:1] not in ("a", "b"):
            raise BadRequest(f"invalid cursor {raw!r}")
        older, position = raw[0] == "b", decode_cursor(raw[1:])
    page, more = org.zendesk_audit_listing(position, limit, older)

    def cursor(direction: str, audit: dict) -> str:
        stamp = unix(datetime.fromisoformat(audit["created_at"]))
        return direction + encode_cursor((stamp, audit["id"]))

    path = "/api/v2/ticket_audits.json"
    before = cursor("b", page[-1]) if page and (more or not older) else None
    after = cursor("a", page[0]) if page and (more or older) and position is not None else None
    return 200, {
        "audits": page,
        "before_cursor": before,
        "before_url": _url(req.base_url, path, {"cursor": before, "limit": limit})
        if before
        else None,
        "after_cursor": after,
        "after_url": _url(req.base_url, path, {"cursor": after, "limit": limit}) if after else None,
        "count": len(page),
    }


def zendesk_satisfaction_ratings(org: SupportOrg, req: Request) -> Response:
    """Offset-paginated ratings. start_time / end_time bound the rating's updated_at (the
    reference calls them the times of the oldest and most recent rating; a rating changed
    good -> bad is a more recent rating), both inclusive."""
    start = from_unix(_int(req.query, "start_time", 0, 0, 2**40))
    end = from_unix(_int(req.query, "end_time", unix(org.now), 0, 2**40))
    ratings = org.zendesk_satisfaction_ratings(start, end)
    score = req.query.get("score")
    if score == "received":
        ratings = [r for r in ratings if r["score"] in ("good", "bad")]
    elif score:
        ratings = [r for r in ratings if r["score"] == score]
    per_page = _int(req.query, "per_page", 100, 1, 100)
    page_no = _int(req.query, "page", 1, 1, 10**6)
    page = ratings[(page_no - 1) * per_page : page_no * per_page]
    params = {k: v for k, v in req.query.items() if k != "page"}
    path = "/api/v2/satisfaction_ratings.json"
    more = page_no * per_page < len(ratings)
    return 200, {
        "satisfaction_ratings": page,
        "next_page": _url(req.base_url, path, {**params, "page": page_no + 1}) if more else None,
        "previous_page": _url(req.base_url, path, {**params, "page": page_no - 1})
        if page_no > 1
        else None,
        "count": len(ratings),
    }


def _listing(key: str, items: list[dict]) -> Response:
    return 200, {key: items, "next_page": None, "previous_page": None, "count": len(items)}


def zendesk(org: SupportOrg, req: Request) -> Response:
    """Route one Zendesk call."""
    path = req.path.removesuffix(".json")
    routes: dict[str, Callable[[], Response]] = {
        "/api/v2/incremental/tickets/cursor": lambda: zendesk_tickets_export(org, req),
        "/api/v2/incremental/users/cursor": lambda: zendesk_users_export(org, req),
        "/api/v2/incremental/organizations": lambda: zendesk_organizations_export(org, req),
        "/api/v2/groups": lambda: _listing("groups", org.zendesk_groups()),
        "/api/v2/satisfaction_ratings": lambda: zendesk_satisfaction_ratings(org, req),
        "/api/v2/ticket_audits": lambda: zendesk_audit_listing(org, req),
        "/api/v2/business_hours/schedules": lambda: (
            200,
            {"schedules": org.zendesk_schedules()},
        ),
        "/api/v2/slas/policies": lambda: _listing("sla_policies", org.zendesk_sla_policies()),
    }
    if req.method == "GET" and path in routes:
        return routes[path]()
    if req.method == "GET" and (match := re.fullmatch(r"/api/v2/tickets/(\d+)/audits", path)):
        return zendesk_audits(org, req, int(match[1]))
    holidays = re.fullmatch(r"/api/v2/business_hours/schedules/(\d+)/holidays", path)
    if req.method == "GET" and holidays:
        found = org.zendesk_holidays(int(holidays[1]))
        if found is None:
            return _zendesk_error(404, "RecordNotFound", f"Schedule {holidays[1]} not found")
        return 200, {"holidays": found}
    return _zendesk_error(404, "InvalidEndpoint", f"Not found: {req.method} {req.path}")


# -- Intercom -----------------------------------------------------------------------------


def intercom_error(status: int, code: str, message: str) -> Response:
    return status, {
        "type": "error.list",
        "request_id": "sim-request",
        "errors": [{"code": code, "message": message}],
    }


def _updated_bounds(query: object) -> tuple[int, int]:
    """[low, high) unix bounds on updated_at from a search query (AND of conditions)."""
    if not isinstance(query, dict):
        raise BadRequest("query must be an object")
    if "value" in query and isinstance(query.get("value"), list):
        if query.get("operator", "AND") != "AND":
            raise BadRequest("only AND of updated_at conditions is supported")
        conditions = query["value"]
    else:
        conditions = [query]
    low, high = 0, 2**40
    for condition in conditions:
        if not isinstance(condition, dict) or condition.get("field") != "updated_at":
            raise BadRequest(f"unsupported search condition {condition!r}")
        try:
            value = int(condition["value"])
        except (KeyError, TypeError, ValueError) as error:
            raise BadRequest(f"updated_at needs an integer value: {condition!r}") from error
        operator = condition.get("operator")
        if operator == ">":
            low = max(low, value + 1)
        elif operator == ">=":
            low = max(low, value)
        elif operator == "<":
            high = min(high, value)
        elif operator == "<=":
            high = min(high, value + 1)
        elif operator == "=":
            low, high = max(low, value), min(high, value + 1)
        else:
            raise BadRequest(f"unsupported operator {operator!r} on updated_at")
    return low, high


def intercom_search(org: SupportOrg, req: Request) -> Response:
    body = req.body if isinstance(req.body, dict) else {}
    low, high = _updated_bounds(body.get("query"))
    pagination = body.get("pagination") or {}
    per_page = max(1, min(150, int(pagination.get("per_page", 20))))
    matches = org.intercom_conversations_updated_between(
        from_unix(low), from_unix(min(high, unix(org.now) + 1))
    )
    start_index = 0
    if pagination.get("starting_after"):
        stamp, identifier = decode_cursor(pagination["starting_after"])
        keys = [(c["updated_at"], c["id"]) for c in matches]
        start_index = next((i for i, k in enumerate(keys) if k > (stamp, identifier)), len(keys))
    page = matches[start_index : start_index + per_page]
    page_number = start_index // per_page + 1
    pages: dict = {
        "type": "pages",
        "page": page_number,
        "per_page": per_page,
        "total_pages": max(1, math.ceil(len(matches) / per_page)),
    }
    if start_index + per_page < len(matches):
        last = page[-1]
        pages["next"] = {
            "page": page_number + 1,
            "starting_after": encode_cursor((last["updated_at"], last["id"])),
        }
    summaries = [{k: v for k, v in c.items() if k != "conversation_parts"} for c in page]
    return 200, {
        "type": "conversation.list",
        "pages": pages,
        "total_count": len(matches),
        "conversations": summaries,
    }


def intercom(org: SupportOrg, req: Request) -> Response:
    """Route one Intercom call."""
    path = req.path.rstrip("/")
    if req.method == "POST" and path == "/conversations/search":
        return intercom_search(org, req)
    if req.method == "GET" and (match := re.fullmatch(r"/conversations/([^/]+)", path)):
        found = org.intercom_conversation(match[1])
        if found is None:
            return intercom_error(404, "not_found", "Resource Not Found")
        return 200, found
    if req.method == "GET" and path == "/admins":
        return 200, {"type": "admin.list", "admins": org.intercom_admins()}
    if req.method == "GET" and path == "/teams":
        return 200, {"type": "team.list", "teams": org.intercom_teams()}
    return intercom_error(404, "not_found", f"Resource Not Found: {req.method} {req.path}")


# -- Typeform -----------------------------------------------------------------------------


def typeform_error(status: int, code: str, description: str) -> Response:
    return status, {"code": code, "description": description}


def _typeform_time(raw: str, name: str) -> datetime:
    if raw.isdigit():
        return from_unix(int(raw))
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError as error:
        raise BadRequest(
            f"{name} must be ISO 8601 (2020-03-20T14:00:59) or unix seconds"
        ) from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def typeform_responses(org: SupportOrg, req: Request, form: str) -> Response:
    """since / until are inclusive; `after` / `before` are exclusive response tokens and
    order the page by submission time (ascending after a token, newest first otherwise)."""
    since = _typeform_time(req.query["since"], "since") if "since" in req.query else None
    until = _typeform_time(req.query["until"], "until") if "until" in req.query else None
    page_size = _int(req.query, "page_size", 25, 1, 1000)
    if "sort" in req.query and ("after" in req.query or "before" in req.query):
        raise BadRequest("sort cannot be combined with after or before")
    start = since or org.directory.created_at
    end = (until + timedelta(seconds=1)) if until else org.now + timedelta(seconds=1)
    items = org.typeform_responses_submitted_between(form, start, end)
    keys = [(item["submitted_at"], item["token"]) for item in items]
    descending = True
    if "after" in req.query:
        anchor = _token_key(items, keys, req.query["after"])
        items = [item for item, key in zip(items, keys, strict=True) if key > anchor]
        descending = False
    elif "before" in req.query:
        anchor = _token_key(items, keys, req.query["before"])
        items = [item for item, key in zip(items, keys, strict=True) if key < anchor]
    elif req.query.get("sort", "submitted_at,desc") == "submitted_at,asc":
        descending = False
    if descending:
        items = items[::-1]
    return 200, {
        "total_items": len(items),
        "page_count": max(1, math.ceil(len(items) / page_size)) if items else 0,
        "items": items[:page_size],
    }


def _token_key(items: list[dict], keys: list[tuple[str, str]], token: str) -> tuple[str, str]:
    for item, key in zip(items, keys, strict=True):
        if item["token"] == token:
            return key
    raise BadRequest(f"unknown response token {token!r} for this form and time range")


def typeform(org: SupportOrg, req: Request) -> Response:
    """Route one Typeform call."""
    if req.method == "GET" and (match := re.fullmatch(r"/forms/([^/]+)/responses", req.path)):
        if org.typeform_form(match[1]) is None:
            return typeform_error(404, "FORM_NOT_FOUND", f"Non existing form with uid {match[1]}")
        return typeform_responses(org, req, match[1])
    if req.method == "GET" and (match := re.fullmatch(r"/forms/([^/]+)", req.path)):
        form = org.typeform_form(match[1])
        if form is None:
            return typeform_error(404, "FORM_NOT_FOUND", f"Non existing form with uid {match[1]}")
        return 200, form
    return typeform_error(404, "NOT_FOUND", f"Endpoint not found: {req.method} {req.path}")


# -- Zendesk QA ----------------------------------------------------------------------------

QA_PAGE_SIZE_MAX = 100


def zendesk_qa_error(status: int, message: str) -> Response:
    """The export's error body (google.rpc.Status: code, message, details)."""
    codes = {400: 3, 401: 16, 403: 7, 404: 5}
    return status, {"code": codes.get(status, 2), "message": message, "details": []}


def zendesk_qa_reviews(org: SupportOrg, req: Request) -> Response:
    """Conversations with reviews created between fromDate (required) and toDate (both
    inclusive), oldest first; pages numbered from 1."""
    if not req.query.get("fromDate"):
        return zendesk_qa_error(400, "fromDate is required")
    start = _typeform_time(req.query["fromDate"], "fromDate")
    end = _typeform_time(req.query["toDate"], "toDate") if req.query.get("toDate") else org.now
    page = _int(req.query, "page", 1, 1, 1_000_000)
    size = _int(req.query, "pageSize", QA_PAGE_SIZE_MAX, 1, QA_PAGE_SIZE_MAX)
    grouped: dict[tuple[str, str], list] = {}
    for review in org.zendesk_qa_reviews_created_between(start, end):
        grouped.setdefault((review.source_type, review.external_id), []).append(review)
    conversations = [conversation_record(reviews) for reviews in grouped.values()]
    chunk = conversations[(page - 1) * size : page * size]
    return 200, {
        "conversations": chunk,
        "pagination": {"page": page, "pageSize": size, "total": len(conversations)},
    }


def zendesk_qa(org: SupportOrg, req: Request) -> Response:
    """Route one Zendesk QA export call (paths under /qa/api/export)."""
    if req.method == "GET" and req.path == "/qa/api/export/reviews":
        return zendesk_qa_reviews(org, req)
    match = re.fullmatch(r"/qa/api/export/workspace/([^/]+)/reviews", req.path)
    if req.method == "GET" and match:
        if match[1] != WORKSPACE_ID:
            return zendesk_qa_error(404, f"workspace {match[1]} not found")
        return zendesk_qa_reviews(org, req)
    return zendesk_qa_error(404, f"Not Found: {req.method} {req.path}")
