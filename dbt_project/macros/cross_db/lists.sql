{#- List columns (Parquet lists, DuckDB STRUCT[] / VARCHAR[]) have no portable SQL form: each
    warehouse spells explode and membership differently, so both go through these macros. -#}

{#- Select-list expression that turns one row per list into one row per element. -#}
{% macro unnest_list(list_column) -%}
    {{ return(adapter.dispatch('unnest_list', 'csops')(list_column)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(list_column) -%}
    unnest({{ list_column }})
{%- endmacro %}

{#- True when the list contains the value (null when the list is null). -#}
{% macro list_contains(list_column, value) -%}
    {{ return(adapter.dispatch('list_contains', 'csops')(list_column, value)) }}
{%- endmacro %}

{% macro duckdb__list_contains(list_column, value) -%}
    list_contains({{ list_column }}, {{ value }})
{%- endmacro %}

{#- Spark reads the Parquet lists as arrays (of structs), with the same field access
    (`event.type`). -#}
{% macro spark__unnest_list(list_column) -%}
    explode({{ list_column }})
{%- endmacro %}

{% macro spark__list_contains(list_column, value) -%}
    array_contains({{ list_column }}, {{ value }})
{%- endmacro %}

{#- PostgreSQL holds a landed list as jsonb (csops load-postgres): its elements are jsonb too,
    and the models' field access (`event.type`) does not apply to them. These bodies come with
    that access (docs/scale.md). -#}
{% macro default__unnest_list(list_column) -%}
    {{ csops.not_ported('unnest_list') }}
{%- endmacro %}

{% macro default__list_contains(list_column, value) -%}
    {{ csops.not_ported('list_contains') }}
{%- endmacro %}
