with source as (
    select * from {{ source('typeform', 'forms') }}
),

-- Landed rows are versions: keep the latest of each record.
latest as (
    {{ csops.latest_version_per_record('source', 'id') }}
),

final as (
    select
        cast(id as {{ csops.type_string() }}) as form_id,
        title as form_title,
        fields,
        _window_end,
        _extracted_at
    from latest
)

select * from final
