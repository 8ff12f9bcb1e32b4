with source as (
    select * from {{ source('zendesk', 'sla_policies') }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id', updated_at='updated_at') }}
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
    from latest
)

select * from final
