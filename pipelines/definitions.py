"""The csops Dagster code location: every asset, check, job and schedule, assembled once.

`dagster dev -w workspace.yaml` loads this module; so does the `csops` CLI, which runs the same
job on the same instance, so both share one run history. Importing it reads nothing: the
settings are read from the environment when Dagster builds the definitions (`defs`, loaded
lazily), and bound to the `settings` resource the assets and checks read them from.
"""

import dagster as dg

from pipelines.defs.alerts.sensors import ALERT_SENSORS
from pipelines.defs.dbt.assets import csops_dbt_models
from pipelines.defs.dbt.resources import dbt_resource
from pipelines.defs.quality.checks import MART_CHECKS
from pipelines.defs.raw.assets import LANDED_WINDOWS, raw_assets
from pipelines.defs.raw.checks import RAW_CHECKS
from pipelines.defs.raw.resources import HelpdeskResource
from pipelines.defs.resources import CsopsSettings
from pipelines.defs.runs.sensors import RUN_SENSORS
from pipelines.defs.serving.assets import SERVING_ASSETS
from pipelines.partitions import daily_partitions
from pipelines.settings import Settings, asset_owners

DAILY_JOB_NAME = "csops_daily"


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """The code location for these settings (default: read from the environment now, which
    raises SettingsError naming a malformed variable). The resolved paths are published to
    this process's environment first, for the dbt subprocesses and Dagster."""
    settings = Settings.from_env() if settings is None else settings
    settings.export()
    raw = raw_assets(daily_partitions(settings))

    # Only the sources named in CSOPS_SOURCES are extracted; the other raw assets stay in the
    # graph (their dbt sources read the empty placeholder files) so the lineage is always
    # complete.
    enabled_raw = dg.AssetSelection.assets(
        *(a for a in raw if a.node_def.name.removeprefix("raw_") in settings.sources)
    )
    models = dg.AssetSelection.assets(csops_dbt_models)
    serving = dg.AssetSelection.assets(*SERVING_ASSETS)

    csops_daily = dg.define_asset_job(
        DAILY_JOB_NAME,
        selection=enabled_raw | models | serving,
        description=(
            "Land each enabled source's day, rebuild the models, run every check, and publish "
            "the marts and the KPI report to the serving copy when no blocking check failed."
        ),
    )
    daily_schedule = dg.build_schedule_from_partitioned_job(
        csops_daily, hour_of_day=2, minute_of_hour=0, name="csops_daily_schedule"
    )
    # Every asset shows who answers for it (CSOPS_OWNER), read now like the settings.
    owners = asset_owners()
    assets = dg.map_asset_specs(
        lambda spec: spec.replace_attributes(owners=owners),
        [*raw, LANDED_WINDOWS, csops_dbt_models, *SERVING_ASSETS],
    )
    resource = CsopsSettings.from_settings(settings)
    return dg.Definitions(
        assets=assets,
        asset_checks=[*RAW_CHECKS, *MART_CHECKS],
        jobs=[csops_daily],
        schedules=[daily_schedule],
        sensors=[*ALERT_SENSORS, *RUN_SENSORS],
        resources={
            "settings": resource,
            "helpdesk": HelpdeskResource(settings=resource),
            "dbt": dbt_resource(),
        },
    )


@dg.definitions
def defs() -> dg.Definitions:
    """What Dagster loads (workspace.yaml, the CLI's runs): the definitions of the settings in
    the environment at that moment."""
    return build_definitions()
