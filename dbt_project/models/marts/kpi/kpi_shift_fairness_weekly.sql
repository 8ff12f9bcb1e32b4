-- How evenly each team shares its rosters per ISO week (docs/kpis.md "Shifts and
-- workload"): among the team's agents with any scheduled work in the week, the fewest and
-- most weekend shifts and night work minutes, and the coefficient of variation of scheduled
-- work minutes (population standard deviation over the mean; null when the mean is 0). An
-- agent counts for their home team (dim_agent; null for agents without one). The sums and
-- sums of squares let a BI tool recompute the CV over several weeks or teams.
with workload as (
    select * from {{ ref('kpi_agent_workload_weekly') }}
    where scheduled_work_minutes > 0
),

final as (
    select
        week_start,
        team_key,
        cast(count(*) as integer) as agents,
        min(weekend_shifts) as weekend_shifts_min,
        max(weekend_shifts) as weekend_shifts_max,
        cast(min(night_work_minutes) as {{ csops.type_double() }}) as night_work_minutes_min,
        cast(max(night_work_minutes) as {{ csops.type_double() }}) as night_work_minutes_max,
        cast({{ csops.exact_minutes('sum(scheduled_work_minutes)') }} as {{ csops.type_double() }})
            as scheduled_work_minutes_sum,
        cast(sum(scheduled_work_minutes * scheduled_work_minutes) as {{ csops.type_double() }})
            as scheduled_work_minutes_sum_of_squares,
        -- Rounded to 1e-9: a sum of doubles in another order must not change the last bit
        -- from one rebuild to the next.
        cast(case
            when avg(scheduled_work_minutes) = 0 then null
            else {{ csops.round_double(
                'stddev_pop(scheduled_work_minutes) / avg(scheduled_work_minutes)', 9
            ) }}
        end as {{ csops.type_double() }}) as scheduled_work_minutes_cv
    from workload
    group by week_start, team_key
)

select * from final
