-- One row per category rating of a review's latest version (stg_zendesk_qa__reviews). A
-- rating without a score is N/A: kept here and flagged, left out of every average and count
-- downstream (docs/kpis.md "QA reviews").
with reviews as (
    select * from {{ ref('stg_zendesk_qa__reviews') }}
),

exploded as (
    select
        review_id,
        {{ csops.unnest_list('ratings') }} as rating
    from reviews
),

final as (
    select
        review_id,
        cast({{ csops.list_field('rating', 'category_id', 'string') }} as {{ csops.type_string() }})
            as category_id,
        {{ csops.list_field('rating', 'category_name', 'string') }} as category_name,
        {{ csops.list_field('rating', 'score', 'double') }} as score,
        {{ csops.list_field('rating', 'weight', 'double') }} as weight,
        coalesce({{ csops.list_field('rating', 'critical', 'boolean') }}, false) as is_critical,
        {{ csops.list_field('rating', 'score', 'double') }} is null as is_na
    from exploded
)

select * from final
