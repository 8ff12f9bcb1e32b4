-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- The schedule each ticket's business clocks run on (docs/kpis.md): the schedule
-- the team_schedules seed assigns to the ticket's current group by name, else the account
-- default (the earliest created schedule, or the synthetic 24/7 one when there is none).
-- Zendesk links groups to schedules only through triggers, which the API does not expose as
-- data: hence the seed. The schedule's current definition applies to the whole ticket life.
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

groups as (
    select * from {{ ref('stg_zendesk__groups') }}
),

schedules as (
    select * from {{ ref('int_zendesk__schedules') }}
),

team_schedules as (
    select * from {{ ref('team_schedules') }}
),

-- Seed rows that name a schedule the account does not have are ignored (default applies).
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
        tickets.ticket_id,
        coalesce(team_schedule_ids.schedule_id, default_schedule.schedule_id) as schedule_id,
        team_schedule_ids.schedule_id is not null as is_team_schedule
    from tickets
    cross join default_schedule
    left join groups
        on tickets.group_id = groups.group_id
    left join team_schedule_ids
        on groups.group_name = team_schedule_ids.team_name
)

select * from final
