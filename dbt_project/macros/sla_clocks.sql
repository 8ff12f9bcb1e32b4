{#- The steps the SLA metric models (models/intermediate/sla/int_sla__<metric>.sql) share:
    the target and schedule of an instance, the elapsed minutes of a reply clock, and the
    instant a target runs out (docs/kpis.md, fct_sla_events). Each returns a select, to be used
    as a CTE body. -#}


{#- The instances of `metric` (a relation with ticket_id, started_at and fulfilled_at) with
    the ticket's target for the metric (`targets`, int_sla__policies_matched), its business-hour
    schedule (`ticket_schedules`, int_business_hours__ticket_schedules) and clock_stopped_at:
    the fulfilment, or as_of (`as_of`, int_build__as_of) while unfulfilled. The three are the
    calling model's CTEs, read through its scope. An instance without a target has no row. -#}
{% macro sla_targeted_instances(
    instances_relation, metric, targets='targets', schedules='ticket_schedules', as_of='as_of'
) -%}
    select
        instances.*,
        metric_targets.target_minutes,
        metric_targets.in_business_hours,
        metric_targets.sla_policy_id,
        metric_targets.target_source,
        instance_schedules.schedule_id,
        coalesce(instances.fulfilled_at, reporting_clock.as_of) as clock_stopped_at
    from {{ instances_relation }} as instances
    inner join {{ targets }} as metric_targets
        on instances.ticket_id = metric_targets.ticket_id
        and metric_targets.metric = '{{ metric }}'
    inner join {{ schedules }} as instance_schedules
        on instances.ticket_id = instance_schedules.ticket_id
    cross join {{ as_of }} as reporting_clock
{%- endmacro %}


{#- A reply clock (first or next reply time) runs from started_at to clock_stopped_at without
    pause. Returns the rows of `clocks_relation` (from sla_targeted_instances, unique on
    key_column) with elapsed_minutes, in the target's unit: business minutes of the ticket's
    schedule, or calendar minutes; and breach_at, target_minutes after started_at. -#}
{% macro sla_reply_clock(clocks_relation, key_column, windows_relation) -%}
    select
        clocks.*,
        case
            when clocks.in_business_hours then business_elapsed.business_minutes
            else {{ csops.minutes_between('clocks.started_at', 'clocks.clock_stopped_at') }}
        end as elapsed_minutes,
        breaches.breach_at
    from {{ clocks_relation }} as clocks
    left join (
        {{ csops.business_minutes_overlap(
            clocks_relation, windows_relation, [key_column], end_column='clock_stopped_at'
        ) }}
    ) as business_elapsed
        on clocks.{{ key_column }} = business_elapsed.{{ key_column }}
    left join (
        {{ csops.sla_breach_at(
            '(select ' ~ key_column ~ ', schedule_id, in_business_hours,'
            ~ ' started_at as breach_clock_from, target_minutes as remaining_minutes'
            ~ ' from ' ~ clocks_relation ~ ')',
            windows_relation,
            [key_column]
        ) }}
    ) as breaches
        on clocks.{{ key_column }} = breaches.{{ key_column }}
{%- endmacro %}


{#- When a target runs out: remaining_minutes after breach_clock_from, counting business
    minutes of schedule_id when in_business_hours (csops.business_breach_at), else calendar
    minutes. `starts_relation` has key_columns, schedule_id, in_business_hours,
    breach_clock_from and remaining_minutes. Returns key_columns and breach_at (null when a
    business-hour target runs out after the last window). -#}
{% macro sla_breach_at(starts_relation, windows_relation, key_columns) -%}
    select * from (
        {{ csops.business_breach_at(
            '(select * from ' ~ starts_relation ~ ' as business_starts where in_business_hours)',
            windows_relation,
            key_columns,
            start_column='breach_clock_from',
            target_column='remaining_minutes'
        ) }}
    ) as business_breaches
    union all
    select
        {%- for key in key_columns %}
        {{ key }},
        {%- endfor %}
        {{ csops.add_minutes('breach_clock_from', 'remaining_minutes') }} as breach_at
    from {{ starts_relation }} as calendar_starts
    where not in_business_hours
{%- endmacro %}
