"""Serving assets: the marts published for BI tools and the KPI report, gated by the checks.

`serving/marts` runs after every mart of the run has been built. It publishes only when no
check of error severity failed anywhere in the run (the raw suites, the dbt tests, the mart
checks); otherwise it fails naming the checks, and the previous serving copy stays exactly as
it was. A failed dbt build never reaches it at all (the step downstream of a failed step is
skipped), which leaves the previous copy in place the same way.
"""

import dagster as dg

from pipelines.defs.dbt.assets import csops_dbt_models
from pipelines.defs.resources import CsopsSettings
from pipelines.report import write_report
from pipelines.runs import failed_checks
from pipelines.serving import publish, read_manifest, report_path
from pipelines.settings import WAREHOUSE_POOL

SERVING_GROUP = "serving"
SERVING_KEY = dg.AssetKey(["serving", "marts"])
REPORT_KEY = dg.AssetKey(["serving", "report"])
# The models BI reads: the star schema and the KPI marts (dagster groups, pipelines/defs/dbt).
PUBLISHED_GROUPS = ("marts", "kpi")


def mart_keys() -> list[dg.AssetKey]:
    return sorted(
        (
            key
            for key in csops_dbt_models.keys
            if csops_dbt_models.group_names_by_key.get(key) in PUBLISHED_GROUPS
        ),
        key=lambda k: k.to_user_string(),
    )


class BlockingCheckFailed(dg.Failure):
    """A check of error severity failed in this run: nothing is published."""


def failed_blocking_checks(context: dg.AssetExecutionContext) -> list[str]:
    """The checks of error severity that failed in this run, as `asset:check` names."""
    return failed_checks(context.instance, context.run.run_id, dg.AssetCheckSeverity.ERROR)


@dg.asset(
    key=SERVING_KEY,
    deps=mart_keys(),
    pool=WAREHOUSE_POOL,
    group_name=SERVING_GROUP,
    kinds={"duckdb", "parquet"},
    description=(
        "The serving copy BI tools and people read: every mart copied to marts.duckdb and to "
        "one Parquet file per mart, with a serving_manifest (as_of, published_at, run id, row "
        "count per mart). Published only when every check of error severity in the run "
        "passed; each file is renamed into place, so readers never see half a copy and never "
        "block a run (docs/bi.md)."
    ),
)
def serving_marts(
    context: dg.AssetExecutionContext, settings: CsopsSettings
) -> dg.MaterializeResult:
    serving, warehouse = settings.resolved.serving, settings.resolved.warehouse
    failed = failed_blocking_checks(context)
    if failed:
        previous = read_manifest(serving)
        shows = previous.summary() if previous else "nothing published yet"
        raise BlockingCheckFailed(
            description=(
                f"not published: {len(failed)} blocking check(s) failed: {', '.join(failed[:10])}"
                f"{' …' if len(failed) > 10 else ''}. The serving copy {serving} "
                f"is unchanged ({shows})."
            ),
            allow_retries=False,
        )
    manifest = publish(warehouse, serving, context.run.run_id)
    context.log.info(f"published {serving}: {manifest.summary()}")
    return dg.MaterializeResult(
        metadata={
            "as_of": manifest.as_of.isoformat() if manifest.as_of else "none",
            "published_at": manifest.published_at.isoformat(),
            "path": dg.MetadataValue.path(str(serving)),
            "marts": len(manifest.row_counts),
            # How many marts took only their changed rows into the copy of the previous file;
            # the others were copied whole (pipelines/serving.py).
            "marts_updated_in_place": len(manifest.updated_in_place),
            "rows": dg.MetadataValue.json(manifest.row_counts),
        }
    )


@dg.asset(
    key=REPORT_KEY,
    deps=[SERVING_KEY],
    group_name=SERVING_GROUP,
    kinds={"html"},
    description=(
        "The KPI report for people: report.html beside the serving copy, one self-contained "
        "file (no network needed) with last week's headline figures against the week before, "
        "90 days of charts and the agent scorecard. Rebuilt with every publish."
    ),
)
def kpi_report(context: dg.AssetExecutionContext, settings: CsopsSettings) -> dg.MaterializeResult:
    path = write_report(settings.resolved.serving)
    context.log.info(f"report: {path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "bytes": path.stat().st_size,
        }
    )


SERVING_ASSETS = [serving_marts, kpi_report]
__all__ = ["SERVING_ASSETS", "report_path"]
