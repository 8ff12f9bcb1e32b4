"""dbt assets: staging, intermediate and mart models, with every dbt test as an asset check."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from pipelines.defs.dbt.project import DBT_PROJECT, ensure_manifest
from pipelines.partitions import DAILY_PARTITIONS, SINGLE_RUN


class CsopsTranslator(DagsterDbtTranslator):
    """Groups models by layer (the folder under models/), so the UI shows
    raw → staging → intermediate → marts → kpi."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] != "model":
            return super().get_group_name(dbt_resource_props)
        parts = dbt_resource_props["fqn"][1:-1]  # [project, folder..., model]
        if parts[:2] == ["marts", "kpi"]:
            return "kpi"
        return parts[0] if parts else "models"


@dbt_assets(
    manifest=ensure_manifest(),
    project=DBT_PROJECT,
    dagster_dbt_translator=CsopsTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
    partitions_def=DAILY_PARTITIONS,
    backfill_policy=SINGLE_RUN,
)
def csops_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # The models rebuild their tables from the whole lake on every run: `as_of` comes from the
    # data (the end of the latest landed window), so the partition range only says which raw
    # days this run landed. Re-running an old day therefore yields the same warehouse.
    yield from dbt.cli(["build"], context=context).stream()
