"""The settings as a Dagster resource: what the assets and checks read their paths from.

The environment is read once, when the code location's definitions are built
(pipelines/definitions.py), and the resolved values are bound to this resource; no asset or
check body reads CSOPS_* variables itself. A step run in another process (the run worker of
a run launched from the UI or the schedule) builds the definitions again, from that
process's environment, as the code location did.
"""

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import dagster as dg

from pipelines.settings import Settings


class CsopsSettings(dg.ConfigurableResource):
    """The resolved settings of pipelines/settings.py (docs/configuration.md)."""

    lake: str
    warehouse: str
    serving: str
    dagster_home: str
    sources: list[str]
    demo: bool
    start_date: str | None = None
    kpi_targets: str | None = None
    engine: str = "duckdb"
    spark_warehouse: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "CsopsSettings":
        return cls(
            lake=str(settings.lake),
            warehouse=str(settings.warehouse),
            serving=str(settings.serving),
            dagster_home=str(settings.dagster_home),
            sources=list(settings.sources),
            demo=settings.demo,
            start_date=settings.start_date.isoformat() if settings.start_date else None,
            kpi_targets=str(settings.kpi_targets) if settings.kpi_targets else None,
            engine=settings.engine,
            spark_warehouse=str(settings.spark_warehouse) if settings.spark_warehouse else None,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "CsopsSettings":
        """Read now, from the environment (tests, and code that builds its own resources)."""
        return cls.from_settings(Settings.from_env(env))

    @property
    def resolved(self) -> Settings:
        """The same values as the `Settings` the CLI uses: Paths, a date, a tuple."""
        return Settings(
            lake=Path(self.lake),
            warehouse=Path(self.warehouse),
            serving=Path(self.serving),
            dagster_home=Path(self.dagster_home),
            sources=tuple(self.sources),
            demo=self.demo,
            start_date=date.fromisoformat(self.start_date) if self.start_date else None,
            kpi_targets=Path(self.kpi_targets) if self.kpi_targets else None,
            engine=self.engine,
            spark_warehouse=Path(self.spark_warehouse) if self.spark_warehouse else None,
        )
