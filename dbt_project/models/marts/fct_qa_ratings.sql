-- One row per category rating of a QA review (docs/kpis.md "QA reviews"). N/A ratings (no
-- score) are kept and flagged with is_na; every average and count leaves them out.
with ratings as (
    select * from {{ ref('stg_zendesk_qa__review_ratings') }}
),

reviews as (
    select * from {{ ref('fct_qa_reviews') }}
),

final as (
    select
        reviews.review_key,
        ratings.category_id,
        ratings.category_name,
        ratings.score as score_pct,
        ratings.weight,
        ratings.is_critical,
        ratings.is_na,
        coalesce(ratings.is_critical and ratings.score = 0, false) as is_critical_failure,
        reviews.reviewed_at,
        reviews.reviewed_date,
        reviews.agent_key,
        reviews.team_key
    from ratings
    inner join reviews
        on ratings.review_id = reviews.review_id
)

select * from final
