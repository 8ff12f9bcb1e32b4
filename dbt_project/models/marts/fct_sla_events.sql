-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'contact_id', scope_key='cast(contact_id as bigint)') %}
-- One row per SLA metric instance of a ticket (docs/kpis.md): first reply time (created ->
-- first public agent reply), next reply time (each reply's waiting_since -> the reply) and
-- requester wait time (time in new, open and hold, accumulated against the target). Targets
-- come from int_sla__policies_matched. elapsed_minutes is in the target's own unit
-- (business minutes of the ticket's schedule, or calendar minutes), up to fulfilment or as_of.
-- breach_at is when the target runs out; status is achieved, breached or active at as_of.
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('fct_tickets') }}
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

replies as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__replies') }}
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

-- A ticket solved before any public agent reply stops its first reply clock at that solve
-- (the requester no longer waits for an answer), as Zendesk does.
first_reply_instances as (
    select
        metrics.ticket_id,
        'first_reply_time' as metric,
        cast(null as bigint) as reply_id,
        tickets.created_at as started_at,
        case
            when metrics.first_reply_at is not null then metrics.first_reply_at
            when metrics.first_solved_at <= as_of.as_of then metrics.first_solved_at
        end as fulfilled_at
    from metrics
    inner join tickets
        on metrics.ticket_id = tickets.ticket_id
    cross join as_of
    where not metrics.is_agent_initiated
),

next_reply_instances as (
    select
        ticket_id,
        'next_reply_time' as metric,
        reply_id,
        waiting_since as started_at,
        replied_at as fulfilled_at
    from replies
    where waiting_since is not null
        and not is_first_reply
),

requester_wait_instances as (
    select
        metrics.ticket_id,
        'requester_wait_time' as metric,
        cast(null as bigint) as reply_id,
        tickets.created_at as started_at,
        metrics.last_solved_at as fulfilled_at
    from metrics
    inner join tickets
        on metrics.ticket_id = tickets.ticket_id
),

-- instance_id, a number, joins the steps below; the mart's text key is made once, at the end
-- (joining two million rows on a 32-character hash took memory and time).
instances as (
    select
        row_number() over (
            order by all_instances.ticket_id, all_instances.metric, all_instances.reply_id
        ) as instance_id,
        all_instances.*,
        targets.target_minutes,
        targets.in_business_hours,
        targets.sla_policy_id,
        targets.target_source,
        ticket_schedules.schedule_id,
        coalesce(all_instances.fulfilled_at, as_of.as_of) as clock_stopped_at
    from (
        select * from first_reply_instances
        union all
        select * from next_reply_instances
        union all
        select * from requester_wait_instances
    ) as all_instances
    inner join targets
        on all_instances.ticket_id = targets.ticket_id
        and all_instances.metric = targets.metric
    inner join ticket_schedules
        on all_instances.ticket_id = ticket_schedules.ticket_id
    cross join as_of
),

reply_clocks as (
    select * from instances where metric <> 'requester_wait_time'
),

reply_business_elapsed as (
    {{ csops.business_minutes_overlap(
        'reply_clocks', ref('int_business_hours__windows'), ['instance_id'],
        end_column='clock_stopped_at'
    ) }}
),

-- Requester wait accumulates over the wait-status intervals: each interval's minutes in the
-- target's unit, and the total before it, locate the interval in which the target runs out.
wait_intervals as (
    select
        instances.instance_id,
        instances.schedule_id,
        instances.in_business_hours,
        instances.target_minutes,
        status_intervals.interval_index,
        status_intervals.valid_from as started_at,
        status_intervals.valid_to as ended_at,
        status_intervals.duration_calendar_minutes
    from instances
    inner join status_intervals
        on instances.ticket_id = status_intervals.ticket_id
    where instances.metric = 'requester_wait_time'
        and status_intervals.status in ('new', 'open', 'hold')
),

