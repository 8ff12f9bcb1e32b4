-- Every agent's email, lower-cased and trimmed, with the help desk it belongs to: what a QA
-- review's reviewee and reviewer are matched on (docs/kpis.md "QA reviews"; the export names
-- people by email only). Agents as in dim_agent: Zendesk users whose role is agent or admin,
-- and Intercom admins. Should one help desk hold an email twice, its active agent, then the
-- lowest id, is kept, so a review never matches two agents of one help desk.
with users as (
    select * from {{ ref('stg_zendesk__users') }}
),

admins as (
    select * from {{ ref('stg_intercom__admins') }}
),

agent_emails as (
    select
        {{ csops.source_key('zendesk', 'user_id') }} as agent_key,
        'zendesk' as source,
        cast(user_id as {{ dbt.type_string() }}) as agent_id,
        lower(trim(email)) as email,
        coalesce(is_active, true) as is_active
    from users
    where is_agent
    union all
    select
        {{ csops.source_key('intercom', 'admin_id') }} as agent_key,
        'intercom' as source,
        admin_id as agent_id,
        lower(trim(email)) as email,
        true as is_active
    from admins
),

ranked as (
    select
        *,
        row_number() over (
            partition by source, email
            order by is_active desc, agent_id
        ) as email_rank
    from agent_emails
    where nullif(email, '') is not null
),

final as (
    select
        agent_key,
        source,
        email
    from ranked
    where email_rank = 1
)

select * from final
