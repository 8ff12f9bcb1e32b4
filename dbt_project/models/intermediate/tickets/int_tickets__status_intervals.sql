-- Incremental (docs/incremental.md): rebuilds the tickets landed since the last build and
-- those not closed yet; the current interval of every other (closed) ticket is then moved to
-- end at the new as_of.
{%- set scope = csops.incremental_model('ticket', 'ticket_id', post_hook=["{{ csops.extend_current_intervals() }}"]) %}
-- A ticket's status history as intervals [valid_from, valid_to): one row per status set by a
-- Create or Change event on the status field; the last interval ends at as_of. Each row also
-- says whether the change that opened it was a solve or a reopen and who made it, which the
-- ticket metrics, the backlog and (next) the business-hour and SLA clocks are built from.
with events as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__ticket_audit_events') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

tickets as {{ csops.scoped_cte(scope) }}(
    select * from {{ ref('stg_zendesk__tickets') }}
    where {{ csops.in_scope(scope, 'ticket_id') }}
),

users as (
    select * from {{ ref('stg_zendesk__users') }}
),

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

status_events as (
    select
        ticket_id,
        created_at as changed_at,
        event_id,
        lower(value) as status,
        event_author_id as changed_by_id
    from events
    where event_type in ('Create', 'Change')
        and field_name = 'status'
        -- A history replayed with an earlier as_of ignores what happened after it.
        and created_at <= (select as_of from as_of)
),

-- A ticket whose audits were never landed still has a status: one interval from its creation
-- in its current status, so it is counted in backlog and volume rather than dropped.
tickets_without_history as (
    select
        tickets.ticket_id,
        tickets.created_at as changed_at,
        cast(null as bigint) as event_id,
        tickets.status,
        cast(null as bigint) as changed_by_id
    from tickets
    where tickets.created_at <= (select as_of from as_of)
        and not exists (
            select 1 from status_events where status_events.ticket_id = tickets.ticket_id
        )
),

all_changes as (
    select * from status_events
    union all
    select * from tickets_without_history
),

sequenced as (
    select
        all_changes.*,
        lag(status) over (
            partition by ticket_id order by changed_at, event_id
        ) as previous_status,
        lead(changed_at) over (
            partition by ticket_id order by changed_at, event_id
        ) as next_changed_at,
        row_number() over (
            partition by ticket_id order by changed_at, event_id
        ) as interval_index
    from all_changes
),

final as (
    select
        sequenced.ticket_id,
        sequenced.interval_index,
        sequenced.status,
        sequenced.previous_status,
        sequenced.changed_at as valid_from,
        coalesce(sequenced.next_changed_at, as_of.as_of) as valid_to,
        {{ csops.minutes_between('sequenced.changed_at',
            'coalesce(sequenced.next_changed_at, as_of.as_of)') }} as duration_calendar_minutes,
        sequenced.status in ('solved', 'closed') as is_solved_status,
        -- A solve is a change from an unsolved status to solved or closed; solved -> closed is
        -- not a new solve (docs/kpis.md). A ticket created directly as solved (an agent
        -- logging a call already handled) counts as solved at creation.
        sequenced.status in ('solved', 'closed')
            and coalesce(sequenced.previous_status, 'new') not in ('solved', 'closed')
            as is_solve,
        -- A reopen is a change from solved (or closed) to any unsolved status.
        coalesce(sequenced.previous_status in ('solved', 'closed'), false)
            and sequenced.status not in ('solved', 'closed')
            as is_reopen,
        sequenced.changed_by_id,
        coalesce(users.is_agent, false) as is_changed_by_agent,
        sequenced.next_changed_at is null as is_current_interval
    from sequenced
    cross join as_of
    left join users
        on sequenced.changed_by_id = users.user_id
)

select * from final
