-- One row per agent of dim_agent, with the person it belongs to (docs/kpis.md "Shifts and
-- workload"). Shift files name agents by email; one person is often both a Zendesk agent and
-- an Intercom admin with the same email (matched lower-cased and trimmed). The person's key
-- (person_agent_key) is their Zendesk agent's key, else their Intercom admin's (the smaller
-- key when several share an email): shifts and actions in either tool count for that one key.
-- The person's local time zone: their Zendesk user time_zone (a Rails name mapped to IANA by
-- the seed rails_time_zones, else Zendesk's own iana_time_zone), else the schedule zone of
-- their team, else UTC. An agent with no email is a person of their own.
with agents as (
    select * from {{ ref('dim_agent') }}
),

users as (
    select * from {{ ref('stg_zendesk__users') }}
),

admins as (
    select * from {{ ref('stg_intercom__admins') }}
),

teams as (
    select * from {{ ref('dim_team') }}
),

schedules as (
    select * from {{ ref('int_business_hours__schedules') }}
),

rails_time_zones as (
    select * from {{ ref('rails_time_zones') }}
),

schedule_zones as (
    select
        schedule_name,
        min(time_zone) as time_zone
    from schedules
    group by schedule_name
),

agent_details as (
    select
        {{ csops.source_key('zendesk', 'users.user_id') }} as agent_key,
        nullif(lower(trim(users.email)), '') as agent_email,
        coalesce(rails_time_zones.iana_time_zone, nullif(trim(users.iana_time_zone), ''))
            as own_time_zone
    from users
    left join rails_time_zones
        on users.time_zone = rails_time_zones.rails_time_zone
    where users.is_agent
    union all
    select
        {{ csops.source_key('intercom', 'admin_id') }} as agent_key,
        nullif(lower(trim(email)), '') as agent_email,
        cast(null as {{ dbt.type_string() }}) as own_time_zone
    from admins
),

with_emails as (
    select
        agents.agent_key,
        agents.source,
        agents.agent_id,
        agents.team_key,
        agent_details.agent_email,
        agent_details.own_time_zone,
        team_zones.time_zone as team_time_zone
    from agents
    left join agent_details
        on agents.agent_key = agent_details.agent_key
    left join teams
        on agents.team_key = teams.team_key
    left join schedule_zones as team_zones
        on teams.schedule_name = team_zones.schedule_name
),

people as (
    select
        *,
        first_value(agent_key) over (
            partition by coalesce(agent_email, agent_key)
            order by case when source = 'zendesk' then 0 else 1 end, agent_key
        ) as person_agent_key
    from with_emails
),

persons as (
    select
        agent_key as person_agent_key,
        team_key,
        coalesce(own_time_zone, team_time_zone, 'UTC') as time_zone
    from people
    where agent_key = person_agent_key
),

final as (
    select
        people.agent_key,
        people.source,
        people.agent_id,
        people.person_agent_key,
        people.agent_email,
        persons.team_key,
        persons.time_zone
    from people
    inner join persons
        on people.person_agent_key = persons.person_agent_key
)

select * from final
