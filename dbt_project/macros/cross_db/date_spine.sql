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


{#- The instant the UTC day of an instant starts. -#}
{% macro utc_day_start_of(timestamp_tz) -%}
    {{ return(adapter.dispatch('utc_day_start_of', 'csops')(timestamp_tz)) }}
{%- endmacro %}

{#- DuckDB and Spark truncate in the session's zone, which csops sets to UTC. -#}
{% macro default__utc_day_start_of(timestamp_tz) -%}
    date_trunc('day', {{ timestamp_tz }})
{%- endmacro %}

{% macro postgres__utc_day_start_of(timestamp_tz) -%}
    (date_trunc('day', {{ timestamp_tz }} at time zone 'UTC') at time zone 'UTC')
{%- endmacro %}


{#- Select-list expression: one row per UTC day an instant range touches, each the instant its
    day starts. -#}
{% macro utc_day_series(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('utc_day_series', 'csops')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro duckdb__utc_day_series(start_ts, end_ts) -%}
    unnest(generate_series(
        date_trunc('day', {{ start_ts }}), date_trunc('day', {{ end_ts }}), interval 1 day
    ))
{%- endmacro %}

{% macro spark__utc_day_series(start_ts, end_ts) -%}
    explode(sequence(
        date_trunc('DAY', {{ start_ts }}), date_trunc('DAY', {{ end_ts }}), interval 1 day
    ))
{%- endmacro %}

{% macro postgres__utc_day_series(start_ts, end_ts) -%}
    generate_series(
        {{ csops.utc_day_start_of(start_ts) }}, {{ csops.utc_day_start_of(end_ts) }}, interval '1 day'
    )
{%- endmacro %}
