"""One HTTP client shared by every connector: timeouts, bounded retries, safe errors.

The vendors throttle (Zendesk's incremental exports allow 10 requests a minute, Intercom and
Typeform answer 429 under load) and their edges fail transiently, so every call retries
429, 5xx, connection errors, timeouts and truncated (non-JSON) bodies with exponential
backoff and jitter, honouring ``Retry-After``. Attempts and the total time spent waiting
are both bounded so that a broken source fails the run in minutes, not hours.
"""

import json
import logging
import random
import socket
import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from urllib3.exceptions import NameResolutionError

from connectors.errors import ConfigError, ConnectorError
from connectors.throttle import RateLimit

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "csops-connectors/0.1"
log = logging.getLogger(__name__)


def check_base_url(source: str, base_url: str, variable: str) -> str:
    """Validate a base URL: https anywhere, plain http only to this machine."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{source}: {variable} must be an absolute http(s) URL such as "
            f"https://example.com, got {base_url!r}",
            source=source,
            variables=(variable,),
        )
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise ConfigError(
            f"{source}: {variable} uses plain http:// for host {parts.hostname}; credentials "
            "would travel unencrypted. Use https:// (http:// is allowed for 127.0.0.1 and "
            "localhost only).",
            source=source,
            variables=(variable,),
        )
    return base_url.rstrip("/")


class BearerAuth(requests.auth.AuthBase):
    """Bearer token auth, kept out of the session headers so no repr or log shows it."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "BearerAuth(***)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


