with source as (
    select * from {{ source('zendesk', 'holidays') }}
),

-- Landed rows are versions: keep the latest of each record.
ranked as (
    select
        *,
        row_number() over (
            partition by id
            order by _window_end desc, _extracted_at desc
        ) as version_rank
    from source
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
    from ranked
    where version_rank = 1
)

select * from final
