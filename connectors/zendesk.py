"""Zendesk Support: tickets with their audits and CSAT ratings, plus the reference tables.

Incremental exports are the only Zendesk endpoints meant for bulk reads of tickets, users
and organizations (10 requests a minute, up to 1000 records a page), so those come from
them. Audits come from the account-wide audit listing (up to 1000 a page, newest first),
which leaves out archived tickets: those, and any the listing cannot cover cheaply, are read
one ticket at a time (docs/connectors.md, "Zendesk audits"). Everything else is small and
read with ordinary pagination.
"""

import logging
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
from connectors.errors import ConfigError, ConnectorError
from connectors.http import HttpClient, check_base_url
from connectors.throttle import ZENDESK_RATE_LIMIT

ENV_BASE_URL, ENV_EMAIL, ENV_TOKEN = "ZENDESK_BASE_URL", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"
# How audits are read: through the account-wide listing (fewest requests) or ticket by ticket.
ENV_AUDITS, AUDIT_PATHS = "CSOPS_ZENDESK_AUDITS", ("listing", "per-ticket")
# A legacy CSAT rating is created when the survey is offered and updated when the customer
# answers, which can happen until the ticket closes (at most 28 days after it is solved).
# The reference does not say which timestamp start_time filters on, so we ask from 28 days
# earlier and keep updated_at in [start, end) ourselves.
CSAT_LOOKBACK = timedelta(days=28)
PAGE_SIZE = 100
# The account-wide audit listing: its legacy cursor pages (the endpoint's default) hold up to
# 1000 audits, newest first; before_url leads to older ones. Admins only.
AUDIT_LISTING_PATH = "/api/v2/ticket_audits.json"
AUDIT_LISTING_LIMIT = 1000
# How far before the window the listing may go back for the audits of tickets created
# earlier; older tickets' audits are read ticket by ticket.
AUDIT_LISTING_LOOKBACK = timedelta(days=14)
# Zendesk archives a ticket about 120 days after it is closed (sooner on very large
# accounts), and the audit listing leaves archived tickets out.
ARCHIVE_AFTER = timedelta(days=120)

