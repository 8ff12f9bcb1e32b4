"""`csops check`: can each configured source be read, and if not, which variable to fix.

A nightly run that fails at 2 a.m. on a revoked token or a typo in a subdomain wastes a day
of data; this check makes one cheap call to every endpoint family a connector reads and
turns the HTTP outcome into a verdict a user can act on. Configuration problems (unknown
source names, missing variables) are raised before any request, as for `csops run`.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectors.base import Connector
from connectors.errors import ConnectorError
from connectors.registry import connectors_from_env
from connectors.shifts import SHIFTS_DIR_ENV
from pipelines.settings import Settings

# A check should answer in seconds: two short attempts ride out a blip, not an outage.
CHECK_HTTP_OPTIONS: Mapping[str, Any] = {
    "timeout": 10.0,
    "max_attempts": 2,
    "max_total_wait": 5.0,
    "backoff_base": 0.5,
}


@dataclass(frozen=True)
class SourceVariables:
    """The variables that configure one source, and the permissions its token needs."""

    base_url: str
    credentials: tuple[str, ...]
    permissions: str
    form_ids: str | None = None
    workspace: str | None = None


SOURCE_VARIABLES: dict[str, SourceVariables] = {
    "zendesk": SourceVariables(
        "ZENDESK_BASE_URL",
        ("ZENDESK_EMAIL", "ZENDESK_API_TOKEN"),
        "the user of ZENDESK_EMAIL must be an admin (incremental exports, satisfaction "
        "ratings and SLA policies are admin-only)",
    ),
    "intercom": SourceVariables(
        "INTERCOM_BASE_URL",
        ("INTERCOM_ACCESS_TOKEN",),
        "the app needs read access to conversations, admins and teams",
    ),
    "typeform": SourceVariables(
        "TYPEFORM_BASE_URL",
        ("TYPEFORM_TOKEN",),
        "the token needs the scopes forms:read and responses:read",
        form_ids="TYPEFORM_FORM_IDS",
    ),
    "zendesk_qa": SourceVariables(
        "ZENDESK_QA_BASE_URL",
        ("ZENDESK_QA_TOKEN",),
        "the token comes from a Zendesk QA API connection (Settings > Connections); "
        "ZENDESK_QA_WORKSPACE_ID, when set, must be a workspace of that account",
        workspace="ZENDESK_QA_WORKSPACE_ID",
    ),
}


@dataclass(frozen=True)
class SourceCheck:
    """The verdict on one source: ``ok``, or what is wrong and the variables to fix."""

    source: str
    ok: bool
    verdict: str
    advice: str
    fix: tuple[str, ...] = ()

    def line(self) -> str:
        """One line for the terminal, e.g. ``zendesk: FAILED bad credentials: ...``."""
        if self.ok:
            return f"{self.source}: ok: {self.advice}"
        fix = f" [fix: {', '.join(self.fix)}]" if self.fix else ""
        return f"{self.source}: FAILED {self.verdict}: {self.advice}{fix}"


def check_sources(
    settings: Settings,
    env: Mapping[str, str] | None = None,
    http_options: Mapping[str, Any] | None = None,
) -> list[SourceCheck]:
    """Check every configured source; ``demo`` checks the simulated org it serves on 127.0.0.1.

    Raises ConfigError (naming every missing or invalid variable) before any request.
    """
    options = CHECK_HTTP_OPTIONS if http_options is None else http_options
    if settings.demo:
        # Imported here: the simulator is only needed for the demo.
        from pipelines.defs.raw.resources import demo_config, write_demo_shifts
        from simulator.org import SupportOrg
        from simulator.server import SimulatorServer

        with SimulatorServer(SupportOrg(demo_config())) as server:
            env = {**server.env(), SHIFTS_DIR_ENV: str(write_demo_shifts(settings.lake))}
            return _check_all(settings.sources, env, options)
    return _check_all(settings.sources, os.environ if env is None else env, options)


def _check_all(
    sources: tuple[str, ...], env: Mapping[str, str], options: Mapping[str, Any]
) -> list[SourceCheck]:
    connectors = connectors_from_env(sources, env, options)
    try:
        return [check_connector(connector) for connector in connectors]
    finally:
        for connector in connectors:
            connector.close()


def check_connector(connector: Connector) -> SourceCheck:
    """Run one connector's check and turn its outcome into a verdict."""
    try:
        said = connector.check()
    except ConnectorError as exc:
        return diagnose(connector.source, exc)
    # A folder source (shifts) says what it found: the folder and how many files it holds.
    advice = (
        said if isinstance(said, str) else f"authenticated and readable at {connector.base_url}"
    )
    return SourceCheck(connector.source, True, "ok", advice)


def diagnose(source: str, exc: ConnectorError) -> SourceCheck:
    """What a failed check means for the user: the verdict, the advice, the variables.

    The advice repeats the connector's own message, which names the URL path and status and
    is safe to print (it never holds a token or a query string).
    """
    if source == "shifts":
        return SourceCheck(source, False, "folder not readable", f"{exc}", (SHIFTS_DIR_ENV,))
    names = SOURCE_VARIABLES[source]
    status, detail = exc.status, str(exc)
    if status == 401:
        return SourceCheck(
            source,
            False,
            "bad credentials",
            f"the API refused the credentials; set {' and '.join(names.credentials)} to a "
            f"valid, active token ({detail})",
            names.credentials,
        )
    if status == 403:
        return SourceCheck(
            source,
            False,
            "missing permission",
            f"the credentials are valid but not allowed to read {exc.path}: {names.permissions} "
            f"({detail})",
            names.credentials,
        )
    if status == 404 and names.form_ids and exc.code == "FORM_NOT_FOUND":
        form_id = (exc.path or "").removeprefix("/forms/").split("/")[0]
        return SourceCheck(
            source,
            False,
            "form not found",
            f"form {form_id!r} does not exist in this account; correct {names.form_ids} ({detail})",
            (names.form_ids,),
        )
    if status == 404 and names.workspace and "/workspace/" in (exc.path or ""):
        return SourceCheck(
            source,
            False,
            "workspace not found",
            f"no such workspace at this address: correct {names.workspace} (or unset it for "
            f"the account-wide export), or check {names.base_url} ({detail})",
            (names.workspace, names.base_url),
        )
    if status == 404:
        return SourceCheck(
            source,
            False,
            "wrong base URL",
            f"nothing answers {exc.path} at this address: check the subdomain or region in "
            f"{names.base_url} ({detail})",
            (names.base_url,),
        )
    if status is None and "timed out" in detail:
        return SourceCheck(
            source,
            False,
            "timed out",
            f"the API did not answer in time: check {names.base_url} points at the API, "
            f"then retry ({detail})",
            (names.base_url,),
        )
    if status is None:
        return SourceCheck(
            source,
            False,
            "unreachable",
            f"the API could not be reached: check the host name in {names.base_url} and the "
            f"network ({detail})",
            (names.base_url,),
        )
    return SourceCheck(
        source,
        False,
        "service error",
        f"the API answered HTTP {status}; retry later, or check the vendor's status page "
        f"({detail})",
    )
