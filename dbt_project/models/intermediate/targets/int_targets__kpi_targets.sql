-- The KPI targets (docs/kpis.md "Targets and what moved a KPI"): the rows of the seed
-- kpi_targets or, when the var kpi_targets_path (env CSOPS_KPI_TARGETS) names a CSV file, the
-- rows of that file instead. Every row is checked here, whichever the origin: a KPI that is not
-- supported, a target that is not a number, a direction other than higher or lower, a
-- valid_from that is not a date (YYYY-MM-DD), an empty team name, or two rows for the same KPI,
-- team and valid_from stop the build with an error naming the file and the row. A missing file
-- or a header without the columns stops it before (macros/kpi_targets.sql).
{%- set path = csops.kpi_targets_path() %}
{#- The seed is a parent whether it is read or not: the lineage, and Dagster's asset graph
    (from a manifest parsed once, kept until a project file changes), must not depend on
    whether CSOPS_KPI_TARGETS is set. #}
{%- set seed = ref('kpi_targets') %}
{%- set origin = ("CSOPS_KPI_TARGETS file '" ~ path ~ "'") if path else "seed kpi_targets (dbt_project/seeds/kpi_targets.csv)" %}
with source_rows as (
    {%- if path %}
    select kpi, team_name, target, direction, valid_from
    from {{ csops.read_kpi_targets(path) }}
    {%- else %}
    select
        cast(kpi as {{ dbt.type_string() }}) as kpi,
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(target as {{ dbt.type_string() }}) as target,
        cast(direction as {{ dbt.type_string() }}) as direction,
        cast(valid_from as {{ dbt.type_string() }}) as valid_from
    from {{ seed }}
    {%- endif %}
),

trimmed as (
    select
        trim(kpi) as kpi,
        trim(team_name) as team_name,
        trim(target) as target,
        lower(trim(direction)) as direction,
        trim(valid_from) as valid_from
    from source_rows
    -- A blank line is no row.
    where coalesce(trim(kpi), '') || coalesce(trim(team_name), '') || coalesce(trim(target), '')
        || coalesce(trim(direction), '') || coalesce(trim(valid_from), '') != ''
),

problems as (
    select
        *,
        concat_ws('; ',
            case when kpi is null or kpi not in (
                {%- for kpi in csops.target_kpis() %}'{{ kpi }}'{% if not loop.last %}, {% endif %}{% endfor -%}
            ) then 'kpi ''' || coalesce(kpi, '') || ''' is not one of {{ csops.target_kpis() | join(", ") }}' end,
            case when coalesce(team_name, '') = ''
                then 'team_name is empty (a team''s name, or * for every team)' end,
            case when not {{ csops.is_finite_number('target') }}
                then 'target ''' || coalesce(target, '') || ''' is not a number' end,
            case when direction is null or direction not in ('higher', 'lower')
                then 'direction ''' || coalesce(direction, '') || ''' is not higher or lower' end,
            case when {{ csops.try_date('valid_from') }} is null
                then 'valid_from ''' || coalesce(valid_from, '') || ''' is not a date (YYYY-MM-DD)' end,
            case when count(*) over (partition by kpi, team_name, {{ csops.try_date('valid_from') }}) > 1
                then 'another row has the same kpi, team_name and valid_from' end
        ) as problem
    from trimmed
),

checked as (
    select *
    from problems
    -- The error function stops the query on the first row with a problem; the filter keeps it
    -- from being optimised away (a column nobody reads would be).
    where case
        when problem != '' then {{ csops.error_function() }}(
            {{ csops.sql_string(origin) }} || ': row (' || concat_ws(', ',
                coalesce(kpi, ''), coalesce(team_name, ''), coalesce(target, ''),
                coalesce(direction, ''), coalesce(valid_from, '')
            ) || '): ' || problem
        )
        else true
    end
),

final as (
    select
        kpi,
        team_name,
        cast(target as {{ csops.type_double() }}) as target,
        direction,
        cast(valid_from as date) as valid_from
    from checked
)

select * from final
