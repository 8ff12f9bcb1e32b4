-- What moved each ratio KPI from the previous ISO week to this one, over all teams together
-- (docs/kpis.md "Targets and what moved a KPI"). With R = N / D split into the segments i of
-- one dimension (channel, team, priority), weights w_i = D_i / D and segment rates
-- r_i = N_i / D_i (0 where D_i = 0), in the KPI's own unit:
--     R - R' = sum (w_i - w_i') * r_i'  +  sum w_i * (r_i - r_i')
-- A segment's first term is its mix effect (its share moved), the second its rate effect (the
-- segment itself moved); over a week, KPI and dimension they add up to the total change. A
-- segment in one of the two weeks only has 0 for the other's figures. A KPI has rows for a
-- week when that week and the one before both have a denominator (else there is no change to
-- explain). Unknown channel, team or priority is the segment 'unknown'; chats' priority 'none'.
with slices as (
    select * from {{ ref('int_targets__weekly_slices') }}
),

teams as (
    select * from {{ ref('dim_team') }}
),

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

segmented as (
    select week_start, kpi, 'channel' as dimension,
        coalesce(channel, 'unknown') as segment, numerator, denominator
    from slices
    union all
    select week_start, kpi, 'team', coalesce(team_key, 'unknown'), numerator, denominator
    from slices
    union all
    select week_start, kpi, 'priority', coalesce(priority, 'unknown'), numerator, denominator
    from slices
),

-- exact_minutes: a sum of minutes independent of the order threads add them in (counts too).
segments as (
    select week_start, kpi, dimension, segment,
        {{ csops.exact_minutes('sum(numerator)') }} as numerator, sum(denominator) as denominator
    from segmented
    group by week_start, kpi, dimension, segment
),

totals as (
    select week_start, kpi, unit_factor,
        {{ csops.exact_minutes('sum(numerator)') }} as numerator, sum(denominator) as denominator
    from slices
    group by week_start, kpi, unit_factor
),

compared_weeks as (
    select
        this_week.week_start, this_week.kpi, this_week.unit_factor, this_week.numerator,
        this_week.denominator, previous_week.numerator as previous_numerator,
        previous_week.denominator as previous_denominator
    from totals as this_week
    inner join totals as previous_week
        on this_week.kpi = previous_week.kpi
        and previous_week.week_start = cast({{ dbt.dateadd('day', -7, 'this_week.week_start') }} as date)
    where this_week.denominator > 0
        and previous_week.denominator > 0
),

-- Every segment of either week, named by the week it explains.
segment_keys as (
    select week_start, kpi, dimension, segment from segments
    union
    select cast({{ dbt.dateadd('day', 7, 'week_start') }} as date), kpi, dimension, segment
    from segments
),

paired as (
    select
        compared_weeks.week_start,
        compared_weeks.kpi,
        compared_weeks.unit_factor,
        segment_keys.dimension,
        segment_keys.segment,
        coalesce(this_segment.numerator, 0) as numerator,
        coalesce(this_segment.denominator, 0) as denominator,
        coalesce(previous_segment.numerator, 0) as previous_numerator,
        coalesce(previous_segment.denominator, 0) as previous_denominator,
        compared_weeks.numerator as kpi_numerator,
        compared_weeks.denominator as kpi_denominator,
        compared_weeks.previous_numerator as previous_kpi_numerator,
        compared_weeks.previous_denominator as previous_kpi_denominator
    from compared_weeks
    inner join segment_keys
        on compared_weeks.week_start = segment_keys.week_start
        and compared_weeks.kpi = segment_keys.kpi
    left join segments as this_segment
        on segment_keys.week_start = this_segment.week_start
        and segment_keys.kpi = this_segment.kpi
        and segment_keys.dimension = this_segment.dimension
        and segment_keys.segment = this_segment.segment
    left join segments as previous_segment
        on cast({{ dbt.dateadd('day', -7, 'segment_keys.week_start') }} as date) = previous_segment.week_start
        and segment_keys.kpi = previous_segment.kpi
        and segment_keys.dimension = previous_segment.dimension
        and segment_keys.segment = previous_segment.segment
),

figures as (
    select
        *,
        1.0 * denominator / kpi_denominator as weight,
        1.0 * previous_denominator / previous_kpi_denominator as previous_weight,
        case when denominator > 0 then unit_factor * numerator / denominator else 0 end as rate,
        case when previous_denominator > 0
            then unit_factor * previous_numerator / previous_denominator else 0 end as previous_rate,
        unit_factor * kpi_numerator / kpi_denominator as kpi_value,
        unit_factor * previous_kpi_numerator / previous_kpi_denominator as previous_kpi_value
    from paired
),

final as (
    select
        figures.week_start,
        figures.kpi,
        figures.dimension,
        figures.segment,
        case
            when figures.dimension = 'team' and figures.segment != 'unknown' then teams.team_name
            else figures.segment
        end as segment_name,
        cast(figures.numerator as {{ csops.type_double() }}) as numerator,
        cast(figures.denominator as integer) as denominator,
        cast(figures.previous_numerator as {{ csops.type_double() }}) as previous_numerator,
        cast(figures.previous_denominator as integer) as previous_denominator,
        cast(figures.weight as {{ csops.type_double() }}) as weight,
        cast(figures.previous_weight as {{ csops.type_double() }}) as previous_weight,
        cast(figures.rate as {{ csops.type_double() }}) as rate,
        cast(figures.previous_rate as {{ csops.type_double() }}) as previous_rate,
        -- + 0.0: a weight of 0 times a negative rate is IEEE's -0, shown as 0.
        cast((figures.weight - figures.previous_weight) * figures.previous_rate + 0.0 as {{ csops.type_double() }})
            as mix_effect,
        cast(figures.weight * (figures.rate - figures.previous_rate) + 0.0 as {{ csops.type_double() }}) as rate_effect,
        cast(figures.kpi_value as {{ csops.type_double() }}) as kpi_value,
        cast(figures.previous_kpi_value as {{ csops.type_double() }}) as previous_kpi_value,
        cast(figures.kpi_value - figures.previous_kpi_value as {{ csops.type_double() }}) as total_change,
        {{ csops.reporting_day_start(dbt.dateadd('day', 7, 'figures.week_start')) }} <= as_of.as_of
            as is_complete_week
    from figures
    cross join as_of
    left join teams
        on figures.dimension = 'team'
        and figures.segment = teams.team_key
)

select * from final
