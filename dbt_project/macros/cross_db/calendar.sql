{#- Calendar attributes of a date for dim_date. Week numbering differs between warehouses
    (Sunday- or Monday-based, session settings), so the ISO rules (weeks start on Monday,
    Monday = 1 .. Sunday = 7) are spelled out here once. -#}

{#- ISO day of the week: 1 for Monday through 7 for Sunday. -#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'csops')(date_expression)) }}
{%- endmacro %}

{% macro duckdb__iso_day_of_week(date_expression) -%}
    cast(isodow({{ date_expression }}) as integer)
{%- endmacro %}

{#- The Monday that starts the ISO week of a date. -#}
{% macro iso_week_start(date_expression) -%}
    {{ return(adapter.dispatch('iso_week_start', 'csops')(date_expression)) }}
{%- endmacro %}

{#- DuckDB truncates to the ISO week (Monday), whatever the session settings. -#}
{% macro duckdb__iso_week_start(date_expression) -%}
    cast(date_trunc('week', {{ date_expression }}) as date)
{%- endmacro %}

{#- Spark's dayofweek counts Sunday = 1 .. Saturday = 7. -#}
{% macro spark__iso_day_of_week(date_expression) -%}
    cast((dayofweek({{ date_expression }}) + 5) % 7 + 1 as integer)
{%- endmacro %}

{% macro postgres__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as integer)
{%- endmacro %}

{#- Spark and PostgreSQL truncate to the ISO week's Monday too. -#}
{% macro default__iso_week_start(date_expression) -%}
    cast(date_trunc('week', {{ date_expression }}) as date)
{%- endmacro %}
