-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- One row per ticket with the calendar-minute measures of docs/kpis.md: replies, solves,
-- reopens, time per status, one-touch, escalation and automated resolution. Business-minute
-- measures are added beside these from the same status intervals and replies.
-- Over 150 lines, one model on purpose: every measure is one short CTE over the same five
-- scoped inputs (one per measure as models would read the comments, replies and intervals
-- again for each), joined once into the ticket's row.
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

comments as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__comments') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

replies as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__replies') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

intervals as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__status_intervals') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

events as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__ticket_audit_events') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

groups as (
    select * from {{ ref('stg_zendesk__groups') }}
),

opening_comments as (
    select
        ticket_id,
        is_public_agent_comment as is_agent_initiated
    from comments
    where is_opening_comment
),

reply_summary as (
    select
        ticket_id,
        count(*) as public_agent_replies,
        min(case when is_first_reply then replied_at end) as first_reply_at
    from replies
    group by ticket_id
),

-- Time per status up to the last solve, or as_of while unsolved: the intervals after the
-- last solve are all solved/closed, so summing the unsolved intervals gives exactly that.
status_summary as (
    select
        ticket_id,
        sum(case when is_solve then 1 else 0 end) as solves,
        sum(case when is_reopen then 1 else 0 end) as reopens,
        min(case when is_solve then valid_from end) as first_solved_at,
        max(case when is_solve then valid_from end) as last_solved_at,
        {{ csops.exact_minutes("sum(case when status in ('new', 'open', 'hold') then duration_calendar_minutes else 0 end)") }}
            as requester_wait_time_calendar_minutes,
        {{ csops.exact_minutes("sum(case when status = 'pending' then duration_calendar_minutes else 0 end)") }}
            as agent_wait_time_calendar_minutes,
        {{ csops.exact_minutes("sum(case when status = 'hold' then duration_calendar_minutes else 0 end)") }}
            as on_hold_time_calendar_minutes
    from intervals
    group by ticket_id
),

last_solves as (
    select
        ticket_id,
        is_changed_by_agent as is_last_solve_by_agent,
        row_number() over (
            partition by ticket_id order by valid_from desc, interval_index desc
        ) as solve_rank
    from intervals
    where is_solve
),

-- Every group the ticket was ever in: its current one and every group_id set by an audit.
group_history as (
    select ticket_id, group_id from tickets where group_id is not null
    union
    select
        ticket_id,
        {{ dbt.safe_cast('value', 'bigint') }} as group_id
    from events
    where event_type in ('Create', 'Change')
        and field_name = 'group_id'
),

escalated_by_group as (
    select distinct group_history.ticket_id
    from group_history
    inner join groups
        on group_history.group_id = groups.group_id
    where groups.group_name in (
        {%- for team in var('escalation_teams') %}
        '{{ team }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
),

joined as (
    select
        tickets.ticket_id,
        tickets.created_at,
        tickets.status in ('solved', 'closed') as is_solved,
        coalesce(opening_comments.is_agent_initiated, false) as is_agent_initiated,
        reply_summary.first_reply_at,
        coalesce(reply_summary.public_agent_replies, 0) as public_agent_replies,
        status_summary.first_solved_at,
        status_summary.last_solved_at,
        coalesce(status_summary.solves, 0) as solves,
        coalesce(status_summary.reopens, 0) as reopens,
        status_summary.requester_wait_time_calendar_minutes,
        status_summary.agent_wait_time_calendar_minutes,
        status_summary.on_hold_time_calendar_minutes,
        coalesce(last_solves.is_last_solve_by_agent, false) as is_last_solve_by_agent,
        escalated_by_group.ticket_id is not null
        {%- for tag in var('escalation_tags') %}
            or coalesce({{ csops.list_contains('tickets.tags', "'" ~ tag ~ "'") }}, false)
        {%- endfor %} as is_escalated
    from tickets
    left join opening_comments
        on tickets.ticket_id = opening_comments.ticket_id
    left join reply_summary
        on tickets.ticket_id = reply_summary.ticket_id
    left join status_summary
        on tickets.ticket_id = status_summary.ticket_id
    left join last_solves
        on tickets.ticket_id = last_solves.ticket_id
        and last_solves.solve_rank = 1
    left join escalated_by_group
        on tickets.ticket_id = escalated_by_group.ticket_id
),

final as (
    select
        ticket_id,
        is_solved,
        is_agent_initiated,
        first_reply_at,
        public_agent_replies,
        first_solved_at,
        -- Full resolution only while the ticket is currently solved or closed.
        case when is_solved then last_solved_at end as last_solved_at,
        solves,
        reopens,
        {{ csops.minutes_between('created_at', 'first_reply_at') }}
            as first_reply_time_calendar_minutes,
        {{ csops.minutes_between('created_at', 'first_solved_at') }}
            as first_resolution_time_calendar_minutes,
        case when is_solved
            then {{ csops.minutes_between('created_at', 'last_solved_at') }}
        end as full_resolution_time_calendar_minutes,
        requester_wait_time_calendar_minutes,
        agent_wait_time_calendar_minutes,
        on_hold_time_calendar_minutes,
        is_escalated,
        -- One touch: solved, exactly one public agent reply, no reopens, not agent-initiated.
        is_solved
            and public_agent_replies = 1
            and reopens = 0
            and not is_agent_initiated as is_one_touch_resolution,
        -- Automated: solved, no public agent reply, and the solving change made by a non-agent.
        is_solved
            and public_agent_replies = 0
            and last_solved_at is not null
            and not is_last_solve_by_agent as is_automated_resolution
    from joined
)

select * from final
