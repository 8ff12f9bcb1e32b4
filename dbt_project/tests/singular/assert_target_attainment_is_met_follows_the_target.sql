-- A week is met when its actual reaches the target in the target's direction (>= for higher,
-- <= for lower), and not met when it has no actual; the gap is actual - target (docs/kpis.md
-- "Targets and what moved a KPI"). Fails on every row that says otherwise.
with attainment as (
    select * from {{ ref('kpi_target_attainment_weekly') }}
)

select *
from attainment
where is_met is distinct from coalesce(case direction
        when 'higher' then actual >= target
        when 'lower' then actual <= target
    end, false)
    or (actual is null and (is_met or gap is not null))
    or abs(gap - (actual - target)) > 1e-9
    or (denominator = 0 and actual is not null)
