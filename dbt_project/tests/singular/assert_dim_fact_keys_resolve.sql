{{ config(meta={'dagster': {'ref': {'name': 'fct_contacts'}}}) }}
-- Relationships from the facts to the dimensions (docs/kpis.md and docs/bi.md): every agent,
-- team, customer, channel and created date a contact carries has its row in the dimension,
-- so a BI join never drops a contact.
with contacts as (
    select * from {{ ref('fct_contacts') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

conversations as (
    select * from {{ ref('fct_conversations') }}
),

fact_keys as (
    select
        'fct_contacts' as fact,
        contact_key as row_key,
        agent_key,
        team_key,
        customer_key,
        channel,
        created_date
    from contacts
    union all
    select
        'fct_tickets',
        ticket_key,
        agent_key,
        team_key,
        customer_key,
        channel,
        cast(null as date)
    from tickets
    union all
    select
        'fct_conversations',
        conversation_key,
        agent_key,
        team_key,
        customer_key,
        channel,
        cast(null as date)
    from conversations
),

orphans as (
    select
        fact_keys.fact,
        fact_keys.row_key,
        case
            when fact_keys.agent_key is not null and agents.agent_key is null then 'agent_key'
            when fact_keys.team_key is not null and teams.team_key is null then 'team_key'
            when fact_keys.customer_key is not null and customers.customer_key is null
                then 'customer_key'
            when fact_keys.channel is not null and channels.channel is null then 'channel'
            when fact_keys.created_date is not null and dates.date_day is null then 'created_date'
        end as unresolved_key
    from fact_keys
    left join {{ ref('dim_agent') }} as agents
        on fact_keys.agent_key = agents.agent_key
    left join {{ ref('dim_team') }} as teams
        on fact_keys.team_key = teams.team_key
    left join {{ ref('dim_customer') }} as customers
        on fact_keys.customer_key = customers.customer_key
    left join {{ ref('dim_channel') }} as channels
        on fact_keys.channel = channels.channel
    left join {{ ref('dim_date') }} as dates
        on fact_keys.created_date = dates.date_day
)

select * from orphans
where unresolved_key is not null
