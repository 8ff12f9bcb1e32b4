{{ config(enabled=var('csops_conformance', false), materialized='table', schema='conformance') }}
-- The cross-database macros on fixed inputs, one column per case: built only by the engine
-- tests (tests/test_engines.py, with the var csops_conformance and reporting_timezone
-- America/New_York), which hold every engine's row to the values worked out by hand there.
-- Not part of the project otherwise (disabled by default).
with instants as (
    select
        cast('2024-03-10 01:00:00+00:00' as {{ csops.type_timestamp_tz() }}) as start_at,
        cast('2024-03-10 03:30:15.5+00:00' as {{ csops.type_timestamp_tz() }}) as end_at,
        cast('2024-03-11 04:30:00+00:00' as {{ csops.type_timestamp_tz() }}) as instant_0430_utc,
        cast('2024-03-10 07:30:00+00:00' as {{ csops.type_timestamp_tz() }}) as after_spring_forward,
        cast('2024-03-10 07:44:59.9+00:00' as {{ csops.type_timestamp_tz() }}) as in_a_quarter,
        cast('2024-03-10 03:00:00+00:00' as {{ csops.type_timestamp_tz() }}) as new_york_evening,
        cast('2024-03-10' as date) as sunday,
        cast('2024-03-11' as date) as monday,
        cast('2024-03-16' as date) as saturday,
        cast('2024-02-27' as date) as spine_start,
        cast('2024-03-02' as date) as spine_end,
        '{"email": "a@example.com", "n": 5}' as raw_record,
        cast('2024-03-10 02:30:00' as {{ csops.type_timestamp() }}) as new_york_gap,
        cast('2024-11-03 01:30:00' as {{ csops.type_timestamp() }}) as new_york_repeated,
        cast('2024-07-01 09:00:00' as {{ csops.type_timestamp() }}) as new_york_summer,
        cast('2024-03-31 01:15:00' as {{ csops.type_timestamp() }}) as london_gap
),

numbers as (
    select cast(value as {{ csops.type_double() }}) as value, source
    from (values (1, 'zendesk'), (2, 'intercom'), (3, 'zendesk'), (10, null)) as numbers (value, source)
),

aggregates as (
    select
        {{ csops.percentile_cont('value', 0.5) }} as median_value,
        {{ csops.percentile_cont('value', 0.9) }} as p90_value,
        {{ csops.sorted_distinct_string_agg('source') }} as sources,
        {{ csops.arg_min('source', 'value', "source != 'zendesk'") }} as arg_min_source
    from numbers
),

spine as (
    select count(*) as spine_days
    from ({{ csops.date_spine('spine_start', 'spine_end', 'instants') }}) as days
),

utc_days as (
    select count(*) as utc_days, max(utc_day) as last_utc_day
    from (select {{ csops.utc_day_series('start_at', 'instant_0430_utc') }} as utc_day from instants)
        as days
),

series as (
    select count(*) as series_days, min(series_day) as first_series_day
    from (
        select {{ csops.day_series('spine_start', 'spine_end') }} as series_day from instants
    ) as days
)

select
    {{ csops.minutes_between('start_at', 'end_at') }} as minutes_between,
    {{ csops.add_minutes('start_at', 90.5) }} as add_minutes,
    {{ csops.local_date_plus_minutes('sunday', 1500) }} as local_date_plus_minutes,
    {{ csops.day_of_week_from_sunday('sunday') }} as sunday_from_sunday,
    {{ csops.day_of_week_from_sunday('saturday') }} as saturday_from_sunday,
    {{ csops.utc_day_start('sunday') }} as utc_day_start,
    {{ csops.utc_date('instant_0430_utc') }} as utc_date,
    {{ csops.iso_day_of_week('sunday') }} as sunday_iso,
    {{ csops.iso_day_of_week('monday') }} as monday_iso,
    {{ csops.iso_week_start('sunday') }} as iso_week_start,
    {{ csops.utc_to_local('after_spring_forward', "'America/New_York'") }} as utc_to_local,
    {{ csops.quarter_hour_bucket('in_a_quarter') }} as quarter_hour_bucket,
    {{ csops.raw_text_field('raw_record', 'email') }} as raw_text_field,
    {{ csops.to_reporting_date('new_york_evening') }} as to_reporting_date,
    {{ csops.reporting_day_start('monday') }} as reporting_day_start,
    {{ csops.surrogate_key(["'zendesk'", '123']) }} as surrogate_key,
    {{ csops.utc_day_start_of('in_a_quarter') }} as utc_day_start_of,
    {{ csops.local_to_utc('new_york_gap', "'America/New_York'") }} as local_to_utc_gap,
    {{ csops.local_to_utc('new_york_repeated', "'America/New_York'") }} as local_to_utc_repeated,
    {{ csops.local_to_utc('new_york_summer', "'America/New_York'") }} as local_to_utc_summer,
    {{ csops.local_to_utc('london_gap', "'Europe/London'") }} as local_to_utc_london_gap,
    {{ csops.exact_minutes(
        'cast(0.1 as ' ~ csops.type_double() ~ ') + cast(0.2 as ' ~ csops.type_double() ~ ')'
    ) }} as exact_minutes,
    aggregates.median_value,
    aggregates.p90_value,
    aggregates.sources,
    aggregates.arg_min_source,
    utc_days.utc_days,
    utc_days.last_utc_day,
    spine.spine_days,
    series.series_days,
    series.first_series_day
from instants
cross join aggregates
cross join spine
cross join series
cross join utc_days
