"""Secrets: tokens come from the environment only and never reach logs, exceptions, Dagster
metadata, the event log or landed rows; plain http:// is refused except to this machine."""

import base64
import logging
import traceback
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest
from dagster._serdes import serialize_value
from fakes.zendesk import FakeZendesk, iso

from connectors.errors import ConfigError, ConnectorError
from connectors.intercom import IntercomConnector
from connectors.landing import LandingWriter
from connectors.registry import connectors_from_env
from connectors.typeform import TypeformConnector
from connectors.zendesk import ZendeskConnector
from connectors.zendesk_qa import ZendeskQAConnector
from pipelines.cli import build_parser
from pipelines.defs.raw.assets import build_raw_assets
from pipelines.defs.raw.resources import HelpdeskResource
from pipelines.defs.resources import CsopsSettings
from pipelines.landing import land_source_range
from pipelines.partitions import daily_partitions

DAY = date(2026, 3, 2)
S = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp())
EMAIL = "ops@example.com"
TOKEN = "ZDSECRET-4f1c9a77-distinctive-token"
# What the token looks like on the wire: inside the base64 of basic auth.
WIRE = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
NEEDLES = (TOKEN, WIRE, TOKEN[:16])


@pytest.fixture
def zendesk_api() -> Iterator[FakeZendesk]:
    fake = FakeZendesk(EMAIL, TOKEN, page_size=2).start()
    fake.tickets = [
        {
            "id": i,
            "created_at": iso(S - 60),
            "updated_at": iso(S + i * 60),
            "status": "open",
            "subject": "please reset my password",
        }
        for i in range(1, 4)
    ]
    fake.audits = {1: [{"id": 11, "ticket_id": 1, "created_at": iso(S), "events": []}]}
    fake.users = [{"id": 5, "updated_at": iso(S), "name": "Ann", "email": "ann@example.com"}]
    fake.groups = [{"id": 3, "name": "Tier 1"}]
    yield fake
    fake.stop()


@pytest.fixture
def zendesk_env(zendesk_api, monkeypatch, tmp_path) -> Path:
    """CSOPS_SOURCES=zendesk against the fake, a fresh lake; returns the lake."""
    lake = tmp_path / "lake"
    for name, value in {
        "CSOPS_SOURCES": "zendesk",
        "CSOPS_LAKE": str(lake),
        "ZENDESK_BASE_URL": zendesk_api.url,
        "ZENDESK_EMAIL": EMAIL,
        "ZENDESK_API_TOKEN": TOKEN,
    }.items():
        monkeypatch.setenv(name, value)
    return lake


