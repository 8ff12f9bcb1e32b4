"""The daily partitions of the event streams, and how fresh the daily assets should be.

A day is the window [00:00, next 00:00) UTC of the time each API filters on. A range of days is
one run (single-run backfill policy): a 90-day backfill is one extraction pass per source and one
dbt build, not 90 of each.
"""

from datetime import timedelta

import dagster as dg

from pipelines.settings import Settings

# The first partition is where the organisation's landed history starts (or CSOPS_START_DATE):
# pipelines/settings.py `Settings.partition_start`.
DAILY_PARTITIONS = dg.DailyPartitionsDefinition(
    start_date=Settings.from_env().partition_start().isoformat(),
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
