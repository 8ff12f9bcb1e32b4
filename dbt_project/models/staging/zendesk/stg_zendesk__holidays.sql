with source as (
    select * from {{ source('zendesk', 'holidays') }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id') }}
),

final as (
    select
        cast(id as bigint) as holiday_id,
        cast(schedule_id as bigint) as schedule_id,
        name as holiday_name,
        start_date,
        end_date,
        _window_end,
        _extracted_at
    from latest
)

select * from final
