{#- KPI targets (docs/kpis.md "Targets and what moved a KPI"): the seed kpi_targets, or the
    user's own CSV named by the var kpi_targets_path (env CSOPS_KPI_TARGETS). -#}

{#- The KPIs a target can be set for, as int_targets__weekly_team_actuals computes them. -#}
{% macro target_kpis() -%}
    {{ return([
        'first_response_time_median_business_minutes',
        'sla_attainment_pct',
        'csat_pct',
        'nps',
        'automated_resolution_rate',
        'reopen_rate',
        'one_touch_rate',
        'escalation_rate',
        'backlog_open_end_of_week',
    ]) }}
{%- endmacro %}

{#- The columns a targets file must have (others are ignored). -#}
{% macro kpi_targets_columns() -%}
    {{ return(['kpi', 'team_name', 'target', 'direction', 'valid_from']) }}
{%- endmacro %}

{#- The var kpi_targets_path, trimmed; '' when unset (the seed applies). -#}
{% macro kpi_targets_path() -%}
    {%- set path = var('kpi_targets_path', '') -%}
    {{ return('' if path is none else (path | string | trim)) }}
{%- endmacro %}

{#- A SQL string literal. -#}
{% macro sql_string(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{#- read_csv of the user's targets file, every column as text (int_targets__kpi_targets checks
    the values). When the model runs, a file that is missing, or whose header lacks one of the
    columns, stops the build here with an error naming the file: DuckDB's own messages would
    name neither the setting nor the column. -#}
{% macro read_kpi_targets(path) -%}
    {#- DuckDB reads the file where dbt runs; the other engines would read it where they run. -#}
    {%- if target.type != 'duckdb' and execute -%}
        {{ exceptions.raise_compiler_error(
            "CSOPS_KPI_TARGETS (dbt var kpi_targets_path) is read by the duckdb engine only, not by "
            ~ target.type ~ ": unset it and put the targets in the seed "
            ~ "dbt_project/seeds/kpi_targets.csv (same columns; docs/scale.md)") }}
    {%- endif -%}
    {%- set relation -%}
        read_csv({{ csops.sql_string(path) }}, header = true, all_varchar = true)
    {%- endset -%}
    {%- if execute and not flags.WHICH in ('parse', 'ls', 'list') -%}
        {%- set origin = "CSOPS_KPI_TARGETS (dbt var kpi_targets_path) file '" ~ path ~ "'" -%}
        {%- set found = run_query("select count(*) from glob(" ~ csops.sql_string(path) ~ ")") -%}
        {%- if found.rows[0][0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                origin ~ " does not exist: give the path of a CSV file with the columns "
                ~ csops.kpi_targets_columns() | join(', ') ~ " (docs/kpis.md)") }}
        {%- endif -%}
        {%- set described = run_query("describe select * from " ~ relation) -%}
        {%- set header = described.columns[0].values() | list -%}
        {%- set missing = [] -%}
        {%- for column in csops.kpi_targets_columns() if column not in header -%}
            {%- do missing.append(column) -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                origin ~ " is not a targets CSV: its header lacks " ~ missing | join(', ')
                ~ " (found: " ~ header | join(', ') ~ "; a header line with "
                ~ csops.kpi_targets_columns() | join(', ') ~ " is required, comma-separated)") }}
        {%- endif -%}
    {%- endif -%}
    {{ relation }}
{%- endmacro %}
