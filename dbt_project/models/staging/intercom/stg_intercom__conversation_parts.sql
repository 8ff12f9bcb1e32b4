{%- set scope = csops.incremental_model('versions', 'conversation_id') %}
-- One row per conversation part (replies, notes, assignments, opens and closes), from the
-- latest landed version of each conversation.
-- Incremental (docs/incremental.md): the parts of the conversations whose staged version
-- is newer than the last build replace that conversation's parts. A conversation's parts
-- only grow (Intercom appends them), so a newer version lists every part an older one did.
with conversations as (
    select * from {{ ref('stg_intercom__conversations') }}
    where {{ csops.landed_since(scope) }}
),

exploded as (
    select
        conversation_id,
        _extracted_at,
        {{ csops.unnest_list('parts') }} as part
    from conversations
),

final as (
    select
        cast(part.id as {{ csops.type_string() }}) as part_id,
        conversation_id,
        lower(part.part_type) as part_type,
        lower(part.author_type) as author_type,
        cast(part.author_id as {{ csops.type_string() }}) as author_id,
        part.created_at as created_at,
        coalesce(part.has_body, false) as has_body,
        lower(part.assigned_to_type) as assigned_to_type,
        cast(part.assigned_to_id as {{ csops.type_string() }}) as assigned_to_id,
        _extracted_at
    from exploded
)

select * from final
