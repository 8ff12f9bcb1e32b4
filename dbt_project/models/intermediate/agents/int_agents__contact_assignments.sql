-- Incremental (docs/incremental.md): rebuilds the assignments of the tickets and
-- conversations that their own incremental models rebuild.
{%- set scope = csops.incremental_model('contact', 'contact_id', scope_key="contact_type || ':' || contact_id") %}
-- Who held each contact when: one row per assignee period of a ticket (audit assignee_id
-- changes) or conversation (assignment parts to an admin), so feedback given at an instant
-- is credited to the assignee at that instant (docs/kpis.md). A period runs from its
-- assignment to the next one; the last one stays open. assigned_agent_key is null for a
-- period in which nobody held the contact.
with audit_events as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__ticket_audit_events') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

parts as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversation_parts') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

ticket_assignments as (
    select
        'ticket' as contact_type,
        cast(ticket_id as {{ dbt.type_string() }}) as contact_id,
        created_at as assigned_at,
        cast(event_id as {{ dbt.type_string() }}) as change_id,
        {{ csops.source_key('zendesk', "nullif(trim(value), '')") }} as assigned_agent_key
    from audit_events
    where field_name = 'assignee_id'
        and event_type in ('Create', 'Change')
),

conversation_assignments as (
    select
        'conversation' as contact_type,
        conversation_id as contact_id,
        created_at as assigned_at,
        part_id as change_id,
        {{ csops.source_key('intercom', "nullif(trim(assigned_to_id), '')") }} as assigned_agent_key
    from parts
    where part_type = 'assignment'
        and assigned_to_type = 'admin'
),

assignments as (
    select * from ticket_assignments
    union all
    select * from conversation_assignments
),

final as (
    select
        contact_type,
        contact_id,
        change_id,
        assigned_agent_key,
        assigned_at,
        lead(assigned_at) over (
            partition by contact_type, contact_id
            order by assigned_at, change_id
        ) as assigned_until
    from assignments
)

select * from final
