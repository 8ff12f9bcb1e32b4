{#- Incremental builds (docs/incremental.md): a nightly build recomputes only what the new
    landing can have changed, and leaves every table as a full refresh of the same lake would
    (tests/test_dbt_incremental_build.py holds it to that).

    A model built this way starts with

        {%- set scope = csops.incremental_model('ticket', 'ticket_id') %}

    and filters its inputs with `csops.in_scope(scope, column)` (macros/incremental/scope.sql).
    The kind says what a build recomputes:

    - `versions` (staging): the records landed since the table's watermark, merged with the
      stored versions of the same ids (macros/incremental/staged_versions.sql).
    - `ticket`: the tickets with anything landed since the watermark (the ticket, an audit,
      a rating) and every ticket not closed yet, whose clocks run to as_of.
    - `conversation`: the conversations landed since the watermark.
    - `contact`: the tickets and conversations of the two kinds above.
    - `response`: the survey responses landed since the watermark.
    - `feedback` (fct_survey_responses): the responses of `response` and every response or
      rating about a contact of `contact`.

    What changed is read from the models of models/intermediate/build/ (int_build__*_changes,
    int_build__reference_rows, int_build__as_of), so a model's parents in the lineage are the
    models it reads and these, nothing else.

    `key` names what a row belongs to (the record, ticket, conversation, contact or response
    whose rows a build replaces); it is not unique (a ticket has many status intervals), so
    dbt's unique_key is not set. `scope_key` is the expression rows are deleted by when it
    is not `key` itself (contact_type || ':' || contact_id). `post_hook` runs after the build,
    before the model's state is saved (macros/incremental/state.sql). -#}
{% macro incremental_model(kind, key, scope_key=none, post_hook=[]) -%}
    {#- The incremental machinery is DuckDB's (its state tables, its delete and insert in one
        transaction): on the other engines each such model is a table built in full on every
        run (docs/scale.md). Its inputs are still referenced, so the lineage (and the order the
        orchestrator expects the models in) is the same on every engine. -#}
    {%- if target.type != 'duckdb' -%}
        {%- do config({'materialized': 'table', 'post_hook': post_hook}) -%}
        {%- do csops.build_inputs(kind) -%}
        {{ return({'kind': kind, 'mode': 'none'}) }}
    {%- endif -%}
    {%- do config({
        'materialized': 'incremental',
        'incremental_strategy': 'csops_scope',
        'csops_scope': kind,
        'csops_key': key,
        'csops_scope_key': scope_key if scope_key is not none else key,
        'on_schema_change': 'fail',
        'post_hook': post_hook + ["{{ csops.save_incremental_state('" ~ kind ~ "') }}"]
    }) -%}
    {{ return(csops.incremental_scope(kind)) }}
{%- endmacro %}
