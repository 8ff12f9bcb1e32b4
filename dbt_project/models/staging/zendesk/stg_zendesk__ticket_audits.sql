with source as (
    select * from {{ source('zendesk', 'ticket_audits') }}
),

-- Landed rows are versions: keep the latest of each record (the latest window, then the
-- latest extraction). An audit never changes once written, so its versions differ only in
-- when they landed; finding the newer one by an anti-join on the id reads the wide events
-- column once, where ranking every version would sort it (twice as slow on a year of audits).
latest as (
    select *
    from source as current_version
    where not exists (
        select 1
        from {{ source('zendesk', 'ticket_audits') }} as newer_version
        where newer_version.id = current_version.id
            and (
                newer_version._window_end > current_version._window_end
                or (
                    newer_version._window_end = current_version._window_end
                    and newer_version._extracted_at > current_version._extracted_at
                )
            )
    )
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
    from latest
)

select * from final
