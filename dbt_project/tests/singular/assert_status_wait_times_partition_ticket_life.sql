{{ config(meta={'dagster': {'ref': {'name': 'fct_tickets'}}}) }}
-- Requester wait, agent wait and on-hold time are slices of the ticket's unsolved time (docs/kpis.md
-- "Tickets", issue 3 item 6). Up to the last solve (or as_of while unsolved):
--   requester wait (new, open, hold) + agent wait (pending) + time spent solved between a
--   solve and a reopen = created -> last solve (or as_of);
--   on-hold time <= requester wait time;
-- and a solved ticket never reopened waited exactly its resolution time.
with tickets as (
    select * from {{ ref('fct_tickets') }}
),

intervals as (
    select * from {{ ref('int_tickets__status_intervals') }}
),

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

-- Solved time before the clock stops: the solved intervals a reopen ended, which all end by
-- the last solve (by as_of while the ticket is unsolved: none of them is current then).
solved_before_end as (
    select
        intervals.ticket_id,
        sum(intervals.duration_calendar_minutes) as solved_minutes
    from intervals
    inner join tickets
        on intervals.ticket_id = tickets.ticket_id
    cross join as_of
    where intervals.is_solved_status
        and intervals.valid_to <= coalesce(tickets.last_solved_at, as_of.as_of)
    group by intervals.ticket_id
),

compared as (
    select
        tickets.ticket_key,
        tickets.is_solved,
        tickets.reopens,
        tickets.requester_wait_time_calendar_minutes as requester_minutes,
        tickets.agent_wait_time_calendar_minutes as agent_minutes,
        tickets.on_hold_time_calendar_minutes as hold_minutes,
        tickets.first_resolution_time_calendar_minutes as first_resolution_minutes,
        coalesce(solved_before_end.solved_minutes, 0) as solved_minutes,
        {{ csops.minutes_between('tickets.created_at',
            'coalesce(tickets.last_solved_at, as_of.as_of)') }} as clock_minutes
    from tickets
    cross join as_of
    left join solved_before_end
        on tickets.ticket_id = solved_before_end.ticket_id
    where tickets.created_at <= as_of.as_of
)

select *
from compared
where abs(requester_minutes + agent_minutes + solved_minutes - clock_minutes) > 0.000001
    or hold_minutes > requester_minutes + 0.000001
    or (
        is_solved
        and reopens = 0
        and abs(requester_minutes + agent_minutes - first_resolution_minutes) > 0.000001
    )
