"""`csops check`: a clear verdict per source and the variable to fix, before any run."""

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fakes.intercom import FakeIntercom
from fakes.typeform import FakeTypeform
from fakes.zendesk import FakeZendesk

from connectors.errors import ConfigError
from pipelines.cli import main
from pipelines.settings import Settings
from pipelines.source_check import check_sources
from simulator.shifts import week_starts

EMAIL, ZD_TOKEN = "ops@example.com", "zd-check-token-0001"
IC_TOKEN, TF_TOKEN = "ic-check-token-0002", "tf-check-token-0003"
SOURCE_VARIABLES = (
    "ZENDESK_BASE_URL",
    "ZENDESK_EMAIL",
    "ZENDESK_API_TOKEN",
    "INTERCOM_BASE_URL",
    "INTERCOM_ACCESS_TOKEN",
    "INTERCOM_VERSION",
    "TYPEFORM_BASE_URL",
    "TYPEFORM_TOKEN",
    "TYPEFORM_FORM_IDS",
)
FAST = {"timeout": 2.0, "max_attempts": 2, "max_total_wait": 1.0, "backoff_base": 0.01}


@pytest.fixture
def fakes() -> Iterator[tuple[FakeZendesk, FakeIntercom, FakeTypeform]]:
    zendesk, intercom, typeform = (
        FakeZendesk(EMAIL, ZD_TOKEN).start(),
        FakeIntercom(IC_TOKEN).start(),
        FakeTypeform(TF_TOKEN).start(),
    )
    typeform.forms = {"nps1": {"id": "nps1", "title": "NPS", "fields": []}}
    yield zendesk, intercom, typeform
    for fake in (zendesk, intercom, typeform):
        fake.stop()


