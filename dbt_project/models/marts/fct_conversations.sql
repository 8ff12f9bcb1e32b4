-- Incremental (docs/incremental.md): rebuilds the conversations landed since the last build.
{%- set scope = csops.incremental_model('conversation', 'conversation_id') %}
-- One row per Intercom conversation: its current attributes and its calendar-minute KPIs.
with conversations as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversations') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

metrics as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_conversations__metrics') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

ratings as (
    select * from {{ ref('int_feedback__csat_ratings') }}
    where contact_type = 'conversation'
),

final as (
    select
        {{ csops.source_key('intercom', 'conversations.conversation_id') }} as conversation_key,
        conversations.conversation_id,
        conversations.created_at,
        {{ csops.conformed_channel('conversations.source_type') }} as channel,
        {{ csops.source_key('intercom', 'conversations.team_assignee_id') }} as team_key,
        {{ csops.source_key('intercom', 'conversations.admin_assignee_id') }} as agent_key,
        -- The customer is the conversation's author unless a teammate or bot started it.
        case when conversations.source_author_type not in ('admin', 'bot', 'team')
            then {{ csops.customer_key('conversations.source_author_email') }}
        end as customer_key,
        metrics.first_admin_reply_at,
        metrics.last_closed_at,
        metrics.first_response_time_calendar_minutes,
        metrics.handle_time_calendar_minutes,
        metrics.resolution_time_calendar_minutes,
        metrics.is_closed,
        metrics.is_automated_resolution,
        metrics.is_bot_involved,
        metrics.is_escalated,
        cast(metrics.reopens as integer) as reopens,
        conversations.rating,
        ratings.is_satisfied as is_csat_satisfied,
        conversations.sla_status
    from conversations
    inner join metrics
        on conversations.conversation_id = metrics.conversation_id
    left join ratings
        on conversations.conversation_id = ratings.contact_id
)

select * from final
