{%- set scope = csops.incremental_model('versions', 'audit_id') %}
-- One row per ticket audit, its events left to stg_zendesk__ticket_audit_events: each of
-- the two reads the landed files itself, which is cheaper than storing the nested events
-- here to unnest them there (benchmarks/RESULTS.md).
-- Incremental (docs/incremental.md): only the audits landed since the last build are read.
with latest as (
    {{ csops.latest_versions(
        '(select * from ' ~ source('zendesk', 'ticket_audits') ~ ' where '
            ~ csops.landed_since(scope) ~ ')',
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

{{ csops.keep_latest_versions(scope, 'final', 'audit_id',
    '_window_end desc, _extracted_at desc') }}
