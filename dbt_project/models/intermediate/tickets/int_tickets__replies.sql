-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- One row per public agent reply with the moment the requester started waiting for it
-- (docs/kpis.md). The public conversation of a ticket is cut into segments by public
-- agent comments; a reply's waiting_since is the earliest public end-user comment of the
-- segment it closes. A reply whose segment holds no end-user comment is a follow-up (null
-- waiting_since). The first reply of a ticket that is not agent-initiated waits from creation.
with comments as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__comments') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

public_comments as (
    select
        *,
        -- Number of public agent comments before this one (the opening comment included: on
        -- an agent-initiated ticket it is the previous public agent comment of the first reply).
        coalesce(sum(case when is_public_agent_comment then 1 else 0 end) over (
            partition by ticket_id
            order by created_at, comment_id
            rows between unbounded preceding and 1 preceding
        ), 0) as segment_index
    from comments
    where is_public
),

segment_waits as (
    select
        ticket_id,
        segment_index,
        min(created_at) as first_end_user_comment_at
    from public_comments
    where is_end_user_author
    group by ticket_id, segment_index
),

agent_initiated as (
    select
        ticket_id,
        is_public_agent_comment as is_agent_initiated
    from comments
    where is_opening_comment
),

replies as (
    select
        public_comments.comment_id as reply_id,
        public_comments.ticket_id,
        public_comments.author_id as agent_id,
        public_comments.created_at as replied_at,
        public_comments.segment_index,
        coalesce(agent_initiated.is_agent_initiated, false) as is_agent_initiated,
        row_number() over (
            partition by public_comments.ticket_id
            order by public_comments.created_at, public_comments.comment_id
        ) as reply_index
    from public_comments
    left join agent_initiated
        on public_comments.ticket_id = agent_initiated.ticket_id
    -- The opening comment is never a reply, even when an agent wrote it.
    where public_comments.is_public_agent_comment
        and not public_comments.is_opening_comment
),

with_waiting_since as (
    select
        replies.reply_id,
        replies.ticket_id,
        replies.agent_id,
        replies.replied_at,
        case
            when replies.reply_index = 1 and not replies.is_agent_initiated
                then tickets.created_at
            else segment_waits.first_end_user_comment_at
        end as waiting_since,
        -- No reply of an agent-initiated ticket is its first reply.
        replies.reply_index = 1 and not replies.is_agent_initiated as is_first_reply,
        replies.reply_index
    from replies
    inner join tickets
        on replies.ticket_id = tickets.ticket_id
    left join segment_waits
        on replies.ticket_id = segment_waits.ticket_id
        and replies.segment_index = segment_waits.segment_index
),

final as (
    select
        *,
        {{ csops.minutes_between('waiting_since', 'replied_at') }} as reply_time_calendar_minutes
    from with_waiting_since
)

select * from final
