"""The csops Dagster code location: every asset, check, job and schedule, assembled once.

`dagster dev -w workspace.yaml` loads this module; so does the `csops` CLI, which runs the same
job on the same instance, so both share one run history.
"""

import dagster as dg

from pipelines.defs.alerts.sensors import ALERT_SENSORS
from pipelines.defs.dbt.assets import csops_dbt_models
from pipelines.defs.dbt.resources import dbt_resource
from pipelines.defs.quality.checks import MART_CHECKS
from pipelines.defs.raw.assets import LANDED_WINDOWS, RAW_ASSETS
from pipelines.defs.raw.checks import RAW_CHECKS
from pipelines.defs.raw.resources import HelpdeskResource
from pipelines.defs.runs.sensors import RUN_SENSORS
from pipelines.defs.serving.assets import SERVING_ASSETS
from pipelines.settings import Settings

SETTINGS = Settings.from_env()
SETTINGS.export()

DAILY_JOB_NAME = "csops_daily"

# Only the sources named in CSOPS_SOURCES are extracted; the other raw assets stay in the graph
# (their dbt sources read the empty placeholder files) so the lineage is always complete.
ENABLED_RAW = dg.AssetSelection.assets(
    *(a for a in RAW_ASSETS if a.node_def.name.removeprefix("raw_") in SETTINGS.sources)
)
MODELS = dg.AssetSelection.assets(csops_dbt_models)
SERVING = dg.AssetSelection.assets(*SERVING_ASSETS)

csops_daily = dg.define_asset_job(
    DAILY_JOB_NAME,
    selection=ENABLED_RAW | MODELS | SERVING,
    description=(
        "Land each enabled source's day, rebuild the models, run every check, and publish the "
        "marts and the KPI report to the serving copy when no blocking check failed."
    ),
)

daily_schedule = dg.build_schedule_from_partitioned_job(
    csops_daily, hour_of_day=2, minute_of_hour=0, name="csops_daily_schedule"
)

defs = dg.Definitions(
    assets=[*RAW_ASSETS, LANDED_WINDOWS, csops_dbt_models, *SERVING_ASSETS],
    asset_checks=[*RAW_CHECKS, *MART_CHECKS],
    jobs=[csops_daily],
    schedules=[daily_schedule],
    sensors=[*ALERT_SENSORS, *RUN_SENSORS],
    resources={"helpdesk": HelpdeskResource(), "dbt": dbt_resource()},
)
