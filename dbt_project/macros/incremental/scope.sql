{#- What an incremental build of a model recomputes (docs/incremental.md). -#}

{#- The models a kind reads to find what changed, as relations (none where the kind does not
    read it). The refs are taken whenever a model calls this, so dbt records exactly these
    as the model's parents besides its own inputs. -#}
{% macro build_inputs(kind) -%}
    {%- if kind not in ('versions', 'ticket', 'conversation', 'contact', 'response', 'feedback') -%}
        {{ exceptions.raise_compiler_error(
            "csops_scope must be 'versions', 'ticket', 'conversation', 'contact', 'response'"
            ~ " or 'feedback', not " ~ kind) }}
    {%- endif -%}
    {%- set per_ticket = kind in ('ticket', 'contact', 'feedback') -%}
    {%- set per_conversation = kind in ('conversation', 'contact', 'feedback') -%}
    {%- set per_contact = per_ticket or per_conversation -%}
    {{ return({
        'tickets': ref('int_build__ticket_changes') if per_ticket else none,
        'conversations': ref('int_build__conversation_changes') if per_conversation else none,
        'responses': ref('int_build__response_changes') if kind in ('response', 'feedback') else none,
        'reference': ref('int_build__reference_rows') if per_contact else none,
        'as_of': ref('int_build__as_of') if per_contact else none,
        'answers': ref('int_feedback__survey_answers') if kind == 'feedback' else none,
        'contacts': ref('fct_contacts') if kind == 'feedback' else none
    }) }}
{%- endmacro %}


{#- The model's scope for this build: a dict with the kind, the mode ('none' when the table is
    built from scratch, 'all' when an incremental build must recompute everything, 'partial'
    otherwise) and, when partial, the watermark and `keys`: SQL selecting the ids to recompute
    per contact type (ticket, conversation, contact as contact_type:contact_id, response) and
    `replaced`, the scope keys whose rows the build replaces. -#}
{% macro incremental_scope(kind) -%}
    {#- A unit test mocks only the inputs its model reads; it always builds from scratch. -#}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return({'kind': kind, 'mode': 'none'}) }}
    {%- endif -%}
    {%- set inputs = csops.build_inputs(kind) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return({'kind': kind, 'mode': 'none'}) }}
    {%- endif -%}
    {%- set state = csops.stored_state() -%}
    {%- if state is none or state.watermark is none -%}
        {{ return({'kind': kind, 'mode': 'all'}) }}
    {%- endif -%}

    {#- Everything else the rows rest on is as it was, and the clock has not gone back. -#}
    {%- set previous_as_of = "cast('" ~ state.as_of ~ "' as timestamp with time zone)" -%}
    {%- set unchanged_sql -%}
        select {{ csops.fingerprint_sql(kind, inputs, previous_as_of) }} = '{{ state.fingerprint }}'
        {%- if inputs.as_of %}
            and (select as_of from {{ inputs.as_of }}) >= {{ previous_as_of }}
        {%- endif %}
    {%- endset -%}
    {%- if not run_query(unchanged_sql).rows[0][0] -%}
        {{ return({'kind': kind, 'mode': 'all'}) }}
    {%- endif -%}

    {%- set since = "cast('" ~ state.watermark ~ "' as timestamp with time zone)" -%}
    {%- set keys = {} -%}
    {%- if inputs.tickets -%}
        {#- A ticket not closed is recomputed whether or not it changed: its clocks run to as_of. -#}
        {%- set ticket_keys -%}
            select ticket_id from {{ inputs.tickets }} where landed_at > {{ since }}
            union
            select ticket_id from {{ inputs.tickets }} where is_open
        {%- endset -%}
        {%- do keys.update({'ticket': ticket_keys}) -%}
    {%- endif -%}
    {%- if inputs.conversations -%}
        {%- set conversation_keys -%}
            select conversation_id from {{ inputs.conversations }} where landed_at > {{ since }}
        {%- endset -%}
        {%- do keys.update({'conversation': conversation_keys}) -%}
    {%- endif -%}
    {%- if inputs.tickets and inputs.conversations -%}
        {#- Both contact types, told apart as fct_contacts does: contact_type:contact_id. -#}
        {%- set contact_keys -%}
            select 'ticket:' || cast(ticket_id as varchar) from ({{ keys.ticket }})
            union all
            select 'conversation:' || conversation_id from ({{ keys.conversation }})
        {%- endset -%}
        {%- do keys.update({'contact': contact_keys}) -%}
    {%- endif -%}
    {%- if inputs.responses -%}
        {%- set response_keys -%}
            select response_id from {{ inputs.responses }} where landed_at > {{ since }}
        {%- endset -%}
        {%- do keys.update({'response': response_keys}) -%}
    {%- endif -%}
    {%- if kind == 'feedback' -%}
        {#- The new responses and the answers about a contact in scope (its contact may be new);
            the strategy also removes the ratings of those contacts by contact_key. -#}
        {%- set feedback_keys -%}
            select 'typeform:' || response_id from ({{ keys.response }})
            union all
            select 'typeform:' || response_id from {{ inputs.answers }}
            where contact_type || ':' || contact_id in ({{ keys.contact }})
        {%- endset -%}
        {%- do keys.update({'feedback': feedback_keys}) -%}
    {%- endif -%}
    {{ return({
        'kind': kind,
        'mode': 'partial',
        'watermark': since,
        'inputs': inputs,
        'keys': keys,
        'replaced': keys.get(kind)
    }) }}
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
        {{ column }} in ({{ scope['keys'][of] }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- Written before the parenthesis of an input CTE filtered by in_scope: materialized, so
    DuckDB filters the input to the scope before joining it (left to the optimizer, the
    scope's semi-join can land after a range join over the whole table). -#}
{% macro scoped_cte(scope) -%}
    {%- if scope.mode == 'partial' and scope.kind != 'versions' %}materialized {% endif -%}
{%- endmacro %}
