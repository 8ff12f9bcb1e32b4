-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- The first reply time SLA instance of each ticket with a target for it (docs/kpis.md,
-- fct_sla_events): from the ticket's creation to its first public agent reply, none for an
-- agent-initiated ticket. elapsed_minutes is in the target's unit (business minutes of the
-- ticket's schedule, or calendar minutes) up to fulfilment or as_of; breach_at is when the
-- target runs out. fct_sla_events assigns the status.
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

metrics as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__metrics') }}
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
instances as (
    select
        metrics.ticket_id,
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

clocks as (
    {{ csops.sla_targeted_instances('instances', 'first_reply_time') }}
),

timed as (
    {{ csops.sla_reply_clock('clocks', 'ticket_id', ref('int_business_hours__windows')) }}
),

final as (
    select
        ticket_id,
        started_at,
        fulfilled_at,
        target_minutes,
        in_business_hours,
        target_source,
        sla_policy_id,
        elapsed_minutes,
        breach_at
    from timed
)

select * from final
