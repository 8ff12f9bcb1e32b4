-- One row per ticket audit, its events left to stg_zendesk__ticket_audit_events: each of
-- the two reads the landed files itself, which is cheaper than storing the nested events
-- here to unnest them there (benchmarks/RESULTS.md).
with latest as (
    {{ csops.latest_versions(
        source('zendesk', 'ticket_audits'),
        columns='id, ticket_id, created_at, author_id, via_channel, _window_end, _extracted_at'
    ) }}
),

final as (
    select
        cast(id as bigint) as audit_id,
        cast(ticket_id as bigint) as ticket_id,
        created_at,
        cast(author_id as bigint) as author_id,
        lower(via_channel) as via_channel,
        _window_end,
        _extracted_at
    from latest
)

select * from final
