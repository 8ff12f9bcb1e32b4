with source as (
    select * from {{ source('zendesk', 'users') }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id', updated_at='updated_at') }}
),

final as (
    select
        cast(id as bigint) as user_id,
        name as user_name,
        email,
        lower(role) as role,
        lower(role) in ('agent', 'admin') as is_agent,
        active as is_active,
        cast(organization_id as bigint) as organization_id,
        cast(default_group_id as bigint) as default_group_id,
        created_at,
        updated_at,
        _window_end,
        _extracted_at
    from latest
)

select * from final
