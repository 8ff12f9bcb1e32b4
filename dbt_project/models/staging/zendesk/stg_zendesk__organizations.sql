with source as (
    select * from {{ source('zendesk', 'organizations') }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id', updated_at='updated_at') }}
),

final as (
    select
        cast(id as bigint) as organization_id,
        name as organization_name,
        created_at,
        updated_at,
        _window_end,
        _extracted_at
    from latest
)

select * from final
