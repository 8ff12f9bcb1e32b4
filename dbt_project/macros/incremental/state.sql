{#- Each incremental model keeps its own state row in csops_state.incremental_state: the
    watermark (the latest landing it has seen), the as_of it was built at, and a fingerprint
    of everything else its rows rest on. The row is written by the model's post-hook, in the
    build's transaction, so a model that failed or was left out of a run catches up on its
    next build. A build recomputes everything when the row is missing or the fingerprint
    changed (macros/incremental/scope.sql). -#}

{#- on-run-start: the state tables, created before any model runs (created by the models'
    own post-hooks, two models finishing at once would conflict in DuckDB's catalog). -#}
{% macro create_incremental_state() -%}
    {%- if target.type != 'duckdb' -%}
        {#- Other engines build every model in full (macros/incremental/incremental_model.sql). -#}
        select 1
    {%- else -%}
    create schema if not exists csops_state;
    create table if not exists csops_state.incremental_state (
        model varchar,
        watermark timestamp with time zone,
        as_of timestamp with time zone,
        fingerprint varchar
    );
    {{ csops.create_test_scope_state() }}
    {%- endif -%}
{%- endmacro %}


{#- The model's post-hook: record its state after the build. -#}
{% macro save_incremental_state(kind) -%}
    {%- set inputs = csops.build_inputs(kind) -%}
    {%- set as_of -%}
        {%- if inputs.as_of -%}
        (select as_of from {{ inputs.as_of }})
        {%- else -%}
        cast(null as timestamp with time zone)
        {%- endif -%}
    {%- endset -%}
    {{ csops.mark_unless_written_in_part() }};
    delete from csops_state.incremental_state where model = '{{ this.identifier }}';
    insert into csops_state.incremental_state
    select
        '{{ this.identifier }}',
        {%- if kind == 'versions' %}
        (select max(_extracted_at) from {{ this }}),
        {%- else %}
        greatest(
            {%- for changes in [inputs.tickets, inputs.conversations, inputs.responses] if changes %}
            (select max(landed_at) from {{ changes }}){{ ',' if not loop.last }}
            {%- endfor %}
        ),
        {%- endif %}
        {{ as_of }},
        {{ csops.fingerprint_sql(kind, inputs, as_of) }}
{%- endmacro %}


{#- The model's state row, none when it has none. -#}
{% macro stored_state() -%}
    {%- set found = run_query(
        "select count(*) from information_schema.tables"
        ~ " where table_schema = 'csops_state' and table_name = 'incremental_state'"
    ) -%}
    {%- if found.rows[0][0] == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state_sql -%}
        select cast(watermark as varchar), cast(as_of as varchar), fingerprint
        from csops_state.incremental_state
        where model = '{{ this.identifier }}'
    {%- endset -%}
    {%- set rows = run_query(state_sql).rows -%}
    {%- if rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'watermark': rows[0][0], 'as_of': rows[0][1], 'fingerprint': rows[0][2]}) }}
{%- endmacro %}


{#- What a build's results rest on besides the landed rows, as one md5 (SQL): the project's
    models, seeds and macros and the vars, hashed here in Jinja (so no var's value, such as
    the customer salt, reaches a query); the reference data of int_build__reference_rows the
    kind reads, users only as far as they existed at `cutoff` (SQL: the as_of of the build
    the state is compared with), since a user created later can only touch contacts landed
    since; and the first landed window. -#}
{% macro fingerprint_sql(kind, inputs, cutoff) -%}
    {%- if not execute -%}
        {{ return("''") }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
        {%- if node.package_name == project_name and node.resource_type in ('model', 'seed') -%}
            {%- do parts.append(node.unique_id ~ ':' ~ node.checksum.checksum) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for macro_id, macro in (graph.get('macros') or {}).items() | sort -%}
        {%- if macro.package_name == project_name -%}
            {%- do parts.append(macro_id ~ ':' ~ local_md5(macro.macro_sql)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do parts.append(tojson({
        'as_of': var('as_of'),
        'escalation_teams': var('escalation_teams'),
        'escalation_tags': var('escalation_tags'),
        'customer_salt': var('customer_salt'),
        'reporting_timezone': var('reporting_timezone'),
        'survey_field_refs': var('survey_field_refs'),
        'business_hours_lookahead_days': var('business_hours_lookahead_days'),
        'cost_per_human_contact': var('cost_per_human_contact'),
        'lake': env_var('CSOPS_LAKE', 'data/lake'),
        'kind': kind
    }, sort_keys=true)) -%}
    md5(concat_ws('|',
        '{{ local_md5(parts | join("\n")) }}'
        {%- if inputs.reference %},
        (
            select cast(count(*) as varchar) || ':' || cast(coalesce(sum(row_hash), 0) as varchar)
            from {{ inputs.reference }}
            where ({{ 'for_tickets' if inputs.tickets else 'false' }}
                    or {{ 'for_conversations' if inputs.conversations else 'false' }})
                and (created_at is null or created_at <= {{ cutoff }})
        )
        {%- endif %}
        {%- if inputs.as_of %},
        (select coalesce(cast(first_window_start as varchar), '') from {{ inputs.as_of }})
        {%- endif %}
    ))
{%- endmacro %}
