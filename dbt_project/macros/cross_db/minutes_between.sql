{#- Elapsed minutes from start_ts to end_ts as a double, not rounded (docs/kpis.md). -#}
{% macro minutes_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('minutes_between', 'csops')(start_ts, end_ts)) }}
{%- endmacro %}

{#- Microsecond difference first: integer arithmetic keeps sub-second precision exact. -#}
{% macro duckdb__minutes_between(start_ts, end_ts) -%}
    (date_diff('microsecond', {{ start_ts }}, {{ end_ts }}) / 60000000.0)
{%- endmacro %}

{% macro spark__minutes_between(start_ts, end_ts) -%}
    ((unix_micros({{ end_ts }}) - unix_micros({{ start_ts }})) / cast(60000000 as double))
{%- endmacro %}

{#- PostgreSQL's epoch of an interval is an exact numeric (seconds with six decimals). -#}
{% macro postgres__minutes_between(start_ts, end_ts) -%}
    cast(extract(epoch from ({{ end_ts }}) - ({{ start_ts }})) * 1000000 as double precision) / 60000000.0
{%- endmacro %}
