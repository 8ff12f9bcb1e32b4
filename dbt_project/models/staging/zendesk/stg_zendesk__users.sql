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
        -- The user's own time zone (a Rails name) and Zendesk's IANA name for it, read from
        -- the landed record: the agents' local time for shifts and workload (docs/kpis.md).
        {{ csops.raw_text_field('_raw', 'time_zone') }} as time_zone,
        {{ csops.raw_text_field('_raw', 'iana_time_zone') }} as iana_time_zone,
        created_at,
        updated_at,
        _window_end,
        _extracted_at
    from latest
)

select * from final
