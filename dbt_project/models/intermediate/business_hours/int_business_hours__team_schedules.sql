-- Which schedule a team's business clocks run on (docs/kpis.md "Business hours and SLA"): the
-- schedule the team_schedules seed names for the team (a Zendesk group or an Intercom team, by
-- name), and one row, is_default, for every other team: the account default. Seed rows that
-- name a schedule the account does not have are ignored (the default applies). Zendesk links
-- groups to schedules only through triggers, which its API does not expose as data, and
-- Intercom's office hours are not landed: hence the seed, and the Zendesk schedules as the
-- support organisation's single definition of business hours.
with schedules as (
    select * from {{ ref('int_business_hours__schedules') }}
),

team_schedules as (
    select * from {{ ref('team_schedules') }}
),

by_team as (
    select
        team_schedules.team_name,
        min(schedules.schedule_id) as schedule_id,
        false as is_default
    from team_schedules
    inner join schedules
        on team_schedules.schedule_name = schedules.schedule_name
    group by team_schedules.team_name
),

by_default as (
    select
        cast(null as {{ dbt.type_string() }}) as team_name,
        schedule_id,
        true as is_default
    from schedules
    where is_default_schedule
),

final as (
    select * from by_team
    union all
    select * from by_default
)

select * from final
