-- The agents' active time from the help desk itself (docs/kpis.md "Shifts and workload"):
-- one row per person and 15-minute UTC bucket holding at least one of their actions: a
-- Zendesk comment (public or private) or status change they made, or an Intercom
-- conversation part they wrote as a teammate (admin; bots' parts are not a person's). Actions
-- in either tool count for the person (int_shifts__agents). A bucket counts on the local date
-- of its start, and is outside shift when it overlaps none of the person's scheduled work.
with audit_events as (
    select * from {{ ref('stg_zendesk__ticket_audit_events') }}
),

conversation_parts as (
    select * from {{ ref('stg_intercom__conversation_parts') }}
),

agents as (
    select * from {{ ref('int_shifts__agents') }}
),

work_segments as (
    select * from {{ ref('int_shifts__work_segments') }}
    where agent_key is not null
),

actions as (
    select
        {{ csops.source_key('zendesk', 'event_author_id') }} as acting_agent_key,
        created_at as acted_at
    from audit_events
    where event_type = 'Comment'
        or (event_type = 'Change' and field_name = 'status')
    union all
    select
        {{ csops.source_key('intercom', 'author_id') }} as acting_agent_key,
        created_at as acted_at
    from conversation_parts
    where author_type = 'admin'
),

buckets as (
    select distinct
        agents.person_agent_key as agent_key,
        agents.time_zone,
        {{ csops.quarter_hour_bucket('actions.acted_at') }} as bucket_start
    from actions
    inner join agents
        on actions.acting_agent_key = agents.agent_key
    where actions.acted_at is not null
),

-- Each work segment under every day it touches, so a bucket is compared with its own day's
-- segments only (an equality join), not with every segment of the person's history. A
-- segment overlapping a bucket of day D starts before D ends and ends after D begins, so D is
-- among the days from its start's to its end's.
work_segment_days as (
    select
        agent_key,
        segment_start,
        segment_end,
        unnest(generate_series(
            date_trunc('day', segment_start), date_trunc('day', segment_end), interval 1 day
        )) as segment_day
    from work_segments
),

in_shift as (
    select distinct
        buckets.agent_key,
        buckets.bucket_start
    from buckets
    inner join work_segment_days
        on buckets.agent_key = work_segment_days.agent_key
        and date_trunc('day', buckets.bucket_start) = work_segment_days.segment_day
        and work_segment_days.segment_start < buckets.bucket_start + interval 15 minute
        and work_segment_days.segment_end > buckets.bucket_start
),

final as (
    select
        buckets.agent_key,
        buckets.bucket_start,
        cast({{ csops.utc_to_local('buckets.bucket_start', 'buckets.time_zone') }} as date)
            as local_date,
        in_shift.agent_key is null as is_outside_shift
    from buckets
    left join in_shift
        on buckets.agent_key = in_shift.agent_key
        and buckets.bucket_start = in_shift.bucket_start
)

select * from final
