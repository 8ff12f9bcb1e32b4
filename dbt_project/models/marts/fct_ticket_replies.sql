-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- One row per public agent reply (docs/kpis.md): when the requester started waiting
-- for it and how long the wait was, in calendar and in business minutes of the ticket's
-- schedule. A follow-up (no end-user comment since the previous agent comment) has no wait.
with replies as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__replies') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

ticket_schedules as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_business_hours__ticket_schedules') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

reply_intervals as (
    select
        replies.reply_id,
        ticket_schedules.schedule_id,
        replies.waiting_since as started_at,
        replies.replied_at as ended_at
    from replies
    inner join ticket_schedules
        on replies.ticket_id = ticket_schedules.ticket_id
),

business_waits as (
    {{ csops.business_minutes_overlap(
        'reply_intervals', ref('int_business_hours__windows'), ['reply_id']
    ) }}
),

final as (
    select
        {{ csops.source_key('zendesk', 'replies.ticket_id') }} as ticket_key,
        replies.reply_id,
        replies.ticket_id,
        {{ csops.source_key('zendesk', 'replies.agent_id') }} as agent_key,
        replies.replied_at,
        replies.waiting_since,
        replies.reply_time_calendar_minutes,
        business_waits.business_minutes as reply_time_business_minutes,
        replies.is_first_reply,
        cast(replies.reply_index as integer) as reply_index
    from replies
    inner join business_waits
        on replies.reply_id = business_waits.reply_id
)

select * from final
