-- Incremental (docs/incremental.md): rebuilds the conversations landed since the last build.
{%- set scope = csops.incremental_model('conversation', 'conversation_id') %}
-- The schedule each Intercom conversation's business clocks run on: the schedule the
-- team_schedules seed assigns to the conversation's current team by name, else the account
-- default (as for tickets, docs/kpis.md). Intercom's own office hours are not
-- landed, so the Zendesk schedules are the support organisation's single definition of
-- business hours.
with conversations as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversations') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

teams as (
    select * from {{ ref('stg_intercom__teams') }}
),

schedules as (
    select * from {{ ref('int_zendesk__schedules') }}
),

team_schedules as (
    select * from {{ ref('team_schedules') }}
),

team_schedule_ids as (
    select
        team_schedules.team_name,
        min(schedules.schedule_id) as schedule_id
    from team_schedules
    inner join schedules
        on team_schedules.schedule_name = schedules.schedule_name
    group by team_schedules.team_name
),

default_schedule as (
    select schedule_id from schedules where is_default_schedule
),

final as (
    select
        conversations.conversation_id,
        coalesce(team_schedule_ids.schedule_id, default_schedule.schedule_id) as schedule_id,
        team_schedule_ids.schedule_id is not null as is_team_schedule
    from conversations
    cross join default_schedule
    left join teams
        on conversations.team_assignee_id = teams.team_id
    left join team_schedule_ids
        on teams.team_name = team_schedule_ids.team_name
)

select * from final
