{#- Aggregate: the distinct non-null values of a string expression, sorted and joined by a
    delimiter ('intercom,typeform,zendesk'). Ordered aggregation is spelled differently per
    warehouse (string_agg ... order by, listagg ... within group). -#}
{% macro sorted_distinct_string_agg(expression, delimiter=',') -%}
    {{ return(adapter.dispatch('sorted_distinct_string_agg', 'csops')(expression, delimiter)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_string_agg(expression, delimiter) -%}
    string_agg(distinct {{ expression }}, '{{ delimiter }}' order by {{ expression }})
{%- endmacro %}
