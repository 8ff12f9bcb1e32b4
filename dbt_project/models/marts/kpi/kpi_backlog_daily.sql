-- End-of-day backlog per team, priority and age bucket (docs/kpis.md): the tickets open
-- at the last instant of each complete day, by how long they had existed by then. Team and
-- priority are the ticket's current ones, as everywhere in the marts (fct_tickets), so the
-- backlog of a day is restated when a ticket moves team or changes priority later. The days
-- run from the first landed day to the last complete day before as_of: the open-ticket days
-- kpi_support_daily also counts before the first landed day, and on the day as_of falls in,
-- are not this mart's.
with open_ticket_days as (
    select * from {{ ref('int_backlog__open_ticket_days') }}
    where is_complete_day
        and is_landed_day
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

counted as (
    select
        open_ticket_days.date_day,
        tickets.team_key,
        tickets.priority,
        open_ticket_days.age_bucket,
        count(*) as open_tickets
    from open_ticket_days
    inner join tickets
        on open_ticket_days.ticket_id = tickets.ticket_id
    group by
        open_ticket_days.date_day,
        tickets.team_key,
        tickets.priority,
        open_ticket_days.age_bucket
),

final as (
    select
        date_day,
        team_key,
        priority,
        age_bucket,
        cast(open_tickets as integer) as open_tickets
    from counted
)

select * from final
