{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_qa_reviews'}}}) }}
-- A warning, not an error (docs/kpis.md "QA reviews"): QA reviews whose contact or reviewee
-- could not be matched stay in fct_qa_reviews with a null key; one row per such review, so
-- the check's count is the number of reviews left out of the per-agent and coverage figures.
select
    review_key,
    review_id,
    case
        when contact_key is null and agent_key is null then 'contact and reviewee'
        when contact_key is null then 'contact'
        else 'reviewee'
    end as unmatched
from {{ ref('fct_qa_reviews') }}
where contact_key is null
    or agent_key is null
