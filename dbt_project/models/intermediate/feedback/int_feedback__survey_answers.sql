-- Incremental (docs/incremental.md): rebuilds the responses staged since the last build.
{%- set scope = csops.incremental_model('response', 'response_id') %}
-- One row per scored answer of a Typeform response (docs/kpis.md): the answers whose
-- field ref is mapped to a survey type by var survey_field_refs, with the survey's scale,
-- the contact the hidden fields name and the respondent's customer key. Answers to other
-- fields (free text, choices) are not scores and stay out.
{%- set refs_by_type = {} %}
{%- for survey_type, refs in var('survey_field_refs').items() %}
    {%- do refs_by_type.update({survey_type: [refs] if refs is string else refs}) %}
{%- endfor %}
with responses as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_typeform__responses') }}
    where {{ csops.in_scope(scope, 'response_id') }}
),

answers as (
    select
        response_id,
        submitted_at,
        hidden_ticket_id,
        hidden_conversation_id,
        hidden_email,
        {{ csops.unnest_list('answers') }} as answer
    from responses
),

typed_answers as (
    select
        response_id,
        submitted_at,
        hidden_ticket_id,
        hidden_conversation_id,
        hidden_email,
        {{ csops.list_field('answer', 'field_ref', 'string') }} as question_ref,
        case
            {%- for survey_type, refs in refs_by_type.items() %}
            when {{ csops.list_field('answer', 'field_ref', 'string') }} in (
                {%- for field_ref in refs %}'{{ field_ref }}'{% if not loop.last %}, {% endif %}{% endfor -%}
            ) then '{{ survey_type }}'
            {%- endfor %}
        end as survey_type,
        cast({{ csops.list_field('answer', 'number', 'double') }} as {{ csops.type_double() }}) as score
    from answers
),

-- The hidden ticket id wins over the conversation id when a response carries both: a
-- survey sent from a ticket is about that ticket.
linked_answers as (
    select
        response_id,
        question_ref,
        survey_type,
        submitted_at,
        score,
        case
            when nullif(trim(hidden_ticket_id), '') is not null then 'ticket'
            when nullif(trim(hidden_conversation_id), '') is not null then 'conversation'
        end as contact_type,
        coalesce(nullif(trim(hidden_ticket_id), ''), nullif(trim(hidden_conversation_id), ''))
            as contact_id,
        {{ csops.customer_key('hidden_email') }} as customer_key
    from typed_answers
    where survey_type is not null
        and score is not null
),

final as (
    select
        response_id,
        question_ref,
        survey_type,
        submitted_at,
        score,
        case survey_type when 'nps' then 0 else 1 end as scale_min,
        case survey_type when 'nps' then 10 when 'ces' then 7 else 5 end as scale_max,
        contact_type,
        contact_id,
        customer_key
    from linked_answers
)

select * from final
