{%- set scope = csops.incremental_model('versions', 'ticket_id') %}

-- Incremental (docs/incremental.md): only the rows landed since the last build are read.
with source as (
    select * from {{ source('zendesk', 'tickets') }}
    where {{ csops.landed_since(scope) }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id', updated_at='updated_at') }}
),

final as (
    select
        cast(id as bigint) as ticket_id,
        created_at,
        updated_at,
        lower(status) as status,
        lower(priority) as priority,
        lower(channel) as via_channel,
        cast(group_id as bigint) as group_id,
        cast(assignee_id as bigint) as assignee_id,
        cast(requester_id as bigint) as requester_id,
        cast(submitter_id as bigint) as submitter_id,
        cast(organization_id as bigint) as organization_id,
        tags,
        lower(satisfaction_score) as satisfaction_score,
        is_public,
        _window_end,
        _extracted_at
    from latest
)

{{ csops.keep_latest_versions(scope, 'final', 'ticket_id',
    'updated_at desc nulls last, _window_end desc, _extracted_at desc') }}
