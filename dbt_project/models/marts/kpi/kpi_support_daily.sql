-- Daily support KPIs per channel and team (docs/kpis.md). Each figure counts
-- on its own date: created date for volume, automation, escalation and first response;
-- resolution date (last solve or close) for resolutions, reopens, one-touch and resolution
-- time; the rating's date for CSAT; the instance's date for SLA (fulfilment when achieved, the
-- moment the target ran out when breached); the end of the day for backlog (on the day as_of
-- falls in, as_of). Every day of dim_date (from the earlier of the first landed window and the
-- first contact to the day as_of falls in) appears for every channel and team once it has
-- had a contact, so a quiet day still shows its backlog.
--
-- Over 150 lines: one grid of day x channel x team, five figure families (created, resolved,
-- CSAT, SLA, backlog) of ten to twenty lines each left-joined to it, each with its own date
-- rule, and the rates over them. The backlog, the one family with a computation of its own,
-- is int_backlog__open_ticket_days'; a model per other family would be one aggregation
-- stored as a table and read back only here.
with contacts as (
    select * from {{ ref('fct_contacts') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

open_ticket_days as (
    select * from {{ ref('int_backlog__open_ticket_days') }}
),

ratings as (
    select * from {{ ref('int_feedback__csat_ratings') }}
),

sla_events as (
    select * from {{ ref('fct_sla_events') }}
),

dates as (
    select * from {{ ref('dim_date') }}
),

slices as (
    select
        channel,
        team_key,
        min(created_date) as first_date
    from contacts
    group by channel, team_key
),

grid as (
    select
        dates.date_day,
        slices.channel,
        slices.team_key
    from dates
    inner join slices
        on dates.date_day >= slices.first_date
),

created as (
    select
        created_date as date_day,
        channel,
        team_key,
        count(*) as contacts_created,
        sum(case when is_automated_resolution then 1 else 0 end) as automated_resolutions,
        sum(case when is_escalated then 1 else 0 end) as escalated,
        {{ csops.percentile_cont('first_response_time_calendar_minutes', 0.5) }}
            as first_response_time_median_calendar_minutes,
        {{ csops.percentile_cont('first_response_time_calendar_minutes', 0.9) }}
            as first_response_time_p90_calendar_minutes,
        {{ csops.percentile_cont('first_response_time_business_minutes', 0.5) }}
            as first_response_time_median_business_minutes,
        {{ csops.percentile_cont('first_response_time_business_minutes', 0.9) }}
            as first_response_time_p90_business_minutes
    from contacts
    group by created_date, channel, team_key
),

resolved as (
    select
        {{ csops.to_reporting_date('resolved_at') }} as date_day,
        channel,
        team_key,
        count(*) as contacts_resolved,
        sum(case when contact_type = 'ticket' then 1 else 0 end) as tickets_resolved,
        sum(case when reopens >= 1 then 1 else 0 end) as reopened,
        sum(case when is_one_touch_resolution then 1 else 0 end) as one_touch_resolutions,
        {{ csops.percentile_cont('resolution_time_calendar_minutes', 0.5) }}
            as resolution_time_median_calendar_minutes
    from contacts
    where is_resolved
        and resolved_at is not null
    group by {{ csops.to_reporting_date('resolved_at') }}, channel, team_key
),

csat as (
    select
        {{ csops.to_reporting_date('ratings.rated_at') }} as date_day,
        contacts.channel,
        contacts.team_key,
        count(*) as csat_responses,
        sum(case when ratings.is_satisfied then 1 else 0 end) as csat_satisfied
    from ratings
    inner join contacts
        on ratings.contact_type = contacts.contact_type
        and ratings.contact_id = contacts.contact_id
    group by {{ csops.to_reporting_date('ratings.rated_at') }}, contacts.channel, contacts.team_key
),

sla as (
    select
        {{ csops.to_reporting_date('counted_at') }} as date_day,
        channel,
        team_key,
        sum(case when status = 'achieved' then 1 else 0 end) as sla_achieved,
        sum(case when status = 'breached' then 1 else 0 end) as sla_breached
    from sla_events
    where status in ('achieved', 'breached')
    group by {{ csops.to_reporting_date('counted_at') }}, channel, team_key
),

-- Tickets open at the end of each day (on the day as_of falls in, at as_of): the open-ticket
-- days kpi_backlog_daily counts too, one computation for both.
backlog as (
    select
        open_ticket_days.date_day,
        tickets.channel,
        tickets.team_key,
        count(*) as backlog_open_end_of_day
    from open_ticket_days
    inner join tickets
        on open_ticket_days.ticket_id = tickets.ticket_id
    group by open_ticket_days.date_day, tickets.channel, tickets.team_key
),

joined as (
    select
        grid.date_day,
        grid.channel,
        grid.team_key,
        coalesce(created.contacts_created, 0) as contacts_created,
        coalesce(resolved.contacts_resolved, 0) as contacts_resolved,
        coalesce(resolved.tickets_resolved, 0) as tickets_resolved,
        coalesce(created.automated_resolutions, 0) as automated_resolutions,
        created.first_response_time_median_calendar_minutes,
        created.first_response_time_p90_calendar_minutes,
        created.first_response_time_median_business_minutes,
        created.first_response_time_p90_business_minutes,
        resolved.resolution_time_median_calendar_minutes,
        coalesce(sla.sla_achieved, 0) as sla_achieved,
        coalesce(sla.sla_breached, 0) as sla_breached,
        coalesce(csat.csat_responses, 0) as csat_responses,
        coalesce(csat.csat_satisfied, 0) as csat_satisfied,
        coalesce(resolved.reopened, 0) as reopened,
        coalesce(resolved.one_touch_resolutions, 0) as one_touch_resolutions,
        coalesce(created.escalated, 0) as escalated,
        coalesce(backlog.backlog_open_end_of_day, 0) as backlog_open_end_of_day
    from grid
    left join created
        on grid.date_day = created.date_day
        and grid.channel = created.channel
        and grid.team_key is not distinct from created.team_key
    left join resolved
        on grid.date_day = resolved.date_day
        and grid.channel = resolved.channel
        and grid.team_key is not distinct from resolved.team_key
    left join csat
        on grid.date_day = csat.date_day
        and grid.channel = csat.channel
        and grid.team_key is not distinct from csat.team_key
    left join sla
        on grid.date_day = sla.date_day
        and grid.channel = sla.channel
        and grid.team_key is not distinct from sla.team_key
    left join backlog
        on grid.date_day = backlog.date_day
        and grid.channel = backlog.channel
        and grid.team_key is not distinct from backlog.team_key
),

final as (
    select
        date_day,
        channel,
        team_key,
        cast(contacts_created as integer) as contacts_created,
        cast(contacts_resolved as integer) as contacts_resolved,
        cast(tickets_resolved as integer) as tickets_resolved,
        cast(automated_resolutions as integer) as automated_resolutions,
        -- Rates are percentages 0-100, null when their denominator is 0.
        case when contacts_created > 0
            then cast(100 as {{ csops.type_double() }}) * automated_resolutions / contacts_created
        end as automated_resolution_rate,
        -- Estimated savings = automated resolutions x var cost_per_human_contact (docs/kpis.md);
        -- null while the var is unset rather than a made-up cost.
        {%- set cost = var('cost_per_human_contact') %}
        {%- set cost = '' if cost is none else (cost | string | trim) %}
        {%- if cost and not modules.re.match('^[0-9]+([.][0-9]+)?$', cost) %}
        {{ exceptions.raise_compiler_error(
            "cost_per_human_contact (CSOPS_COST_PER_HUMAN_CONTACT) must be a number such as "
            ~ "4.5, not '" ~ cost ~ "'") }}
        {%- endif %}
        {% if cost -%}
        automated_resolutions * cast('{{ cost }}' as {{ csops.type_double() }})
        {%- else -%}
        cast(null as {{ csops.type_double() }})
        {%- endif %} as estimated_savings,
        first_response_time_median_calendar_minutes,
        first_response_time_p90_calendar_minutes,
        first_response_time_median_business_minutes,
        first_response_time_p90_business_minutes,
        resolution_time_median_calendar_minutes,
        cast(sla_achieved as integer) as sla_achieved,
        cast(sla_breached as integer) as sla_breached,
        case when sla_achieved + sla_breached > 0
            then cast(100 as {{ csops.type_double() }}) * sla_achieved / (sla_achieved + sla_breached)
        end as sla_attainment_pct,
        cast(csat_responses as integer) as csat_responses,
        cast(csat_satisfied as integer) as csat_satisfied,
        case when csat_responses > 0 then cast(100 as {{ csops.type_double() }}) * csat_satisfied / csat_responses end as csat_pct,
        cast(reopened as integer) as reopened,
        case when contacts_resolved > 0 then cast(100 as {{ csops.type_double() }}) * reopened / contacts_resolved end
            as reopen_rate,
        cast(one_touch_resolutions as integer) as one_touch_resolutions,
        case when tickets_resolved > 0 then cast(100 as {{ csops.type_double() }}) * one_touch_resolutions / tickets_resolved end
            as one_touch_rate,
        cast(escalated as integer) as escalated,
        case when contacts_created > 0 then cast(100 as {{ csops.type_double() }}) * escalated / contacts_created end
            as escalation_rate,
        cast(backlog_open_end_of_day as integer) as backlog_open_end_of_day
    from joined
)

select * from final
