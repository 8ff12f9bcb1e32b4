-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- The schedule each ticket's business clocks run on: its current group's schedule by name
-- (int_business_hours__team_schedules), else the account default. The schedule's current
-- definition applies to the whole ticket life.
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

groups as (
    select * from {{ ref('stg_zendesk__groups') }}
),

team_schedules as (
    select * from {{ ref('int_business_hours__team_schedules') }}
),

final as (
    select
        tickets.ticket_id,
        coalesce(by_team.schedule_id, by_default.schedule_id) as schedule_id,
        by_team.schedule_id is not null as is_team_schedule
    from tickets
    inner join team_schedules as by_default
        on by_default.is_default
    left join groups
        on tickets.group_id = groups.group_id
    left join team_schedules as by_team
        on groups.group_name = by_team.team_name
)

select * from final
