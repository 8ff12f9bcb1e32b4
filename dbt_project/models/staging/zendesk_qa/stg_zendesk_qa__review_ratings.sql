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
        cast(rating.category_id as {{ csops.type_string() }}) as category_id,
        rating.category_name as category_name,
        rating.score as score,
        rating.weight as weight,
        coalesce(rating.critical, false) as is_critical,
        rating.score is null as is_na
    from exploded
)

select * from final
