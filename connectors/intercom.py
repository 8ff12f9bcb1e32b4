"""Intercom: chat conversations with their parts, plus admins and teams.

The search endpoint finds the conversations updated in the window but returns them without
their conversation parts, so each one found is read in full with GET /conversations/{id};
that full record is what lands. Except when its parts have not changed since the version
landed on an earlier day (the search's statistics count as many parts as that version
holds; Intercom only appends parts): then the search's record with that version's parts
lands, and the request is saved (docs/connectors.md).
"""

import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.base import (
    Extracted,
    check_window,
    event_time_in,
    keep_latest,
    paginate,
    record_time,
    require_env,
)
from connectors.http import BearerAuth, HttpClient, check_base_url
from connectors.throttle import INTERCOM_RATE_LIMIT

ENV_BASE_URL, ENV_TOKEN, ENV_VERSION = (
    "INTERCOM_BASE_URL",
    "INTERCOM_ACCESS_TOKEN",
    "INTERCOM_VERSION",
)
DEFAULT_BASE_URL = "https://api.intercom.io"
DEFAULT_VERSION = "2.11"
PER_PAGE = 150  # the search endpoint's maximum


def _updated(record: dict) -> datetime:
    return record_time(record, "updated_at")


class IntercomConnector:
    """Reads one Intercom workspace with an access token."""

    source = "intercom"
    event_streams = ("conversations",)
    reference_streams = ("admins", "teams")
    incremental_reference_streams: tuple[str, ...] = ()  # all small: read whole

    def __init__(
        self,
        access_token: str,
        base_url: str = DEFAULT_BASE_URL,
        version: str = DEFAULT_VERSION,
        *,
        per_page: int = PER_PAGE,
        http_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.base_url = check_base_url(self.source, base_url, ENV_BASE_URL)
        self.version = version
        self.per_page = per_page
        # (stream, ids) -> {id: the version landed on an earlier day}; set by the landing
        # (pipelines/landing.py). None: nothing landed is known, every conversation is read.
        self.landed_versions: Callable[[str, Iterable[str]], Mapping[Any, dict]] | None = None
        self.parts_reused = 0  # conversations whose landed parts were kept, not re-read
        self._http = HttpClient(
            self.source,
            self.base_url,
            auth=BearerAuth(access_token),
            headers={"Intercom-Version": version},
            auth_hint=f"check {ENV_TOKEN} (the app needs read access to conversations, "
            "admins and teams)",
            **{"rate_limit": INTERCOM_RATE_LIMIT, **dict(http_options or {})},
        )

    def __repr__(self) -> str:
        return f"IntercomConnector(base_url={self.base_url!r}, version={self.version!r})"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, http_options: Mapping[str, Any] | None = None
    ) -> "IntercomConnector":
        """Configure from INTERCOM_ACCESS_TOKEN, INTERCOM_BASE_URL and INTERCOM_VERSION."""
        env = os.environ if env is None else env
        token = require_env(cls.source, env, (ENV_TOKEN,))[ENV_TOKEN]
        base_url = env.get(ENV_BASE_URL, "").strip() or DEFAULT_BASE_URL
        check_base_url(cls.source, base_url, ENV_BASE_URL)
        version = env.get(ENV_VERSION, "").strip() or DEFAULT_VERSION
        return cls(token, base_url, version, http_options=http_options)

    def check(self) -> None:
        """One cheap call to each endpoint we read, so it checks every permission we need."""
        self._http.get_json("check", "/admins")
        self._http.get_json("check", "/teams")
        now = math.floor(datetime.now(UTC).timestamp())
        query = {
            "operator": "AND",
            "value": [{"field": "updated_at", "operator": ">", "value": now - 60}],
        }
        self._http.post_json(
            "check", "/conversations/search", {"query": query, "pagination": {"per_page": 1}}
        )

    def requests_sent(self) -> dict[str, int]:
        """Requests sent so far per stream, retries included (connectors/sync_cost.py)."""
        return dict(self._http.sent)

    def close(self) -> None:
        self._http.close()

    def extract_events(self, start: datetime, end: datetime) -> Iterator[Extracted]:
        """Every conversation updated in [start, end), read in full with its parts."""
        check_window(start, end)
        found = keep_latest(self._search(start, end), lambda c: c.get("id"), _updated)
        timed = [(summary, event_time_in(_updated(summary), start, end)) for summary in found]
        in_window = [(summary, at) for summary, at in timed if at is not None]
        landed: Mapping[Any, dict] = {}
        if self.landed_versions is not None:
            ids = [str(s["id"]) for s, _ in in_window if _parts_count(s) is not None]
            landed = self.landed_versions("conversations", ids) if ids else {}
        for summary, found_at in in_window:
            if summary.get("id") is None:
                # Nothing to read in full; landing rejects it with the reason, visibly.
                yield Extracted("conversations", summary, found_at)
                continue
            kept = _with_landed_parts(summary, landed.get(str(summary["id"])))
            if kept is not None:
                self.parts_reused += 1
                yield Extracted("conversations", kept, found_at)
                continue
            conversation = self._http.get_json("conversations", f"/conversations/{summary['id']}")
            latest = _updated(conversation) if "updated_at" in conversation else found_at
            # Updated again between the search and this read: it belongs to a later window
            # now, which lands it; keeping it here would put an updated_at beyond this
            # window's end into this window's partition.
            if latest >= end:
                continue
            yield Extracted("conversations", conversation, max(latest, found_at))

    def extract_reference(self, since: Mapping[str, datetime] | None = None) -> Iterator[Extracted]:
        """All admins (teammates) and teams."""
        now = datetime.now(UTC)
        for admin in self._http.get_json("admins", "/admins").get("admins") or []:
            yield Extracted("admins", admin, now)
        for team in self._http.get_json("teams", "/teams").get("teams") or []:
            yield Extracted("teams", team, now)

    def _search(self, start: datetime, end: datetime) -> Iterator[dict]:
        """POST /conversations/search on updated_at, following pages.next.starting_after.

        Intercom compares whole seconds with strict operators, so "> start-1 and < end"
        asks for [start, end) at second precision; the caller still filters exactly.
        """
        query = {
            "operator": "AND",
            "value": [
                {
                    "field": "updated_at",
                    "operator": ">",
                    "value": math.floor(start.timestamp()) - 1,
                },
                {"field": "updated_at", "operator": "<", "value": math.ceil(end.timestamp())},
            ],
        }

        def fetch(cursor: str | None) -> dict:
            pagination: dict[str, Any] = {"per_page": self.per_page}
            if cursor is not None:
                pagination["starting_after"] = cursor
            return self._http.post_json(
                "conversations", "/conversations/search", {"query": query, "pagination": pagination}
            )

        def following(page: Mapping[str, Any], _: str | None) -> str | None:
            return ((page.get("pages") or {}).get("next") or {}).get("starting_after")

        return paginate(
            self.source,
            "conversations",
            path="/conversations/search",
            key="conversations",
            fetch=fetch,
            following=following,
            position="starting_after cursor",
        )


def _parts_count(summary: Mapping[str, Any]) -> int | None:
    """How many parts the search says the conversation has (statistics), if it says."""
    count = (summary.get("statistics") or {}).get("count_conversation_parts")
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def _with_landed_parts(summary: dict, landed: dict | None) -> dict | None:
    """The search's record with the landed version's parts, when those are all its parts:
    the landed version lists as many parts as the search counts now (parts are only ever
    appended) and is not newer. None: read the conversation in full."""
    count = _parts_count(summary)
    if landed is None or count is None:
        return None
    parts = landed.get("conversation_parts")
    if not isinstance(parts, dict) or not isinstance(parts.get("conversation_parts"), list):
        return None
    total = parts.get("total_count", len(parts["conversation_parts"]))
    if total != count or _updated(landed) > _updated(summary):
        return None
    return {**summary, "conversation_parts": parts}
