-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'contact_id', scope_key='cast(contact_id as bigint)') %}
-- One row per SLA metric instance of a ticket (docs/kpis.md): first reply time, next reply
-- time and requester wait time, each computed with its elapsed minutes (in the target's
-- unit, up to fulfilment or as_of) and breach time by its own model in intermediate/sla/.
-- This mart unions them and assigns the status: achieved, breached or active at as_of.
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('fct_tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

first_reply_time as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_sla__first_reply_time') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

next_reply_time as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_sla__next_reply_time') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

requester_wait_time as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_sla__requester_wait_time') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

instances as (
    select
        ticket_id, 'first_reply_time' as metric, cast(null as bigint) as reply_id,
        target_minutes, in_business_hours, target_source, sla_policy_id,
        started_at, fulfilled_at, elapsed_minutes, breach_at
    from first_reply_time
    union all
    select
        ticket_id, 'next_reply_time' as metric, reply_id,
        target_minutes, in_business_hours, target_source, sla_policy_id,
        started_at, fulfilled_at, elapsed_minutes, breach_at
    from next_reply_time
    union all
    select
        ticket_id, 'requester_wait_time' as metric, cast(null as bigint) as reply_id,
        target_minutes, in_business_hours, target_source, sla_policy_id,
        started_at, fulfilled_at, elapsed_minutes, breach_at
    from requester_wait_time
),

-- Reaching the target exactly is achieved; an unfulfilled instance is breached only once its
-- elapsed minutes exceed the target.
with_status as (
    select
        *,
        case
            when fulfilled_at is not null and elapsed_minutes <= target_minutes then 'achieved'
            when elapsed_minutes > target_minutes then 'breached'
            else 'active'
        end as status
    from instances
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
