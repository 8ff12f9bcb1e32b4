-- Numerator and denominator of each ratio KPI per ISO week, channel, team and priority
-- (docs/kpis.md "Targets and what moved a KPI"), counted from the rows with the date rules of
-- kpi_support_daily: created date (automation, escalation, first response), resolution date
-- (reopens, one-touch), rating date (CSAT: Zendesk and Intercom ratings, as kpi_support_daily),
-- submission date (NPS), the SLA instance's date. A week's KPI, for a team or all teams, is a
-- sum of these rows, then a division, never an average of rates. Channel, team and priority
-- are the contact's current ones (a conversation's priority is 'none'); null for a survey
-- answer linked to no contact, the team null for an unassigned contact. Read by
-- int_targets__weekly_team_actuals and kpi_change_drivers_weekly.
with contacts as (
    select * from {{ ref('fct_contacts') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

ratings as (
    select * from {{ ref('int_feedback__csat_ratings') }}
),

responses as (
    select * from {{ ref('fct_survey_responses') }}
),

sla_events as (
    select * from {{ ref('fct_sla_events') }}
),

contact_slices as (
    select
        contacts.*,
        case when contacts.contact_type = 'conversation' then 'none' else tickets.priority end
            as priority
    from contacts
    left join tickets
        on contacts.contact_key = tickets.ticket_key
),

created as (
    select
        {{ csops.iso_week_start('created_date') }} as week_start,
        channel,
        team_key,
        priority,
        count(*) as contacts_created,
        sum(case when is_automated_resolution then 1 else 0 end) as automated_resolutions,
        sum(case when is_escalated then 1 else 0 end) as escalated,
        count(first_response_time_business_minutes) as first_responses,
        coalesce({{ csops.exact_minutes('sum(first_response_time_business_minutes)') }}, 0)
            as first_response_minutes
    from contact_slices
    group by 1, 2, 3, 4
),

resolved as (
    select
        {{ csops.iso_week_start(csops.to_reporting_date('resolved_at')) }} as week_start,
        channel,
        team_key,
        priority,
        count(*) as contacts_resolved,
        sum(case when reopens >= 1 then 1 else 0 end) as reopened,
        sum(case when contact_type = 'ticket' then 1 else 0 end) as tickets_resolved,
        sum(case when is_one_touch_resolution then 1 else 0 end) as one_touch_resolutions
    from contact_slices
    where is_resolved and resolved_at is not null
    group by 1, 2, 3, 4
),

-- CSAT (the contact's own rating), NPS and SLA, each dated by its own event.
events as (
    select
        {{ csops.iso_week_start(csops.to_reporting_date('ratings.rated_at')) }} as week_start,
        'csat_pct' as kpi,
        contact_slices.channel,
        contact_slices.team_key,
        contact_slices.priority,
        sum(case when ratings.is_satisfied then 1 else 0 end) as numerator,
        count(*) as denominator
    from ratings
    inner join contact_slices
        on ratings.contact_type = contact_slices.contact_type
        and ratings.contact_id = contact_slices.contact_id
    group by 1, 2, 3, 4, 5
    union all
    select
        {{ csops.iso_week_start('responses.submitted_date') }},
        'nps',
        responses.channel,
        responses.team_key,
        contact_slices.priority,
        sum(case responses.nps_category when 'promoter' then 1 when 'detractor' then -1 else 0 end),
        count(*)
    from responses
    left join contact_slices
        on responses.contact_key = contact_slices.contact_key
    where responses.survey_type = 'nps'
    group by 1, 2, 3, 4, 5
    union all
    select
        {{ csops.iso_week_start(csops.to_reporting_date('counted_at')) }},
        'sla_attainment_pct',
        channel,
        team_key,
        priority,
        sum(case when status = 'achieved' then 1 else 0 end),
        count(*)
    from sla_events
    where status in ('achieved', 'breached')
    group by 1, 2, 3, 4, 5
),

unioned as (
    select week_start, 'automated_resolution_rate' as kpi, channel, team_key, priority,
        automated_resolutions as numerator, contacts_created as denominator from created
    union all
    select week_start, 'escalation_rate', channel, team_key, priority, escalated,
        contacts_created from created
    union all
    select week_start, 'first_response_time_mean_business_minutes', channel, team_key, priority,
        first_response_minutes, first_responses from created
    union all
    select week_start, 'reopen_rate', channel, team_key, priority, reopened, contacts_resolved
    from resolved
    union all
    select week_start, 'one_touch_rate', channel, team_key, priority, one_touch_resolutions,
        tickets_resolved from resolved
    union all
    select * from events
),

final as (
    select
        week_start,
        kpi,
        channel,
        team_key,
        priority,
        cast(numerator as {{ csops.type_double() }}) as numerator,
        cast(denominator as integer) as denominator,
        -- Times numerator / denominator: the KPI in its unit (percent, NPS points, minutes).
        cast(case when kpi = 'first_response_time_mean_business_minutes' then 1 else 100 end
            as {{ csops.type_double() }}) as unit_factor
    from unioned
    -- A slice with nothing to divide by (chats have no one-touch figure) is no slice.
    where denominator > 0
)

select * from final
