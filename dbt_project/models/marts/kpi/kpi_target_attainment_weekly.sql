-- Each KPI's actual per ISO week against its target, for every team and for all teams together
-- (docs/kpis.md "Targets and what moved a KPI"). The actuals are int_targets__weekly_team_actuals'
-- (recomputed from the week's rows); the targets int_targets__kpi_targets' (the seed
-- kpi_targets, or the file CSOPS_KPI_TARGETS names). A row exists for every week of dim_date,
-- for the all-teams row (team_key null, team_name '*') and for each team from the week of its
-- first counted row on, and for each KPI that has a target in force that week: of the target
-- rows with valid_from on or before the week's Monday, a team's own rows win over the '*'
-- rows, and the latest valid_from wins among them; the all-teams row takes only '*' rows.
-- Met: actual >= target (higher) or <= target (lower); gap = actual - target. A week with no
-- denominator has a null actual, a null gap, and is not met.
with actuals as (
    select * from {{ ref('int_targets__weekly_team_actuals') }}
),

targets as (
    select * from {{ ref('int_targets__kpi_targets') }}
),

dates as (
    select * from {{ ref('dim_date') }}
),

teams as (
    select * from {{ ref('dim_team') }}
),

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

weeks as (
    select
        dates.week_start,
        {{ csops.reporting_day_start(dbt.dateadd('day', 7, 'dates.week_start')) }} <= as_of.as_of
            as is_complete_week
    from dates
    cross join as_of
    group by dates.week_start, as_of.as_of
),

team_first_weeks as (
    select team_key, min(week_start) as first_week
    from actuals
    where not is_all_teams
    group by team_key
),

grid as (
    select week_start, is_complete_week, cast(null as {{ dbt.type_string() }}) as team_key,
        '*' as team_name, true as is_all_teams
    from weeks
    union all
    select weeks.week_start, weeks.is_complete_week, team_first_weeks.team_key,
        teams.team_name, false as is_all_teams
    from weeks
    inner join team_first_weeks
        on weeks.week_start >= team_first_weeks.first_week
    left join teams
        on team_first_weeks.team_key = teams.team_key
),

candidates as (
    select
        grid.*,
        targets.kpi,
        targets.target,
        targets.direction,
        targets.team_name as target_team_name,
        targets.valid_from as target_valid_from,
        row_number() over (
            partition by grid.week_start, grid.team_key, targets.kpi
            order by case when targets.team_name = '*' then 1 else 0 end, targets.valid_from desc
        ) as target_rank
    from grid
    inner join targets
        on targets.valid_from <= grid.week_start
        and (targets.team_name = '*' or (not grid.is_all_teams and targets.team_name = grid.team_name))
),

joined as (
    select
        candidates.*,
        actuals.numerator,
        actuals.denominator,
        case
            -- No open ticket at the week's end is a backlog of 0, not a missing figure.
            when candidates.kpi = 'backlog_open_end_of_week' then coalesce(actuals.actual, 0)
            else actuals.actual
        end as actual
    from candidates
    left join actuals
        on candidates.week_start = actuals.week_start
        and candidates.kpi = actuals.kpi
        and candidates.is_all_teams = actuals.is_all_teams
        and candidates.team_key is not distinct from actuals.team_key
    where candidates.target_rank = 1
),

final as (
    select
        week_start,
        team_key,
        team_name,
        kpi,
        case
            when kpi = 'first_response_time_median_business_minutes' then cast(null as {{ csops.type_double() }})
            else cast(coalesce(numerator, 0) as {{ csops.type_double() }})
        end as numerator,
        case
            when kpi = 'backlog_open_end_of_week' then cast(null as integer)
            else cast(coalesce(denominator, 0) as integer)
        end as denominator,
        cast(actual as {{ csops.type_double() }}) as actual,
        target,
        direction,
        coalesce(case direction
            when 'higher' then actual >= target
            when 'lower' then actual <= target
        end, false) as is_met,
        cast(actual - target as {{ csops.type_double() }}) as gap,
        target_team_name,
        target_valid_from,
        is_complete_week
    from joined
)

select * from final
