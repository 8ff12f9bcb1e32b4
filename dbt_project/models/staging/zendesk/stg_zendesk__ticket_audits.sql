with source as (
    select * from {{ source('zendesk', 'ticket_audits') }}
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
        cast(id as bigint) as audit_id,
        cast(ticket_id as bigint) as ticket_id,
        created_at,
        cast(author_id as bigint) as author_id,
        lower(via_channel) as via_channel,
        events,
        _window_end,
        _extracted_at
    from ranked
    where version_rank = 1
)

select * from final
