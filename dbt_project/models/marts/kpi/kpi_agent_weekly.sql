-- Weekly agent scorecard per ISO week, Monday to Sunday (docs/kpis.md). Every figure is
-- recomputed from the credited activity rows of the week: the first-reply median is the exact
-- median of the week's first replies, not an average of daily medians. Resolution time,
-- reopens and one-touch describe "what they solved": the tickets, still solved now, whose last
-- solve the agent made that week (tickets_resolved, the denominator of both rates).
with activities as (
    select * from {{ ref('int_agents__activities') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

weekly_activities as (
    select
        {{ csops.iso_week_start('activities.date_day') }} as week_start,
        activities.agent_key,
        activities.activity_type,
        activities.is_first_reply,
        activities.first_reply_time_business_minutes,
        activities.is_satisfied,
        activities.is_last_solve,
        tickets.full_resolution_time_business_minutes,
        tickets.full_resolution_time_calendar_minutes,
        tickets.reopens,
        tickets.is_one_touch_resolution
    from activities
    left join tickets
        on activities.activity_type = 'ticket_solve'
        and activities.is_last_solve
        and activities.contact_id = cast(tickets.ticket_id as {{ dbt.type_string() }})
),

weekly as (
    select
        week_start,
        agent_key,
        sum(case when activity_type = 'ticket_reply' then 1 else 0 end) as replies,
        sum(case when activity_type = 'ticket_solve' then 1 else 0 end) as tickets_solved,
        sum(case when activity_type = 'conversation_close' then 1 else 0 end)
            as conversations_closed,
        sum(case when activity_type = 'ticket_reply' and is_first_reply then 1 else 0 end)
            as first_replies,
        {{ csops.percentile_cont(
            "case when activity_type = 'ticket_reply' and is_first_reply"
            ~ " then first_reply_time_business_minutes end", 0.5) }}
            as first_reply_time_median_business_minutes,
        sum(case when is_last_solve then 1 else 0 end) as tickets_resolved,
        {{ csops.percentile_cont(
            'case when is_last_solve then full_resolution_time_business_minutes end', 0.5) }}
            as full_resolution_time_median_business_minutes,
        {{ csops.percentile_cont(
            'case when is_last_solve then full_resolution_time_calendar_minutes end', 0.5) }}
            as full_resolution_time_median_calendar_minutes,
        sum(case when activity_type = 'csat_rating' then 1 else 0 end) as csat_responses,
        sum(case when activity_type = 'csat_rating' and is_satisfied then 1 else 0 end)
            as csat_satisfied,
        sum(case when is_last_solve and reopens >= 1 then 1 else 0 end) as reopened,
        sum(case when is_last_solve and is_one_touch_resolution then 1 else 0 end)
            as one_touch_resolutions
    from weekly_activities
    group by week_start, agent_key
),

final as (
    select
        week_start,
        agent_key,
        cast(replies as integer) as replies,
        cast(tickets_solved as integer) as tickets_solved,
        cast(conversations_closed as integer) as conversations_closed,
        cast(first_replies as integer) as first_replies,
        first_reply_time_median_business_minutes,
        cast(tickets_resolved as integer) as tickets_resolved,
        full_resolution_time_median_business_minutes,
        full_resolution_time_median_calendar_minutes,
        cast(csat_responses as integer) as csat_responses,
        cast(csat_satisfied as integer) as csat_satisfied,
        -- Rates are percentages 0-100, null when their denominator is 0.
        case when csat_responses > 0 then cast(100 as {{ csops.type_double() }}) * csat_satisfied / csat_responses end as csat_pct,
        cast(reopened as integer) as reopened,
        case when tickets_resolved > 0 then cast(100 as {{ csops.type_double() }}) * reopened / tickets_resolved end
            as reopen_rate,
        cast(one_touch_resolutions as integer) as one_touch_resolutions,
        case when tickets_resolved > 0 then cast(100 as {{ csops.type_double() }}) * one_touch_resolutions / tickets_resolved end
            as one_touch_rate
    from weekly
)

select * from final
