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
