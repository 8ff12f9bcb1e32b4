{#- Aggregate: the distinct non-null values of a string expression, sorted and joined by a
    delimiter ('intercom,typeform,zendesk'). Ordered aggregation is spelled differently per
    warehouse (string_agg ... order by, listagg ... within group). -#}
{% macro sorted_distinct_string_agg(expression, delimiter=',') -%}
    {{ return(adapter.dispatch('sorted_distinct_string_agg', 'csops')(expression, delimiter)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_string_agg(expression, delimiter) -%}
    string_agg(distinct {{ expression }}, '{{ delimiter }}' order by {{ expression }})
{%- endmacro %}

{#- collect_set drops nulls and duplicates; array_sort orders the rest. -#}
{% macro spark__sorted_distinct_string_agg(expression, delimiter) -%}
    array_join(array_sort(collect_set({{ expression }})), '{{ delimiter }}')
{%- endmacro %}

{% macro postgres__sorted_distinct_string_agg(expression, delimiter) -%}
    string_agg(distinct {{ expression }}, '{{ delimiter }}' order by {{ expression }})
{%- endmacro %}


{#- Aggregate: the value of `expression` on the row with the smallest `ordering`, among the
    rows where `condition` holds (all when none). -#}
{% macro arg_min(expression, ordering, condition=none) -%}
    {{ return(adapter.dispatch('arg_min', 'csops')(expression, ordering, condition)) }}
{%- endmacro %}

{% macro duckdb__arg_min(expression, ordering, condition) -%}
    arg_min({{ expression }}, {{ ordering }}){% if condition %} filter (where {{ condition }}){% endif %}
{%- endmacro %}

{% macro spark__arg_min(expression, ordering, condition) -%}
    min_by({{ expression }}, {{ ordering }}){% if condition %} filter (where {{ condition }}){% endif %}
{%- endmacro %}

{#- The filter belongs inside the subscripted aggregate. -#}
{% macro postgres__arg_min(expression, ordering, condition) -%}
    (array_agg({{ expression }} order by {{ ordering }})
        {%- if condition %} filter (where {{ condition }}){% endif %})[1]
{%- endmacro %}
