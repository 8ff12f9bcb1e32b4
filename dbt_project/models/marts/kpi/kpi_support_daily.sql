-- Daily support KPIs per channel and team (docs/kpis.md). Each figure counts
-- on its own date: created date for volume, automation, escalation and first response;
-- resolution date (last solve or close) for resolutions, reopens, one-touch and resolution
-- time; the rating's date for CSAT; the instance's date for SLA (fulfilment when achieved, the
-- moment the target ran out when breached); the end of the day for backlog. Every day from the first
-- landed window to as_of appears for every channel and team once it has had a contact, so a
-- quiet day still shows its backlog.
with contacts as (
    select * from {{ ref('fct_contacts') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

intervals as (
    select * from {{ ref('int_tickets__status_intervals') }}
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

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

-- The last reporting day is the one as_of falls in, unless as_of is exactly its midnight
-- (the usual case: the end of a daily window), when that day has not begun yet.
bounds as (
    select
        least(
            {{ csops.to_reporting_date('as_of.first_window_start') }},
            coalesce(min(contacts.created_date), {{ csops.to_reporting_date('as_of.first_window_start') }})
        ) as first_day,
        case
            when as_of.as_of = {{ csops.reporting_day_start(csops.to_reporting_date('as_of.as_of')) }}
                then cast({{ dbt.dateadd('day', -1, csops.to_reporting_date('as_of.as_of')) }} as date)
            else {{ csops.to_reporting_date('as_of.as_of') }}
        end as last_day
    from as_of
    left join contacts on true
    group by as_of.first_window_start, as_of.as_of
),

spine as (
    {{ csops.date_spine('first_day', 'last_day', 'bounds') }}
),

days as (
    select
        spine.date_day,
        -- Backlog is counted at the last instant of the day, or at as_of on the last day.
        least(
            {{ csops.reporting_day_start(dbt.dateadd('day', 1, 'spine.date_day')) }},
            as_of.as_of
        ) as backlog_at
    from spine
    cross join as_of
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
        days.date_day,
        days.backlog_at,
        slices.channel,
        slices.team_key
    from days
    inner join slices
        on days.date_day >= slices.first_date
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

-- A ticket is in the backlog when the status interval holding the instant is unsolved. The
-- complete days from the first landed day on are int_backlog__open_ticket_days' (the same
-- rule at the same instant, the day's end, kept incrementally); the days it does not hold
-- (before the first landed day, and the day as_of falls in, counted at as_of) are counted
-- here from the intervals.
backlog_days_held as (
    select {{ csops.backlog_complete_days() }}
    from as_of
),

backlog_of_held_days as (
    select
        open_ticket_days.date_day,
        tickets.channel,
        tickets.team_key,
        count(*) as backlog_open_end_of_day
    from open_ticket_days
    inner join tickets
        on open_ticket_days.ticket_id = tickets.ticket_id
    inner join days
        on open_ticket_days.date_day = days.date_day
    group by open_ticket_days.date_day, tickets.channel, tickets.team_key
),

backlog_of_other_days as (
    select
        days.date_day,
        tickets.channel,
        tickets.team_key,
        count(*) as backlog_open_end_of_day
    from days
    cross join backlog_days_held as held
    inner join intervals
        on intervals.valid_from < days.backlog_at
        and intervals.valid_to >= days.backlog_at
    inner join tickets
        on intervals.ticket_id = tickets.ticket_id
    where intervals.status not in ('solved', 'closed', 'deleted')
        and (days.date_day < held.first_day or days.date_day > held.last_day)
    group by days.date_day, tickets.channel, tickets.team_key
),

backlog as (
    select * from backlog_of_held_days
    union all
    select * from backlog_of_other_days
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
            then 100.0 * automated_resolutions / contacts_created
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
        automated_resolutions * cast('{{ cost }}' as double)
        {%- else -%}
        cast(null as double)
        {%- endif %} as estimated_savings,
        first_response_time_median_calendar_minutes,
        first_response_time_p90_calendar_minutes,
        first_response_time_median_business_minutes,
        first_response_time_p90_business_minutes,
        resolution_time_median_calendar_minutes,
        cast(sla_achieved as integer) as sla_achieved,
        cast(sla_breached as integer) as sla_breached,
        case when sla_achieved + sla_breached > 0
            then 100.0 * sla_achieved / (sla_achieved + sla_breached)
        end as sla_attainment_pct,
        cast(csat_responses as integer) as csat_responses,
        cast(csat_satisfied as integer) as csat_satisfied,
        case when csat_responses > 0 then 100.0 * csat_satisfied / csat_responses end as csat_pct,
        cast(reopened as integer) as reopened,
        case when contacts_resolved > 0 then 100.0 * reopened / contacts_resolved end
            as reopen_rate,
        cast(one_touch_resolutions as integer) as one_touch_resolutions,
        case when tickets_resolved > 0 then 100.0 * one_touch_resolutions / tickets_resolved end
            as one_touch_rate,
        cast(escalated as integer) as escalated,
        case when contacts_created > 0 then 100.0 * escalated / contacts_created end
            as escalation_rate,
        cast(backlog_open_end_of_day as integer) as backlog_open_end_of_day
    from joined
)

select * from final
