"""Zendesk Support: tickets with their audits and CSAT ratings, plus the reference tables.

Incremental exports are the only Zendesk endpoints meant for bulk reads (10 requests a
minute, up to 1000 records a page), so tickets, users and organizations come from them;
everything else is small and read with ordinary pagination.
"""

import math
import os
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from requests.auth import HTTPBasicAuth

from connectors.base import (
    EPOCH,
    Extracted,
    check_window,
    event_time_in,
    keep_latest,
    paginate,
    record_time,
    require_env,
)
from connectors.errors import ConnectorError
from connectors.http import HttpClient, check_base_url
from connectors.throttle import ZENDESK_RATE_LIMIT

ENV_BASE_URL, ENV_EMAIL, ENV_TOKEN = "ZENDESK_BASE_URL", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"
# A legacy CSAT rating is created when the survey is offered and updated when the customer
# answers, which can happen until the ticket closes (at most 28 days after it is solved).
# The reference does not say which timestamp start_time filters on, so we ask from 28 days
# earlier and keep updated_at in [start, end) ourselves.
CSAT_LOOKBACK = timedelta(days=28)
PAGE_SIZE = 100


def _updated(record: dict) -> datetime:
    return record_time(record, "updated_at")


class ZendeskConnector:
    """Reads one Zendesk Support account with an API token."""

    source = "zendesk"
    event_streams = ("tickets", "ticket_audits", "satisfaction_ratings")
    reference_streams = (
        "users",
        "groups",
        "organizations",
        "schedules",
        "holidays",
        "sla_policies",
    )
    # Read from a start time (docs/landing.md, docs/decisions.md): a year's users are too many
    # to export every night. Groups, schedules and policies are small and read whole.
    incremental_reference_streams = ("users", "organizations")

    def __init__(
        self,
        base_url: str,
        email: str,
        api_token: str,
        *,
        page_size: int = PAGE_SIZE,
        http_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.base_url = check_base_url(self.source, base_url, ENV_BASE_URL)
        self.page_size = page_size
        self._http = HttpClient(
            self.source,
            self.base_url,
            auth=HTTPBasicAuth(f"{email}/token", api_token),
            auth_hint=f"check {ENV_EMAIL} and {ENV_TOKEN} (token active, user is an admin)",
            **{"rate_limit": ZENDESK_RATE_LIMIT, **dict(http_options or {})},
        )

    def __repr__(self) -> str:
        return f"ZendeskConnector(base_url={self.base_url!r})"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, http_options: Mapping[str, Any] | None = None
    ) -> "ZendeskConnector":
        """Configure from ZENDESK_BASE_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN."""
        values = require_env(
            cls.source, os.environ if env is None else env, (ENV_BASE_URL, ENV_EMAIL, ENV_TOKEN)
        )
        check_base_url(cls.source, values[ENV_BASE_URL], ENV_BASE_URL)
        return cls(
            values[ENV_BASE_URL], values[ENV_EMAIL], values[ENV_TOKEN], http_options=http_options
        )

    def check(self) -> None:
        """One cheap authenticated call; SLA policies are admin-only, like the exports we read."""
        self._http.get_json("check", "/api/v2/slas/policies.json")

    def requests_sent(self) -> dict[str, int]:
        """Requests sent so far per stream, retries included (connectors/sync_cost.py)."""
        return dict(self._http.sent)

    def close(self) -> None:
        self._http.close()

    def extract_events(self, start: datetime, end: datetime) -> Iterator[Extracted]:
        """Tickets updated in [start, end), each ticket's audits, and CSAT ratings updated then."""
        check_window(start, end)
        exported = self._cursor_export("tickets", "tickets", start)
        tickets = _in_window(keep_latest(exported, _id, _updated), start, end)
        for ticket, at in tickets:
            yield Extracted("tickets", ticket, at)
        for ticket, at in tickets:
            if ticket.get("id") is None:
                continue  # rejected at landing for its missing id; no audits to ask for
            for audit in self._audits(ticket["id"]):
                yield Extracted("ticket_audits", audit, at)
        for rating, at in self._satisfaction_ratings(start, end):
            yield Extracted("satisfaction_ratings", rating, at)

    def extract_reference(self, since: Mapping[str, datetime] | None = None) -> Iterator[Extracted]:
        """Users and organizations changed since `since[stream]` (the whole history without
        it: the export returns what changed on or after its start time), and the current
        small tables."""
        since = since or {}
        users = self._cursor_export("users", "users", since.get("users", EPOCH))
        for user in keep_latest(users, _id, _updated):
            yield Extracted("users", user, _updated(user))
        for group in self._next_page_list("groups", "/api/v2/groups.json", "groups"):
            yield Extracted("groups", group, _updated(group))
        orgs = self._time_export("organizations", since.get("organizations", EPOCH))
        for org in keep_latest(orgs, _id, _updated):
            yield Extracted("organizations", org, _updated(org))
        schedules = self._http.get_json("schedules", "/api/v2/business_hours/schedules.json")
        for schedule in schedules.get("schedules") or []:
            yield Extracted("schedules", schedule, _updated(schedule))
        for schedule in schedules.get("schedules") or []:
            path = f"/api/v2/business_hours/schedules/{schedule['id']}/holidays.json"
            for holiday in self._http.get_json("holidays", path).get("holidays") or []:
                yield Extracted(
                    "holidays", holiday, _updated(schedule), {"schedule_id": schedule["id"]}
                )
        for policy in self._next_page_list(
            "sla_policies", "/api/v2/slas/policies.json", "sla_policies"
        ):
            yield Extracted("sla_policies", policy, _updated(policy))

    def _cursor_export(self, stream: str, resource: str, start: datetime) -> Iterator[dict]:
        """Cursor-based incremental export: start_time once, then after_url until end_of_stream.

        The export runs up to now: its order is Zendesk's generated timestamp, not
        updated_at, so stopping early at the window's end could miss records.
        """
        path = f"/api/v2/incremental/{resource}/cursor.json"

        def fetch(url: str | None) -> dict:
            if url is None:
                return self._http.get_json(stream, path, {"start_time": int(start.timestamp())})
            return self._http.get_json(stream, url)

        def following(page: Mapping[str, Any], _: str | None) -> str | None:
            if page.get("end_of_stream", True):
                return None
            if page.get("after_url"):
                return page["after_url"]
            if page.get("after_cursor"):
                # The very request get_json(path, {"cursor": ...}) makes: requests encodes
                # params with urlencode too.
                return f"{path}?{urlencode({'cursor': page['after_cursor']})}"
            raise _pagination_error(stream, path, "end_of_stream is false but no after_cursor")

        return paginate(
            self.source, stream, path=path, key=resource, fetch=fetch, following=following
        )

    def _time_export(self, resource: str, start: datetime) -> Iterator[dict]:
        """Time-based incremental export: follow next_page until end_of_stream (may repeat ids).

        When more records share one second than fit on a page, the export cannot advance and
        hands back the same next_page: the loop guard stops that with an error.
        """
        path = f"/api/v2/incremental/{resource}.json"

        def fetch(url: str | None) -> dict:
            if url is None:
                return self._http.get_json(resource, path, {"start_time": int(start.timestamp())})
            return self._http.get_json(resource, url)

        def following(page: Mapping[str, Any], _: str | None) -> str | None:
            next_page = page.get("next_page")
            if page.get("end_of_stream", True) or not next_page:
                return None
            return next_page

        return paginate(
            self.source, resource, path=path, key=resource, fetch=fetch, following=following
        )

    def _next_page_list(self, stream: str, path: str, key: str) -> Iterator[dict]:
        """Offset-paginated list: follow next_page until it is null."""

        def fetch(url: str | None) -> dict:
            return self._http.get_json(stream, url or path)

        return paginate(
            self.source,
            stream,
            path=path,
            key=key,
            fetch=fetch,
            following=lambda page, _: page.get("next_page"),
        )

    def _cursor_pages(
        self, stream: str, path: str, key: str, params: dict[str, Any]
    ) -> Iterator[dict]:
        """Cursor pagination: page[size], then links.next while meta.has_more.

        An endpoint that answers with offset pagination instead (no ``meta``, a
        ``next_page`` URL; both are documented for these lists) is followed that way, so a
        page is never silently the last one.
        """

        def fetch(url: str | None) -> dict:
            if url is None:
                return self._http.get_json(stream, path, {**params, "page[size]": self.page_size})
            return self._http.get_json(stream, url)

        def following(page: Mapping[str, Any], _: str | None) -> str | None:
            if "meta" not in page:
                return page.get("next_page")
            if not (page.get("meta") or {}).get("has_more"):
                return None
            next_url = (page.get("links") or {}).get("next")
            if not next_url:
                raise _pagination_error(stream, path, "meta.has_more but no links.next")
            return next_url

        return paginate(self.source, stream, path=path, key=key, fetch=fetch, following=following)

    def _audits(self, ticket_id: int) -> Iterator[dict]:
        path = f"/api/v2/tickets/{ticket_id}/audits.json"
        return self._cursor_pages("ticket_audits", path, "audits", {})

    def _satisfaction_ratings(self, start: datetime, end: datetime) -> list[tuple[dict, datetime]]:
        params = {
            "start_time": int((start - CSAT_LOOKBACK).timestamp()),
            "end_time": math.ceil(end.timestamp()),
        }
        pages = self._cursor_pages(
            "satisfaction_ratings",
            "/api/v2/satisfaction_ratings.json",
            "satisfaction_ratings",
            params,
        )
        return _in_window(keep_latest(pages, _id, _updated), start, end)


def _in_window(records: list[dict], start: datetime, end: datetime) -> list[tuple[dict, datetime]]:
    """The records updated in [start, end), each with its partition time."""
    timed = ((record, event_time_in(_updated(record), start, end)) for record in records)
    return [(record, at) for record, at in timed if at is not None]


def _id(record: dict) -> Any:
    return record.get("id")


def _pagination_error(stream: str, path: str, what: str) -> ConnectorError:
    return ConnectorError(
        f"zendesk {stream}: GET {path} answered {what}; the API's pagination changed, "
        "report it with this message",
        source="zendesk",
        stream=stream,
        path=path,
    )
