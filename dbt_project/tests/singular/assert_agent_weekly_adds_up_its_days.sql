{{ config(meta={'dagster': {'ref': {'name': 'kpi_agent_weekly'}}}) }}
-- A week's scorecard counts exactly the acts of its seven days: the weekly counts equal the sums
-- of fct_agent_daily over the week (only medians are recomputed rather than summed), and the
-- subsets never exceed their totals.
with daily as (
    select * from {{ ref('fct_agent_daily') }}
),

weekly as (
    select * from {{ ref('kpi_agent_weekly') }}
),

daily_by_week as (
    select
        {{ csops.iso_week_start('date_day') }} as week_start,
        agent_key,
        sum(replies) as replies,
        sum(tickets_solved) as tickets_solved,
        sum(conversations_closed) as conversations_closed,
        sum(first_replies) as first_replies,
        sum(csat_responses) as csat_responses,
        sum(csat_satisfied) as csat_satisfied
    from daily
    group by {{ csops.iso_week_start('date_day') }}, agent_key
)

select
    coalesce(weekly.week_start, daily_by_week.week_start) as week_start,
    coalesce(weekly.agent_key, daily_by_week.agent_key) as agent_key
from weekly
full outer join daily_by_week
    on weekly.week_start = daily_by_week.week_start
    and weekly.agent_key = daily_by_week.agent_key
where weekly.agent_key is null
    or daily_by_week.agent_key is null
    or weekly.replies != daily_by_week.replies
    or weekly.tickets_solved != daily_by_week.tickets_solved
    or weekly.conversations_closed != daily_by_week.conversations_closed
    or weekly.first_replies != daily_by_week.first_replies
    or weekly.csat_responses != daily_by_week.csat_responses
    or weekly.csat_satisfied != daily_by_week.csat_satisfied
    or weekly.first_replies > weekly.replies
    or weekly.tickets_resolved > weekly.tickets_solved
    or weekly.reopened > weekly.tickets_resolved
    or weekly.one_touch_resolutions > weekly.tickets_resolved
    or weekly.csat_satisfied > weekly.csat_responses
