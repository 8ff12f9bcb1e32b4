-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- One row per Zendesk ticket: its current attributes and its calendar- and business-minute KPIs
-- (business minutes on the ticket's schedule, int_business_hours__ticket_minutes).
with tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

metrics as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_tickets__metrics') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

business_metrics as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_business_hours__ticket_minutes') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

users as (
    select * from {{ ref('stg_zendesk__users') }}
),

ratings as (
    select * from {{ ref('int_feedback__csat_ratings') }}
    where contact_type = 'ticket'
),

final as (
    select
        {{ csops.source_key('zendesk', 'tickets.ticket_id') }} as ticket_key,
        tickets.ticket_id,
        'zendesk' as source,
        tickets.created_at,
        {{ csops.conformed_channel('tickets.via_channel') }} as channel,
        tickets.priority,
        tickets.status,
        {{ csops.source_key('zendesk', 'tickets.group_id') }} as team_key,
        {{ csops.source_key('zendesk', 'tickets.assignee_id') }} as agent_key,
        {{ csops.customer_key('requesters.email') }} as customer_key,
        metrics.first_reply_at,
        metrics.first_solved_at,
        metrics.last_solved_at,
        metrics.first_reply_time_calendar_minutes,
        business_metrics.first_reply_time_business_minutes,
        metrics.first_resolution_time_calendar_minutes,
        business_metrics.first_resolution_time_business_minutes,
        metrics.full_resolution_time_calendar_minutes,
        business_metrics.full_resolution_time_business_minutes,
        metrics.requester_wait_time_calendar_minutes,
        business_metrics.requester_wait_time_business_minutes,
        metrics.agent_wait_time_calendar_minutes,
        business_metrics.agent_wait_time_business_minutes,
        metrics.on_hold_time_calendar_minutes,
        business_metrics.on_hold_time_business_minutes,
        cast(metrics.public_agent_replies as integer) as public_agent_replies,
        cast(metrics.reopens as integer) as reopens,
        metrics.is_agent_initiated,
        metrics.is_solved,
        metrics.is_one_touch_resolution,
        metrics.is_escalated,
        metrics.is_automated_resolution,
        ratings.csat_rating,
        ratings.is_satisfied as is_csat_satisfied
    from tickets
    inner join metrics
        on tickets.ticket_id = metrics.ticket_id
    inner join business_metrics
        on tickets.ticket_id = business_metrics.ticket_id
    left join users as requesters
        on tickets.requester_id = requesters.user_id
    left join ratings
        on cast(tickets.ticket_id as {{ dbt.type_string() }}) = ratings.contact_id
)

select * from final
