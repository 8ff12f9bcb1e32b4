"""Gates after the models (docs/quality.md): on the daily support mart, for the run's days.

`volume_as_usual` warns when a day's contacts are far from the same weekday of the four weeks
before; `every_landed_day_present` fails the run when a landed day has no rows in the daily
mart. Both read the warehouse, so they take the warehouse pool's slot like the build.
"""

import dagster as dg
import duckdb

from pipelines.defs.raw.checks import _run_range, check_result
from pipelines.defs.resources import CsopsSettings
from pipelines.gates import (
    DEFAULT_DEVIATION_PCT,
    DEVIATION_ENV,
    missing_days,
    percent_setting,
    volume_findings,
)
from pipelines.settings import WAREHOUSE_POOL

SUPPORT_DAILY = dg.AssetKey(["marts", "kpi_support_daily"])
VOLUME_CHECK = "volume_as_usual"
DAYS_CHECK = "every_landed_day_present"


@dg.multi_asset_check(
    name="mart_gates",
    specs=[
        dg.AssetCheckSpec(
            VOLUME_CHECK,
            asset=SUPPORT_DAILY,
            description=(
                "Contacts created on each of the run's days against the same weekday of the four "
                f"weeks before: a warning beyond {DEVIATION_ENV} (default "
                f"{DEFAULT_DEVIATION_PCT:g} %) when the difference is also beyond chance."
            ),
        ),
        dg.AssetCheckSpec(
            DAYS_CHECK,
            asset=SUPPORT_DAILY,
            blocking=True,
            description=(
                "Every landed day from the first contact to as_of has its rows in "
                "kpi_support_daily; a missing day fails the run before anything is published."
            ),
        ),
    ],
    can_subset=True,
    pool=WAREHOUSE_POOL,
)
def mart_gates(context: dg.AssetCheckExecutionContext, settings: CsopsSettings):
    resolved = settings.resolved
    run_range = _run_range(context)
    with duckdb.connect(str(resolved.warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        if run_range is None:  # launched on its own: the latest landed day
            (last,) = con.execute(
                "select cast(as_of as date) - 1 from intermediate.int_build__as_of"
            ).fetchone()
            run_range = (last, last)
        for key in sorted(context.selected_asset_check_keys, key=lambda k: k.name):
            if key.name == VOLUME_CHECK:
                deviation = percent_setting(DEVIATION_ENV, DEFAULT_DEVIATION_PCT)
                finding = volume_findings(con, *run_range, deviation)
            else:
                finding = missing_days(con, resolved.lake)
            context.log.info(finding.message)
            yield check_result(key, finding)


MART_CHECKS = [mart_gates]
