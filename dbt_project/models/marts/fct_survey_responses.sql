-- Incremental (docs/incremental.md): rebuilds the responses staged since the last build and
-- every rating and response about a contact that its own models rebuild.
{%- set scope = csops.incremental_model('feedback', 'response_key', scope_key="source || ':' || response_id") %}
-- One row per answered feedback question (docs/kpis.md): the counted CSAT rating of
-- each Zendesk ticket and Intercom conversation, and every scored Typeform answer (CSAT, NPS,
-- CES). A response linked to a landed contact takes that contact's team and channel, and the
-- agent who held the contact when it was given (current assignee if unknown); otherwise it
-- belongs to the customer alone.
with ratings as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_feedback__csat_ratings') }}
    where {{ csops.in_scope(scope, "contact_type || ':' || contact_id") }}
),

answers as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('int_feedback__survey_answers') }}
    where {{ csops.in_scope(scope, 'response_id') }}
        or {{ csops.in_scope(scope, "contact_type || ':' || contact_id") }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

assignments as (
    select * from {{ ref('int_agents__contact_assignments') }}
),

rating_responses as (
    select
        source,
        rating_id as response_id,
        'csat' as question_ref,
        'csat' as survey_type,
        rated_at as submitted_at,
        -- Zendesk good/bad on a 0-1 scale, Intercom stars on 1-5.
        case
            when source = 'zendesk' then case when csat_rating = 'good' then 1.0 else 0.0 end
            else cast(rating as {{ csops.type_double() }})
        end as score,
        case when source = 'zendesk' then 0 else 1 end as scale_min,
        case when source = 'zendesk' then 1 else 5 end as scale_max,
        contact_type,
        contact_id,
        cast(null as {{ dbt.type_string() }}) as respondent_customer_key,
        agent_key as credited_agent_key
    from ratings
),

-- A survey answer is credited to whoever held its contact at submission; ratings already
-- carry their assignee at rating time.
answers_at_submission as (
    select
        answers.*,
        assignments.assigned_agent_key
    from answers
    left join assignments
        on answers.contact_type = assignments.contact_type
        and answers.contact_id = assignments.contact_id
        and assignments.assigned_at <= answers.submitted_at
        and (
            assignments.assigned_until is null
            or answers.submitted_at < assignments.assigned_until
        )
),

answer_responses as (
    select
        'typeform' as source,
        response_id,
        question_ref,
        survey_type,
        submitted_at,
        score,
        scale_min,
        scale_max,
        contact_type,
        contact_id,
        customer_key as respondent_customer_key,
        assigned_agent_key as credited_agent_key
    from answers_at_submission
),

unioned as (
    select * from rating_responses
    union all
    select * from answer_responses
),

-- A hidden id that names no landed contact links nothing: the response stays the customer's.
attributed as (
    select
        unioned.*,
        contacts.contact_key,
        coalesce(unioned.respondent_customer_key, contacts.customer_key) as customer_key,
        -- Nobody known at that instant (or the contact unassigned then): the current assignee.
        coalesce(unioned.credited_agent_key, contacts.agent_key) as agent_key,
        contacts.team_key,
        contacts.channel
    from unioned
    left join contacts
        on unioned.contact_type = contacts.contact_type
        and unioned.contact_id = contacts.contact_id
),

final as (
    select
        {{ csops.surrogate_key(['source', 'response_id', 'question_ref']) }} as response_key,
        response_id,
        question_ref,
        survey_type,
        source,
        submitted_at,
        {{ csops.to_reporting_date('submitted_at') }} as submitted_date,
        score,
        cast(scale_min as integer) as scale_min,
        cast(scale_max as integer) as scale_max,
        -- Satisfied: good on Zendesk's 0-1 scale, 4 or more on a 1-5 scale.
        case when survey_type = 'csat'
            then score >= case when scale_max = 1 then 1 else 4 end
        end as is_satisfied,
        case when survey_type = 'nps'
            then case
                when score >= 9 then 'promoter'
                when score >= 7 then 'passive'
                else 'detractor'
            end
        end as nps_category,
        case when contact_key is not null then contact_type end as contact_type,
        contact_key,
        customer_key,
        agent_key,
        team_key,
        channel
    from attributed
)

select * from final
