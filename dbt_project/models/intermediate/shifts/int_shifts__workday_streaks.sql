-- How many consecutive local dates an agent had worked by each date (docs/kpis.md "Shifts
-- and workload"): one row per agent and local date worked, with the length of the run of
-- consecutive worked dates that ends on it (so a run that started in an earlier week counts
-- its earlier days). A date is worked when it holds scheduled work; for an agent with no
-- shift activity at all, when it holds active minutes instead.
with shifts as (
    select * from {{ ref('fct_agent_shifts') }}
    where agent_key is not null
),

active_buckets as (
    select * from {{ ref('int_shifts__active_buckets') }}
),

rostered_agents as (
    select distinct agent_key
    from shifts
),

work_dates as (
    select distinct
        agent_key,
        local_date
    from shifts
    where work_minutes > 0
),

active_dates as (
    select distinct
        active_buckets.agent_key,
        active_buckets.local_date
    from active_buckets
    left join rostered_agents
        on active_buckets.agent_key = rostered_agents.agent_key
    where rostered_agents.agent_key is null
),

worked_dates as (
    select agent_key, local_date from work_dates
    union all
    select agent_key, local_date from active_dates
),

-- Consecutive dates share one anchor: the date minus its rank among the agent's dates.
runs as (
    select
        agent_key,
        local_date,
        local_date - cast(row_number() over (
            partition by agent_key order by local_date
        ) as integer) as run_anchor
    from worked_dates
),

final as (
    select
        agent_key,
        local_date,
        cast(row_number() over (
            partition by agent_key, run_anchor order by local_date
        ) as integer) as consecutive_days
    from runs
)

select * from final
