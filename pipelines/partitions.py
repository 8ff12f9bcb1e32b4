"""The daily partitions every event stream and every model shares.

A day is the window [00:00, next 00:00) UTC of the time each API filters on. A range of days is
one run (single-run backfill policy): a 90-day backfill is one extraction pass per source and one
dbt build, not 90 of each.
"""

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
