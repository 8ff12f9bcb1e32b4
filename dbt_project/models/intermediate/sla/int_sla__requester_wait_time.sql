-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- The requester wait time SLA instance of each ticket with a target for it (docs/kpis.md,
-- fct_sla_events): the time the ticket spent in new, open and hold, accumulated against the
-- target from its creation, fulfilled at the last solve while the ticket is solved.
-- elapsed_minutes is the ticket's requester wait in the target's unit (business minutes of the
-- ticket's schedule, or calendar minutes). breach_at is where the accumulated wait reaches
-- the target: inside a wait interval, or, for a ticket still waiting at as_of, projected
-- from as_of; null while the ticket is paused below target. fct_sla_events assigns the status.
--
-- Over 150 lines: the breach time of a clock that pauses needs the wait intervals, their
-- minutes in the target's unit and the wait accumulated before each, which only this metric
-- reads; a model of its own would store a row per wait interval for this one to read back.
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

metrics as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__metrics') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

business_metrics as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_business_hours__ticket_minutes') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

status_intervals as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__status_intervals') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

targets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_sla__policies_matched') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

ticket_schedules as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_business_hours__ticket_schedules') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

instances as (
    select
        metrics.ticket_id,
        tickets.created_at as started_at,
        metrics.last_solved_at as fulfilled_at
    from metrics
    inner join tickets
        on metrics.ticket_id = tickets.ticket_id
),

clocks as (
    {{ csops.sla_targeted_instances('instances', 'requester_wait_time') }}
),

-- The wait so far is the ticket's requester wait (int_tickets__metrics,
-- int_business_hours__ticket_minutes) in the target's unit.
elapsed as (
    select
        clocks.*,
        case
            when clocks.in_business_hours
                then business_metrics.requester_wait_time_business_minutes
            else metrics.requester_wait_time_calendar_minutes
        end as elapsed_minutes
    from clocks
    inner join metrics
        on clocks.ticket_id = metrics.ticket_id
    inner join business_metrics
        on clocks.ticket_id = business_metrics.ticket_id
),

-- Each wait-status interval's minutes in the target's unit, and the total before it, locate
-- the interval in which the target runs out.
wait_intervals as (
    select
        clocks.ticket_id,
        clocks.schedule_id,
        clocks.in_business_hours,
        clocks.target_minutes,
        status_intervals.interval_index,
        status_intervals.valid_from as started_at,
        status_intervals.valid_to as ended_at,
        status_intervals.duration_calendar_minutes
    from clocks
    inner join status_intervals
        on clocks.ticket_id = status_intervals.ticket_id
    where status_intervals.status in ('new', 'open', 'hold')
),

wait_interval_business as (
    {{ csops.business_minutes_overlap(
        'wait_intervals', ref('int_business_hours__windows'), ['ticket_id', 'interval_index']
    ) }}
),

wait_progress as (
    select
        wait_intervals.*,
        case when wait_intervals.in_business_hours
            then wait_interval_business.business_minutes
            else wait_intervals.duration_calendar_minutes
        end as interval_minutes
    from wait_intervals
    inner join wait_interval_business
        on wait_intervals.ticket_id = wait_interval_business.ticket_id
        and wait_intervals.interval_index = wait_interval_business.interval_index
),

wait_cumulative as (
    select
        *,
        coalesce({{ csops.exact_minutes('sum(interval_minutes) over (
            partition by ticket_id
            order by started_at, interval_index
            rows between unbounded preceding and 1 preceding
        )') }}, 0.0) as minutes_before
    from wait_progress
),

-- Where the accumulated wait reaches the target: inside one interval, or, for a ticket still
-- waiting at as_of, after as_of. A ticket paused below target (pending, solved) has none.
breach_starts as (
    select
        ticket_id,
        schedule_id,
        in_business_hours,
        started_at as breach_clock_from,
        target_minutes - minutes_before as remaining_minutes
    from wait_cumulative
    where minutes_before < target_minutes
        and minutes_before + interval_minutes >= target_minutes
    union all
    select
        elapsed.ticket_id,
        elapsed.schedule_id,
        elapsed.in_business_hours,
        as_of.as_of as breach_clock_from,
        elapsed.target_minutes - elapsed.elapsed_minutes as remaining_minutes
    from elapsed
    inner join tickets
        on elapsed.ticket_id = tickets.ticket_id
    cross join as_of
    where elapsed.fulfilled_at is null
        and elapsed.elapsed_minutes < elapsed.target_minutes
        and tickets.status in ('new', 'open', 'hold')
),

breaches as (
    {{ csops.sla_breach_at('breach_starts', ref('int_business_hours__windows'), ['ticket_id']) }}
),

final as (
    select
        elapsed.ticket_id,
        elapsed.started_at,
        elapsed.fulfilled_at,
        elapsed.target_minutes,
        elapsed.in_business_hours,
        elapsed.target_source,
        elapsed.sla_policy_id,
        elapsed.elapsed_minutes,
        breaches.breach_at
    from elapsed
    left join breaches
        on elapsed.ticket_id = breaches.ticket_id
)

select * from final
