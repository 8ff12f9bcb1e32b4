{#- Elapsed minutes from start_ts to end_ts as a double, not rounded (docs/kpis.md). -#}
{% macro minutes_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('minutes_between', 'csops')(start_ts, end_ts)) }}
{%- endmacro %}

{#- Microsecond difference first: integer arithmetic keeps sub-second precision exact. -#}
{% macro duckdb__minutes_between(start_ts, end_ts) -%}
    (date_diff('microsecond', {{ start_ts }}, {{ end_ts }}) / 60000000.0)
{%- endmacro %}
