-- Incremental (docs/incremental.md): rebuilds the conversations landed since the last build.
{%- set scope = csops.incremental_model('conversation', 'conversation_id') %}
-- Business-minute first response time of each Intercom conversation (created -> first human
-- reply) on the schedule of its team (int_business_hours__conversation_schedules), so tickets and
-- chats compare on the same clock in fct_contacts.
with conversations as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversations') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

conversation_metrics as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_conversations__metrics') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

conversation_schedules as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_business_hours__conversation_schedules') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

response_intervals as (
    select
        conversations.conversation_id,
        conversation_schedules.schedule_id,
        conversations.created_at as started_at,
        conversation_metrics.first_admin_reply_at as ended_at
    from conversations
    inner join conversation_metrics
        on conversations.conversation_id = conversation_metrics.conversation_id
    inner join conversation_schedules
        on conversations.conversation_id = conversation_schedules.conversation_id
),

measured as (
    {{ csops.business_minutes_overlap(
        'response_intervals', ref('int_business_hours__windows'), ['conversation_id']
    ) }}
),

final as (
    select
        response_intervals.conversation_id,
        response_intervals.schedule_id,
        measured.business_minutes as first_response_time_business_minutes
    from response_intervals
    inner join measured
        on response_intervals.conversation_id = measured.conversation_id
)

select * from final
