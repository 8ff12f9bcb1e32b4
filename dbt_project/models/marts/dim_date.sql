-- The reporting calendar: one row per day (in var reporting_timezone) from the first landed
-- window or the earliest contact, whichever is earlier, to the last day that has begun by
-- as_of, so every date a fact or KPI mart counts on has its row.
with as_of as (
    select * from {{ ref('int_build__as_of') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

-- From the first landed day (or the earliest contact) to the last day begun by as_of: the
-- same bounds as the daily KPI marts.
bounds as (
    select {{ csops.reporting_day_bounds('min(contacts.created_date)') }}
    from as_of
    left join contacts on true
    group by as_of.first_window_start, as_of.as_of
),

spine as (
    {{ csops.date_spine('first_day', 'last_day', 'bounds') }}
),

final as (
    select
        date_day,
        {{ csops.iso_week_start('date_day') }} as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast(extract(quarter from date_day) as integer) as quarter,
        cast(extract(year from date_day) as integer) as year,
        {{ csops.iso_day_of_week('date_day') }} as day_of_week,
        {{ csops.iso_day_of_week('date_day') }} in (6, 7) as is_weekend
    from spine
)

select * from final
