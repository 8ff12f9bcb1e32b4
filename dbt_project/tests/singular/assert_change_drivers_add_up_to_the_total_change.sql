-- Over a week, KPI and dimension, the segments' mix and rate effects add up to the KPI's total
-- change from the week before, their weights to 1 in each week, and their numerators and
-- denominators to the KPI's own (docs/kpis.md "Targets and what moved a KPI"). Doubles carry
-- rounding of the order of 1e-12 of the figures; anything beyond 1e-9 is an error.
with drivers as (
    select * from {{ ref('kpi_change_drivers_weekly') }}
),

sums as (
    select
        week_start,
        kpi,
        dimension,
        sum(mix_effect + rate_effect) as effects,
        min(total_change) as total_change,
        max(total_change) - min(total_change) as total_change_spread,
        sum(weight) as weights,
        sum(previous_weight) as previous_weights,
        max(kpi_value) as kpi_value,
        max(previous_kpi_value) as previous_kpi_value,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(previous_numerator) as previous_numerator,
        sum(previous_denominator) as previous_denominator,
        max(case when kpi = 'first_response_time_mean_business_minutes' then 1.0 else 100.0 end)
            as unit_factor
    from drivers
    group by week_start, kpi, dimension
)

select *
from sums
where abs(effects - total_change) > 1e-9 * greatest(1, abs(total_change), abs(kpi_value))
    or total_change_spread > 1e-9
    or abs(weights - 1) > 1e-9
    or abs(previous_weights - 1) > 1e-9
    or abs(kpi_value - unit_factor * numerator / denominator) > 1e-9 * greatest(1, abs(kpi_value))
    or abs(previous_kpi_value - unit_factor * previous_numerator / previous_denominator)
        > 1e-9 * greatest(1, abs(previous_kpi_value))
