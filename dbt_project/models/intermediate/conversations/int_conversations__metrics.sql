-- Incremental (docs/incremental.md): rebuilds the conversations landed since the last build.
{%- set scope = csops.incremental_model('conversation', 'conversation_id') %}
-- One row per Intercom conversation with the calendar-minute measures of docs/kpis.md
-- "Conversations": first human response, last close, reopens, bot involvement, escalation
-- and automated resolution.
with conversations as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversations') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

parts as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversation_parts') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

teams as (
    select * from {{ ref('stg_intercom__teams') }}
),

classified_parts as (
    select
        *,
        -- Human reply: an admin part that carries a message. Comments always do; assignment,
        -- quick reply, open and close parts only with a body. Notes and bot parts never count.
        author_type = 'admin'
            and (
                part_type = 'comment'
                or (part_type in ('assignment', 'quick_reply', 'open', 'close') and has_body)
            ) as is_human_reply,
        author_type = 'bot' as is_bot_part,
        row_number() over (
            partition by conversation_id order by created_at, part_id
        ) as part_index
    from parts
),

with_last_state_change as (
    select
        *,
        max(case when part_type = 'close' then part_index end) over (
            partition by conversation_id
            order by part_index
            rows between unbounded preceding and 1 preceding
        ) as last_close_index,
        max(case when part_type = 'open' then part_index end) over (
            partition by conversation_id
            order by part_index
            rows between unbounded preceding and 1 preceding
        ) as last_open_index
    from classified_parts
),

-- A reopen is an open part, or a comment by the user, after a close with no open part in
-- between; several such parts after the same close count once, hence distinct close indexes.
reopens as (
    select
        conversation_id,
        count(distinct last_close_index) as reopens
    from with_last_state_change
    where (part_type = 'open' or (part_type = 'comment' and author_type in ('user', 'lead', 'contact')))
        and last_close_index is not null
        and (last_open_index is null or last_open_index < last_close_index)
    group by conversation_id
),

part_summary as (
    select
        conversation_id,
        min(case when is_human_reply then created_at end) as first_admin_reply_at,
        sum(case when is_human_reply then 1 else 0 end) as human_replies,
        max(case when part_type = 'close' then created_at end) as last_closed_at,
        max(case when is_bot_part then 1 else 0 end) = 1 as has_bot_part
    from classified_parts
    group by conversation_id
),

escalated_by_team as (
    select distinct assignments.conversation_id
    from (
        select conversation_id, team_assignee_id as team_id from conversations
        union
        select conversation_id, assigned_to_id as team_id
        from parts
        where assigned_to_type = 'team'
    ) as assignments
    inner join teams
        on assignments.team_id = teams.team_id
    where teams.team_name in (
        {%- for team in var('escalation_teams') %}
        '{{ team }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
),

joined as (
    select
        conversations.conversation_id,
        conversations.created_at,
        conversations.state = 'closed' as is_closed,
        part_summary.first_admin_reply_at,
        coalesce(part_summary.human_replies, 0) as human_replies,
        -- A closed conversation whose parts were cut short (Intercom returns at most 500)
        -- may lack its close part: its last update is then the best close time known.
        coalesce(part_summary.last_closed_at, conversations.updated_at) as last_closed_at,
        coalesce(reopens.reopens, 0) as reopens,
        coalesce(part_summary.has_bot_part, false)
            or conversations.is_ai_agent_participated as is_bot_involved,
        conversations.ai_agent_resolution_state
            in ('assumed_resolution', 'confirmed_resolution') as is_ai_agent_resolved,
        escalated_by_team.conversation_id is not null as is_escalated
    from conversations
    left join part_summary
        on conversations.conversation_id = part_summary.conversation_id
    left join reopens
        on conversations.conversation_id = reopens.conversation_id
    left join escalated_by_team
        on conversations.conversation_id = escalated_by_team.conversation_id
),

final as (
    select
        conversation_id,
        is_closed,
        first_admin_reply_at,
        human_replies,
        case when is_closed then last_closed_at end as last_closed_at,
        reopens,
        is_bot_involved,
        is_escalated,
        {{ csops.minutes_between('created_at', 'first_admin_reply_at') }}
            as first_response_time_calendar_minutes,
        -- Handle and resolution time only while the conversation is closed.
        case when is_closed
            then {{ csops.minutes_between('first_admin_reply_at', 'last_closed_at') }}
        end as handle_time_calendar_minutes,
        case when is_closed
            then {{ csops.minutes_between('created_at', 'last_closed_at') }}
        end as resolution_time_calendar_minutes,
        -- Automated: closed, no human reply, and a bot took part or resolved it.
        is_closed
            and human_replies = 0
            and (is_bot_involved or coalesce(is_ai_agent_resolved, false))
            as is_automated_resolution
    from joined
)

select * from final
