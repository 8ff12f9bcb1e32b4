"""Alerts to a chat webhook: a real receiver on 127.0.0.1, real Dagster runs, and the sensors
evaluated through Dagster's test utilities."""

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from pipelines.defs.alerts.sensors import csops_run_failure_alert, csops_warning_alert
from pipelines.defs.serving.assets import SERVING_KEY

SECRET = "T000/B000/s3cr3t-hook-token"
RANGE = {
    ASSET_PARTITION_RANGE_START_TAG: "2026-03-01",
    ASSET_PARTITION_RANGE_END_TAG: "2026-03-05",
}


class Receiver:
    """A chat webhook on 127.0.0.1 that keeps what it was sent."""

    def __init__(self, status: int = 200) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                received.append((self.path, json.loads(body)))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/{SECRET}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@dg.op
def land_tickets():
    raise RuntimeError(
        "Zendesk answered HTTP 401 for tickets: check ZENDESK_API_TOKEN\nmore detail"
    )


@dg.job
def csops_daily():
    land_tickets()


@pytest.fixture(scope="module")
def failed_run():
    """One failed run of a job named like the daily one, on an instance of its own."""
    with dg.DagsterInstance.ephemeral() as instance:
        result = csops_daily.execute_in_process(instance=instance, tags=RANGE, raise_on_error=False)
        assert not result.success
        yield instance, result


def failed_run_context(failed_run) -> dg.RunFailureSensorContext:
    instance, result = failed_run
    return dg.build_run_status_sensor_context(
        sensor_name="csops_run_failure_alert",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    ).for_run_failure()


def test_a_failed_run_posts_job_step_error_days_and_link(receiver, failed_run, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CSOPS_ALERT_WEBHOOK", receiver.url)
    monkeypatch.setenv("CSOPS_UI_URL", "http://dagster.internal:3000/")
    context = failed_run_context(failed_run)
    csops_run_failure_alert(context)
    run_id = context.dagster_run.run_id
    [(path, message)] = receiver.received
    assert path == f"/services/{SECRET}"
    assert set(message) == {"text"}
    lines = message["text"].splitlines()
    assert lines == [
        ":red_circle: csops: csops_daily FAILED for 2026-03-01..2026-03-05",
        "step: land_tickets",
        "error: RuntimeError: Zendesk answered HTTP 401 for tickets: check ZENDESK_API_TOKEN",
        f"http://dagster.internal:3000/runs/{run_id}",
    ]
    assert SECRET not in caplog.text


def test_a_receiver_that_is_down_is_logged_and_changes_nothing(failed_run, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CSOPS_ALERT_WEBHOOK", f"http://127.0.0.1:{port}/services/{SECRET}")
    context = failed_run_context(failed_run)
    assert csops_run_failure_alert(context) is None  # no exception
    status = failed_run[0].get_run_by_id(context.dagster_run.run_id).status
    assert status == dg.DagsterRunStatus.FAILURE  # the run's result is its own
    assert "could not send the alert to CSOPS_ALERT_WEBHOOK" in caplog.text
    # The secret is the URL's path (a Slack webhook's host is public); urllib3's own debug
    # lines name the host and port, never the path.
    assert SECRET not in caplog.text


def test_a_receiver_that_refuses_is_logged_with_its_status(failed_run, monkeypatch, caplog):
    refusing = Receiver(status=403)
    try:
        monkeypatch.setenv("CSOPS_ALERT_WEBHOOK", refusing.url)
        csops_run_failure_alert(failed_run_context(failed_run))
    finally:
        refusing.close()
    assert len(refusing.received) == 1
    assert "answered HTTP 403" in caplog.text and SECRET not in caplog.text


def test_without_a_webhook_nothing_is_sent(receiver, failed_run, monkeypatch):
    monkeypatch.delenv("CSOPS_ALERT_WEBHOOK", raising=False)
    skipped = csops_run_failure_alert(failed_run_context(failed_run))
    assert isinstance(skipped, dg.SkipReason) and "CSOPS_ALERT_WEBHOOK" in skipped.skip_message
    assert receiver.received == []


def published_run(instance, warning_passed: bool) -> dg.RunStatusSensorContext:
    """A run that published the serving copy, with one check of warning severity."""

    @dg.asset(
        key=SERVING_KEY, check_specs=[dg.AssetCheckSpec("volume_as_usual", asset=SERVING_KEY)]
    )
    def serving_marts():
        yield dg.MaterializeResult()
        yield dg.AssetCheckResult(
            check_name="volume_as_usual", passed=warning_passed, severity=dg.AssetCheckSeverity.WARN
        )

    result = dg.materialize([serving_marts], instance=instance, tags=RANGE)
    assert result.success
    return dg.build_run_status_sensor_context(
        sensor_name="csops_warning_alert",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_success_event(),
    )


def test_a_published_run_with_a_failed_warning_check_posts_a_warning(receiver, monkeypatch):
    monkeypatch.setenv("CSOPS_ALERT_WEBHOOK", receiver.url)
    monkeypatch.delenv("CSOPS_UI_URL", raising=False)
    with dg.DagsterInstance.ephemeral() as instance:
        context = published_run(instance, warning_passed=False)
        csops_warning_alert(context)
        run_id = context.dagster_run.run_id
    [(_, message)] = receiver.received
    assert message["text"] == (
        ":warning: csops: __ephemeral_asset_job__ published 2026-03-01..2026-03-05 with 1 "
        "warning check(s) failed: serving/marts:volume_as_usual\n"
        f"run {run_id} (set CSOPS_UI_URL for a link)"
    )


def test_a_published_run_whose_checks_passed_posts_nothing(receiver, monkeypatch):
    monkeypatch.setenv("CSOPS_ALERT_WEBHOOK", receiver.url)
    with dg.DagsterInstance.ephemeral() as instance:
        skipped = csops_warning_alert(published_run(instance, warning_passed=True))
    assert isinstance(skipped, dg.SkipReason)
    assert receiver.received == []
