"""Where the raw assets get their connectors: the real APIs, or the simulated org in demo mode."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import dagster as dg

from connectors.base import Connector
from connectors.registry import SOURCES, rate_share
from connectors.shifts import SHIFTS_DIR_ENV
from pipelines.defs.resources import CsopsSettings
from simulator.org import SimConfig, SupportOrg
from simulator.server import SimulatorServer
from simulator.shifts import write_shift_files

SHIFTS = "shifts"
# Where the demo's simulated workforce tool drops its shift files: beside the lake.
DEMO_SHIFTS_FOLDER = "demo_shifts"


def demo_config() -> SimConfig:
    """The simulated org of `CSOPS_SOURCES=demo`; its size can be tuned from the environment."""
    defaults = SimConfig()
    return SimConfig(
        seed=int(os.environ.get("CSOPS_DEMO_SEED", defaults.seed)),
        tickets_per_day=float(
            os.environ.get("CSOPS_DEMO_TICKETS_PER_DAY", defaults.tickets_per_day)
        ),
        chats_per_day=float(os.environ.get("CSOPS_DEMO_CHATS_PER_DAY", defaults.chats_per_day)),
        agents=int(os.environ.get("CSOPS_DEMO_AGENTS", defaults.agents)),
    )


def write_demo_shifts(lake: Path, days: tuple[date, date] | None = None) -> Path:
    """The demo's shift folder (beside the lake), where the simulated workforce tool has just
    written its weekly rosters covering `days` (default: the simulated org's last week), as a
    real one exports them. A week already written keeps its file untouched."""
    org = SupportOrg(demo_config())
    last = org.now.date() - timedelta(days=1)
    first, last = days or (last - timedelta(days=6), last)
    folder = lake.parent / DEMO_SHIFTS_FOLDER
    write_shift_files(org, folder, first, last)
    return folder


class HelpdeskResource(dg.ConfigurableResource):
    """Opens a connector per source: from the source's own variables, or, in demo mode
    (CSOPS_SOURCES=demo, as resolved in `settings`), against the simulated org served on
    127.0.0.1 for the duration of the extraction, so the demo runs exactly the connector code
    that production runs. The shift files of the demo come from the simulated workforce tool,
    written beside the lake (`write_demo_shifts`)."""

    settings: CsopsSettings

    @contextmanager
    def connector(self, source: str, days: tuple[date, date] | None = None) -> Iterator[Connector]:
        if self.settings.demo and source == SHIFTS:
            folder = write_demo_shifts(Path(self.settings.lake), days)
            yield SOURCES[source].from_env({SHIFTS_DIR_ENV: str(folder)})
            return
        # The share of each vendor's request budget csops may use (CSOPS_RATE_SHARE).
        options = {"rate_share": rate_share(os.environ)}
        if self.settings.demo:
            with SimulatorServer(SupportOrg(demo_config())) as server:
                connector = SOURCES[source].from_env(server.env(), options)
                try:
                    yield connector
                finally:
                    connector.close()
            return
        connector = SOURCES[source].from_env(None, options)
        try:
            yield connector
        finally:
            connector.close()
