with source as (
    select * from {{ source('zendesk', 'sla_policies') }}
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
        cast(id as bigint) as sla_policy_id,
        title as sla_policy_title,
        position as sla_policy_position,
        filter_all,
        filter_any,
        policy_metrics,
        created_at,
        updated_at,
        _window_end,
        _extracted_at
    from ranked
    where version_rank = 1
)

select * from final
