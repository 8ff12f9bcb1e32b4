"""Fake Zendesk Support API: incremental exports, cursor and offset pagination."""

import base64
import json
from datetime import UTC, datetime
from typing import Any

from fakes.server import Answer, FakeAPI, Request, page_of


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ts(value: str) -> int:
    return int(datetime.fromisoformat(value).timestamp())


def _ts_or_newest(value: str) -> int:
    """A malformed time sorts as the newest, so it is on the listing's first page."""
    try:
        return ts(value)
    except ValueError:
        return 2**40


def _cursor(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


def _uncursor(value: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(value.encode()))


class FakeZendesk(FakeAPI):
    """Serves lists of records; ``tickets`` may hold several versions of one id."""

    def __init__(self, email: str, token: str, page_size: int = 2) -> None:
        super().__init__()
        self.expected_auth = "Basic " + base64.b64encode(f"{email}/token:{token}".encode()).decode()
        self.page_size = page_size
        self.tickets: list[dict] = []
        self.users: list[dict] = []
        self.organizations: list[dict] = []
        self.groups: list[dict] = []
        self.audits: dict[int, list[dict]] = {}
        self.ratings: list[dict] = []
        self.schedules: list[dict] = []
        self.holidays: dict[int, list[dict]] = {}
        self.sla_policies: list[dict] = []
        self.ratings_use_offset_pages = False
        # Zendesk orders cursor exports by an internal generated time, not updated_at: with
        # this off, records are served in list order (as if generated in that order).
        self.export_sorted = True
        # A broken export: asked with a cursor, it hands back that same cursor, so its
        # pagination loops (the connector must stop with an error, not read forever).
        self.stuck_cursor = False
        # The account-wide audit listing (GET /api/v2/ticket_audits): None = not served
        # (404, like an endpoint this fake does not know), "admin" = served from ``audits``,
        # "agent" = refused with 403, as Zendesk refuses a token whose user is not an admin;
        # "standard" and "from_oldest" answer in shapes the connector must not trust.
        self.audit_listing: str | None = None
        # Tickets Zendesk has archived: left out of the listing, still served one by one.
        self.archived: set[int] = set()
        self.listing_page_size = 1000

    def authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == self.expected_auth

    def route(self, request: Request) -> Answer:
        path, query = request.path, request.query
        if path == "/api/v2/incremental/tickets/cursor.json":
            return self._cursor_export(path, "tickets", self.tickets, query)
        if path == "/api/v2/incremental/users/cursor.json":
            return self._cursor_export(path, "users", self.users, query)
        if path == "/api/v2/incremental/organizations.json":
            return self._time_export(path, query)
        if path == "/api/v2/groups.json":
            return self._offset_list(path, "groups", self.groups, query)
        if path == "/api/v2/slas/policies.json":
            return (
                200,
                {},
                {
                    "sla_policies": self.sla_policies,
                    "next_page": None,
                    "count": len(self.sla_policies),
                },
            )
        if path == "/api/v2/business_hours/schedules.json":
            return 200, {}, {"schedules": self.schedules}
        if path.startswith("/api/v2/business_hours/schedules/") and path.endswith("/holidays.json"):
            schedule_id = int(path.split("/")[5])
            return 200, {}, {"holidays": self.holidays.get(schedule_id, [])}
        if path.startswith("/api/v2/tickets/") and path.endswith("/audits.json"):
            ticket_id = int(path.split("/")[4])
            return self._cursor_list(path, "audits", self.audits.get(ticket_id, []), query)
        if path == "/api/v2/ticket_audits.json" and self.audit_listing == "admin":
            return self._audit_listing(path, query)
        if path == "/api/v2/ticket_audits.json" and self.audit_listing == "standard":
            # The standard cursor's shape (meta, links) instead of the legacy one asked for.
            listed = [a for audits in self.audits.values() for a in audits]
            return self._cursor_list(path, "audits", listed, query)
        if path == "/api/v2/ticket_audits.json" and self.audit_listing == "from_oldest":
            # The legacy shape, but starting from the oldest audits: newer ones after it.
            status, headers, body = self._audit_listing(path, query)
            body["audits"] = body["audits"][::-1]
            body["after_url"] = body.pop("before_url")
            body["before_url"] = None
            return status, headers, body
        if path == "/api/v2/ticket_audits.json" and self.audit_listing == "agent":
            return 403, {}, {"error": "Forbidden", "description": "You do not have access"}
        if path == "/api/v2/satisfaction_ratings.json":
            low = int(query.get("start_time", 0))
            high = int(query.get("end_time", 2**40))
            # Our reading of the reference: the filter is on the rating's creation time.
            kept = [r for r in self.ratings if low <= ts(r["created_at"]) <= high]
            if self.ratings_use_offset_pages:
                return self._offset_list(path, "satisfaction_ratings", kept, query)
            return self._cursor_list(path, "satisfaction_ratings", kept, query)
        return 404, {}, {"error": "InvalidEndpoint"}

    def _cursor_export(self, path: str, key: str, records: list[dict], query: dict) -> Answer:
        if "cursor" in query:
            state = _uncursor(query["cursor"])
        else:
            state = {"start": int(query["start_time"]), "offset": 0}
        matching = [r for r in records if ts(r["updated_at"]) >= state["start"]]
        if self.export_sorted:
            matching.sort(key=lambda r: (ts(r["updated_at"]), r["id"]))
        chunk, following = page_of(matching, state["offset"], self.page_size)
        after = _cursor({**state, "offset": following or len(matching)})
        if self.stuck_cursor and "cursor" in query:
            after = query["cursor"]
        return (
            200,
            {},
            {
                key: chunk,
                "after_cursor": after,
                "after_url": f"{self.url}{path}?cursor={after}",
                "before_cursor": None,
                "before_url": None,
                "end_of_stream": following is None,
            },
        )

    def _time_export(self, path: str, query: dict) -> Answer:
        start = int(query["start_time"])
        matching = sorted(
            (o for o in self.organizations if ts(o["updated_at"]) >= start),
            key=lambda o: (ts(o["updated_at"]), o["id"]),
        )
        chunk = matching[: self.page_size]
        end_time = ts(chunk[-1]["updated_at"]) if chunk else start
        # Time-based pages restart at the last record's second: records of that second repeat.
        return (
            200,
            {},
            {
                "organizations": chunk,
                "count": len(chunk),
                "end_time": end_time,
                "next_page": f"{self.url}{path}?start_time={end_time}",
                "end_of_stream": len(matching) <= self.page_size,
            },
        )

    def _audit_listing(self, path: str, query: dict) -> Answer:
        """Legacy cursor pages, newest first by (created_at, id): ``cursor`` holds how many
        of the newest audits earlier pages gave; before_url is null on the oldest page."""
        listed = sorted(
            (a for tid, audits in self.audits.items() if tid not in self.archived for a in audits),
            key=lambda a: (_ts_or_newest(a["created_at"]), a["id"]),
            reverse=True,
        )
        size = min(int(query.get("limit", 1000)), self.listing_page_size)
        offset = _uncursor(query["cursor"])["offset"] if "cursor" in query else 0
        chunk, following = page_of(listed, offset, size)
        before = _cursor({"offset": following}) if following is not None else None
        return (
            200,
            {},
            {
                "audits": chunk,
                "before_cursor": before,
                "before_url": f"{self.url}{path}?cursor={before}" if before else None,
                "after_cursor": None,
                "after_url": None,
                "count": len(chunk),
            },
        )

    def _offset_list(self, path: str, key: str, records: list[dict], query: dict) -> Answer:
        page = int(query.get("page", 1))
        chunk, following = page_of(records, (page - 1) * self.page_size, self.page_size)
        next_page = f"{self.url}{path}?page={page + 1}" if following is not None else None
        return (
            200,
            {},
            {key: chunk, "next_page": next_page, "previous_page": None, "count": len(records)},
        )

    def _cursor_list(self, path: str, key: str, records: list[dict], query: dict) -> Answer:
        size = int(query.get("page[size]", 100))
        offset = int(_uncursor(query["page[after]"])["offset"]) if "page[after]" in query else 0
        chunk, following = page_of(records, offset, size)
        after = _cursor({"offset": following}) if following is not None else None
        rest = {k: v for k, v in query.items() if k != "page[after]"}
        params = "&".join(f"{k}={v}" for k, v in rest.items())
        next_link = f"{self.url}{path}?{params}&page[after]={after}" if after else None
        body: dict[str, Any] = {
            key: chunk,
            "meta": {
                "has_more": following is not None,
                "after_cursor": after,
                "before_cursor": None,
            },
            "links": {"next": next_link, "prev": None},
        }
        return 200, {}, body
