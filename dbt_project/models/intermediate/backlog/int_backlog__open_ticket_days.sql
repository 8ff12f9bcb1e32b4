-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- One row per ticket and reporting day at whose end the ticket was open (docs/kpis.md):
-- created, and its status at the last instant of the day not solved, closed or deleted. The
-- days run from the first landed day to the last complete day before as_of; a day that has
-- not ended yet has no end-of-day backlog.
--
-- Cost: the unsolved status intervals are range-joined to the day ends they contain, so a
-- ticket costs one row per day it stayed open, never a fixed horizon of days per ticket.
with intervals as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__status_intervals') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

-- The last complete day is the one before the day as_of falls in: that day ends after as_of
-- (or, when as_of is exactly its midnight, has not begun).
bounds as (
    select {{ csops.backlog_complete_days() }}
    from as_of
),

spine as (
    {{ csops.date_spine('first_day', 'last_day', 'bounds') }}
),

day_ends as (
    select
        date_day,
        {{ csops.reporting_day_start(dbt.dateadd('day', 1, 'date_day')) }} as day_end
    from spine
),

open_intervals as (
    select
        ticket_id,
        status,
        valid_from,
        valid_to
    from intervals
    where status not in ('solved', 'closed', 'deleted')
),

-- The status at the last instant of a day is the one of the interval (valid_from, valid_to]
-- holding the day's end: an interval that ends exactly at midnight still held the day's
-- last instant, one that starts at midnight belongs to the next day. Intervals of a ticket
-- do not overlap, so a ticket matches at most one interval per day.
open_at_day_end as (
    select
        day_ends.date_day,
        day_ends.day_end,
        open_intervals.ticket_id,
        open_intervals.status
    from day_ends
    inner join open_intervals
        on open_intervals.valid_from < day_ends.day_end
        and open_intervals.valid_to >= day_ends.day_end
),

with_age as (
    select
        open_at_day_end.date_day,
        open_at_day_end.ticket_id,
        open_at_day_end.status,
        tickets.created_at,
        {{ csops.minutes_between('tickets.created_at', 'open_at_day_end.day_end') }} / 1440.0
            as age_days
    from open_at_day_end
    inner join tickets
        on open_at_day_end.ticket_id = tickets.ticket_id
),

final as (
    select
        date_day,
        ticket_id,
        status,
        created_at,
        age_days,
        case
            when age_days < 1 then '<1d'
            when age_days < 3 then '1-3d'
            when age_days < 7 then '3-7d'
            when age_days < 30 then '7-30d'
            else '30d+'
        end as age_bucket
    from with_age
)

select * from final
