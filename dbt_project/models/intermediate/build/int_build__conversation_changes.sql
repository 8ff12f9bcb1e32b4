-- When each staged Intercom conversation version was extracted, for the incremental models
-- (docs/incremental.md): a build recomputes the conversations landed since its watermark.
{{ config(materialized='view') }}

with conversations as (
    select conversation_id, _extracted_at from {{ ref('stg_intercom__conversations') }}
),

final as (
    select conversation_id, _extracted_at as landed_at
    from conversations
)

select * from final
