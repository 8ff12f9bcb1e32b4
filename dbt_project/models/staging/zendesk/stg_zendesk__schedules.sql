with source as (
    select * from {{ source('zendesk', 'schedules') }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id', updated_at='updated_at') }}
),

final as (
    select
        cast(id as bigint) as schedule_id,
        name as schedule_name,
        time_zone as rails_time_zone,
        intervals,
        created_at,
        updated_at,
        _window_end,
        _extracted_at
    from latest
)

select * from final
