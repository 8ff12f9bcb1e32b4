{%- set scope = csops.incremental_model('versions', 'satisfaction_rating_id') %}

-- Incremental (docs/incremental.md): only the rows landed since the last build are read.
with source as (
    select * from {{ source('zendesk', 'satisfaction_ratings') }}
    where {{ csops.landed_since(scope) }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id', updated_at='updated_at') }}
),

final as (
    select
        cast(id as bigint) as satisfaction_rating_id,
        cast(ticket_id as bigint) as ticket_id,
        cast(assignee_id as bigint) as assignee_id,
        cast(group_id as bigint) as group_id,
        cast(requester_id as bigint) as requester_id,
        lower(score) as score,
        created_at,
        updated_at,
        _window_end,
        _extracted_at
    from latest
)

{{ csops.keep_latest_versions(scope, 'final', 'satisfaction_rating_id',
    'updated_at desc nulls last, _window_end desc, _extracted_at desc') }}
