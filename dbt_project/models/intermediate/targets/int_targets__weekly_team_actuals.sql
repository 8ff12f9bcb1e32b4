-- Each target KPI's actual per ISO week, for every team and for all teams together
-- (docs/kpis.md "Targets and what moved a KPI"), computed from the week's rows: the ratio
-- KPIs as the sum of their numerators divided by the sum of their denominators
-- (int_targets__weekly_slices); the first response median exactly over the week's created
-- contacts that have one; the backlog as the tickets open at the end of the week's last day
-- (the day as_of falls in, counted at as_of, while the week is not over). A team's row counts
-- the contacts whose current team it is; the all-teams row (team_key null, is_all_teams)
-- counts every contact, those with no team too. Only weeks and teams with something to count
-- have rows: kpi_target_attainment_weekly fills the rest in.
with slices as (
    select * from {{ ref('int_targets__weekly_slices') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

open_ticket_days as (
    select * from {{ ref('int_backlog__open_ticket_days') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

dates as (
    select * from {{ ref('dim_date') }}
),

ratios as (
    select week_start, team_key, false as is_all_teams, kpi, unit_factor,
        sum(numerator) as numerator, sum(denominator) as denominator
    from slices
    where team_key is not null
    group by week_start, team_key, kpi, unit_factor
    union all
    select week_start, null, true, kpi, unit_factor, sum(numerator), sum(denominator)
    from slices
    group by week_start, kpi, unit_factor
),

first_responses as (
    select
        {{ csops.iso_week_start('created_date') }} as week_start,
        team_key,
        first_response_time_business_minutes as minutes
    from contacts
    where first_response_time_business_minutes is not null
),

medians as (
    select week_start, team_key, false as is_all_teams,
        count(*) as denominator, {{ csops.percentile_cont('minutes', 0.5) }} as actual
    from first_responses
    where team_key is not null
    group by week_start, team_key
    union all
    select week_start, null, true, count(*), {{ csops.percentile_cont('minutes', 0.5) }}
    from first_responses
    group by week_start
),

-- The week's last day: its Sunday, or the last day of dim_date (the day as_of falls in).
week_ends as (
    select week_start, max(date_day) as date_day
    from dates
    group by week_start
),

week_end_backlog as (
    select week_ends.week_start, tickets.team_key
    from week_ends
    inner join open_ticket_days
        on week_ends.date_day = open_ticket_days.date_day
    inner join tickets
        on open_ticket_days.ticket_id = tickets.ticket_id
),

backlog as (
    select week_start, team_key, false as is_all_teams, count(*) as open_tickets
    from week_end_backlog
    where team_key is not null
    group by week_start, team_key
    union all
    select week_start, null, true, count(*)
    from week_end_backlog
    group by week_start
),

unioned as (
    select week_start, team_key, is_all_teams, kpi, numerator, denominator,
        case when denominator > 0 then unit_factor * numerator / denominator end as actual
    from ratios
    where kpi != 'first_response_time_mean_business_minutes'
    union all
    select week_start, team_key, is_all_teams, 'first_response_time_median_business_minutes',
        null, denominator, actual
    from medians
    union all
    select week_start, team_key, is_all_teams, 'backlog_open_end_of_week',
        open_tickets, null, open_tickets
    from backlog
),

final as (
    select
        week_start,
        cast(team_key as {{ dbt.type_string() }}) as team_key,
        is_all_teams,
        kpi,
        cast(numerator as {{ csops.type_double() }}) as numerator,
        cast(denominator as integer) as denominator,
        cast(actual as {{ csops.type_double() }}) as actual
    from unioned
)

select * from final
