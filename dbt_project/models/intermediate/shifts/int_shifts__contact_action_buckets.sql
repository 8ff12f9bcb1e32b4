-- Incremental (docs/incremental.md): rebuilds the buckets of the tickets and conversations
-- that their own incremental models rebuild.
{%- set scope = csops.incremental_model('contact', 'contact_id', scope_key="contact_type || ':' || contact_id") %}
-- The quarter hours in which someone acted on a contact, one row per contact, actor and
-- 15-minute UTC bucket: a Zendesk comment (public or private) or status change, by its
-- author, or an Intercom conversation part written as a teammate (admin; bots' parts are not
-- a person's). The actor is the source's own user id; int_shifts__active_buckets matches it
-- to a person. Kept per contact so that a night recomputes only the contacts with something
-- new, instead of bucketing every action of the history again.
with audit_events as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__ticket_audit_events') }}
    where {{ csops.in_scope(scope, "ticket_id") }}
),

conversation_parts as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_intercom__conversation_parts') }}
    where {{ csops.in_scope(scope, "conversation_id") }}
),

ticket_actions as (
    select distinct
        'ticket' as contact_type,
        cast(ticket_id as {{ dbt.type_string() }}) as contact_id,
        'zendesk' as actor_source,
        cast(event_author_id as {{ dbt.type_string() }}) as actor_id,
        {{ csops.quarter_hour_bucket('created_at') }} as bucket_start
    from audit_events
    where (event_type = 'Comment' or (event_type = 'Change' and field_name = 'status'))
        and event_author_id is not null
        and created_at is not null
),

conversation_actions as (
    select distinct
        'conversation' as contact_type,
        conversation_id as contact_id,
        'intercom' as actor_source,
        author_id as actor_id,
        {{ csops.quarter_hour_bucket('created_at') }} as bucket_start
    from conversation_parts
    where author_type = 'admin'
        and author_id is not null
        and created_at is not null
)

select * from ticket_actions
union all
select * from conversation_actions
