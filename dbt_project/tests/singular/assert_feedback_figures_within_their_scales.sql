{{ config(meta={'dagster': {'ref': {'name': 'fct_survey_responses'}}}) }}
-- Feedback invariants (issue 3 item 6): every score lies on its scale, NPS within -100..100,
-- the CES mean within 1..7, and each KPI row holds only its survey type's figures.
with responses as (
    select * from {{ ref('fct_survey_responses') }}
),

daily as (
    select * from {{ ref('kpi_feedback_daily') }}
),

off_scale_scores as (
    select
        'score off its scale' as failure,
        response_key as row_key
    from responses
    where score < scale_min
        or score > scale_max
),

misplaced_categories as (
    select
        'is_satisfied or nps_category on the wrong survey type' as failure,
        response_key as row_key
    from responses
    where (survey_type = 'csat') != (is_satisfied is not null)
        or (survey_type = 'nps') != (nps_category is not null)
),

out_of_range_kpis as (
    select
        'kpi out of range or on the wrong survey type' as failure,
        cast(date_day as {{ dbt.type_string() }}) || ' ' || survey_type as row_key
    from daily
    where nps < -100
        or nps > 100
        or ces_mean < 1
        or ces_mean > 7
        or (survey_type = 'csat') != (csat_pct is not null)
        or (survey_type = 'nps') != (nps is not null)
        or (survey_type = 'ces') != (ces_mean is not null)
        or promoters + passives + detractors != responses
        or satisfied > responses
        or ces_easy > responses
)

select * from off_scale_scores
union all
select * from misplaced_categories
union all
select * from out_of_range_kpis
