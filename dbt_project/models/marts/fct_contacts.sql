-- Incremental (docs/incremental.md): rebuilds the tickets and conversations that their own
-- incremental models rebuild.
{%- set scope = csops.incremental_model('contact', 'contact_key', scope_key="contact_type || ':' || contact_id") %}
-- The conformed contact (docs/kpis.md): every ticket and every conversation
-- exactly once, with the measures the KPI marts compare across channels.
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('fct_tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

conversations as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('fct_conversations') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

conversation_business_minutes as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_business_hours__conversation_minutes') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

ticket_contacts as (
    select
        ticket_key as contact_key,
        cast(ticket_id as {{ dbt.type_string() }}) as contact_id,
        'ticket' as contact_type,
        source,
        created_at,
        channel,
        team_key,
        agent_key,
        customer_key,
        first_reply_time_calendar_minutes as first_response_time_calendar_minutes,
        first_reply_time_business_minutes as first_response_time_business_minutes,
        full_resolution_time_calendar_minutes as resolution_time_calendar_minutes,
        is_solved as is_resolved,
        last_solved_at as resolved_at,
        reopens,
        is_one_touch_resolution,
        is_escalated,
        is_automated_resolution
    from tickets
),

conversation_contacts as (
    select
        conversations.conversation_key as contact_key,
        conversations.conversation_id as contact_id,
        'conversation' as contact_type,
        'intercom' as source,
        created_at,
        channel,
        team_key,
        agent_key,
        customer_key,
        conversations.first_response_time_calendar_minutes,
        conversation_business_minutes.first_response_time_business_minutes,
        resolution_time_calendar_minutes,
        is_closed as is_resolved,
        last_closed_at as resolved_at,
        reopens,
        -- One-touch resolution is a ticket measure (docs/kpis.md): not applicable to chats.
        cast(null as boolean) as is_one_touch_resolution,
        is_escalated,
        is_automated_resolution
    from conversations
    left join conversation_business_minutes
        on conversations.conversation_id = conversation_business_minutes.conversation_id
),

unioned as (
    select * from ticket_contacts
    union all
    select * from conversation_contacts
),

final as (
    select
        contact_key,
        contact_id,
        contact_type,
        source,
        created_at,
        {{ csops.to_reporting_date('created_at') }} as created_date,
        channel,
        team_key,
        agent_key,
        customer_key,
        first_response_time_calendar_minutes,
        first_response_time_business_minutes,
        resolution_time_calendar_minutes,
        is_resolved,
        resolved_at,
        reopens,
        is_one_touch_resolution,
        is_escalated,
        is_automated_resolution
    from unioned
)

select * from final
