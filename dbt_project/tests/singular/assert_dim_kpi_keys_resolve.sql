{{ config(meta={'dagster': {'ref': {'name': 'kpi_support_daily'}}}) }}
-- Relationships from the reply, agent and KPI marts to the dimensions: every agent, team,
-- channel and day a dashboard slices by has its dimension row.
with agent_keys as (
    select 'fct_ticket_replies' as mart, agent_key from {{ ref('fct_ticket_replies') }}
    union all
    select 'fct_agent_daily', agent_key from {{ ref('fct_agent_daily') }}
    union all
    select 'kpi_agent_weekly', agent_key from {{ ref('kpi_agent_weekly') }}
),

team_keys as (
    select 'kpi_support_daily' as mart, team_key from {{ ref('kpi_support_daily') }}
    union all
    select 'kpi_backlog_daily', team_key from {{ ref('kpi_backlog_daily') }}
),

channels as (
    select 'kpi_support_daily' as mart, channel from {{ ref('kpi_support_daily') }}
    union all
    select 'kpi_sla_daily', channel from {{ ref('kpi_sla_daily') }}
),

days as (
    select 'kpi_support_daily' as mart, date_day from {{ ref('kpi_support_daily') }}
    union all
    select 'kpi_backlog_daily', date_day from {{ ref('kpi_backlog_daily') }}
    union all
    select 'kpi_sla_daily', date_day from {{ ref('kpi_sla_daily') }}
    union all
    select 'fct_agent_daily', date_day from {{ ref('fct_agent_daily') }}
),

orphans as (
    select agent_keys.mart, 'agent_key' as unresolved_key, agent_keys.agent_key as value
    from agent_keys
    left join {{ ref('dim_agent') }} as agents
        on agent_keys.agent_key = agents.agent_key
    where agent_keys.agent_key is not null
        and agents.agent_key is null
    union all
    select team_keys.mart, 'team_key', team_keys.team_key
    from team_keys
    left join {{ ref('dim_team') }} as teams
        on team_keys.team_key = teams.team_key
    where team_keys.team_key is not null
        and teams.team_key is null
    union all
    select channels.mart, 'channel', channels.channel
    from channels
    left join {{ ref('dim_channel') }} as known_channels
        on channels.channel = known_channels.channel
    where channels.channel is not null
        and known_channels.channel is null
    union all
    select days.mart, 'date_day', cast(days.date_day as {{ dbt.type_string() }})
    from days
    left join {{ ref('dim_date') }} as dates
        on days.date_day = dates.date_day
    where days.date_day is not null
        and dates.date_day is null
)

select * from orphans
