-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- One row per ticket and reporting day at whose end the ticket was open (docs/kpis.md):
-- created, and its status at the instant the day is counted at not solved, closed or deleted.
-- A day is counted at its last instant, the day as_of falls in (not over yet) at as_of. The
-- days run to that day (to the day before when as_of is exactly its midnight: it has not
-- begun) and back to the ticket's first status, before the first landed day too (a ticket
-- created earlier lands with a later update). kpi_support_daily counts every day;
-- kpi_backlog_daily the complete days from the first landed day (is_complete_day,
-- is_landed_day).
--
-- Incrementally sound per ticket: a ticket's rows depend on its own intervals, the first
-- landed day (in the fingerprint) and as_of. A row counted at as_of is a ticket open at
-- as_of, so not closed, so in scope at the next build, when its day may be complete; a
-- closed ticket has no day after its close. The days before the first landed day are
-- complete and fixed.
--
-- Cost: the unsolved status intervals are range-joined to the instants they contain, so a
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

open_intervals as (
    select
        ticket_id,
        status,
        valid_from,
        valid_to
    from intervals
    where status not in ('solved', 'closed', 'deleted')
),

-- From the earlier of the first landed day and the first day an interval starts on, to the
-- last day begun by as_of.
bounds as (
    select
        {{ csops.reporting_day_bounds(csops.to_reporting_date('min(open_intervals.valid_from)')) }}
    from as_of
    left join open_intervals on true
    group by as_of.first_window_start, as_of.as_of
),

spine as (
    {{ csops.date_spine('first_day', 'last_day', 'bounds') }}
),

-- A day is counted at its end, or at as_of if that comes first (the day as_of falls in).
counted_days as (
    select
        spine.date_day,
        least(
            {{ csops.reporting_day_start(dbt.dateadd('day', 1, 'spine.date_day')) }},
            as_of.as_of
        ) as counted_at,
        {{ csops.reporting_day_start(dbt.dateadd('day', 1, 'spine.date_day')) }} <= as_of.as_of
            as is_complete_day,
        spine.date_day >= {{ csops.to_reporting_date('as_of.first_window_start') }}
            as is_landed_day
    from spine
    cross join as_of
),

-- The status at an instant is the one of the interval (valid_from, valid_to] holding it: an
-- interval that ends exactly at midnight still held the day's last instant, one that starts
-- at midnight belongs to the next day. Intervals of a ticket do not overlap, so a ticket
-- matches at most one interval per day.
open_at_counted as (
    select
        counted_days.date_day,
        counted_days.counted_at,
        counted_days.is_complete_day,
        counted_days.is_landed_day,
        open_intervals.ticket_id,
        open_intervals.status
    from counted_days
    inner join open_intervals
        on open_intervals.valid_from < counted_days.counted_at
        and open_intervals.valid_to >= counted_days.counted_at
),

with_age as (
    select
        open_at_counted.*,
        tickets.created_at,
        {{ csops.minutes_between('tickets.created_at', 'open_at_counted.counted_at') }} / 1440.0
            as age_days
    from open_at_counted
    inner join tickets
        on open_at_counted.ticket_id = tickets.ticket_id
),

final as (
    select
        date_day,
        ticket_id,
        status,
        created_at,
        counted_at,
        is_complete_day,
        is_landed_day,
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
