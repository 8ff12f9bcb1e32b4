{#- The body of a cross-database macro that this engine does not have yet: parsing the
    project works on every engine, and a build that needs the macro fails naming it and the
    engine, instead of running SQL written for another one (docs/scale.md lists what builds
    where). -#}
{% macro not_ported(macro_name) -%}
    {%- if execute -%}
        {{ exceptions.raise_compiler_error(
            "csops." ~ macro_name ~ " has no body for the " ~ target.type ~ " engine yet:"
            ~ " this model builds on DuckDB only for now (docs/scale.md)"
        ) }}
    {%- endif -%}
{%- endmacro %}
