{#- Use a model's custom schema as is (staging, intermediate, marts) instead of dbt's default
    "<target schema>_<custom>", so BI tools and the pipeline find the same schema names in
    every environment. Models without a custom schema stay in the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
