{#- The test `unique_since_last_pass` (tests/generic/unique_since_last_pass.sql), used on the
    largest incremental tables only (the audit events and audits: millions of rows, a few
    thousand written a night): a duplicate needs at least one row written since the test
    last passed (before that the whole table was unique), so the test looks only at the rows
    sharing a key with such a row and finds every duplicate a full test would, for a fraction
    of the cost (benchmarks/RESULTS.md). Every other uniqueness test is dbt's own, over the
    whole table.

    The written rows are told by their scope key (the model's csops_scope_key). Two tables:

    - csops_state.unchecked_keys: the scope keys (as text) each partial build of such a model
      inserted (record_written_keys, called by the strategy), kept until its tests pass.
    - csops_state.test_scope: one row per model whose tests last passed; full_test is set
      when a build since rewrote the table some other way (first build, full refresh, an
      incremental build that recomputed everything); partial_invocation names the run whose
      partial build wrote keys last. A model with no row here is tested in full.

    record_tested_models (on-run-end) clears a model's keys and marks it tested only when
    every such test of the model ran in that invocation and passed: a failed test keeps the
    keys, so the duplicate is looked at again on every later run until it is gone. -#}

{% macro create_test_scope_state() -%}
    create table if not exists csops_state.unchecked_keys (
        model varchar,
        scope_value varchar
    );
    create table if not exists csops_state.test_scope (
        model varchar,
        full_test boolean,
        partial_invocation varchar
    )
{%- endmacro %}


{#- Whether the model (a unique_id) carries a unique_since_last_pass test. -#}
{% macro has_tests_since_last_pass(model_id) -%}
    {{ return(csops.tests_since_last_pass().get(model_id) is not none) }}
{%- endmacro %}


{#- {model unique_id: [unique_id of each of its unique_since_last_pass tests]}. -#}
{% macro tests_since_last_pass() -%}
    {%- set found = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test' and node.attached_node
            and (node.test_metadata.name | default('')) == 'unique_since_last_pass' -%}
        {%- do found.setdefault(node.attached_node, []).append(node.unique_id) -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}


{#- In the strategy, after a partial build's insert: the scope keys it wrote. -#}
{% macro record_written_keys(new_rows) -%}
    insert into csops_state.unchecked_keys
    select distinct '{{ this.identifier }}', cast({{ config.get('csops_scope_key') }} as varchar)
    from {{ new_rows }};
    update csops_state.test_scope
    set partial_invocation = '{{ invocation_id }}'
    where model = '{{ this.identifier }}'
{%- endmacro %}


{#- In every incremental model's post-hook: a build of this run that did not write through
    record_written_keys rewrote the table, so its next tests look at every row. -#}
{% macro mark_unless_written_in_part() -%}
    update csops_state.test_scope
    set full_test = true
    where model = '{{ this.identifier }}'
        and partial_invocation is distinct from '{{ invocation_id }}'
{%- endmacro %}


{#- The rows the test of `column_name` reads: the whole model, or, when the model's tests
    passed since its last full rewrite, only the rows whose `column_name` equals that of a
    row written since. -#}
{% macro rows_since_last_pass(model, column_name) -%}
    {%- if not execute -%}
        {{ return(model) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model.identifier) -%}
    {%- if node is none or node.config.materialized != 'incremental' -%}
        {{ return(model) }}
    {%- endif -%}
    {%- set scope_key = node.config.get('csops_scope_key') -%}
    {#- Whether the test can be scoped, and the type of the scope key (the recorded keys are
        text); none when the table is empty. -#}
    {%- set state_sql -%}
        select full_test, (select typeof({{ scope_key }}) from {{ model }} limit 1)
        from csops_state.test_scope
        where model = '{{ model.identifier }}'
    {%- endset -%}
    {%- set tested = run_query(state_sql).rows -%}
    {%- if tested | length == 0 or tested[0][0] or tested[0][1] is none -%}
        {{ return(model) }}
    {%- endif -%}
    {%- set rows_sql -%}
    (
        select *
        from {{ model }}
        where {{ column_name }} in (
            select {{ column_name }}
            from {{ model }}
            where {{ scope_key }} in (
                select cast(scope_value as {{ tested[0][1] }})
                from csops_state.unchecked_keys
                where model = '{{ model.identifier }}'
            )
        )
    )
    {%- endset -%}
    {{ return(rows_sql) }}
{%- endmacro %}


{#- on-run-end: the models whose unique_since_last_pass tests all ran and passed in this
    invocation are marked tested, their written keys cleared. -#}
{% macro record_tested_models(results) -%}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statuses = {} -%}
    {%- for result in results if result.node.resource_type == 'test' -%}
        {%- do statuses.update({result.node.unique_id: result.status | string}) -%}
    {%- endfor -%}
    {%- set passed = [] -%}
    {%- for model_id, test_ids in csops.tests_since_last_pass().items() | sort -%}
        {%- set outcomes = [] -%}
        {%- for test_id in test_ids -%}
            {%- do outcomes.append(statuses.get(test_id, 'not run') == 'pass') -%}
        {%- endfor -%}
        {%- if outcomes | select | list | length == outcomes | length -%}
            {%- do passed.append("'" ~ graph.nodes[model_id].alias ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if passed -%}
    delete from csops_state.unchecked_keys where model in ({{ passed | join(', ') }});
    delete from csops_state.test_scope where model in ({{ passed | join(', ') }});
    insert into csops_state.test_scope
    select model, false, null from (values ({{ passed | join('), (') }})) as passed(model)
    {%- endif -%}
{%- endmacro %}
