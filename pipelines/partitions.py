"""The daily partitions of the raw streams, and how fresh the daily assets should be.

The raw streams are partitioned by day: a day is the window [00:00, next 00:00) UTC of the
time each API filters on. A range of days is one run (single-run backfill policy): a 90-day
backfill is one extraction pass per source. The dbt models are not partitioned: each run
rebuilds them in one dbt build over the whole lake (pipelines/defs/dbt/assets.py).
"""

from datetime import timedelta

import dagster as dg

from pipelines.settings import Settings


def daily_partitions(settings: Settings) -> dg.DailyPartitionsDefinition:
    """The raw streams' days: the first is where the organisation's landed history starts, or
    CSOPS_START_DATE (`Settings.partition_start`, which reads the lake's manifest); built with
    the definitions, not when this module is imported."""
    return dg.DailyPartitionsDefinition(
        start_date=settings.partition_start().isoformat(),
        timezone="UTC",
        end_offset=0,
    )


SINGLE_RUN = dg.BackfillPolicy.single_run()

# The schedule runs every day at 02:00 UTC: a raw stream or a KPI mart last materialized more
# than 26 hours ago missed a night (the UI shows it as a freshness warning), more than 50 hours
# ago, two (a failure).
DAILY_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=50), warn_window=timedelta(hours=26)
)