def assert_no_token(text: str, where: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, f"the token leaked into {where}"


def lake_text(lake: Path) -> str:
    """Every landed row as text, plus the raw bytes of every file (compressed or not)."""
    parts = []
    for path in lake.rglob("*"):
        if path.is_file():
            parts.append(path.read_bytes().decode("latin-1"))
            if path.suffix == ".parquet":
                parts.append(repr(pq.read_table(path).to_pylist()))
    return "\n".join(parts)


def test_extraction_landing_logs_and_errors_never_show_the_token(
    zendesk_api, zendesk_env, caplog, capfd
):
    caplog.set_level(logging.DEBUG)  # urllib3 and requests debug logs included
    zendesk_api.fail_next("/api/v2/incremental/tickets", 429, headers={"Retry-After": "0"})
    [connector] = connectors_from_env(["zendesk"])
    summary = land_source_range(connector, LandingWriter(zendesk_env), DAY, DAY)
    assert summary.rows("tickets") == 3 and "retry 1/" in caplog.text

    failures = []
    zendesk_api.fail_next("/api/v2/tickets/1/audits.json", 503, times=10)
    for bad in (
        ZendeskConnector(zendesk_api.url, EMAIL, TOKEN, http_options={"max_attempts": 2}),
        ZendeskConnector(zendesk_api.url + "/nowhere", EMAIL, TOKEN),
    ):
        with pytest.raises(ConnectorError) as raised:
            land_source_range(bad, LandingWriter(zendesk_env), DAY, DAY)
        failures.append("".join(traceback.format_exception(raised.value)) + repr(raised.value))
    assert "503" in failures[0] and "404" in failures[1]

    out, err = capfd.readouterr()
    texts = {
        "logs": caplog.text,
        "stdout/stderr": out + err,
        "exceptions": "\n".join(failures),
        "landed files": lake_text(zendesk_env),
        "repr": repr(connector) + repr(connector._http),
    }
    for where, text in texts.items():
        assert_no_token(text, where)
    assert "please reset my password" in texts["landed files"]  # the search would find data


def test_dagster_materialization_metadata_and_event_log_never_show_the_token(
    zendesk_api, zendesk_env, caplog
):
    caplog.set_level(logging.DEBUG)
    settings = CsopsSettings.from_env()  # CSOPS_SOURCES=zendesk and the lake of zendesk_env
    raw_zendesk = build_raw_assets("zendesk", daily_partitions(settings.resolved))
    resources = {"settings": settings, "helpdesk": HelpdeskResource(settings=settings)}
    with dg.DagsterInstance.ephemeral() as instance:
        ok = dg.materialize(
            [raw_zendesk],
            partition_key=DAY.isoformat(),
            resources=resources,
            instance=instance,
        )
        assert ok.success
        materialized = ok.asset_materializations_for_node("raw_zendesk")
        assert {m.asset_key.path[1] for m in materialized} >= {"tickets", "users"}
        tickets = next(m for m in materialized if m.asset_key.path[1] == "tickets")
        assert tickets.metadata["records"].value == 3

        # A failing run too: its error and stack trace go to the event log.
        zendesk_api.fail_next("/api/v2/incremental/tickets", 401)
        failed = dg.materialize(
            [raw_zendesk],
            partition_key=DAY.isoformat(),
            resources=resources,
            instance=instance,
            raise_on_error=False,
        )
        assert not failed.success
        # A bad token is not retried (the landing step's retry policy is for what may pass).
        assert not [e for e in failed.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
        events = [
            serialize_value(entry)
            for run in (ok, failed)
            for entry in instance.all_logs(run.run_id)
        ]
    event_log = "\n".join(events)
    assert "401" in event_log and "ZENDESK_API_TOKEN" in event_log  # the hint, not the value
    assert_no_token(event_log, "the Dagster event log")
    assert_no_token(serialize_value([m.metadata for m in materialized]), "materialization metadata")
    assert_no_token(caplog.text, "logs")
    assert_no_token(lake_text(zendesk_env), "landed files")


def test_tokens_come_only_from_the_environment(monkeypatch):
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "ic-from-env")
    monkeypatch.delenv("INTERCOM_BASE_URL", raising=False)
    [connector] = connectors_from_env(["intercom"])
    assert connector.base_url == "https://api.intercom.io"
    # No command-line option takes a secret: it would show in shell history and ps.
    parser_help = [
        sub.format_help() for sub in build_parser()._subparsers._group_actions[0].choices.values()
    ]
    assert not any("token" in text.lower() or "password" in text.lower() for text in parser_help)


@pytest.mark.parametrize(
    ("connector", "env"),
    [
        (
            ZendeskConnector,
            {
                "ZENDESK_BASE_URL": "http://acme.zendesk.com",
                "ZENDESK_EMAIL": EMAIL,
                "ZENDESK_API_TOKEN": TOKEN,
            },
        ),
        (
            IntercomConnector,
            {"INTERCOM_BASE_URL": "http://api.intercom.io", "INTERCOM_ACCESS_TOKEN": TOKEN},
        ),
        (
            TypeformConnector,
            {
                "TYPEFORM_BASE_URL": "http://10.0.0.8:8080",
                "TYPEFORM_TOKEN": TOKEN,
                "TYPEFORM_FORM_IDS": "f1",
            },
        ),
        (
            ZendeskQAConnector,
            {"ZENDESK_QA_BASE_URL": "http://acme.zendesk.com", "ZENDESK_QA_TOKEN": TOKEN},
        ),
    ],
)
def test_plain_http_is_refused_for_every_source_but_loopback(connector, env):
    with pytest.raises(ConfigError, match="plain http://") as raised:
        connector.from_env(env)
    assert_no_token(str(raised.value), "the configuration error")
    variable = next(name for name in env if name.endswith("BASE_URL"))
    assert raised.value.variables == (variable,)
    for local in ("http://127.0.0.1:9", "http://localhost:9", "https://proxy.example.com"):
        built = connector.from_env({**env, variable: local})
        assert built.base_url == local
