{#- The incremental strategy `csops_scope` (config incremental_strategy): remove the rows of
    what the build recomputes, then insert the recomputed rows. Built from scratch or
    recomputing everything (mode 'all'), it replaces every row. -#}
{% macro get_incremental_csops_scope_sql(arg_dict) -%}
    {%- set scope = csops.incremental_scope(config.get('csops_scope')) -%}
    {%- set new_rows = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    {%- if scope.mode == 'partial' %}
    where {{ config.get('csops_scope_key') }} in (
        {%- if scope.kind == 'versions' %}
        select {{ config.get('csops_key') }} from {{ new_rows }}
        {%- else %}
        {{ scope.replaced }}
        {%- endif %}
    )
    {%- if scope.kind == 'feedback' %}
        or contact_key in (
            select contact_key from {{ scope.inputs.contacts }}
            where contact_type || ':' || contact_id in ({{ scope['keys'].contact }})
        )
    {%- endif %}
    {%- endif %};

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ new_rows }}
    {%- if scope.mode == 'partial' and csops.has_tests_since_last_pass(model.unique_id) %};

    {{ csops.record_written_keys(new_rows) }}
    {%- endif %}
{%- endmacro %}
