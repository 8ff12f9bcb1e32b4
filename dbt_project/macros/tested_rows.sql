{#- Uniqueness tests of incremental models, over the rows written since they last passed
    (docs/incremental.md "Tests of an incremental build").

    A nightly build rewrites a few thousand contacts of tables that hold millions of rows, and
    a `unique` test over the whole table costs what the table holds, not what the night
    changed. Yet a duplicate needs at least one row written since the table's last passing
    test (before that the whole table was unique): so a test that looks at the rows sharing
    a key with some written row finds every duplicate a full test would, for a fraction of
    the cost.

    The written rows are told by their scope key (the model's csops_scope_key: what the
    csops_scope strategy deletes and inserts by). Three tables keep it:

    - csops_state.unchecked_keys: the scope keys (as text) of the rows each partial build
      inserted (record_written_keys, in the strategy), kept until the model's tests pass.
    - csops_state.test_scope: one row per model whose tests last passed; full_test is set
      when a build since rewrote the table some other way (first build, full refresh, an
      incremental build that recomputed everything), partial_invocation names the run whose
      partial build wrote keys last.
    - A model with no row in test_scope is tested in full.

    record_tested_models (on-run-end) clears a model's keys and marks it tested only when
    every uniqueness test of the model ran in that invocation and passed: a failed test
    keeps the keys, so the duplicate is looked at again on every later run until it is gone. -#}

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


{#- In the csops_scope strategy, after a partial build's insert: the scope keys it wrote (only
    for a model with a uniqueness test to read them: has_scoped_tests). -#}
{% macro record_written_keys(temp_relation) -%}
    {%- set scope_key = config.get('csops_scope_key') -%}
    insert into csops_state.unchecked_keys
    select distinct '{{ this.identifier }}', cast({{ scope_key }} as varchar)
    from {{ temp_relation }};
    update csops_state.test_scope
    set partial_invocation = '{{ invocation_id }}'
    where model = '{{ this.identifier }}'
{%- endmacro %}


{% macro has_scoped_tests(model_id) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test'
            and node.attached_node == model_id
            and (node.test_metadata.name | default('')) in csops._scoped_tests() -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{#- In every incremental model's post-hook: a build of this run that did not write through
    record_written_keys rewrote the table, so its next tests look at every row. -#}
{% macro mark_unless_written_in_part() -%}
    update csops_state.test_scope
    set full_test = true
    where model = '{{ this.identifier }}'
        and partial_invocation is distinct from '{{ invocation_id }}'
{%- endmacro %}


{#- The relation a uniqueness test of `columns` reads: the whole model, or, when its tests
    can be scoped (above), only the rows whose `columns` equal those of a row written since
    they last passed. Nulls compare equal, as the tests group them. -#}
{% macro rows_to_test(model, columns) -%}
    {%- if not execute -%}
        {{ return(model) }}
    {%- endif -%}
    {%- set node = csops._model_node(model) -%}
    {%- if node is none or node.config.materialized != 'incremental' -%}
        {{ return(model) }}
    {%- endif -%}
    {%- set scope_key = node.config.get('csops_scope_key') -%}
    {#- One query: whether the model's tests can be scoped, and the type of its scope key
        (the recorded keys are text), none when the table is empty. -#}
    {%- set tested = run_query(
        "select full_test, (select typeof(" ~ scope_key ~ ") from " ~ model ~ " limit 1)"
        ~ " from csops_state.test_scope where model = '" ~ model.identifier ~ "'"
    ).rows -%}
    {%- if tested | length == 0 or tested[0][0] or tested[0][1] is none -%}
        {{ return(model) }}
    {%- endif -%}
    {%- set scope_type = tested[0][1] -%}
    {%- set sql -%}
    (
        select *
        from {{ model }} as candidate
        where exists (
            select 1
            from (
                select {{ columns | join(', ') }}
                from {{ model }}
                where {{ scope_key }} in (
                    select cast(scope_value as {{ scope_type }})
                    from csops_state.unchecked_keys
                    where model = '{{ model.identifier }}'
                )
            ) as written
            where
            {%- for column in columns %}
                {% if not loop.first %}and {% endif %}written.{{ column }} is not distinct from candidate.{{ column }}
            {%- endfor %}
        )
    )
    {%- endset -%}
    {{ return(sql) }}
{%- endmacro %}


{#- on-run-end: the incremental models whose uniqueness tests all ran and passed in this
    invocation are marked tested, their written keys cleared. -#}
{% macro record_tested_models(results) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statuses = {} -%}
    {%- for result in results if result.node.resource_type == 'test' -%}
        {%- do statuses.update({result.node.unique_id: result.status | string}) -%}
    {%- endfor -%}
    {%- set tests_of = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test'
            and node.attached_node and (node.test_metadata.name | default('')) in csops._scoped_tests() -%}
        {%- do tests_of.setdefault(node.attached_node, []).append(node.unique_id) -%}
    {%- endfor -%}
    {%- set passed = [] -%}
    {%- for model_id, test_ids in tests_of.items() | sort -%}
        {%- set model_node = graph.nodes.get(model_id) -%}
        {%- if model_node and model_node.config.materialized == 'incremental' -%}
            {%- set outcomes = [] -%}
            {%- for test_id in test_ids -%}
                {%- do outcomes.append(statuses.get(test_id, 'not run') == 'pass') -%}
            {%- endfor -%}
            {%- if outcomes | select | list | length == outcomes | length -%}
                {%- do passed.append("'" ~ model_node.alias ~ "'") -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if passed -%}
    delete from csops_state.unchecked_keys where model in ({{ passed | join(', ') }});
    delete from csops_state.test_scope where model in ({{ passed | join(', ') }});
    insert into csops_state.test_scope
    select model, false, null from (values ({{ passed | join('), (') }})) as passed(model)
    {%- endif -%}
{%- endmacro %}


{#- The generic tests that read rows_to_test. -#}
{% macro _scoped_tests() -%}
    {{ return(['unique', 'unique_combination']) }}
{%- endmacro %}


{% macro _model_node(relation) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model'
            and node.package_name == project_name and node.alias == relation.identifier
            and node.schema == relation.schema -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{#- dbt's `unique` test, for this project: over rows_to_test instead of the whole model. -#}
{% macro default__test_unique(model, column_name) -%}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ csops.rows_to_test(model, [column_name]) }} as tested
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{%- endmacro %}
