{#- Conversions between UTC instants and local dates of the dbt var reporting_timezone
    (docs/kpis.md: a figure counts on the date of its event in that zone, UTC by default). -#}

{#- The local calendar date of a timestamp with time zone. -#}
{% macro to_reporting_date(timestamp_tz) -%}
    {{ return(adapter.dispatch('to_reporting_date', 'csops')(timestamp_tz)) }}
{%- endmacro %}

{#- timezone(zone, timestamptz) gives the local wall-clock time in that zone. -#}
{% macro duckdb__to_reporting_date(timestamp_tz) -%}
    cast(timezone('{{ var("reporting_timezone") }}', {{ timestamp_tz }}) as date)
{%- endmacro %}

{#- The UTC instant at which a local date of the reporting zone begins. -#}
{% macro reporting_day_start(date_expression) -%}
    {{ return(adapter.dispatch('reporting_day_start', 'csops')(date_expression)) }}
{%- endmacro %}

{#- timezone(zone, timestamp) reads a wall-clock time in that zone and returns the instant. -#}
{% macro duckdb__reporting_day_start(date_expression) -%}
    timezone('{{ var("reporting_timezone") }}', cast({{ date_expression }} as timestamp))
{%- endmacro %}

{% macro spark__to_reporting_date(timestamp_tz) -%}
    cast(from_utc_timestamp({{ timestamp_tz }}, '{{ var("reporting_timezone") }}') as date)
{%- endmacro %}

{% macro postgres__to_reporting_date(timestamp_tz) -%}
    cast({{ timestamp_tz }} at time zone '{{ var("reporting_timezone") }}' as date)
{%- endmacro %}

{% macro spark__reporting_day_start(date_expression) -%}
    to_utc_timestamp(
        cast(cast({{ date_expression }} as date) as timestamp_ntz), '{{ var("reporting_timezone") }}'
    )
{%- endmacro %}

{% macro postgres__reporting_day_start(date_expression) -%}
    (cast({{ date_expression }} as timestamp) at time zone '{{ var("reporting_timezone") }}')
{%- endmacro %}
