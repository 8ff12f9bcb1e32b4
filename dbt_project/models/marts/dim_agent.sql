-- One row per agent (docs/kpis.md): Zendesk users whose role is agent or admin, and
-- Intercom admins (teammates), keyed as the facts key their assignee and author columns.
-- Their home team is the Zendesk default group, or the Intercom admin's first team by id.
with users as (
    select * from {{ ref('stg_zendesk__users') }}
),

admins as (
    select * from {{ ref('stg_intercom__admins') }}
),

admin_team_memberships as (
    select
        admin_id,
        {{ csops.unnest_list('team_ids', 'string') }} as team_id
    from admins
),

admin_home_teams as (
    select
        admin_id,
        min(team_id) as team_id
    from admin_team_memberships
    group by admin_id
),

zendesk_agents as (
    select
        {{ csops.source_key('zendesk', 'user_id') }} as agent_key,
        cast(user_id as {{ dbt.type_string() }}) as agent_id,
        'zendesk' as source,
        user_name as agent_name,
        role,
        {{ csops.source_key('zendesk', 'default_group_id') }} as team_key,
        coalesce(is_active, true) as is_active
    from users
    where is_agent
),

-- Intercom's admin list holds current teammates only and no active flag: listed is active.
intercom_agents as (
    select
        {{ csops.source_key('intercom', 'admins.admin_id') }} as agent_key,
        admins.admin_id as agent_id,
        'intercom' as source,
        admins.admin_name as agent_name,
        coalesce(admins.admin_type, 'admin') as role,
        {{ csops.source_key('intercom', 'admin_home_teams.team_id') }} as team_key,
        true as is_active
    from admins
    left join admin_home_teams
        on admins.admin_id = admin_home_teams.admin_id
),

unioned as (
    select * from zendesk_agents
    union all
    select * from intercom_agents
),

final as (
    select
        agent_key,
        agent_id,
        source,
        agent_name,
        role,
        team_key,
        is_active
    from unioned
)

select * from final
