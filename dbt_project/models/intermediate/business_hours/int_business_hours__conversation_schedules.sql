-- Incremental (docs/incremental.md): rebuilds the conversations landed since the last build.
{%- set scope = csops.incremental_model('conversation', 'conversation_id') %}
-- The schedule each Intercom conversation's business clocks run on: its current team's
-- schedule by name (int_business_hours__team_schedules), else the account default.
with conversations as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversations') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

teams as (
    select * from {{ ref('stg_intercom__teams') }}
),

team_schedules as (
    select * from {{ ref('int_business_hours__team_schedules') }}
),

final as (
    select
        conversations.conversation_id,
        coalesce(by_team.schedule_id, by_default.schedule_id) as schedule_id,
        by_team.schedule_id is not null as is_team_schedule
    from conversations
    inner join team_schedules as by_default
        on by_default.is_default
    left join teams
        on conversations.team_assignee_id = teams.team_id
    left join team_schedules as by_team
        on teams.team_name = by_team.team_name
)

select * from final
