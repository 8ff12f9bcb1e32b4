-- QA category ratings per ISO week, team and category (docs/kpis.md "QA reviews"): the
-- reviewee's team as in dim_agent (null when the reviewee is unknown), ratings with a score
-- (N/A left out of every figure), their mean and the critical failures, by review date.
with ratings as (
    select * from {{ ref('fct_qa_ratings') }}
),

final as (
    select
        {{ csops.iso_week_start('reviewed_date') }} as week_start,
        team_key,
        category_name,
        cast(count(*) as integer) as ratings,
        -- Rounded to 1e-9: a sum of doubles in another order must not change the last bit
        -- from one build to the next, or from one engine to another.
        cast({{ csops.round_double('sum(score_pct)', 9) }} as {{ csops.type_double() }})
            as score_pct_sum,
        cast({{ csops.round_double('avg(score_pct)', 9) }} as {{ csops.type_double() }})
            as avg_score_pct,
        cast(sum(case when is_critical_failure then 1 else 0 end) as integer)
            as critical_failures
    from ratings
    where not is_na
    group by 1, 2, 3
)

select * from final