wait_interval_business as (
    {{ csops.business_minutes_overlap(
        'wait_intervals', ref('int_business_hours__windows'), ['instance_id', 'interval_index']
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
        on wait_intervals.instance_id = wait_interval_business.instance_id
        and wait_intervals.interval_index = wait_interval_business.interval_index
),

wait_cumulative as (
    select
        *,
        coalesce({{ csops.exact_minutes('sum(interval_minutes) over (
            partition by instance_id
            order by started_at, interval_index
            rows between unbounded preceding and 1 preceding
        )') }}, 0.0) as minutes_before
    from wait_progress
),

-- Where the accumulated wait reaches the target: inside one interval, or, for a ticket still
-- waiting at as_of, after as_of. A ticket paused below target (pending, solved) has no
-- breach time yet.
elapsed as (
    select
        instances.*,
        case
            when instances.metric = 'requester_wait_time' and instances.in_business_hours
                then business_metrics.requester_wait_time_business_minutes
            when instances.metric = 'requester_wait_time'
                then metrics.requester_wait_time_calendar_minutes
            when instances.in_business_hours
                then reply_business_elapsed.business_minutes
            else {{ csops.minutes_between('instances.started_at', 'instances.clock_stopped_at') }}
        end as elapsed_minutes
    from instances
    inner join metrics
        on instances.ticket_id = metrics.ticket_id
    inner join business_metrics
        on instances.ticket_id = business_metrics.ticket_id
    left join reply_business_elapsed
        on instances.instance_id = reply_business_elapsed.instance_id
),

breach_starts as (
    select
        instance_id,
        schedule_id,
        in_business_hours,
        started_at as breach_clock_from,
        target_minutes as remaining_minutes
    from instances
    where metric <> 'requester_wait_time'
    union all
    select
        instance_id,
        schedule_id,
        in_business_hours,
        started_at as breach_clock_from,
        target_minutes - minutes_before as remaining_minutes
    from wait_cumulative
    where minutes_before < target_minutes
        and minutes_before + interval_minutes >= target_minutes
    union all
    select
        elapsed.instance_id,
        elapsed.schedule_id,
        elapsed.in_business_hours,
        as_of.as_of as breach_clock_from,
        elapsed.target_minutes - elapsed.elapsed_minutes as remaining_minutes
    from elapsed
    inner join tickets
        on elapsed.ticket_id = tickets.ticket_id
    cross join as_of
    where elapsed.metric = 'requester_wait_time'
        and elapsed.fulfilled_at is null
        and elapsed.elapsed_minutes < elapsed.target_minutes
        and tickets.status in ('new', 'open', 'hold')
),

business_breaches as (
    {{ csops.business_breach_at(
        '(select * from breach_starts where in_business_hours)',
        ref('int_business_hours__windows'),
        ['instance_id'],
        start_column='breach_clock_from',
        target_column='remaining_minutes'
    ) }}
),

breaches as (
    select instance_id, breach_at from business_breaches
    union all
    select
        instance_id,
        {{ csops.add_minutes('breach_clock_from', 'remaining_minutes') }} as breach_at
    from breach_starts
    where not in_business_hours
),

with_status as (
    select
        elapsed.*,
        breaches.breach_at,
        case
            when elapsed.fulfilled_at is not null and elapsed.elapsed_minutes <= elapsed.target_minutes
                then 'achieved'
            when elapsed.elapsed_minutes > elapsed.target_minutes then 'breached'
            else 'active'
        end as status
    from elapsed
    left join breaches
        on elapsed.instance_id = breaches.instance_id
),

final as (
    select
        {{ csops.surrogate_key(['with_status.ticket_id', 'with_status.metric', 'with_status.reply_id']) }}
            as sla_event_key,
        tickets.ticket_key as contact_key,
        cast(with_status.ticket_id as {{ dbt.type_string() }}) as contact_id,
        'ticket' as contact_type,
        with_status.metric,
        with_status.reply_id,
        with_status.target_minutes,
        with_status.in_business_hours,
        with_status.target_source,
        with_status.sla_policy_id,
        with_status.started_at,
        with_status.fulfilled_at,
        with_status.elapsed_minutes,
        with_status.breach_at,
        with_status.status,
        -- The instant that dates the instance in the KPI marts: its fulfilment when achieved,
        -- the moment the target ran out when breached; active instances are not counted.
        case with_status.status
            when 'achieved' then with_status.fulfilled_at
            when 'breached' then with_status.breach_at
        end as counted_at,
        tickets.channel,
        tickets.priority,
        tickets.team_key
    from with_status
    inner join tickets
        on with_status.ticket_id = tickets.ticket_id
)

select * from final
