{%- set scope = csops.incremental_model('versions', 'response_id') %}

-- Incremental (docs/incremental.md): only the rows landed since the last build are read.
with source as (
    select * from {{ source('typeform', 'responses') }}
    where {{ csops.landed_since(scope) }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'response_id') }}
),

final as (
    select
        cast(response_id as {{ csops.type_string() }}) as response_id,
        cast(form_id as {{ csops.type_string() }}) as form_id,
        landed_at,
        submitted_at,
        hidden_ticket_id,
        hidden_conversation_id,
        hidden_email,
        answers,
        _window_end,
        _extracted_at
    from latest
)

{{ csops.keep_latest_versions(scope, 'final', 'response_id',
    '_window_end desc, _extracted_at desc') }}
