"""Zendesk QA (formerly Klaus): manual QA reviews from the Public Export API.

GET {base}/qa/api/export/reviews (the whole account) or
GET {base}/qa/api/export/workspace/{workspaceId}/reviews answers the conversations that have
reviews in the `fromDate`..`toDate` range, each with its `reviews` (score, reviewer and
reviewee by email and name, scorecard, category `ratings`), one page at a time (`page`,
`pageSize`, a `pagination` object with `page`, `pageSize` and `total`). One landed record is
one review; the conversation it belongs to (`externalId`, `sourceType`, workspace) travels in
the landing context (docs/connectors.md).

The reference does not say which time the range filters on, and a review can be edited
(re-scored) after it was created. So the range asked for starts `reread_days` before the
window, and a review is kept in the window of its latest change (`updatedISO`, else its
creation): an edit made up to `reread_days` after the review was created lands on the day of
the edit, and staging keeps the latest version of each review.
"""

import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

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
from connectors.http import BearerAuth, HttpClient, check_base_url

ENV_BASE_URL, ENV_TOKEN, ENV_WORKSPACE = (
    "ZENDESK_QA_BASE_URL",
    "ZENDESK_QA_TOKEN",
    "ZENDESK_QA_WORKSPACE_ID",
)
# The QA API lives on the account's Zendesk subdomain, under /qa.
ENV_FALLBACK_BASE_URL = "ZENDESK_BASE_URL"
ENV_REREAD_DAYS = "CSOPS_QA_REREAD_DAYS"
DEFAULT_REREAD_DAYS = 14
PAGE_SIZE = 100
# The export allows 1,500 requests a minute per IP and sends no rate-limit headers: pacing
# ourselves to 25 a second stays under it without a 429.
MIN_INTERVAL = 60 / 1500


def _created(review: Mapping[str, Any]) -> datetime:
    moment = record_time(review, "createdISO")
    return moment if moment != EPOCH else record_time(review, "created")


def _changed(review: Mapping[str, Any]) -> datetime:
    """The review's latest change: updatedISO (or the legacy updated), else its creation."""
    for key in ("updatedISO", "updated"):
        moment = record_time(review, key)
        if moment != EPOCH:
            return moment
    return _created(review)


def _review_id(pair: tuple[Any, dict]) -> Any:
    # A review that is not an object has no id: it is kept on its own, for landing to reject.
    return pair[0].get("id") if isinstance(pair[0], dict) else id(pair)


def _qa_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, as the reference's examples write fromDate and toDate."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def conversation_context(conversation: Mapping[str, Any]) -> dict[str, Any]:
    """What a review needs from its conversation: the help-desk contact it is about."""
    return {
        "external_id": conversation.get("externalId"),
        "source_type": conversation.get("sourceType"),
        "workspace_id": conversation.get("workspaceId"),
    }


