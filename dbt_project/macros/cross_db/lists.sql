{#- List columns (Parquet lists, DuckDB STRUCT[] / VARCHAR[]) have no portable SQL form: each
    warehouse spells explode, membership and a record's field differently, so all three go
    through these macros. -#}

{#- Select-list expression that turns one row per list into one row per element (none for an
    empty or null list). `element_type` (a key of csops.scalar_type) names the type of a
    list of plain values; a list of records leaves it out and reads each field with
    csops.list_field. -#}
{% macro unnest_list(list_column, element_type=none) -%}
    {{ return(adapter.dispatch('unnest_list', 'csops')(list_column, element_type)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(list_column, element_type) -%}
    unnest({{ list_column }})
{%- endmacro %}

{#- Spark reads the Parquet lists as arrays (of structs). -#}
{% macro spark__unnest_list(list_column, element_type) -%}
    explode({{ list_column }})
{%- endmacro %}

{#- PostgreSQL holds a landed list as jsonb (csops load-postgres): a list of records gives one
    jsonb object per element, a list of values their text, cast to the type named. -#}
{% macro postgres__unnest_list(list_column, element_type) -%}
    {%- if element_type is none -%}
        jsonb_array_elements({{ list_column }})
    {%- else -%}
        cast(jsonb_array_elements_text({{ list_column }}) as {{ csops.scalar_type(element_type) }})
    {%- endif -%}
{%- endmacro %}


{#- One field of a list's record (an element csops.unnest_list gave), as `type` (a key of
    csops.scalar_type). -#}
{% macro list_field(element, field, type) -%}
    {{ return(adapter.dispatch('list_field', 'csops')(element, field, type)) }}
{%- endmacro %}

{#- DuckDB's structs and Spark's carry their fields' types from the Parquet schema. -#}
{% macro duckdb__list_field(element, field, type) -%}
    {{ element }}.{{ field }}
{%- endmacro %}

{% macro spark__list_field(element, field, type) -%}
    {{ element }}.{{ field }}
{%- endmacro %}

{#- A jsonb object's field as text (a JSON null gives null), then cast: timestamps were
    written by the load in ISO form with their offset. -#}
{% macro postgres__list_field(element, field, type) -%}
    cast({{ element }} ->> '{{ field }}' as {{ csops.scalar_type(type) }})
{%- endmacro %}


{#- The engine's name of a type a list's value or field holds. -#}
{% macro scalar_type(name) -%}
    {%- set types = {
        'string': csops.type_string(),
        'bigint': 'bigint',
        'integer': 'integer',
        'double': csops.type_double(),
        'boolean': 'boolean',
        'timestamp_tz': csops.type_timestamp_tz(),
    } -%}
    {%- if name not in types -%}
        {{ exceptions.raise_compiler_error(
            "csops.scalar_type: unknown type '" ~ name ~ "' (one of " ~ (types.keys() | join(', ')) ~ ")") }}
    {%- endif -%}
    {{ types[name] }}
{%- endmacro %}


{#- True when the list contains the value (null when the list is null). -#}
{% macro list_contains(list_column, value) -%}
    {{ return(adapter.dispatch('list_contains', 'csops')(list_column, value)) }}
{%- endmacro %}

{% macro duckdb__list_contains(list_column, value) -%}
    list_contains({{ list_column }}, {{ value }})
{%- endmacro %}

{% macro spark__list_contains(list_column, value) -%}
    array_contains({{ list_column }}, {{ value }})
{%- endmacro %}

{#- A jsonb array contains the value when it holds it as an element (the containment of a
    one-element array). -#}
{% macro postgres__list_contains(list_column, value) -%}
    ({{ list_column }} @> jsonb_build_array({{ value }}))
{%- endmacro %}


{#- Another engine: no body yet (docs/scale.md). -#}
{% macro default__unnest_list(list_column, element_type) -%}
    {{ csops.not_ported('unnest_list') }}
{%- endmacro %}

{% macro default__list_field(element, field, type) -%}
    {{ csops.not_ported('list_field') }}
{%- endmacro %}

{% macro default__list_contains(list_column, value) -%}
    {{ csops.not_ported('list_contains') }}
{%- endmacro %}
