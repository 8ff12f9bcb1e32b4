-- One row per QA review from Zendesk QA, its latest version (docs/kpis.md "QA reviews"):
-- the contact it evaluates, the reviewee (agent_key) and reviewer, the vendor's review score
-- and whether a critical category failed. A review whose contact or agent could not be
-- matched is kept with a null key (a warning test counts them).
with reviews as (
    select * from {{ ref('int_qa__reviews') }}
),

agents as (
    select * from {{ ref('dim_agent') }}
),

final as (
    select
        reviews.review_key,
        reviews.review_id,
        'zendesk_qa' as source,
        reviews.reviewed_at,
        reviews.reviewed_date,
        reviews.updated_at,
        reviews.contact_key,
        reviews.contact_type,
        reviews.agent_key,
        agents.team_key,
        reviews.reviewer_agent_key,
        reviews.scorecard_name,
        reviews.score_pct,
        reviews.has_critical_failure,
        reviews.is_self_review
    from reviews
    left join agents
        on reviews.agent_key = agents.agent_key
)

select * from final
