with source as (
    select * from {{ source('zendesk', 'groups') }}
),

-- Landed rows are versions: keep the latest of each record.
ranked as (
    select
        *,
        row_number() over (
            partition by id
            order by updated_at desc nulls last, _window_end desc, _extracted_at desc
        ) as version_rank
    from source
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
    from ranked
    where version_rank = 1
)

select * from final
