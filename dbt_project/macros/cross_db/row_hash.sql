{#- A 64-bit hash of `values` (a list of SQL expressions; csops.whole_row(alias) counts every
    column of a row): for fingerprints compared with themselves, never stored as keys. -#}
{% macro row_hash(values) -%}
    {{ return(adapter.dispatch('row_hash', 'csops')(values)) }}
{%- endmacro %}

{% macro duckdb__row_hash(values) -%}
    hash({{ values | join(', ') }})
{%- endmacro %}

{% macro spark__row_hash(values) -%}
    xxhash64({{ values | join(', ') }})
{%- endmacro %}

{#- The first 64 bits of the md5 of the values' record in text (a null and an empty text
    differ there). -#}
{% macro postgres__row_hash(values) -%}
    ('x' || substr(md5(row({{ values | join(', ') }})::text), 1, 16))::bit(64)::bigint
{%- endmacro %}

{% macro default__row_hash(values) -%}
    {{ csops.not_ported('row_hash') }}
{%- endmacro %}


{#- A row of the relation aliased `alias`, as one value. -#}
{% macro whole_row(alias) -%}
    {{ return(adapter.dispatch('whole_row', 'csops')(alias)) }}
{%- endmacro %}

{#- DuckDB reads a table alias as the struct of its row, PostgreSQL as its record. -#}
{% macro default__whole_row(alias) -%}{{ alias }}{%- endmacro %}

{% macro spark__whole_row(alias) -%}struct({{ alias }}.*){%- endmacro %}


{#- The select list of every column of `relation` whose name does not start with `prefix`
    (the landing columns start with '_'). -#}
{% macro columns_not_starting_with(relation, prefix) -%}
    {{ return(adapter.dispatch('columns_not_starting_with', 'csops')(relation, prefix)) }}
{%- endmacro %}

{% macro duckdb__columns_not_starting_with(relation, prefix) -%}
    columns(lambda c: not starts_with(c, '{{ prefix }}'))
{%- endmacro %}

{#- Elsewhere the columns are listed from the warehouse's catalog when the model runs. -#}
{% macro default__columns_not_starting_with(relation, prefix) -%}
    {%- if execute -%}
        {%- set names = [] -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- if not column.name.startswith(prefix) -%}
                {%- do names.append(adapter.quote(column.name)) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ names | join(', ') }}
    {%- else -%}
        *
    {%- endif -%}
{%- endmacro %}
