with source as (
    select * from {{ source('zendesk', 'groups') }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id', updated_at='updated_at') }}
),

final as (
    select
        cast(id as bigint) as group_id,
        name as group_name,
        coalesce(deleted, false) as is_deleted,
        created_at,
        updated_at,
        _window_end,
        _extracted_at
    from latest
)

select * from final
