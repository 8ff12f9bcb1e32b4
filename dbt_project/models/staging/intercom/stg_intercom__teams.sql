with source as (
    select * from {{ source('intercom', 'teams') }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id') }}
),

final as (
    select
        cast(id as {{ csops.type_string() }}) as team_id,
        name as team_name,
        admin_ids,
        _window_end,
        _extracted_at
    from latest
)

select * from final
