-- Incremental (docs/incremental.md): rebuilds the ratings of the tickets and conversations
-- that their own incremental models rebuild (a new rating puts its ticket in scope).
{%- set scope = csops.incremental_model('contact', 'contact_id', scope_key="contact_type || ':' || contact_id") %}
-- The one CSAT rating that counts per ticket or conversation (docs/kpis.md: the latest,
-- dated at its update, else its creation). Zendesk ratings are good/bad; offered/unoffered
-- are invitations, not ratings. Intercom ratings are 1-5, satisfied from 4. Survey answers
-- about a contact join these in fct_survey_responses. Each rating carries the agent it is
-- credited to: the assignee at rating time (Zendesk rating assignee, Intercom rated teammate),
-- else the contact's current assignee (docs/kpis.md).
with zendesk_ratings as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__satisfaction_ratings') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

conversations as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversations') }}
    where {{ csops.in_scope(scope, 'conversation_id') }}
),

ranked_zendesk_ratings as (
    select
        satisfaction_rating_id,
        ticket_id,
        assignee_id,
        score,
        coalesce(updated_at, created_at) as rated_at,
        row_number() over (
            partition by ticket_id
            order by coalesce(updated_at, created_at) desc, satisfaction_rating_id desc
        ) as rating_rank
    from zendesk_ratings
    where score in ('good', 'bad')
        and ticket_id is not null
),

-- The ticket export carries its rating too: it stands in, dated at the ticket's last update,
-- when the satisfaction_ratings stream has not landed a rating for that ticket. It has no
-- rating id of its own, so its id is the ticket's, prefixed so it never collides with one.
ticket_ratings as (
    select
        tickets.ticket_id,
        coalesce(
            cast(ranked.satisfaction_rating_id as {{ dbt.type_string() }}),
            'ticket-' || cast(tickets.ticket_id as {{ dbt.type_string() }})
        ) as rating_id,
        coalesce(ranked.score, tickets.satisfaction_score) as score,
        coalesce(ranked.rated_at, tickets.updated_at) as rated_at,
        coalesce(ranked.assignee_id, tickets.assignee_id) as rated_agent_id
    from tickets
    left join ranked_zendesk_ratings as ranked
        on tickets.ticket_id = ranked.ticket_id
        and ranked.rating_rank = 1
    where ranked.ticket_id is not null
        or tickets.satisfaction_score in ('good', 'bad')
),

final as (
    select
        'zendesk' as source,
        'ticket' as contact_type,
        cast(ticket_id as {{ dbt.type_string() }}) as contact_id,
        rating_id,
        score as csat_rating,
        cast(null as integer) as rating,
        rated_at,
        score = 'good' as is_satisfied,
        {{ csops.source_key('zendesk', 'rated_agent_id') }} as agent_key
    from ticket_ratings
    union all
    select
        'intercom' as source,
        'conversation' as contact_type,
        conversation_id as contact_id,
        -- Intercom keeps one rating per conversation: the conversation id names it.
        conversation_id as rating_id,
        cast(null as {{ dbt.type_string() }}) as csat_rating,
        rating,
        coalesce(rating_created_at, updated_at) as rated_at,
        rating >= 4 as is_satisfied,
        {{ csops.source_key('intercom', 'coalesce(rating_teammate_id, admin_assignee_id)') }}
            as agent_key
    from conversations
    where rating is not null
)

select * from final
