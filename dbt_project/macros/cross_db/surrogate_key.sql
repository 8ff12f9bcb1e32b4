{#- Stable string key from several columns: md5 of the parts joined by a separator, with an
    explicit marker for nulls so that (null, 'a') and ('', 'a') do not collide. -#}
{% macro surrogate_key(parts) -%}
    {{ return(adapter.dispatch('surrogate_key', 'csops')(parts)) }}
{%- endmacro %}

{% macro duckdb__surrogate_key(parts) -%}
    md5(concat_ws('|'
    {%- for part in parts -%}
        , coalesce(cast({{ part }} as varchar), '_csops_null_')
    {%- endfor -%}
    ))
{%- endmacro %}

{#- Spark and PostgreSQL: the same md5 of the same text (their md5 gives the same lower-case
    hex digest), the parts cast to the engine's string type. A part's text must be the same on
    every engine: ids and names are (a timestamp's text is not, so none is a key's part). -#}
{% macro default__surrogate_key(parts) -%}
    md5(concat_ws('|'
    {%- for part in parts -%}
        , coalesce(cast({{ part }} as {{ dbt.type_string() }}), '_csops_null_')
    {%- endfor -%}
    ))
{%- endmacro %}
