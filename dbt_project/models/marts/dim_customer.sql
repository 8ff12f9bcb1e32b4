-- The conformed customer (issue 3, docs/kpis.md): one row per person across Zendesk end
-- users (and ticket requesters), Intercom conversation authors and Typeform respondents,
-- keyed by the salted hash of the lower-cased email, so the same address is one customer in
-- every source. No name or email reaches this table.
with users as (
    select * from {{ ref('stg_zendesk__users') }}
),

tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

conversations as (
    select * from {{ ref('fct_conversations') }}
),

responses as (
    select * from {{ ref('stg_typeform__responses') }}
),

-- Requesters are customers even when their user record says agent: the facts key the
-- requester of every ticket.
requesters as (
    select distinct requester_id
    from tickets
),

zendesk_people as (
    select
        {{ csops.customer_key('users.email') }} as customer_key,
        'zendesk' as source,
        users.organization_id,
        users.updated_at,
        users.created_at as seen_at
    from users
    left join requesters
        on users.user_id = requesters.requester_id
    where not users.is_agent
        or requesters.requester_id is not null
),

-- The conversation's author is the customer unless a teammate or bot started it: the key
-- fct_conversations gives it (hashed there once, not again here).
intercom_people as (
    select
        customer_key,
        'intercom' as source,
        cast(null as bigint) as organization_id,
        cast(null as {{ csops.type_timestamp_tz() }}) as updated_at,
        created_at as seen_at
    from conversations
    where customer_key is not null
),

typeform_people as (
    select
        {{ csops.customer_key('hidden_email') }} as customer_key,
        'typeform' as source,
        cast(null as bigint) as organization_id,
        cast(null as {{ csops.type_timestamp_tz() }}) as updated_at,
        submitted_at as seen_at
    from responses
),

sightings as (
    select * from zendesk_people
    union all
    select * from intercom_people
    union all
    select * from typeform_people
),

-- Only Zendesk knows organizations. Two Zendesk users with one email (a re-created account)
-- resolve to the organization of the most recently updated one that has an organization.
organizations as (
    select
        customer_key,
        organization_id,
        row_number() over (
            partition by customer_key
            order by updated_at desc nulls last, organization_id desc
        ) as organization_rank
    from sightings
    where organization_id is not null
),

people as (
    select
        customer_key,
        min(seen_at) as first_seen_at,
        {{ csops.sorted_distinct_string_agg('source') }} as sources
    from sightings
    where customer_key is not null
    group by customer_key
),

final as (
    select
        people.customer_key,
        -- The key is the salted email hash itself; email_hash names it for analysts who match
        -- an address hashed with the same salt.
        people.customer_key as email_hash,
        {{ csops.source_key('zendesk', 'organizations.organization_id') }} as organization_key,
        people.first_seen_at,
        people.sources
    from people
    left join organizations
        on people.customer_key = organizations.customer_key
        and organizations.organization_rank = 1
)

select * from final
