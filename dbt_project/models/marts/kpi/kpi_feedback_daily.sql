-- Daily feedback KPIs per survey type, channel and source (docs/kpis.md), counted on
-- the submission date. Each row carries only the figures of its survey type: CSAT counts and
-- CSAT %, NPS categories and NPS, or the CES mean and % easy; the others are null. Rows exist
-- for the slices that had responses that day; channel is null for responses linked to no
-- contact.
with responses as (
    select * from {{ ref('fct_survey_responses') }}
),

daily as (
    select
        submitted_date as date_day,
        survey_type,
        channel,
        source,
        count(*) as responses,
        sum(case when is_satisfied then 1 else 0 end) as satisfied,
        sum(case when nps_category = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_category = 'passive' then 1 else 0 end) as passives,
        sum(case when nps_category = 'detractor' then 1 else 0 end) as detractors,
        sum(score) as score_sum,
        sum(case when score >= 5 then 1 else 0 end) as easy
    from responses
    group by submitted_date, survey_type, channel, source
),

final as (
    select
        date_day,
        survey_type,
        channel,
        source,
        cast(responses as integer) as responses,
        case when survey_type = 'csat' then cast(satisfied as integer) end as satisfied,
        -- Rates are percentages 0-100 (responses is never 0 on a row that exists).
        case when survey_type = 'csat' then cast(100 as {{ csops.type_double() }}) * satisfied / responses end as csat_pct,
        case when survey_type = 'nps' then cast(promoters as integer) end as promoters,
        case when survey_type = 'nps' then cast(passives as integer) end as passives,
        case when survey_type = 'nps' then cast(detractors as integer) end as detractors,
        case when survey_type = 'nps' then cast(100 as {{ csops.type_double() }}) * (promoters - detractors) / responses end
            as nps,
        case when survey_type = 'ces' then score_sum end as ces_score_sum,
        case when survey_type = 'ces' then score_sum / responses end as ces_mean,
        case when survey_type = 'ces' then cast(easy as integer) end as ces_easy,
        case when survey_type = 'ces' then cast(100 as {{ csops.type_double() }}) * easy / responses end as ces_easy_pct
    from daily
)

select * from final
