-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet.
{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}
-- Every comment of every ticket, flagged public/private and agent/not (docs/kpis.md: an
-- agent is a user whose role is agent or admin; triggers, automations and end users are not),
-- with the ticket's opening comment marked.
with events as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__ticket_audit_events') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

users as (
    select * from {{ ref('stg_zendesk__users') }}
),

comments as (
    select
        event_id as comment_id,
        audit_id,
        ticket_id,
        created_at,
        event_author_id as author_id,
        coalesce(is_public, false) as is_public
    from events
    where event_type = 'Comment'
),

with_author_role as (
    select
        comments.*,
        -- Unknown authors (deleted users, system ids such as -1) are not agents.
        coalesce(users.is_agent, false) as is_agent_author,
        -- An end user is a user whose role is end-user; a public comment by a trigger or an
        -- automation (system author ids are negative) is neither agent nor end user, so it
        -- never starts a requester's wait. An author missing from the users export is taken
        -- as an end user when the id is a real user id.
        case
            when users.user_id is not null then lower(users.role) = 'end-user'
            else comments.author_id > 0
        end as is_end_user_author
    from comments
    left join users
        on comments.author_id = users.user_id
),

ordered as (
    select
        *,
        row_number() over (
            partition by ticket_id
            order by created_at, comment_id
        ) as comment_index
    from with_author_role
),

final as (
    select
        comment_id,
        audit_id,
        ticket_id,
        created_at,
        author_id,
        is_public,
        is_agent_author,
        coalesce(is_end_user_author, false) as is_end_user_author,
        is_public and is_agent_author as is_public_agent_comment,
        comment_index,
        comment_index = 1 as is_opening_comment
    from ordered
)

select * from final
