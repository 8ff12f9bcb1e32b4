"""Run-time configuration of csops, read from environment variables.

Every variable is listed with its default in docs/configuration.md. Paths are resolved to
absolute paths once, here, and exported back to the environment so that dbt (a subprocess)
and Dagster (which may load the code location from another working directory) see the same
lake and warehouse as the CLI.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from connectors.lake import manifest_days

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# What every pipeline build adds to `dbt build`: dbt's unit tests test the SQL, not the
# data, so they run in the test suite (tests/), not in every run (docs/decisions.md).
# benchmarks/stages.py builds the same way.
DBT_BUILD_ARGS = ("--exclude-resource-type", "unit_test")

KNOWN_SOURCES = ("zendesk", "intercom", "typeform", "zendesk_qa", "shifts")
# The engines the dbt project builds on (CSOPS_ENGINE, `csops run --target`; docs/scale.md).
ENGINES = ("duckdb", "spark", "postgres")

# The Dagster concurrency pool of every step that writes (or must read a settled) warehouse:
# the dbt build and the publish. DuckDB allows one writing process per file, so the instance
# gives this pool one slot (dagster_home/dagster.yaml): a second run queues behind the first
# instead of failing on DuckDB's lock.
WAREHOUSE_POOL = "csops_warehouse"

# Who answers for the assets in the Dagster UI: a team (`team:<name>`) or an email address;
# given to every asset when the definitions are built (pipelines/definitions.py).
OWNER_ENV = "CSOPS_OWNER"
DEFAULT_OWNER = "team:support-analytics"


def asset_owners() -> list[str]:
    return [os.environ.get(OWNER_ENV, "").strip() or DEFAULT_OWNER]


DEMO = "demo"


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    lake: Path
    warehouse: Path
    serving: Path
    dagster_home: Path
    sources: tuple[str, ...]
    demo: bool
    # CSOPS_START_DATE when set; else the daily partitions start at the first landed day.
    start_date: date | None
    # CSOPS_KPI_TARGETS: the user's KPI targets CSV, read by dbt instead of the seed
    # kpi_targets (the var kpi_targets_path); None keeps the seed.
    kpi_targets: Path | None = None
    # CSOPS_ENGINE: where dbt builds the models. Off DuckDB, the marts are then copied into
    # the warehouse above, which the gates, the serving copy and the report read.
    engine: str = "duckdb"
    # CSOPS_SPARK_WAREHOUSE: the Spark session's tables and catalog (spark only).
    spark_warehouse: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        raw_sources = env.get("CSOPS_SOURCES", DEMO).strip() or DEMO
        names = tuple(s.strip().lower() for s in raw_sources.split(",") if s.strip())
        demo = names == (DEMO,)
        if demo:
            sources = KNOWN_SOURCES
        else:
            unknown = [n for n in names if n not in KNOWN_SOURCES]
            if unknown:
                raise SettingsError(
                    f"CSOPS_SOURCES names unknown source(s) {', '.join(unknown)}: use a comma "
                    f"list of {', '.join(KNOWN_SOURCES)}, or '{DEMO}' for the simulated org"
                )
            sources = tuple(dict.fromkeys(names))
        raw_start = env.get("CSOPS_START_DATE", "").strip()
        try:
            start_date = date.fromisoformat(raw_start) if raw_start else None
        except ValueError as exc:
            raise SettingsError(
                f"CSOPS_START_DATE={raw_start!r} is not a date: use YYYY-MM-DD"
            ) from exc
        raw_targets = env.get("CSOPS_KPI_TARGETS", "").strip()
        kpi_targets = Path(raw_targets).expanduser().resolve() if raw_targets else None
        if kpi_targets is not None and not kpi_targets.is_file():
            raise SettingsError(
                f"CSOPS_KPI_TARGETS={raw_targets!r}: no file at {kpi_targets}; give the path of "
                "a CSV with the columns kpi, team_name, target, direction, valid_from, or unset "
                "it to use the example targets"
            )
        engine = env.get("CSOPS_ENGINE", "").strip().lower() or "duckdb"
        if engine not in ENGINES:
            raise SettingsError(
                f"CSOPS_ENGINE={engine!r} is not an engine csops builds on: use one of "
                f"{', '.join(ENGINES)}"
            )
        warehouse = _path(env, "CSOPS_WAREHOUSE", "data/warehouse.duckdb")
        return cls(
            lake=_path(env, "CSOPS_LAKE", "data/lake"),
            warehouse=warehouse,
            serving=_path(env, "CSOPS_SERVING", "data/serving"),
            dagster_home=_path(env, "DAGSTER_HOME", str(PROJECT_ROOT / "dagster_home")),
            sources=sources,
            demo=demo,
            start_date=start_date,
            kpi_targets=kpi_targets,
            engine=engine,
            spark_warehouse=_path(env, "CSOPS_SPARK_WAREHOUSE", str(warehouse.parent / "spark")),
        )

    def partition_start(self) -> date:
        """The first daily partition: CSOPS_START_DATE, else the first landed day, else
        yesterday (an empty lake), so the UI shows the organisation's own history, not
        hundreds of days before it as missing."""
        if self.start_date:
            return self.start_date
        return first_landed_day(self.lake) or (datetime.now(UTC).date() - timedelta(days=1))

    @property
    def dbt_target(self) -> Path:
        """Where the builds of this warehouse keep dbt's artifacts: one folder per build (the
        last few are kept) and the parse state the next build starts from."""
        return self.warehouse.parent / f"{self.warehouse.stem}.dbt"

    def export(self) -> None:
        """Publish the resolved paths to this process's environment (dbt and Dagster read it)."""
        os.environ["CSOPS_LAKE"] = str(self.lake)
        os.environ["CSOPS_WAREHOUSE"] = str(self.warehouse)
        os.environ["CSOPS_SERVING"] = str(self.serving)
        os.environ["DAGSTER_HOME"] = str(self.dagster_home)
        if self.kpi_targets is not None:
            os.environ["CSOPS_KPI_TARGETS"] = str(self.kpi_targets)
        os.environ["CSOPS_ENGINE"] = self.engine
        if self.spark_warehouse is not None:
            os.environ["CSOPS_SPARK_WAREHOUSE"] = str(self.spark_warehouse)
        os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
        self.lake.mkdir(parents=True, exist_ok=True)
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)
        ensure_dagster_home(self.dagster_home)


def first_landed_day(lake: Path) -> date | None:
    """The earliest day in the landing writer's manifest of landed days (docs/landing.md),
    from its folder names alone."""
    days = manifest_days(lake)
    return days[0] if days else None


def _path(env: Mapping[str, str], name: str, default: str) -> Path:
    return Path(env.get(name) or default).expanduser().resolve()


def ensure_dagster_home(home: Path) -> None:
    """Create a Dagster instance folder with telemetry off if it has no dagster.yaml yet."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_CONFIG)


# A new instance's dagster.yaml (the project's own dagster_home/dagster.yaml says the same).
INSTANCE_CONFIG = """\
telemetry:
  enabled: false
# One step at a time in each pool: the warehouse has one writer (pipelines/settings.py).
concurrency:
  pools:
    default_limit: 1
"""
