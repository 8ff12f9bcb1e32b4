with source as (
    select * from {{ source('intercom', 'admins') }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id') }}
),

final as (
    select
        cast(id as {{ csops.type_string() }}) as admin_id,
        name as admin_name,
        email,
        lower(type) as admin_type,
        team_ids,
        _window_end,
        _extracted_at
    from latest
)

select * from final