class HttpClient:
    """JSON over one ``requests.Session`` for one source, with retries and safe errors."""

    def __init__(
        self,
        source: str,
        base_url: str,
        auth: requests.auth.AuthBase | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        max_attempts: int = 6,
        max_total_wait: float = 120.0,
        backoff_base: float = 0.5,
        *,
        auth_hint: str | None = None,
        min_interval: float = 0.0,
        rate_limit: RateLimit | None = None,
        rate_share: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.source = source
        self.base_url = check_base_url(source, base_url, "base URL")
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.max_total_wait = max_total_wait
        self.backoff_base = backoff_base
        self.auth_hint = auth_hint or f"check the credentials configured for {source}"
        self.min_interval = min_interval
        self.rate_limit = rate_limit
        # The part of the vendor's budget csops may use (CSOPS_RATE_SHARE): the headers'
        # budget counts as spent when only the rest is left, and a fixed pace is slowed.
        if not 0 < rate_share <= 1:
            raise ConfigError(f"{source}: the rate share must be in (0, 1], not {rate_share}")
        self.rate_share = rate_share
        self._sleep = sleep
        self._last_sent = float("-inf")
        self._not_before = float("-inf")
        # Requests sent per stream, retries included: what the sync cost the account's
        # request budget (connectors/sync_cost.py).
        self.sent: Counter[str] = Counter()
        self._session = requests.Session()
        self._session.auth = auth
        self._session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        self._session.headers.update(headers or {})

    def __repr__(self) -> str:
        return f"HttpClient(source={self.source!r}, base_url={self.base_url!r})"

    def get_json(self, stream: str, path_or_url: str, params: Mapping | None = None) -> dict:
        """GET a path under the base URL (or an absolute next-page URL) and return its JSON."""
        return self._request("GET", stream, path_or_url, params=params)

    def post_json(self, stream: str, path: str, body: dict) -> dict:
        """POST a JSON body (a search query) and return the JSON answer."""
        return self._request("POST", stream, path, body=body)

    def close(self) -> None:
        """Release the pooled connections."""
        self._session.close()

    def resolve(self, path_or_url: str) -> str:
        """The absolute URL to call.

        Next-page URLs come from the API. One on our own host is used as is; one on another
        host (the vendor's canonical host, seen through a proxy or a sandbox base URL) is
        re-based onto the configured base URL, so credentials only ever go to that host.
        """
        if not urlsplit(path_or_url).scheme:
            return f"{self.base_url}/{path_or_url.lstrip('/')}"
        target, base = urlsplit(path_or_url), urlsplit(self.base_url)
        if (target.scheme, target.netloc) == (base.scheme, base.netloc):
            return path_or_url
        rebased = urljoin(self.base_url + "/", target.path.lstrip("/"))
        return urlunsplit(urlsplit(rebased)._replace(query=target.query))

    def _request(
        self,
        method: str,
        stream: str,
        path_or_url: str,
        params: Mapping | None = None,
        body: dict | None = None,
    ) -> dict:
        url = self.resolve(path_or_url)
        path = urlsplit(url).path
        waited = 0.0
        problem = ""
        status: int | None = None
        for attempt in range(1, self.max_attempts + 1):
            retry_after: float | None = None
            self._pace()
            self.sent[stream] += 1
            try:
                response = self._session.request(
                    method, url, params=params, json=body, timeout=self.timeout
                )
            except requests.Timeout:
                problem, status = f"timed out after {self.timeout:g}s", None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                problem, status = self._connection_problem(exc), None
            else:
                status = response.status_code
                self._throttle(stream, response)
                if status in RETRY_STATUSES:
                    problem = f"returned HTTP {status}"
                    retry_after = _retry_after_seconds(response)
                elif status >= 400:
                    raise self._fatal(method, stream, path, status, response)
                else:
                    try:
                        payload = response.json()
                    except ValueError:
                        problem = f"returned HTTP {status} with a body that is not valid JSON"
                    else:
                        if isinstance(payload, dict):
                            return payload
                        problem = f"returned HTTP {status} with JSON that is not an object"
            if attempt == self.max_attempts:
                break
            delay = retry_after if retry_after is not None else self._backoff(attempt)
            if waited + delay > self.max_total_wait:
                problem += (
                    f" (next wait {delay:g}s would exceed the {self.max_total_wait:g}s budget)"
                )
                break
            # Path only: query strings can carry cursors and filters, never worth logging.
            log.warning(
                "%s %s: %s %s %s; retry %d/%d in %.1fs",
                self.source,
                stream,
                method,
                path,
                problem,
                attempt,
                self.max_attempts - 1,
                delay,
            )
            self._sleep(delay)
            waited += delay
        hint = (
            "the API is throttling: lower the request rate or retry later"
            if status == 429
            else "the service may be down or unreachable: check the base URL and retry later"
        )
        raise ConnectorError(
            f"{self.source} {stream}: {method} {path} {problem}; gave up after {attempt} "
            f"attempt(s) and {waited:.1f}s of waiting: {hint}",
            source=self.source,
            stream=stream,
            path=path,
            status=status,
        )

    def _pace(self) -> None:
        """Space requests min_interval apart, and wait out a rate-limit budget running low:
        both are cheaper than being throttled with a 429."""
        ready = max(self._last_sent + self.min_interval / self.rate_share, self._not_before)
        gap = ready - time.monotonic()
        if gap > 0:
            self._sleep(gap)
        self._not_before = float("-inf")
        self._last_sent = time.monotonic()

    def _throttle(self, stream: str, response: requests.Response) -> None:
        """Read the vendor's remaining budget from the answer; delay the next request if low."""
        if self.rate_limit is None:
            return
        delay = self.rate_limit.delay(response.headers, time.time(), self.rate_share)
        if delay > 0:
            log.info(
                "%s %s: rate-limit budget low, next request in %.1fs", self.source, stream, delay
            )
            self._not_before = max(self._not_before, time.monotonic() + delay)

    def _connection_problem(self, exc: Exception) -> str:
        """Say whether the host name is wrong or nothing listens there, from the cause chain.

        requests' own message embeds the full URL with its query string: never reuse it.
        """
        parts = urlsplit(self.base_url)
        causes = _causes(exc)
        if any(isinstance(c, NameResolutionError | socket.gaierror) for c in causes):
            return f"could not resolve host {parts.hostname} (connection failed)"
        if any(isinstance(c, ConnectionRefusedError) for c in causes):
            return f"connection refused by {parts.netloc} (connection failed)"
        return f"connection failed ({type(exc).__name__})"

    def _backoff(self, attempt: int) -> float:
        # Jitter spreads the retries of parallel runs so they do not hit the API in lockstep.
        return self.backoff_base * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)

    def _fatal(
        self, method: str, stream: str, path: str, status: int, response: requests.Response
    ) -> ConnectorError:
        if status in (401, 403):
            hint = f"authentication or permission failed: {self.auth_hint}"
        elif status == 404:
            hint = "not found: check the base URL and the ids configured for this source"
        else:
            hint = "the request was refused: the connector and the API version may disagree"
        code = _error_code(response)
        detail = f" ({code})" if code else ""
        return ConnectorError(
            f"{self.source} {stream}: {method} {path} returned HTTP {status}{detail}: {hint}",
            source=self.source,
            stream=stream,
            path=path,
            status=status,
            code=code,
        )


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps: args, urllib3's ``reason``, causes, contexts."""
    found: list[BaseException] = []
    pending: list[object] = [exc]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or any(current is f for f in found):
            continue
        found.append(current)
        pending.extend(current.args)
        pending.extend([getattr(current, "reason", None), current.__cause__, current.__context__])
    return found


def _retry_after_seconds(response: requests.Response) -> float | None:
    """How long the API asks us to wait: Retry-After seconds (Zendesk, Typeform), else
    X-RateLimit-Reset as a unix time (Intercom sends only that); None to use our backoff."""
    value = response.headers.get("Retry-After")
    if value is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            return None  # an HTTP-date instead of seconds: our own backoff is good enough
    reset = response.headers.get("X-RateLimit-Reset")
    if reset is not None and response.status_code == 429:
        try:
            return max(0.0, float(reset) - time.time())
        except ValueError:
            return None
    return None


def _error_code(response: requests.Response) -> str:
    """The API's short error code, if any. Codes are safe to log; free-text bodies may not be."""
    try:
        payload: Any = response.json()
    except (ValueError, json.JSONDecodeError):
        return ""
    if not isinstance(payload, dict):
        return ""
    error = payload.get("error") or payload.get("code")
    if isinstance(error, str):
        return error[:80]
    errors = payload.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = errors[0].get("code")
        if isinstance(code, str):
            return code[:80]
    return ""
