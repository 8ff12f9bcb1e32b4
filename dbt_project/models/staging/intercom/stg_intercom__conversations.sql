{%- set scope = csops.incremental_model('versions', 'conversation_id') %}

-- Incremental (docs/incremental.md): only the rows landed since the last build are read.
with source as (
    select * from {{ source('intercom', 'conversations') }}
    where {{ csops.landed_since(scope) }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id', updated_at='updated_at') }}
),

final as (
    select
        cast(id as {{ csops.type_string() }}) as conversation_id,
        created_at,
        updated_at,
        lower(state) as state,
        open as is_open,
        cast(admin_assignee_id as {{ csops.type_string() }}) as admin_assignee_id,
        cast(team_assignee_id as {{ csops.type_string() }}) as team_assignee_id,
        lower(source_type) as source_type,
        lower(source_delivered_as) as source_delivered_as,
        lower(source_author_type) as source_author_type,
        cast(source_author_id as {{ csops.type_string() }}) as source_author_id,
        source_author_email,
        cast(contact_id as {{ csops.type_string() }}) as contact_id,
        rating,
        rating_created_at,
        cast(rating_teammate_id as {{ csops.type_string() }}) as rating_teammate_id,
        coalesce(ai_agent_participated, false) as is_ai_agent_participated,
        lower(ai_agent_resolution_state) as ai_agent_resolution_state,
        sla_name,
        lower(sla_status) as sla_status,
        parts,
        _window_end,
        _extracted_at
    from latest
)

{{ csops.keep_latest_versions(scope, 'final', 'conversation_id',
    'updated_at desc nulls last, _window_end desc, _extracted_at desc') }}
