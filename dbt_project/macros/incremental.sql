{#- Incremental builds (docs/incremental.md): a nightly build recomputes only what the new
    landing can have changed, and must leave every table as a full refresh of the same lake
    would (tests/test_dbt_incremental_build.py holds it to that).

    Models built this way call `csops.incremental_model(kind, key)` (at the end of this
    file), which makes them `materialized='incremental'` with the custom strategy
    `csops_scope` and one of these kinds (config `csops_scope`):

    - `versions` (staging): read only the landed rows extracted after the table's watermark,
      merge them with the stored rows of the same ids, keep the latest version, and replace
      those ids (delete, then insert).
    - `ticket` (per-ticket models): recompute the tickets whose landed rows are new since the
      model's last build, plus every ticket not yet closed (their clocks run to as_of), and
      replace exactly those tickets' rows.
    - `conversation` (per-conversation models): the same for the conversations whose staged
      version is new; nothing of a conversation is measured to as_of.
    - `contact` (models of both): the tickets and conversations of the two kinds above.
    - `response` (per-survey-response models): the responses whose staged version is new.
    - `feedback` (fct_survey_responses): the responses of `response`, plus every response
      and rating about a contact of `contact`, replaced by `source:response_id`; the rows of
      the contacts in scope are removed first, so a rating that a newer one replaced goes.
    - `days` (daily and weekly aggregates over contacts): every day from `since_day` on,
      replaced whole. `since_day` is the earliest creation day of the contacts with
      something new since the watermark, or the day before the previous as_of if earlier:
      everything a contact adds to an aggregate is dated on or after its creation, and a
      contact with nothing new changes only from the previous as_of on (its clocks run to
      as_of). Config `csops_days_grain='week'` replaces whole ISO weeks instead.

    Each model keeps its own state row in csops_state.incremental_state (watermark, as_of,
    fingerprint), written after its build in the same transaction, so a model that failed or
    was left out of a run catches up on its next build. A build falls back to recomputing
    everything when that state is missing or its fingerprint changed: the project's models,
    seeds and macros, the vars, the lake, and (per-contact kinds) the reference data the
    contacts are computed with (schedules, holidays, SLA policies, groups, teams, and the
    role and email of every user that existed at the previous as_of). -#}

{% macro get_incremental_csops_scope_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set key = config.get('csops_key') -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set scope = csops.incremental_scope() -%}
    delete from {{ target }}
    {%- if scope.mode == 'partial' and scope.kind == 'days' %}
    where {{ config.get('csops_scope_key') }} >= {{ csops.since_period(scope) }}
    {%- elif scope.mode == 'partial' %}
    where {{ config.get('csops_scope_key') }} in (
        {%- if scope.kind == 'versions' %}
        select {{ key }} from {{ arg_dict['temp_relation'] }}
        {%- else %}
        {{ scope.keys_sql }}
        {%- endif %}
    )
    {%- if scope.kind == 'feedback' %}
        or contact_key in (
            select contact_key from {{ scope.inputs.contacts }}
            where contact_type || ':' || contact_id in ({{ scope.contact }})
        )
    {%- endif %}
    {%- endif %};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
    {%- if scope.mode == 'partial' and csops.has_scoped_tests(model.unique_id) %};
    {{ csops.record_written_keys(arg_dict['temp_relation']) }}
    {%- endif %}
{%- endmacro %}


{#- The model's scope for this build: a dict with kind, mode ('none' when the table is
    built from scratch, 'all' when an incremental build must recompute everything, 'partial'
    otherwise), the watermark literal and, for per-contact kinds, keys_sql: the contacts to
    recompute. The refs are taken unconditionally so dbt records them as dependencies. -#}
{% macro incremental_scope(kind=none) -%}
    {#- A model passes its kind: while dbt parses it, config.get does not see its config(). -#}
    {%- set kind = kind or config.get('csops_scope') -%}
    {#- A unit test mocks only the inputs its model reads; it always builds from scratch. -#}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return({'kind': kind, 'mode': 'none'}) }}
    {%- endif -%}
    {%- set inputs = csops._scope_inputs(kind) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return({'kind': kind, 'mode': 'none'}) }}
    {%- endif -%}
    {%- set state = csops._stored_state() -%}
    {%- if state is none or state.watermark is none -%}
        {{ return({'kind': kind, 'mode': 'all'}) }}
    {%- endif -%}
    {%- set current = run_query(
        'select ' ~ csops._fingerprint_sql(kind, inputs, "cast('" ~ state.as_of ~ "' as timestamp with time zone)")
        ~ (', cast((select as_of from ' ~ inputs.as_of ~ ") >= cast('" ~ state.as_of ~ "' as timestamp with time zone) as boolean)" if inputs.as_of is defined else ', true')
    ).rows[0] -%}
    {%- if current[0] != state.fingerprint or not current[1] -%}
        {{ return({'kind': kind, 'mode': 'all'}) }}
    {%- endif -%}
    {%- set watermark = "cast('" ~ state.watermark ~ "' as timestamp with time zone)" -%}
    {%- set scope = {'kind': kind, 'mode': 'partial', 'watermark': watermark, 'inputs': inputs} -%}
    {#- The tickets with something landed since the watermark; the ticket kinds add every
        ticket not closed yet (its clocks run to as_of). -#}
    {%- set changed_ticket_keys = (
        'select ticket_id from ' ~ inputs.tickets ~ ' where _extracted_at > ' ~ watermark
        ~ ' union select ticket_id from ' ~ inputs.audits ~ ' where _extracted_at > ' ~ watermark
        ~ ' union select ticket_id from ' ~ inputs.ratings ~ ' where _extracted_at > ' ~ watermark
        ~ ' and ticket_id is not null') if inputs.tickets is defined else none -%}
    {%- set ticket_keys = (changed_ticket_keys ~ ' union select ticket_id from ' ~ inputs.tickets
        ~ " where status is distinct from 'closed'") if changed_ticket_keys else none -%}
    {%- set conversation_keys = (
        'select conversation_id from ' ~ inputs.conversations
        ~ ' where _extracted_at > ' ~ watermark) if inputs.conversations is defined else none -%}
    {%- set response_keys = (
        'select response_id from ' ~ inputs.responses
        ~ ' where _extracted_at > ' ~ watermark) if inputs.responses is defined else none -%}
    {#- Rows of both contact types, told apart as fct_contacts does: contact_type:contact_id. -#}
    {%- set contact_keys = (
        "select 'ticket:' || cast(ticket_id as varchar) from (" ~ ticket_keys
        ~ ") union all select 'conversation:' || conversation_id from ("
        ~ conversation_keys ~ ")") if ticket_keys and conversation_keys else none -%}
    {%- if kind == 'ticket' -%}
        {%- do scope.update({'keys_sql': ticket_keys, 'ticket': ticket_keys}) -%}
    {%- elif kind == 'conversation' -%}
        {%- do scope.update({'keys_sql': conversation_keys, 'conversation': conversation_keys}) -%}
    {%- elif kind == 'contact' -%}
        {%- do scope.update({
            'ticket': ticket_keys,
            'conversation': conversation_keys,
            'contact': contact_keys,
            'keys_sql': contact_keys
        }) -%}
    {%- elif kind == 'response' -%}
        {%- do scope.update({'keys_sql': response_keys, 'response': response_keys}) -%}
    {%- elif kind == 'days' -%}
        {%- set previous_as_of = "cast('" ~ state.as_of ~ "' as timestamp with time zone)" -%}
        {#- A literal in the model's filters, not the subqueries: DuckDB 2.0.0 folded
            `sum(...) > 0` to false over rows filtered by a comparison with this least() of
            scalar subqueries (fct_agent_daily's csat_pct came out null; docs/decisions.md). -#}
        {%- set since_day = run_query('select cast(least('
            ~ '(select min(' ~ csops.to_reporting_date('created_at') ~ ') from ' ~ inputs.tickets
            ~ ' where ticket_id in (' ~ changed_ticket_keys ~ ')), '
            ~ '(select min(' ~ csops.to_reporting_date('created_at') ~ ') from ' ~ inputs.conversations
            ~ ' where conversation_id in (' ~ conversation_keys ~ ')), '
            ~ 'cast(' ~ dbt.dateadd('day', -1, csops.to_reporting_date(previous_as_of)) ~ ' as date))'
            ~ ' as varchar)').rows[0][0] -%}
        {%- do scope.update({'since_day': "cast('" ~ since_day ~ "' as date)"}) -%}
    {%- elif kind == 'feedback' -%}
        {#- The responses to replace: the new ones and the answers about a contact in scope
            (their contact may be new); the ratings of contacts in scope go by contact_key. -#}
        {%- do scope.update({
            'ticket': ticket_keys,
            'conversation': conversation_keys,
            'contact': contact_keys,
            'response': response_keys,
            'keys_sql': "select 'typeform:' || response_id from (" ~ response_keys
                ~ ") union all select 'typeform:' || response_id from " ~ inputs.answers
                ~ " where contact_type || ':' || contact_id in (" ~ contact_keys ~ ")"
        }) -%}
    {%- endif -%}
    {{ return(scope) }}
{%- endmacro %}


{#- A filter for an input of a scoped model: `column` is the ticket id (ticket_id), the
    conversation id (conversation_id) or the survey response id (response_id) in that
    input, or the expression contact_type || ':' || contact_id of an input holding both
    contact types. -#}
{% macro in_scope(scope, column) -%}
    {%- if column.endswith('ticket_id') -%}
        {%- set of = 'ticket' -%}
    {%- elif column.endswith('conversation_id') -%}
        {%- set of = 'conversation' -%}
    {%- elif column.endswith('response_id') -%}
        {%- set of = 'response' -%}
    {%- else -%}
        {%- set of = 'contact' -%}
    {%- endif -%}
    {%- if scope.mode == 'partial' and scope.kind != 'versions' -%}
        {{ column }} in ({{ scope[of] }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- In a `days` model: a filter keeping the rows of `date_column` (a reporting date) that the
    build recomputes; with grain 'week', the ISO weeks from since_day's week on. -#}
{% macro in_days(scope, date_column, grain='day') -%}
    {%- if scope.mode == 'partial' -%}
        {%- if grain == 'week' -%}
        {{ csops.iso_week_start(date_column) }} >= {{ csops.since_period(scope, grain) }}
        {%- else -%}
        {{ date_column }} >= {{ csops.since_period(scope, grain) }}
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The first day (or, with grain 'week', ISO week start) a `days` build replaces. -#}
{% macro since_period(scope, grain=none) -%}
    {%- set grain = grain or config.get('csops_days_grain') or 'day' -%}
    {%- if grain == 'week' -%}
        {{ csops.iso_week_start(scope.since_day) }}
    {%- else -%}
        {{ scope.since_day }}
    {%- endif -%}
{%- endmacro %}


{#- Written before the parenthesis of an input CTE filtered by in_scope: materialized, so
    DuckDB filters the input to the scope before joining it (left to the optimizer, the
    scope's semi-join can land after a range join over the whole table). -#}
{% macro scoped_cte(scope) -%}
    {%- if scope.mode == 'partial' and scope.kind != 'versions' %}materialized {% endif -%}
{%- endmacro %}


{#- A filter for the landed rows a `versions` model reads: those extracted after its
    watermark. The watermark is a literal, so DuckDB skips the row groups of older files by
    their statistics. -#}
{% macro landed_since(scope, column='_extracted_at') -%}
    {%- if scope.mode == 'partial' -%}
        {{ column }} > {{ scope.watermark }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The state table, created before any model runs (on-run-start): created by the models'
    own post-hooks, two models finishing at once would conflict in DuckDB's catalog. -#}
{% macro create_incremental_state() -%}
    create schema if not exists csops_state;
    create table if not exists csops_state.incremental_state (
        model varchar,
        watermark timestamp with time zone,
        as_of timestamp with time zone,
        fingerprint varchar
    );
    {{ csops.create_test_scope_state() }}
{%- endmacro %}


{#- Record the model's state after its build (a post-hook, inside the build's transaction). -#}
{% macro save_incremental_state(kind=none) -%}
    {%- set kind = kind or config.get('csops_scope') -%}
    {%- set inputs = csops._scope_inputs(kind) -%}
    {%- if kind == 'versions' -%}
        {%- set watermark = '(select max(_extracted_at) from ' ~ this ~ ')' -%}
        {%- set as_of = 'cast(null as timestamp with time zone)' -%}
    {%- else -%}
        {%- set latest = [] -%}
        {%- for name in ('tickets', 'audits', 'ratings', 'conversations', 'responses') if inputs[name] is defined -%}
            {%- do latest.append('(select max(_extracted_at) from ' ~ inputs[name] ~ ')') -%}
        {%- endfor -%}
        {%- set watermark = 'greatest(' ~ latest | join(', ') ~ ')' -%}
        {%- set as_of = ('(select as_of from ' ~ inputs.as_of ~ ')') if inputs.as_of is defined
            else 'cast(null as timestamp with time zone)' -%}
    {%- endif -%}
    {{ csops.mark_unless_written_in_part() }};
    delete from csops_state.incremental_state where model = '{{ this.identifier }}';
    insert into csops_state.incremental_state
    select
        '{{ this.identifier }}',
        {{ watermark }},
        {{ as_of }},
        {{ csops._fingerprint_sql(kind, inputs, as_of) }}
{%- endmacro %}


{% macro _scope_inputs(kind) -%}
    {%- if kind == 'ticket' -%}
        {{ return({
            'tickets': ref('stg_zendesk__tickets'),
            'audits': ref('stg_zendesk__ticket_audits'),
            'ratings': ref('stg_zendesk__satisfaction_ratings'),
            'users': ref('stg_zendesk__users'),
            'as_of': ref('int_build__as_of'),
            'reference': [
                ref('stg_zendesk__groups'), ref('stg_zendesk__schedules'),
                ref('stg_zendesk__holidays'), ref('stg_zendesk__sla_policies'),
                ref('team_schedules'), ref('sla_targets'), ref('rails_time_zones')
            ]
        }) }}
    {%- elif kind == 'conversation' -%}
        {{ return({
            'conversations': ref('stg_intercom__conversations'),
            'as_of': ref('int_build__as_of'),
            'reference': [
                ref('stg_intercom__teams'), ref('stg_intercom__admins'),
                ref('stg_zendesk__schedules'), ref('stg_zendesk__holidays'),
                ref('team_schedules'), ref('rails_time_zones')
            ]
        }) }}
    {%- elif kind == 'contact' -%}
        {%- set tickets = csops._scope_inputs('ticket') -%}
        {%- set conversations = csops._scope_inputs('conversation') -%}
        {%- do tickets.update({
            'conversations': conversations.conversations,
            'reference': tickets.reference + conversations.reference
        }) -%}
        {{ return(tickets) }}
    {%- elif kind == 'days' -%}
        {{ return(csops._scope_inputs('contact')) }}
    {%- elif kind == 'response' -%}
        {{ return({'responses': ref('stg_typeform__responses'), 'reference': []}) }}
    {%- elif kind == 'feedback' -%}
        {%- set inputs = csops._scope_inputs('contact') -%}
        {%- do inputs.update({
            'responses': ref('stg_typeform__responses'),
            'answers': ref('int_feedback__survey_answers'),
            'contacts': ref('fct_contacts')
        }) -%}
        {{ return(inputs) }}
    {%- elif kind == 'versions' -%}
        {{ return({'reference': []}) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "csops_scope must be 'versions', 'ticket', 'conversation', 'contact', 'response',"
            ~ " 'feedback' or 'days', not " ~ kind) }}
    {%- endif -%}
{%- endmacro %}


{% macro _stored_state() -%}
    {%- set found = run_query(
        "select count(*) from information_schema.tables"
        ~ " where table_schema = 'csops_state' and table_name = 'incremental_state'"
    ) -%}
    {%- if found.rows[0][0] == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query(
        "select cast(watermark as varchar), cast(as_of as varchar), fingerprint"
        ~ " from csops_state.incremental_state where model = '" ~ this.identifier ~ "'"
    ).rows -%}
    {%- if rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'watermark': rows[0][0], 'as_of': rows[0][1], 'fingerprint': rows[0][2]}) }}
{%- endmacro %}


{#- What a build's results rest on besides the landed rows, as one md5 (SQL). The code and
    the vars are hashed here, in Jinja, so no var's value (the customer salt) reaches a query;
    the reference tables are hashed in the warehouse (row count and the sum of the rows'
    hashes: no sort, so a year of users costs milliseconds), their landing columns left out; users
    only as far as they existed at `cutoff` (a SQL timestamp: the previous as_of), since users
    created later can only touch contacts that landed since. -#}
{% macro _fingerprint_sql(kind, inputs, cutoff) -%}
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
    {%- set settings = {
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
    } -%}
    {%- do parts.append(tojson(settings, sort_keys=true)) -%}
    md5(concat_ws('|', '{{ local_md5(parts | join("\n")) }}'
    {%- for relation in inputs.reference %},
        (select cast(count(*) as varchar) || ':' || cast(coalesce(sum(hash(row_value)), 0) as varchar)
         from (select columns(lambda c: not starts_with(c, '_')) from {{ relation }}) as row_value)
    {%- endfor %}
    {%- if inputs.as_of is defined %},
        (select coalesce(cast(first_window_start as varchar), '') from {{ inputs.as_of }})
    {%- endif %}
    {%- if inputs.users is defined %},
        (select cast(count(*) as varchar) || ':'
            || cast(coalesce(sum(hash(user_id, role, is_agent, email)), 0) as varchar)
         from {{ inputs.users }} where created_at <= {{ cutoff }})
    {%- endif %}))
{%- endmacro %}


{#- The last select of a `versions` model: `new_rows` (a CTE of staged rows, the latest of
    each id among the rows landed since the watermark) merged with the stored rows of the
    same ids, keeping the first by `order_by`, so the result is what ranking every landed
    version would keep. Built from scratch, it is `new_rows` as they are. -#}
{% macro keep_latest_versions(scope, new_rows, key, order_by) -%}
    {%- if scope.mode == 'partial' -%}
    select * exclude (csops_version_rank)
    from (
        select
            *,
            row_number() over (partition by {{ key }} order by {{ order_by }})
                as csops_version_rank
        from (
            select * from {{ new_rows }}
            union all by name
            select * from {{ this }}
            where {{ key }} in (select {{ key }} from {{ new_rows }})
        )
    )
    where csops_version_rank = 1
    {%- else -%}
    select * from {{ new_rows }}
    {%- endif -%}
{%- endmacro %}


{#- int_tickets__status_intervals, incrementally: the current (last) interval of a
    ticket ends at as_of, so the tickets left out of the scope (closed ones) have theirs
    moved to the new as_of, as a full refresh would end it. -#}
{% macro extend_current_intervals() -%}
    {%- if is_incremental() -%}
    update {{ this }}
    set
        valid_to = as_of.as_of,
        duration_calendar_minutes = {{ csops.minutes_between('valid_from', 'as_of.as_of') }}
    from {{ ref('int_build__as_of') }} as as_of
    where is_current_interval
        and valid_to is distinct from as_of.as_of
    {%- endif -%}
{%- endmacro %}


{#- The config of an incremental model of `kind` (kinds above), and its scope for this build:
    `{%- set scope = csops.incremental_model('ticket', 'ticket_id') %}` at the top of the
    model. `key` names what a row belongs to: the record (staging), the ticket, conversation,
    contact, response, day or week whose rows a build replaces. It is not a unique key (a
    ticket has many status intervals; a day has a row per channel and team), so dbt's
    unique_key is not set. `scope_key` is the expression the rows are deleted by when it is
    not `key` itself; `post_hook` lists hooks to run after the build, before the model's
    state is saved. -#}
{% macro incremental_model(kind, key, scope_key=none, post_hook=[], days_grain=none) -%}
    {%- set settings = {
        'materialized': 'incremental',
        'incremental_strategy': 'csops_scope',
        'csops_scope': kind,
        'csops_key': key,
        'csops_scope_key': scope_key if scope_key is not none else key,
        'on_schema_change': 'fail',
        'post_hook': post_hook + ["{{ csops.save_incremental_state('" ~ kind ~ "') }}"]
    } -%}
    {%- if days_grain is not none -%}
        {%- do settings.update({'csops_days_grain': days_grain}) -%}
    {%- endif -%}
    {%- do config(settings) -%}
    {{ return(csops.incremental_scope(kind)) }}
{%- endmacro %}
