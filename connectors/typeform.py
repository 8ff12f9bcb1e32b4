"""Typeform: survey responses (NPS, CSAT, CES) and the forms that define their questions."""

import math
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
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
from connectors.errors import ConfigError
from connectors.http import BearerAuth, HttpClient, check_base_url

ENV_BASE_URL, ENV_TOKEN, ENV_FORMS = "TYPEFORM_BASE_URL", "TYPEFORM_TOKEN", "TYPEFORM_FORM_IDS"
DEFAULT_BASE_URL = "https://api.typeform.com"
PAGE_SIZE = 1000  # the Responses API's maximum
# Typeform allows 2 requests a second per account; pacing ourselves avoids the 429s.
MIN_INTERVAL = 0.5


def _submitted(record: dict) -> datetime:
    return record_time(record, "submitted_at")


def _response_id(record: dict) -> Any:
    # Older responses carry only "token"; newer ones repeat it as "response_id".
    return record.get("response_id") or record.get("token")


def _typeform_time(moment: datetime) -> str:
    """The ISO form Typeform accepts: UTC, to the second, no offset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class TypeformConnector:
    """Reads the responses and definitions of a fixed list of Typeform forms."""

    source = "typeform"
    event_streams = ("responses",)
    reference_streams = ("forms",)
    incremental_reference_streams: tuple[str, ...] = ()  # all small: read whole

    def __init__(
        self,
        token: str,
        form_ids: tuple[str, ...],
        base_url: str = DEFAULT_BASE_URL,
        *,
        page_size: int = PAGE_SIZE,
        http_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.base_url = check_base_url(self.source, base_url, ENV_BASE_URL)
        self.form_ids = form_ids
        self.page_size = page_size
        self._http = HttpClient(
            self.source,
            self.base_url,
            auth=BearerAuth(token),
            auth_hint=f"check {ENV_TOKEN} (scopes responses:read and forms:read) and "
            f"that {ENV_FORMS} lists forms of that account",
            **{"min_interval": MIN_INTERVAL, **dict(http_options or {})},
        )

    def __repr__(self) -> str:
        return f"TypeformConnector(base_url={self.base_url!r}, form_ids={self.form_ids!r})"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, http_options: Mapping[str, Any] | None = None
    ) -> "TypeformConnector":
        """Configure from TYPEFORM_TOKEN, TYPEFORM_FORM_IDS and TYPEFORM_BASE_URL."""
        env = os.environ if env is None else env
        values = require_env(cls.source, env, (ENV_TOKEN, ENV_FORMS))
        form_ids = tuple(f.strip() for f in values[ENV_FORMS].split(",") if f.strip())
        if not form_ids:
            raise ConfigError(
                f"typeform: {ENV_FORMS} lists no form id; set it to a comma list such as "
                "abc123,def456",
                source=cls.source,
                variables=(ENV_FORMS,),
            )
        base_url = env.get(ENV_BASE_URL, "").strip() or DEFAULT_BASE_URL
        check_base_url(cls.source, base_url, ENV_BASE_URL)
        return cls(values[ENV_TOKEN], form_ids, base_url, http_options=http_options)

    def check(self) -> None:
        """Each configured form's definition (token, forms:read, the id exists in this
        account; an unknown id answers 404 with code FORM_NOT_FOUND) and one of its
        responses (responses:read)."""
        for form_id in self.form_ids:
            self._http.get_json("check", f"/forms/{form_id}")
            # A recent since keeps the probe cheap: without one the API scans the form's history.
            since = _typeform_time(datetime.now(UTC) - timedelta(hours=1))
            params = {"page_size": 1, "since": since}
            self._http.get_json("check", f"/forms/{form_id}/responses", params)

    def requests_sent(self) -> dict[str, int]:
        """Requests sent so far per stream, retries included (connectors/sync_cost.py)."""
        return dict(self._http.sent)

    def close(self) -> None:
        self._http.close()

    def extract_events(self, start: datetime, end: datetime) -> Iterator[Extracted]:
        """Every response submitted in [start, end), for each configured form."""
        check_window(start, end)
        for form_id in self.form_ids:
            responses = keep_latest(self._responses(form_id, start, end), _response_id, _submitted)
            for response in responses:
                at = event_time_in(_submitted(response), start, end)
                if at is not None:
                    yield Extracted("responses", response, at, {"form_id": form_id})

    def extract_reference(self, since: Mapping[str, datetime] | None = None) -> Iterator[Extracted]:
        """The definition (questions and their refs) of each configured form."""
        now = datetime.now(UTC)
        for form_id in self.form_ids:
            yield Extracted("forms", self._http.get_json("forms", f"/forms/{form_id}"), now)

    def _responses(self, form_id: str, start: datetime, end: datetime) -> Iterator[dict]:
        """Pages newest first; each next page is asked with before=<last token seen>.

        since and until are both inclusive, at second precision: we ask for the covering
        seconds and the caller keeps exactly [start, end).
        """
        path = f"/forms/{form_id}/responses"
        params: dict[str, Any] = {
            "since": _typeform_time(start.replace(microsecond=0)),
            "until": _typeform_time(datetime.fromtimestamp(math.ceil(end.timestamp()), UTC)),
            "page_size": self.page_size,
        }

        def fetch(before: str | None) -> dict:
            return self._http.get_json(
                "responses", path, params if before is None else {**params, "before": before}
            )

        def following(page: Mapping[str, Any], before: str | None) -> str | None:
            items = page.get("items") or []
            last_token = items[-1].get("token") if items else None
            if len(items) < self.page_size or not last_token or last_token == before:
                return None
            return last_token

        return paginate(
            self.source,
            "responses",
            path=path,
            key="items",
            fetch=fetch,
            following=following,
            position="before token",
        )
