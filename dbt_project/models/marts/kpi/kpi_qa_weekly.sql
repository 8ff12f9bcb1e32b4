-- QA per agent and ISO week (docs/kpis.md "QA reviews"). QA score: the mean vendor score of
-- the reviews of the agent dated in the week (review creation, reporting dates). Review
-- coverage: of the contacts the agent resolved in the week (a ticket solve or a conversation
-- close they made, as tickets_solved / conversations_closed), the share with at least one
-- review of that agent dated up to as_of. One row per agent-week with a review or a
-- resolution; reviews of an unmatched reviewee are in no row (fct_qa_reviews keeps them).
with reviews as (
    select * from {{ ref('fct_qa_reviews') }}
),

activities as (
    select * from {{ ref('int_agents__activities') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

weekly_reviews as (
    select
        {{ csops.iso_week_start('reviewed_date') }} as week_start,
        agent_key,
        count(*) as reviews,
        count(score_pct) as scored_reviews,
        -- Rounded to 1e-9: a sum of doubles in another order must not change the last bit
        -- from one build to the next, or from one engine to another.
        {{ csops.round_double('sum(score_pct)', 9) }} as score_pct_sum,
        sum(case when has_critical_failure then 1 else 0 end) as critical_failures
    from reviews
    where agent_key is not null
    group by 1, 2
),

-- A contact resolved twice in one week by the same agent counts once that week.
resolutions as (
    select distinct
        {{ csops.iso_week_start('activities.date_day') }} as week_start,
        activities.agent_key,
        contacts.contact_key
    from activities
    inner join contacts
        on activities.contact_type = contacts.contact_type
        and activities.contact_id = contacts.contact_id
    where activities.activity_type in ('ticket_solve', 'conversation_close')
),

reviewed_pairs as (
    select distinct
        reviews.agent_key,
        reviews.contact_key
    from reviews
    cross join as_of
    where reviews.agent_key is not null
        and reviews.contact_key is not null
        and (as_of.as_of is null or reviews.reviewed_at <= as_of.as_of)
),

weekly_coverage as (
    select
        resolutions.week_start,
        resolutions.agent_key,
        count(*) as resolved_contacts,
        count(reviewed_pairs.contact_key) as reviewed_contacts
    from resolutions
    left join reviewed_pairs
        on resolutions.agent_key = reviewed_pairs.agent_key
        and resolutions.contact_key = reviewed_pairs.contact_key
    group by 1, 2
),

final as (
    select
        coalesce(weekly_reviews.week_start, weekly_coverage.week_start) as week_start,
        coalesce(weekly_reviews.agent_key, weekly_coverage.agent_key) as agent_key,
        cast(coalesce(weekly_reviews.reviews, 0) as integer) as reviews,
        cast(coalesce(weekly_reviews.scored_reviews, 0) as integer) as scored_reviews,
        cast(weekly_reviews.score_pct_sum as {{ csops.type_double() }}) as score_pct_sum,
        cast(weekly_reviews.score_pct_sum / nullif(weekly_reviews.scored_reviews, 0) as {{ csops.type_double() }})
            as qa_score_pct,
        cast(coalesce(weekly_reviews.critical_failures, 0) as integer) as critical_failures,
        cast(coalesce(weekly_coverage.resolved_contacts, 0) as integer) as resolved_contacts,
        cast(coalesce(weekly_coverage.reviewed_contacts, 0) as integer) as reviewed_contacts,
        cast(
            cast(100 as {{ csops.type_double() }}) * weekly_coverage.reviewed_contacts
            / nullif(weekly_coverage.resolved_contacts, 0) as {{ csops.type_double() }}
        ) as review_coverage_pct
    from weekly_reviews
    full outer join weekly_coverage
        on weekly_reviews.week_start = weekly_coverage.week_start
        and weekly_reviews.agent_key = weekly_coverage.agent_key
)

select * from final
