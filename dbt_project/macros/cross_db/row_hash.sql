{#- A 64-bit hash of `values` (a list of SQL expressions; a table alias counts every column of
    its row): for fingerprints compared with themselves, never stored as keys. -#}
{% macro row_hash(values) -%}
    {{ return(adapter.dispatch('row_hash', 'csops')(values)) }}
{%- endmacro %}

{% macro duckdb__row_hash(values) -%}
    hash({{ values | join(', ') }})
{%- endmacro %}


{#- The select list of every column of the relation read whose name does not start with
    `prefix` (the landing columns start with '_'). -#}
{% macro columns_not_starting_with(prefix) -%}
    {{ return(adapter.dispatch('columns_not_starting_with', 'csops')(prefix)) }}
{%- endmacro %}

{% macro duckdb__columns_not_starting_with(prefix) -%}
    columns(lambda c: not starts_with(c, '{{ prefix }}'))
{%- endmacro %}

{#- The fingerprints feed the incremental machinery, which is DuckDB's: the other engines
    build in full (macros/incremental/incremental_model.sql). -#}
{% macro default__row_hash(values) -%}
    {{ csops.not_ported('row_hash') }}
{%- endmacro %}

{% macro default__columns_not_starting_with(prefix) -%}
    {{ csops.not_ported('columns_not_starting_with') }}
{%- endmacro %}
