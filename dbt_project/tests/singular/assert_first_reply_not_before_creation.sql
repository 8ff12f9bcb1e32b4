{{ config(meta={'dagster': {'ref': {'name': 'fct_contacts'}}}) }}
-- A first reply (or first response) can never precede the contact's creation: a negative
-- first reply time means a clock or a pairing is wrong.
-- depends_on: {{ ref('fct_contacts') }}
select
    ticket_key as contact_key,
    created_at,
    first_reply_at as first_response_at
from {{ ref('fct_tickets') }}
where first_reply_at < created_at
union all
select
    conversation_key as contact_key,
    created_at,
    first_admin_reply_at as first_response_at
from {{ ref('fct_conversations') }}
where first_admin_reply_at < created_at
