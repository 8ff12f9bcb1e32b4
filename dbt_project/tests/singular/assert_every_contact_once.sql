{{ config(meta={'dagster': {'ref': {'name': 'fct_contacts'}}}) }}
-- Reconciliation: every landed ticket and conversation appears in fct_contacts exactly once.
with landed as (
    select 'ticket' as contact_type, cast(ticket_id as {{ dbt.type_string() }}) as contact_id
    from {{ ref('stg_zendesk__tickets') }}
    union all
    select 'conversation' as contact_type, conversation_id as contact_id
    from {{ ref('stg_intercom__conversations') }}
),

counted as (
    select
        landed.contact_type,
        landed.contact_id,
        count(contacts.contact_key) as occurrences
    from landed
    left join {{ ref('fct_contacts') }} as contacts
        on landed.contact_type = contacts.contact_type
        and landed.contact_id = contacts.contact_id
    group by landed.contact_type, landed.contact_id
)

select * from counted
where occurrences != 1
