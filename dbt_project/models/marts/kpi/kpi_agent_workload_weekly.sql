-- Each agent's workload per ISO week of their local dates (docs/kpis.md "Shifts and
-- workload"): scheduled work, night work and weekend shifts from the rosters; active minutes
-- from the help desk (15-minute buckets with an action), and those outside scheduled work;
-- the longest run of consecutive worked days ending in the week; and whether the week was
-- overworked (vars max_weekly_work_minutes, max_consecutive_days). One row per agent and
-- week with any activity, roster or help-desk; shift rows whose email matches no agent are
-- left out (fct_agent_shifts keeps them).
with shifts as (
    select * from {{ ref('fct_agent_shifts') }}
    where agent_key is not null
),

active_buckets as (
    select * from {{ ref('int_shifts__active_buckets') }}
),

streaks as (
    select * from {{ ref('int_shifts__workday_streaks') }}
),

agents as (
    select * from {{ ref('int_shifts__agents') }}
),

work_dates as (
    select
        agent_key,
        local_date,
        bool_or(is_weekend) as is_weekend,
        sum(work_minutes) as work_minutes,
        sum(night_work_minutes) as night_work_minutes
    from shifts
    group by agent_key, local_date
),

roster_weeks as (
    select
        agent_key,
        {{ csops.iso_week_start('local_date') }} as week_start,
        {{ csops.exact_minutes('sum(work_minutes)') }} as scheduled_work_minutes,
        {{ csops.exact_minutes('sum(night_work_minutes)') }} as night_work_minutes,
        cast(count(case when is_weekend and work_minutes > 0 then 1 end) as integer)
            as weekend_shifts
    from work_dates
    group by agent_key, {{ csops.iso_week_start('local_date') }}
),

active_weeks as (
    select
        agent_key,
        {{ csops.iso_week_start('local_date') }} as week_start,
        cast(count(*) * 15 as {{ csops.type_double() }}) as active_minutes,
        cast(count(case when is_outside_shift then 1 end) * 15 as {{ csops.type_double() }})
            as active_outside_shift_minutes
    from active_buckets
    group by agent_key, {{ csops.iso_week_start('local_date') }}
),

streak_weeks as (
    select
        agent_key,
        {{ csops.iso_week_start('local_date') }} as week_start,
        max(consecutive_days) as max_consecutive_days
    from streaks
    group by agent_key, {{ csops.iso_week_start('local_date') }}
),

agent_weeks as (
    select agent_key, week_start from roster_weeks
    union
    select agent_key, week_start from active_weeks
    union
    select agent_key, week_start from streak_weeks
),

final as (
    select
        agent_weeks.week_start,
        agent_weeks.agent_key,
        agents.team_key,
        cast(coalesce(roster_weeks.scheduled_work_minutes, 0) as {{ csops.type_double() }})
            as scheduled_work_minutes,
        cast(coalesce(roster_weeks.night_work_minutes, 0) as {{ csops.type_double() }}) as night_work_minutes,
        coalesce(roster_weeks.weekend_shifts, 0) as weekend_shifts,
        coalesce(active_weeks.active_minutes, 0) as active_minutes,
        coalesce(active_weeks.active_outside_shift_minutes, 0) as active_outside_shift_minutes,
        coalesce(streak_weeks.max_consecutive_days, 0) as max_consecutive_days,
        (
            coalesce(roster_weeks.scheduled_work_minutes, 0) > {{ var('max_weekly_work_minutes') }}
            or coalesce(active_weeks.active_minutes, 0) > {{ var('max_weekly_work_minutes') }}
            or coalesce(streak_weeks.max_consecutive_days, 0) > {{ var('max_consecutive_days') }}
        ) as is_overworked
    from agent_weeks
    left join roster_weeks
        on agent_weeks.agent_key = roster_weeks.agent_key
        and agent_weeks.week_start = roster_weeks.week_start
    left join active_weeks
        on agent_weeks.agent_key = active_weeks.agent_key
        and agent_weeks.week_start = active_weeks.week_start
    left join streak_weeks
        on agent_weeks.agent_key = streak_weeks.agent_key
        and agent_weeks.week_start = streak_weeks.week_start
    left join agents
        on agent_weeks.agent_key = agents.agent_key
)

select * from final
