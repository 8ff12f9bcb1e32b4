{{ config(meta={'dagster': {'ref': {'name': 'fct_tickets'}}}) }}
-- Status history covers a ticket's whole life without gaps or overlaps (issue 3 item 6): the
-- durations of its status intervals add up to created_at -> as_of. A gap would hide time from
-- every wait and backlog figure; an overlap would count it twice. The tolerance absorbs the
-- rounding of summed doubles (a microsecond is 1.7e-8 minutes).
with tickets as (
    select * from {{ ref('fct_tickets') }}
),

intervals as (
    select * from {{ ref('int_tickets__status_intervals') }}
),

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

status_minutes as (
    select
        ticket_id,
        sum(duration_calendar_minutes) as status_minutes
    from intervals
    group by ticket_id
),

compared as (
    select
        tickets.ticket_key,
        coalesce(status_minutes.status_minutes, 0) as status_minutes,
        {{ csops.minutes_between('tickets.created_at', 'as_of.as_of') }} as life_minutes
    from tickets
    cross join as_of
    left join status_minutes
        on tickets.ticket_id = status_minutes.ticket_id
    -- A ticket created after as_of (a replay with an earlier var as_of) has no life yet.
    where tickets.created_at <= as_of.as_of
)

select *
from compared
where abs(status_minutes - life_minutes) > 0.000001
