-- When each staged Typeform response was extracted, for the incremental models
-- (docs/incremental.md): a build recomputes the responses landed since its watermark.
{{ config(materialized='view') }}

with responses as (
    select response_id, _extracted_at from {{ ref('stg_typeform__responses') }}
),

final as (
    select response_id, _extracted_at as landed_at
    from responses
)

select * from final
