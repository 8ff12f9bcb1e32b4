{#- Exact (interpolated) percentile of an aggregate group, fraction in [0, 1] (docs/kpis.md: medians
    and p90 are exact percentile_cont over the contacts with a value). -#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'csops')(expression, fraction)) }}
{%- endmacro %}

{% macro duckdb__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{#- Spark's percentile is exact, interpolating as percentile_cont does (percentile_approx is
    not). -#}
{% macro spark__percentile_cont(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro postgres__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}
