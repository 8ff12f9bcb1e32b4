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


{#- The complete reporting days of the end-of-day backlog, as the columns first_day and
    last_day of a select from int_build__as_of: from the first landed day to the day before the one
    as_of falls in (that day ends after as_of or, when as_of is exactly its midnight, has not
    begun). int_backlog__open_ticket_days holds these days; kpi_support_daily counts the
    others itself. -#}
{% macro backlog_complete_days() -%}
    {{ csops.to_reporting_date('first_window_start') }} as first_day,
    cast({{ dbt.dateadd('day', -1, csops.to_reporting_date('as_of')) }} as date) as last_day
{%- endmacro %}
