-- One row per team: Zendesk groups and Intercom teams, with the escalation-tier flag (team
-- name in var escalation_teams) and the business-hours schedule its contacts are measured
-- against (docs/kpis.md: the team_schedules seed by team name, else the account's
-- default schedule, the earliest created; null when the account has no schedule, i.e. 24/7).
with groups as (
    select * from {{ ref('stg_zendesk__groups') }}
),

intercom_teams as (
    select * from {{ ref('stg_intercom__teams') }}
),

team_schedules as (
    select * from {{ ref('team_schedules') }}
),

schedules as (
    select * from {{ ref('stg_zendesk__schedules') }}
),

default_schedule as (
    select schedule_name
    from (
        select
            schedule_name,
            row_number() over (order by created_at, schedule_id) as schedule_rank
        from schedules
    ) as ranked
    where schedule_rank = 1
),

teams as (
    select
        {{ csops.source_key('zendesk', 'group_id') }} as team_key,
        cast(group_id as {{ dbt.type_string() }}) as team_id,
        'zendesk' as source,
        group_name as team_name,
        is_deleted
    from groups
    union all
    select
        {{ csops.source_key('intercom', 'team_id') }} as team_key,
        team_id,
        'intercom' as source,
        team_name,
        false as is_deleted
    from intercom_teams
),

final as (
    select
        teams.team_key,
        teams.team_id,
        teams.source,
        teams.team_name,
        coalesce(teams.team_name in (
            {%- for team in var('escalation_teams') %}
            '{{ team }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        ), false) as is_escalation_tier,
        coalesce(
            cast(team_schedules.schedule_name as {{ dbt.type_string() }}),
            default_schedule.schedule_name
        ) as schedule_name,
        teams.is_deleted
    from teams
    left join team_schedules
        on teams.team_name = cast(team_schedules.team_name as {{ dbt.type_string() }})
    left join default_schedule on true
)

select * from final
