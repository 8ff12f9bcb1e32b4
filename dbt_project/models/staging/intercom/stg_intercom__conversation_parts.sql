-- One row per conversation part (replies, notes, assignments, opens and closes), from the
-- latest landed version of each conversation.
with conversations as (
    select * from {{ ref('stg_intercom__conversations') }}
),

exploded as (
    select
        conversation_id,
        {{ csops.unnest_list('parts') }} as part
    from conversations
),

final as (
    select
        cast(part.id as varchar) as part_id,
        conversation_id,
        lower(part.part_type) as part_type,
        lower(part.author_type) as author_type,
        cast(part.author_id as varchar) as author_id,
        part.created_at as created_at,
        coalesce(part.has_body, false) as has_body,
        lower(part.assigned_to_type) as assigned_to_type,
        cast(part.assigned_to_id as varchar) as assigned_to_id
    from exploded
)

select * from final
