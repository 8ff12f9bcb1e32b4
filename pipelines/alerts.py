"""Alerts: a short message to a chat webhook when a run fails or publishes with warnings.

The message is JSON with a Slack-compatible `text` (Slack's and Mattermost's incoming webhooks,
and Microsoft Teams' workflows, read it). The webhook URL carries its own secret, so it is
treated as one: read from `CSOPS_ALERT_WEBHOOK` when the alert is sent, never logged, never
put in metadata or in an exception. A receiver that is down or refuses the message is logged
(without the URL) and changes nothing else: alerting never fails a run.

This module knows nothing about Dagster: `pipelines/defs/alerts/sensors.py` builds the
messages from runs and calls `post`.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

WEBHOOK_ENV = "CSOPS_ALERT_WEBHOOK"
UI_URL_ENV = "CSOPS_UI_URL"
TIMEOUT_SECONDS = 10
# Enough of an error to recognise it in a chat line.
MAX_ERROR_CHARS = 300

log = logging.getLogger("csops.alerts")


@dataclass(frozen=True)
class RunFacts:
    """What a person needs from a run to act on it."""

    job: str
    run_id: str
    first_day: str | None
    last_day: str | None
    ui_url: str | None

    @property
    def days(self) -> str:
        if not self.first_day:
            return "no partition"
        if self.first_day == self.last_day or not self.last_day:
            return self.first_day
        return f"{self.first_day}..{self.last_day}"

    @property
    def link(self) -> str:
        if not self.ui_url:
            return f"run {self.run_id} (set {UI_URL_ENV} for a link)"
        return f"{self.ui_url.rstrip('/')}/runs/{self.run_id}"


def first_line(text: str | None) -> str:
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    line = line or "no error message"
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"


def failure_message(run: RunFacts, step: str | None, error: str | None) -> dict[str, str]:
    return {
        "text": (
            f":red_circle: csops: {run.job} FAILED for {run.days}\n"
            f"step: {step or 'the run itself'}\n"
            f"error: {first_line(error)}\n"
            f"{run.link}"
        )
    }


def warning_message(run: RunFacts, checks: list[str]) -> dict[str, str]:
    shown = ", ".join(checks[:5]) + (f" and {len(checks) - 5} more" if len(checks) > 5 else "")
    return {
        "text": (
            f":warning: csops: {run.job} published {run.days} with {len(checks)} warning "
            f"check(s) failed: {shown}\n{run.link}"
        )
    }


def post(webhook: str | None, message: dict[str, str]) -> bool:
    """Send the message; True when the receiver accepted it. Never raises, never logs the URL."""
    if not webhook:
        return False
    try:
        with _redacted(webhook):
            response = requests.post(webhook, json=message, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        # The exception's text contains the URL: only its kind is logged.
        log.warning(
            "could not send the alert to %s: %s (the receiver is unreachable)",
            WEBHOOK_ENV,
            type(exc).__name__,
        )
        return False
    if response.status_code >= 300:
        log.warning(
            "the alert receiver of %s answered HTTP %s: the alert was not accepted",
            WEBHOOK_ENV,
            response.status_code,
        )
        return False
    return True


class _Redact(logging.Filter):
    """Replaces the webhook's secret parts in a log record (urllib3 logs each request line)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and s != "/"]

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if any(secret in text for secret in self.secrets):
            for secret in self.secrets:
                text = text.replace(secret, f"<{WEBHOOK_ENV}>")
            record.msg, record.args = text, ()
        return True


@contextmanager
def _redacted(webhook: str):
    parts = urlsplit(webhook)
    redact = _Redact([webhook, parts.path, parts.query])
    loggers = [logging.getLogger(name) for name in ("urllib3.connectionpool", "requests")]
    for logger in loggers:
        logger.addFilter(redact)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(redact)
