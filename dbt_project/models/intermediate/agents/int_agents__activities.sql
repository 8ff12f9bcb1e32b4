-- Incremental (docs/incremental.md): rebuilds the activities of the tickets and
-- conversations that their own incremental models rebuild.
{%- set scope = csops.incremental_model('contact', 'contact_id', scope_key="contact_type || ':' || contact_id") %}
-- Every act an agent is credited with (docs/kpis.md), one row each, dated on its reporting
-- day: public ticket replies (by their author), ticket solves (by the author of the solving
-- status change), conversation closes (by the admin who closed), and the CSAT rating that
-- counts per contact (by the agent rated). The daily and weekly scorecards both aggregate
-- these rows, so a weekly median is recomputed from the replies, never from daily medians.
with replies as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__replies') }}
    where {{ csops.in_scope(scope, "ticket_id") }}
),

-- Business-minute reply times on the ticket's schedule. Counted replies come from the
-- intermediate model (every reply once); the fact only lends its business minutes.
reply_times as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('fct_ticket_replies') }}
    where {{ csops.in_scope(scope, "ticket_id") }}
),

intervals as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__status_intervals') }}
    where {{ csops.in_scope(scope, "ticket_id") }}
),

tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('fct_tickets') }}
    where {{ csops.in_scope(scope, "ticket_id") }}
),

parts as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversation_parts') }}
    where {{ csops.in_scope(scope, "conversation_id") }}
),

-- The rating that counts per contact, with the agent it is credited to (the assignee at
-- rating time, else the current one).
ratings as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_feedback__csat_ratings') }}
    where {{ csops.in_scope(scope, "contact_type || ':' || contact_id") }}
),

reply_activities as (
    select
        {{ csops.source_key('zendesk', 'replies.agent_id') }} as agent_key,
        'ticket_reply' as activity_type,
        'ticket' as contact_type,
        cast(replies.ticket_id as {{ dbt.type_string() }}) as contact_id,
        replies.replied_at as occurred_at,
        replies.is_first_reply,
        case when replies.is_first_reply then reply_times.reply_time_business_minutes end
            as first_reply_time_business_minutes,
        cast(null as boolean) as is_satisfied,
        cast(null as boolean) as is_last_solve
    from replies
    left join reply_times
        on replies.reply_id = reply_times.reply_id
),

-- A solve by a non-agent (trigger, automation) is credited to no one. The ticket's last solve,
-- while the ticket is still solved, is flagged: the weekly scorecard reports the resolution
-- measures of the tickets whose last solve an agent made.
agent_solves as (
    select
        ticket_id,
        valid_from as solved_at,
        changed_by_id
    from intervals
    where is_solve
        and is_changed_by_agent
),

solve_activities as (
    select
        {{ csops.source_key('zendesk', 'agent_solves.changed_by_id') }} as agent_key,
        'ticket_solve' as activity_type,
        'ticket' as contact_type,
        cast(agent_solves.ticket_id as {{ dbt.type_string() }}) as contact_id,
        agent_solves.solved_at as occurred_at,
        cast(null as boolean) as is_first_reply,
        cast(null as {{ csops.type_double() }}) as first_reply_time_business_minutes,
        cast(null as boolean) as is_satisfied,
        coalesce(tickets.is_solved and agent_solves.solved_at = tickets.last_solved_at, false)
            as is_last_solve
    from agent_solves
    inner join tickets
        on agent_solves.ticket_id = tickets.ticket_id
),

close_activities as (
    select
        {{ csops.source_key('intercom', 'author_id') }} as agent_key,
        'conversation_close' as activity_type,
        'conversation' as contact_type,
        conversation_id as contact_id,
        created_at as occurred_at,
        cast(null as boolean) as is_first_reply,
        cast(null as {{ csops.type_double() }}) as first_reply_time_business_minutes,
        cast(null as boolean) as is_satisfied,
        cast(null as boolean) as is_last_solve
    from parts
    where part_type = 'close'
        and author_type = 'admin'
),

csat_activities as (
    select
        agent_key,
        'csat_rating' as activity_type,
        contact_type,
        contact_id,
        rated_at as occurred_at,
        cast(null as boolean) as is_first_reply,
        cast(null as {{ csops.type_double() }}) as first_reply_time_business_minutes,
        is_satisfied,
        cast(null as boolean) as is_last_solve
    from ratings
),

unioned as (
    select * from reply_activities
    union all
    select * from solve_activities
    union all
    select * from close_activities
    union all
    select * from csat_activities
),

final as (
    select
        agent_key,
        activity_type,
        contact_type,
        contact_id,
        occurred_at,
        {{ csops.to_reporting_date('occurred_at') }} as date_day,
        is_first_reply,
        first_reply_time_business_minutes,
        is_satisfied,
        is_last_solve
    from unioned
    where agent_key is not null
)

select * from final
