with source as (
    select * from {{ source('intercom', 'teams') }}
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
        cast(id as varchar) as team_id,
        name as team_name,
        admin_ids,
        _window_end,
        _extracted_at
    from ranked
    where version_rank = 1
)

select * from final