log = logging.getLogger(__name__)


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
        audit_listing: bool = True,
        http_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.base_url = check_base_url(self.source, base_url, ENV_BASE_URL)
        self.page_size = page_size
        # False reads every ticket's audits on its own (the slower path; the benchmark's
        # "before"). The listing's own fallbacks need no switch: see _window_audits.
        self.audit_listing = audit_listing
        # What the audit listing read so far: its pages and the audits on them (all
        # tickets'), for the request-count benchmark's projections.
        self.listing_pages = self.audits_listed = 0
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
        """Configure from ZENDESK_BASE_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN, and
        CSOPS_ZENDESK_AUDITS (`listing`, the default, or `per-ticket`)."""
        env = os.environ if env is None else env
        values = require_env(cls.source, env, (ENV_BASE_URL, ENV_EMAIL, ENV_TOKEN))
        check_base_url(cls.source, values[ENV_BASE_URL], ENV_BASE_URL)
        audits = env.get(ENV_AUDITS, "").strip().lower() or "listing"
        if audits not in AUDIT_PATHS:
            raise ConfigError(
                f"{ENV_AUDITS}={env.get(ENV_AUDITS)!r} is not one of {', '.join(AUDIT_PATHS)}",
                source=cls.source,
                variables=(ENV_AUDITS,),
            )
        return cls(
            values[ENV_BASE_URL],
            values[ENV_EMAIL],
            values[ENV_TOKEN],
            audit_listing=audits == "listing",
            http_options=http_options,
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
        # A ticket without an id is rejected at landing; there are no audits to ask for.
        yield from self._window_audits([(t, at) for t, at in tickets if t.get("id") is not None])
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

    def _window_audits(self, tickets: list[tuple[dict, datetime]]) -> Iterator[Extracted]:
        """Every audit of each ticket, at its ticket's partition time: the same audits the
        per-ticket endpoint returns, for far fewer requests.

        The account-wide listing serves the tickets created since the cutoff: the earliest
        ticket's creation, at most AUDIT_LISTING_LOOKBACK before the window. Older tickets,
        tickets whose created_at cannot be read and those the listing leaves to read on
        their own (_listed_audits) are read one ticket at a time, in the window's order.
        """
        if not tickets:
            return
        at_of = {ticket["id"]: at for ticket, at in tickets}
        created = {ticket["id"]: record_time(ticket, "created_at") for ticket, _ in tickets}
        readable = [c for c in created.values() if c != EPOCH]
        alone = set(at_of)
        if self.audit_listing and readable:
            cutoff = max(min(readable), min(at_of.values()) - AUDIT_LISTING_LOOKBACK)
            listable = {tid: c for tid, c in created.items() if c >= cutoff}
            closed = {
                ticket["id"]: _updated(ticket)
                for ticket, _ in tickets
                if ticket.get("status") == "closed" and ticket["id"] in listable
            }
            for ticket_id, audits in self._listed_audits(listable, closed):
                if audits is not None:
                    alone.discard(ticket_id)
                    for audit in audits:
                        yield Extracted("ticket_audits", audit, at_of[ticket_id])
        for ticket_id, at in at_of.items():
            if ticket_id in alone:
                for audit in self._audits(ticket_id):
                    yield Extracted("ticket_audits", audit, at)

    def _listed_audits(
        self, created: dict[Any, datetime], closed: dict[Any, datetime]
    ) -> Iterator[tuple[Any, list | None]]:
        """For each ticket of `created` ({id: created_at}): (id, its audits, oldest first)
        when the account-wide listing holds them all, else (id, None): read it on its own.

        The listing runs newest first, and a ticket's audits are created at or after the
        ticket, so once the listing has passed a ticket's created_at, it has listed every
        audit of that ticket, or none when the ticket is archived (the listing leaves those
        out). Its first page also says roughly what time it is at Zendesk (the newest
        audit): a ticket of `closed` ({id: updated_at}) untouched since ARCHIVE_AFTER before
        that, and not on that page, is archived, so it is settled at once (read on its own)
        instead of keeping the listing going. The listing stops once every ticket is
        settled, or once going on no longer pays: when the pages it would still need to pass
        any further ticket (at the pace it has gone back in time so far) are at least as
        many as the tickets it would settle; those left are then read one by one. It is not
        used at all when the token may not list audits (403) or the endpoint is missing
        (another 4xx), nor beyond an answer that breaks its documented order (the first
        page not the newest, a later page newer than an earlier one) or shape: the tickets
        not settled by then are read on their own, with a warning.
        """
        waiting = sorted(created, key=lambda tid: created[tid], reverse=True)
        buffered: dict[Any, list[dict]] = {tid: [] for tid in waiting}
        settled = 0  # waiting[:settled] are settled
        pages = 0
        newest: datetime | None = None  # the newest audit listed: Zendesk's present
        oldest: datetime | None = None  # the oldest so far

        def settle(oldest: datetime | None) -> Iterator[tuple[Any, list | None]]:
            # The tickets created after `oldest` (all of them when None: nothing is older).
            nonlocal settled
            while settled < len(waiting) and (oldest is None or created[waiting[settled]] > oldest):
                ticket_id = waiting[settled]
                settled += 1
                audits = buffered.pop(ticket_id)
                audits.sort(key=lambda a: (record_time(a, "created_at"), _sort_id(a)))
                yield ticket_id, audits or None

        def worth_going_on(oldest: datetime, pace: timedelta) -> bool:
            # Whether, for some j, the pages still needed to pass the j-th ticket left (at
            # the pace the listing has gone back in time so far) are fewer than the j
            # requests of reading those tickets on their own. j doubles, then the last one.
            left = len(waiting) - settled
            if not pace:
                return pages < left
            j = 1
            while j < left:
                if (oldest - created[waiting[settled + j - 1]]) / pace < j:
                    return True
                j *= 2
            return bool(left) and (oldest - created[waiting[-1]]) / pace < left

        try:
            for page in self._audit_listing_pages():
                pages += 1
                self.listing_pages += 1
                self.audits_listed += len(page)
                times = [record_time(audit, "created_at") for audit in page]
                if EPOCH in times:
                    raise _Unlistable("answered an audit without a readable created_at")
                for audit in page:
                    if audit.get("ticket_id") in buffered:
                        buffered[audit["ticket_id"]].append(audit)
                if pages == 1 and times:
                    archived_before = max(times) - ARCHIVE_AFTER
                    gone = {
                        tid
                        for tid, updated in closed.items()
                        if updated <= archived_before and not buffered[tid]
                    }
                    for ticket_id in gone:
                        del buffered[ticket_id]
                        yield ticket_id, None
                    waiting = [tid for tid in waiting if tid not in gone]
                if not times:
                    break  # an empty page: nothing is older (settled below)
                if newest is None:
                    newest = max(times)
                elif oldest is not None and max(times) > oldest:
                    raise _Unlistable("went back to newer audits on a later page")
                oldest = min(times)
                yield from settle(oldest)
                if not worth_going_on(oldest, (newest - oldest) / pages):
                    break
            else:
                yield from settle(None)
            if not times:
                yield from settle(None)
        except _Unlistable as why:
            log.warning(
                "zendesk ticket_audits: the account-wide audit listing %s; reading each "
                "ticket's audits on its own instead",
                why,
            )
        for ticket_id in waiting[settled:]:
            yield ticket_id, None

    def _audit_listing_pages(self) -> Iterator[list[dict]]:
        """The account-wide audit listing, page by page, newest first (legacy cursor:
        before_url leads to older audits and is null on the oldest page)."""
        path = AUDIT_LISTING_PATH
        stream = "ticket_audits"

        def fetch(url: str | None) -> dict:
            if url is not None:
                page = self._http.get_json(stream, url)
            else:
                try:
                    page = self._http.get_json(stream, path, {"limit": AUDIT_LISTING_LIMIT})
                except ConnectorError as error:
                    if error.status is None or not 400 <= error.status < 500:
                        raise
                    # 403: the token's user is not an admin; 404: no such endpoint here.
                    needs = " (listing all audits needs an admin)" if error.status == 403 else ""
                    raise _Unlistable(f"answered HTTP {error.status}{needs}") from error
                # Only the legacy cursor's shape says where the pages go: its first page
                # holds the newest audits (no after_url) and before_url leads back.
                if not isinstance(page, dict) or "before_url" not in page:
                    raise _Unlistable("answered without the legacy cursor's before_url")
                if page.get("after_url"):
                    raise _Unlistable("did not start at the newest audits (after_url set)")
            if not isinstance(page.get("audits") or [], list):
                raise _Unlistable("answered audits that are not a list")
            return {"pages": [page.get("audits") or []], **page}

        return paginate(
            self.source,
            stream,
            path=path,
            key="pages",
            fetch=fetch,
            following=lambda page, _: page.get("before_url"),
        )

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


def _sort_id(record: dict) -> tuple[int, str]:
    ident = record.get("id")
    return (0, f"{ident:020d}") if isinstance(ident, int) else (1, str(ident))


class _Unlistable(Exception):
    """The audit listing cannot be used here; says why, for the warning."""


def _pagination_error(stream: str, path: str, what: str) -> ConnectorError:
    return ConnectorError(
        f"zendesk {stream}: GET {path} answered {what}; the API's pagination changed, "
        "report it with this message",
        source="zendesk",
        stream=stream,
        path=path,
    )
