-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- The next reply time SLA instances of each ticket with a target for it (docs/kpis.md,
-- fct_sla_events): one per public agent reply after the first that had a waiting_since, from
-- then to the reply. A customer comment still unanswered at as_of has no instance yet.
-- elapsed_minutes is in the target's unit (business minutes of the ticket's schedule, or
-- calendar minutes); breach_at is when the target runs out. fct_sla_events assigns the status.
with replies as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__replies') }}
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
        reply_id,
        ticket_id,
        waiting_since as started_at,
        replied_at as fulfilled_at
    from replies
    where waiting_since is not null
        and not is_first_reply
),

clocks as (
    {{ csops.sla_targeted_instances('instances', 'next_reply_time') }}
),

timed as (
    {{ csops.sla_reply_clock('clocks', 'reply_id', ref('int_business_hours__windows')) }}
),

final as (
    select
        reply_id,
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
