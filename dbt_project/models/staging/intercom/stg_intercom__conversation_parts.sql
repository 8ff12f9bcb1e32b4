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
        cast({{ csops.list_field('part', 'id', 'string') }} as {{ csops.type_string() }}) as part_id,
        conversation_id,
        lower({{ csops.list_field('part', 'part_type', 'string') }}) as part_type,
        lower({{ csops.list_field('part', 'author_type', 'string') }}) as author_type,
        cast({{ csops.list_field('part', 'author_id', 'string') }} as {{ csops.type_string() }})
            as author_id,
        {{ csops.list_field('part', 'created_at', 'timestamp_tz') }} as created_at,
        coalesce({{ csops.list_field('part', 'has_body', 'boolean') }}, false) as has_body,
        lower({{ csops.list_field('part', 'assigned_to_type', 'string') }}) as assigned_to_type,
        cast({{ csops.list_field('part', 'assigned_to_id', 'string') }} as {{ csops.type_string() }})
            as assigned_to_id,
        _extracted_at
    from exploded
)

select * from final
