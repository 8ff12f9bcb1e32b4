{#- One row per calendar day (column date_day) from start_date to end_date inclusive, where
    both are date columns of the one-row relation from_relation. -#}
{% macro date_spine(start_date, end_date, from_relation) -%}
    {{ return(adapter.dispatch('date_spine', 'csops')(start_date, end_date, from_relation)) }}
{%- endmacro %}

{#- range() over timestamps builds the day list inside the query: no helper table needed. -#}
{% macro duckdb__date_spine(start_date, end_date, from_relation) -%}
    select cast(day_start as date) as date_day
    from (
        select unnest(range(
            cast({{ start_date }} as timestamp),
            cast({{ end_date }} as timestamp) + interval 1 day,
            interval 1 day
        )) as day_start
        from {{ from_relation }}
    ) as days
{%- endmacro %}

{% macro spark__date_spine(start_date, end_date, from_relation) -%}
    select explode(sequence(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day
    )) as date_day
    from {{ from_relation }}
{%- endmacro %}

{% macro postgres__date_spine(start_date, end_date, from_relation) -%}
    select cast(day_start as date) as date_day
    from {{ from_relation }},
        generate_series(
            cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '1 day'
        ) as days(day_start)
{%- endmacro %}


{#- Select-list expression: one row per calendar day from start_date to end_date inclusive
    (both dates of the row read), as a wall-clock timestamp at midnight. -#}
{% macro day_series(start_date, end_date) -%}
    {{ return(adapter.dispatch('day_series', 'csops')(start_date, end_date)) }}
{%- endmacro %}

{% macro duckdb__day_series(start_date, end_date) -%}
    unnest(generate_series(
        cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval 1 day
    ))
{%- endmacro %}

{% macro spark__day_series(start_date, end_date) -%}
    explode(sequence(
        cast(cast({{ start_date }} as date) as timestamp_ntz),
        cast(cast({{ end_date }} as date) as timestamp_ntz),
        interval 1 day
    ))
{%- endmacro %}

{% macro postgres__day_series(start_date, end_date) -%}
    generate_series(
        cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '1 day'
    )
{%- endmacro %}
