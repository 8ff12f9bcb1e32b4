-- Each QA review matched to the help desks (docs/kpis.md "QA reviews"): its contact (the
-- exported conversation's externalId within its sourceType), its reviewee and reviewer (by
-- email, case-insensitively, among the agents of the contact's help desk first, else among
-- all agents), and whether a critical category failed. What cannot be matched keeps a null
-- key; the warning test on fct_qa_reviews counts it.
with reviews as (
    select * from {{ ref('stg_zendesk_qa__reviews') }}
),

ratings as (
    select * from {{ ref('stg_zendesk_qa__review_ratings') }}
),

agent_emails as (
    select * from {{ ref('int_qa__agent_emails') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

-- Each review's two people, reviewee and reviewer, matched alike.
people as (
    select review_id, source_type, 'reviewee' as person_role, reviewee_email as email
    from reviews
    union all
    select review_id, source_type, 'reviewer' as person_role, reviewer_email as email
    from reviews
),

-- The agent of the review's own help desk first; among other help desks, by name, so the
-- match is the same on every build.
person_matches as (
    select
        people.review_id,
        people.person_role,
        agent_emails.agent_key,
        row_number() over (
            partition by people.review_id, people.person_role
            order by
                case when agent_emails.source = people.source_type then 0 else 1 end,
                agent_emails.source
        ) as match_rank
    from people
    inner join agent_emails
        on people.email = agent_emails.email
),

critical_failures as (
    select distinct review_id
    from ratings
    where is_critical
        and not is_na
        and score = 0
),

final as (
    select
        {{ csops.source_key('zendesk_qa', 'reviews.review_id') }} as review_key,
        reviews.review_id,
        reviews.created_at as reviewed_at,
        {{ csops.to_reporting_date('reviews.created_at') }} as reviewed_date,
        reviews.updated_at,
        reviews.external_id,
        reviews.source_type,
        contacts.contact_key,
        contacts.contact_type,
        reviewees.agent_key,
        reviewers.agent_key as reviewer_agent_key,
        reviews.scorecard_name,
        reviews.score as score_pct,
        critical_failures.review_id is not null as has_critical_failure,
        coalesce(reviews.reviewer_email = reviews.reviewee_email, false) as is_self_review
    from reviews
    left join contacts
        on reviews.source_type = contacts.source
        and reviews.external_id = contacts.contact_id
    left join person_matches as reviewees
        on reviews.review_id = reviewees.review_id
        and reviewees.person_role = 'reviewee'
        and reviewees.match_rank = 1
    left join person_matches as reviewers
        on reviews.review_id = reviewers.review_id
        and reviewers.person_role = 'reviewer'
        and reviewers.match_rank = 1
    left join critical_failures
        on reviews.review_id = critical_failures.review_id
)

select * from final
