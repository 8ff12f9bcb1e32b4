-- One row per agent and reporting day on which the agent did something the scorecard counts
-- (docs/kpis.md): replies, solves and closes credited to whoever made them, CSAT to the
-- agent rated. The first-reply median is exact over that day's first replies; weekly figures
-- are recomputed from the same activity rows in kpi_agent_weekly, never from these medians.
with activities as (
    select * from {{ ref('int_agents__activities') }}
),

daily as (
    select
        date_day,
        agent_key,
        sum(case when activity_type = 'ticket_reply' then 1 else 0 end) as replies,
        sum(case when activity_type = 'ticket_solve' then 1 else 0 end) as tickets_solved,
        sum(case when activity_type = 'conversation_close' then 1 else 0 end)
            as conversations_closed,
        sum(case when activity_type = 'csat_rating' then 1 else 0 end) as csat_responses,
        sum(case when activity_type = 'csat_rating' and is_satisfied then 1 else 0 end)
            as csat_satisfied,
        sum(case when activity_type = 'ticket_reply' and is_first_reply then 1 else 0 end)
            as first_replies
    from activities
    group by date_day, agent_key
),

-- The median over the first replies alone: an exact percentile keeps every value of its
-- group, and computed in the group-by above it held the groups of all activity rows (three
-- years of 300 agents spilled tens of gigabytes; benchmarks/RESULTS.md).
first_reply_medians as (
    select
        date_day,
        agent_key,
        {{ csops.percentile_cont('first_reply_time_business_minutes', 0.5) }}
            as first_reply_time_median_business_minutes
    from activities
    where activity_type = 'ticket_reply' and is_first_reply
    group by date_day, agent_key
),

final as (
    select
        daily.date_day,
        daily.agent_key,
        cast(replies as integer) as replies,
        cast(tickets_solved as integer) as tickets_solved,
        cast(conversations_closed as integer) as conversations_closed,
        cast(csat_responses as integer) as csat_responses,
        cast(csat_satisfied as integer) as csat_satisfied,
        case when csat_responses > 0 then cast(100 as {{ csops.type_double() }}) * csat_satisfied / csat_responses end as csat_pct,
        cast(daily.first_replies as integer) as first_replies,
        first_reply_medians.first_reply_time_median_business_minutes
    from daily
    left join first_reply_medians
        on daily.date_day = first_reply_medians.date_day
        and daily.agent_key is not distinct from first_reply_medians.agent_key
)

select * from final