@pytest.fixture
def env(fakes, monkeypatch) -> dict[str, str]:
    """Every source configured against its fake, through the process environment."""
    zendesk, intercom, typeform = fakes
    for name in SOURCE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    values = {
        "CSOPS_SOURCES": "zendesk,intercom,typeform",
        "ZENDESK_BASE_URL": zendesk.url,
        "ZENDESK_EMAIL": EMAIL,
        "ZENDESK_API_TOKEN": ZD_TOKEN,
        "INTERCOM_BASE_URL": intercom.url,
        "INTERCOM_ACCESS_TOKEN": IC_TOKEN,
        "TYPEFORM_BASE_URL": typeform.url,
        "TYPEFORM_TOKEN": TF_TOKEN,
        "TYPEFORM_FORM_IDS": "nps1",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def verdicts(env: dict[str, str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    results = check_sources(Settings.from_env(env), env, FAST)
    return {r.source: (r.verdict, r.fix) for r in results}


def run_check(capsys) -> tuple[int, str]:
    code = main(["check"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_all_sources_reachable_pass_with_exit_0(env, fakes, capsys):
    code, out = run_check(capsys)
    assert code == 0, out
    assert [line.split(":")[0] for line in out.splitlines()] == ["zendesk", "intercom", "typeform"]
    assert out.count(": ok:") == 3
    intercom = fakes[1]
    # Every endpoint family the connector reads is probed, the search (a POST) included.
    assert {r.path for r in intercom.requests} == {"/admins", "/teams", "/conversations/search"}


def test_bad_token_says_bad_credentials_names_the_variables_and_exits_1(env, capsys, monkeypatch):
    monkeypatch.setenv("ZENDESK_API_TOKEN", "revoked-token-xyz")
    code, out = run_check(capsys)
    assert code == 1
    [line] = [line for line in out.splitlines() if line.startswith("zendesk")]
    assert "FAILED bad credentials" in line and "401" in line
    assert "[fix: ZENDESK_EMAIL, ZENDESK_API_TOKEN]" in line
    assert "revoked-token-xyz" not in out
    assert out.count(": ok:") == 2  # the other sources are still checked and pass


def test_wrong_base_url_path_is_a_404_on_the_base_url_variable(env):
    env["INTERCOM_BASE_URL"] = env["INTERCOM_BASE_URL"] + "/not-intercom"
    env["ZENDESK_BASE_URL"] = env["ZENDESK_BASE_URL"] + "/wrong-subdomain"
    got = verdicts(env)
    assert got["zendesk"] == ("wrong base URL", ("ZENDESK_BASE_URL",))
    assert got["intercom"] == ("wrong base URL", ("INTERCOM_BASE_URL",))
    assert got["typeform"][0] == "ok"


def test_connection_refused_is_unreachable_on_the_base_url_variable(env):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env["TYPEFORM_BASE_URL"] = f"http://127.0.0.1:{port}"
    [result] = [
        r for r in check_sources(Settings.from_env(env), env, FAST) if r.source == "typeform"
    ]
    assert (result.verdict, result.fix) == ("unreachable", ("TYPEFORM_BASE_URL",))
    assert "connection refused" in result.advice


def test_unknown_host_name_is_unreachable_and_says_it_did_not_resolve(env, monkeypatch):
    def no_such_host(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # In place of the DNS: the test never leaves 127.0.0.1.
    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    env["ZENDESK_BASE_URL"] = "https://no-such-subdomain.zendesk.com"
    env["CSOPS_SOURCES"] = "zendesk"
    [result] = check_sources(Settings.from_env(env), env, FAST)
    assert (result.verdict, result.fix) == ("unreachable", ("ZENDESK_BASE_URL",))
    assert "could not resolve host no-such-subdomain.zendesk.com" in result.advice


def test_missing_permission_is_a_403_naming_what_the_token_needs(env, fakes):
    zendesk, intercom, _ = fakes
    intercom.fail_next("/conversations/search", 403, body=b'{"errors":[{"code":"forbidden"}]}')
    zendesk.fail_next("/api/v2/slas/policies.json", 403, body=b'{"error":"Forbidden"}')
    results = {r.source: r for r in check_sources(Settings.from_env(env), env, FAST)}
    assert results["intercom"].verdict == "missing permission"
    assert results["intercom"].fix == ("INTERCOM_ACCESS_TOKEN",)
    assert "/conversations/search" in results["intercom"].advice
    assert "read access to conversations" in results["intercom"].advice
    assert results["zendesk"].verdict == "missing permission"
    assert "must be an admin" in results["zendesk"].advice


def test_unknown_typeform_form_id_is_named_with_its_variable(env):
    env["TYPEFORM_FORM_IDS"] = "nps1,typo42"
    [result] = [
        r for r in check_sources(Settings.from_env(env), env, FAST) if r.source == "typeform"
    ]
    assert (result.verdict, result.fix) == ("form not found", ("TYPEFORM_FORM_IDS",))
    assert "'typo42'" in result.advice


def test_throttled_or_failing_service_is_a_service_error_without_a_variable(env, fakes):
    fakes[0].fail_next("/api/v2/slas/policies.json", 503, times=5)
    assert verdicts(env)["zendesk"] == ("service error", ())


def test_unknown_source_name_exits_2_before_any_request(env, fakes, capsys, monkeypatch):
    monkeypatch.setenv("CSOPS_SOURCES", "zendesk,freshdesk")
    code, out = run_check(capsys)
    assert code == 2 and "freshdesk" in out
    assert all(fake.requests == [] for fake in fakes)


def test_missing_variables_exit_2_naming_them_before_any_request(env, fakes, capsys, monkeypatch):
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN")
    monkeypatch.delenv("TYPEFORM_FORM_IDS")
    code, out = run_check(capsys)
    assert code == 2
    assert "INTERCOM_ACCESS_TOKEN" in out and "TYPEFORM_FORM_IDS" in out
    assert all(fake.requests == [] for fake in fakes)
    with pytest.raises(ConfigError):
        check_sources(Settings.from_env(env), {**env, "ZENDESK_EMAIL": ""}, FAST)


def test_demo_checks_the_simulated_org_it_serves(monkeypatch, tmp_path):
    monkeypatch.setenv("CSOPS_SOURCES", "demo")
    monkeypatch.setenv("CSOPS_LAKE", str(tmp_path / "lake"))
    # A small org: the check's verdict does not depend on its size.
    monkeypatch.setenv("CSOPS_DEMO_TICKETS_PER_DAY", "5")
    monkeypatch.setenv("CSOPS_DEMO_CHATS_PER_DAY", "5")
    results = check_sources(Settings.from_env())
    assert [(r.source, r.ok) for r in results] == [
        ("zendesk", True),
        ("intercom", True),
        ("typeform", True),
        ("zendesk_qa", True),
        ("shifts", True),
    ]
    assert all("127.0.0.1" in r.advice for r in results if r.source != "shifts")
    # The simulated workforce tool's rosters, beside the lake: one file per ISO week that the
    # org's last seven days touch.
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    weeks = len(week_starts(yesterday - timedelta(days=6), yesterday))
    folder = tmp_path / "demo_shifts"
    assert results[-1].advice == f"folder {folder} is readable and holds {weeks} CSV file(s)"