class ZendeskQAConnector:
    """Reads the QA reviews of one Zendesk QA account (or one workspace) with an API token."""

    source = "zendesk_qa"
    event_streams = ("reviews",)
    reference_streams: tuple[str, ...] = ()
    incremental_reference_streams: tuple[str, ...] = ()

    def __init__(
        self,
        token: str,
        base_url: str,
        workspace_id: str | None = None,
        *,
        reread_days: int = DEFAULT_REREAD_DAYS,
        page_size: int = PAGE_SIZE,
        http_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.base_url = check_base_url(self.source, base_url, ENV_BASE_URL)
        self.workspace_id = workspace_id or None
        self.reread = timedelta(days=reread_days)
        self.page_size = page_size
        self._http = HttpClient(
            self.source,
            self.base_url,
            auth=BearerAuth(token),
            auth_hint=f"check {ENV_TOKEN} (a Zendesk QA API connection token) and, when set, "
            f"that {ENV_WORKSPACE} is a workspace of that account",
            **{"min_interval": MIN_INTERVAL, **dict(http_options or {})},
        )

    def __repr__(self) -> str:
        return f"ZendeskQAConnector(base_url={self.base_url!r}, workspace_id={self.workspace_id!r})"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, http_options: Mapping[str, Any] | None = None
    ) -> "ZendeskQAConnector":
        """Configure from ZENDESK_QA_TOKEN, ZENDESK_QA_BASE_URL (else ZENDESK_BASE_URL),
        ZENDESK_QA_WORKSPACE_ID (optional) and CSOPS_QA_REREAD_DAYS (default 14)."""
        env = os.environ if env is None else env
        token = require_env(cls.source, env, (ENV_TOKEN,))[ENV_TOKEN]
        base_url = (env.get(ENV_BASE_URL, "") or env.get(ENV_FALLBACK_BASE_URL, "")).strip()
        if not base_url:
            raise ConfigError(
                f"zendesk_qa: set {ENV_BASE_URL} (or {ENV_FALLBACK_BASE_URL}) to your Zendesk "
                "address, such as https://acme.zendesk.com",
                source=cls.source,
                variables=(ENV_BASE_URL,),
            )
        check_base_url(cls.source, base_url, ENV_BASE_URL)
        raw_days = env.get(ENV_REREAD_DAYS, "").strip()
        try:
            reread_days = int(raw_days) if raw_days else DEFAULT_REREAD_DAYS
        except ValueError:
            reread_days = -1
        if reread_days < 0:
            raise ConfigError(
                f"zendesk_qa: {ENV_REREAD_DAYS}={raw_days!r} is not a whole number of days "
                f"(0 or more; default {DEFAULT_REREAD_DAYS})",
                source=cls.source,
                variables=(ENV_REREAD_DAYS,),
            )
        workspace = env.get(ENV_WORKSPACE, "").strip() or None
        return cls(token, base_url, workspace, reread_days=reread_days, http_options=http_options)

    @property
    def reviews_path(self) -> str:
        if self.workspace_id:
            return f"/qa/api/export/workspace/{self.workspace_id}/reviews"
        return "/qa/api/export/reviews"

    def check(self) -> None:
        """One page of one review of the last hour: the token, the address and the workspace."""
        since = datetime.now(UTC) - timedelta(hours=1)
        params = {"fromDate": _qa_time(since), "pageSize": 1}
        self._http.get_json("check", self.reviews_path, params)

    def requests_sent(self) -> dict[str, int]:
        """Requests sent so far per stream, retries included (connectors/sync_cost.py)."""
        return dict(self._http.sent)

    def close(self) -> None:
        self._http.close()

    def extract_events(self, start: datetime, end: datetime) -> Iterator[Extracted]:
        """Every review whose latest change falls in [start, end), read from a range that
        starts `reread_days` earlier (the module's docstring says why)."""
        check_window(start, end)
        pairs = keep_latest(self._reviews(start - self.reread, end), _review_id, self._changed)
        for review, context in pairs:
            at = event_time_in(self._changed((review, context)), start, end)
            if at is not None:
                yield Extracted("reviews", review, at, context)

    def extract_reference(self, since: Mapping[str, datetime] | None = None) -> Iterator[Extracted]:
        """None: reviewers and reviewees come by email inside each review, and are matched to
        the help desks' agents in the models (docs/kpis.md)."""
        return iter(())

    @staticmethod
    def _changed(pair: tuple[Any, dict]) -> datetime:
        return _changed(pair[0]) if isinstance(pair[0], dict) else EPOCH

    def _reviews(self, start: datetime, end: datetime) -> Iterator[tuple[Any, dict]]:
        for conversation in self._conversations(start, end):
            if not isinstance(conversation, dict):
                raise self._shape_error("a conversation that is not a JSON object")
            context = conversation_context(conversation)
            reviews = conversation.get("reviews") or []
            if not isinstance(reviews, list):
                raise self._shape_error("a conversation whose reviews are not a list")
            for review in reviews:
                yield review, context

    def _conversations(self, start: datetime, end: datetime) -> Iterator[dict]:
        """Page-number pagination. The reference does not say whether pages count from 0 or
        1: the first page is asked without `page` and the next ones follow the number the API
        reports. Reading stops at a short or empty page, or once `total` records are read."""
        path = self.reviews_path
        params = {"fromDate": _qa_time(start), "toDate": _qa_time(end), "pageSize": self.page_size}
        state = {"read": 0}

        def fetch(page: str | None) -> dict:
            return self._http.get_json(
                "reviews", path, params if page is None else {**params, "page": page}
            )

        def following(answer: Mapping[str, Any], _: str | None) -> str | None:
            conversations = answer.get("conversations") or []
            if not isinstance(conversations, list):
                raise self._shape_error("conversations that are not a list")
            state["read"] += len(conversations)
            pagination = answer.get("pagination") or {}
            total = pagination.get("total")
            if len(conversations) < self.page_size:
                return None
            if isinstance(total, int) and state["read"] >= total:
                return None
            number = pagination.get("page")
            if not isinstance(number, int):
                raise self._shape_error("a full page without pagination.page")
            return str(number + 1)

        return paginate(
            self.source,
            "reviews",
            path=path,
            key="conversations",
            fetch=fetch,
            following=following,
            position="page number",
        )

    def _shape_error(self, what: str) -> ConnectorError:
        return ConnectorError(
            f"zendesk_qa reviews: GET {self.reviews_path} answered {what}; the export's shape "
            "changed, report it with this message",
            source=self.source,
            stream="reviews",
            path=self.reviews_path,
        )
