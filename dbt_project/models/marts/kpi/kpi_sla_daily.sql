-- Daily SLA attainment per channel, priority and metric (docs/kpis.md): an achieved instance
-- counts on its fulfilment date, a breached one on the date its target ran out (whether it
-- was fulfilled late or not at all); active instances are left out. Only slices with at least
-- one achieved or breached instance have a row.
with sla_events as (
    select * from {{ ref('fct_sla_events') }}
),

dated as (
    select
        {{ csops.to_reporting_date('counted_at') }} as date_day,
        channel,
        priority,
        metric,
        status
    from sla_events
    where status in ('achieved', 'breached')
),

counted as (
    select
        date_day,
        channel,
        priority,
        metric,
        sum(case when status = 'achieved' then 1 else 0 end) as achieved,
        sum(case when status = 'breached' then 1 else 0 end) as breached
    from dated
    group by date_day, channel, priority, metric
),

final as (
    select
        date_day,
        channel,
        priority,
        metric,
        cast(achieved as integer) as achieved,
        cast(breached as integer) as breached,
        -- Percent 0-100 over the decided instances; null when none (never here, kept explicit).
        case when achieved + breached > 0
            then cast(100 as {{ csops.type_double() }}) * achieved / (achieved + breached)
        end as attainment_pct
    from counted
)

select * from final
