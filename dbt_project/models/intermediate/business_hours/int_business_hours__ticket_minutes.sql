-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- Business-minute twins of the ticket clocks of int_tickets__metrics (docs/kpis.md
-- "Business hours" and "Tickets"): first reply, first and full resolution, and the time in
-- requester-wait (new, open, hold), agent-wait (pending) and on-hold statuses up to the last
-- solve or as_of. Every clock is cut into intervals on the ticket's schedule and measured by
-- csops.business_minutes_overlap on the open windows (two position lookups per interval).
with metrics as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__metrics') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

status_intervals as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__status_intervals') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

ticket_schedules as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_business_hours__ticket_schedules') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

milestone_intervals as (
    select
        metrics.ticket_id,
        milestones.measure,
        0 as interval_index,
        tickets.created_at as started_at,
        case milestones.measure
            when 'first_reply' then metrics.first_reply_at
            when 'first_resolution' then metrics.first_solved_at
            when 'full_resolution' then metrics.last_solved_at
        end as ended_at
    from metrics
    inner join tickets
        on metrics.ticket_id = tickets.ticket_id
    cross join (
        select 'first_reply' as measure
        union all select 'first_resolution'
        union all select 'full_resolution'
    ) as milestones
),

-- Hold counts both as requester wait and as on-hold time, hence two rows for it.
status_measure_intervals as (
    select
        ticket_id,
        case when status = 'pending' then 'agent_wait' else 'requester_wait' end as measure,
        interval_index,
        valid_from as started_at,
        valid_to as ended_at
    from status_intervals
    where status in ('new', 'open', 'hold', 'pending')
    union all
    select
        ticket_id,
        'on_hold' as measure,
        interval_index,
        valid_from as started_at,
        valid_to as ended_at
    from status_intervals
    where status = 'hold'
),

measure_intervals as (
    select
        all_intervals.*,
        ticket_schedules.schedule_id
    from (
        select * from milestone_intervals
        union all
        select * from status_measure_intervals
    ) as all_intervals
    inner join ticket_schedules
        on all_intervals.ticket_id = ticket_schedules.ticket_id
),

measured as (
    {{ csops.business_minutes_overlap(
        'measure_intervals',
        ref('int_business_hours__windows'),
        ['ticket_id', 'measure', 'interval_index'],
    ) }}
),

status_ticket_ids as (
    select distinct ticket_id from status_intervals
),

pivoted as (
    select
        ticket_id,
        max(case when measure = 'first_reply' then business_minutes end)
            as first_reply_time_business_minutes,
        max(case when measure = 'first_resolution' then business_minutes end)
            as first_resolution_time_business_minutes,
        max(case when measure = 'full_resolution' then business_minutes end)
            as full_resolution_time_business_minutes,
        {{ csops.exact_minutes("sum(case when measure = 'requester_wait' then business_minutes else 0 end)") }}
            as requester_wait_time_business_minutes,
        {{ csops.exact_minutes("sum(case when measure = 'agent_wait' then business_minutes else 0 end)") }}
            as agent_wait_time_business_minutes,
        {{ csops.exact_minutes("sum(case when measure = 'on_hold' then business_minutes else 0 end)") }}
            as on_hold_time_business_minutes
    from measured
    group by ticket_id
),

final as (
    select
        metrics.ticket_id,
        ticket_schedules.schedule_id,
        pivoted.first_reply_time_business_minutes,
        pivoted.first_resolution_time_business_minutes,
        pivoted.full_resolution_time_business_minutes,
        -- Like the calendar twins: null for a ticket without any status history.
        case when status_ticket_ids.ticket_id is not null
            then pivoted.requester_wait_time_business_minutes
        end as requester_wait_time_business_minutes,
        case when status_ticket_ids.ticket_id is not null
            then pivoted.agent_wait_time_business_minutes
        end as agent_wait_time_business_minutes,
        case when status_ticket_ids.ticket_id is not null
            then pivoted.on_hold_time_business_minutes
        end as on_hold_time_business_minutes
    from metrics
    inner join ticket_schedules
        on metrics.ticket_id = ticket_schedules.ticket_id
    left join pivoted
        on metrics.ticket_id = pivoted.ticket_id
    left join status_ticket_ids
        on metrics.ticket_id = status_ticket_ids.ticket_id
)

select * from final
