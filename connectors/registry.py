"""Which connector serves which source name, and building the configured ones from env."""

import os
from collections.abc import Iterable, Mapping
from typing import Any

from connectors.base import Connector
from connectors.errors import ConfigError
from connectors.intercom import IntercomConnector
from connectors.shifts import ShiftsConnector
from connectors.typeform import TypeformConnector
from connectors.zendesk import ZendeskConnector
from connectors.zendesk_qa import ZendeskQAConnector

CONNECTORS: dict[str, type[Connector]] = {
    "zendesk": ZendeskConnector,
    "intercom": IntercomConnector,
    "typeform": TypeformConnector,
    "zendesk_qa": ZendeskQAConnector,
}
# Sources read from files dropped into a folder, not from an API: configured and checked like
# the API sources, landed one file version at a time by connectors/file_landing.py.
FILE_SOURCES: dict[str, type[ShiftsConnector]] = {"shifts": ShiftsConnector}
SOURCES: dict[str, type[Connector] | type[ShiftsConnector]] = {**CONNECTORS, **FILE_SOURCES}


def connectors_from_env(
    sources: Iterable[str],
    env: Mapping[str, str] | None = None,
    http_options: Mapping[str, Any] | None = None,
) -> list[Connector | ShiftsConnector]:
    """One configured connector per source name, before any request is made.

    ``http_options`` tune every connector's HTTP client (a connection check wants few, short
    attempts; a nightly run the patient defaults).

    Every problem (unknown names, missing or invalid variables of every source) is
    reported in one ConfigError, so a user fixes the environment in one pass.
    """
    env = os.environ if env is None else env
    # The share of each vendor's request budget csops may use; the caller's options win.
    http_options = {"rate_share": rate_share(env), **dict(http_options or {})}
    names = [name.strip().lower() for name in sources if name.strip()]
    unknown = [name for name in names if name not in SOURCES]
    if unknown:
        raise ConfigError(
            f"unknown source(s) {', '.join(unknown)}; valid sources are "
            f"{', '.join(sorted(SOURCES))}"
        )
    built: list[Connector | ShiftsConnector] = []
    problems: list[ConfigError] = []
    for name in dict.fromkeys(names):
        try:
            built.append(SOURCES[name].from_env(env, http_options))
        except ConfigError as exc:
            problems.append(exc)
    if problems:
        for connector in built:
            connector.close()
        raise ConfigError(
            "; ".join(str(p) for p in problems),
            variables=tuple(v for p in problems for v in p.variables),
        )
    return built


RATE_SHARE_ENV = "CSOPS_RATE_SHARE"
DEFAULT_RATE_SHARE_PCT = 50.0


def rate_share(env: Mapping[str, str]) -> float:
    """CSOPS_RATE_SHARE as a fraction: the percentage of each vendor's request budget csops
    may use (default 50: the account's other integrations share the same budget)."""
    raw = env.get(RATE_SHARE_ENV, "").strip().removesuffix("%").strip()
    if not raw:
        return DEFAULT_RATE_SHARE_PCT / 100
    try:
        percent = float(raw)
    except ValueError:
        percent = float("nan")
    if not 0 < percent <= 100:
        raise ConfigError(
            f"{RATE_SHARE_ENV}={env.get(RATE_SHARE_ENV)!r} is not a percentage above 0 and at "
            "most 100 (the share of each vendor's request budget csops may use; default 50)",
            variables=(RATE_SHARE_ENV,),
        )
    return percent / 100
