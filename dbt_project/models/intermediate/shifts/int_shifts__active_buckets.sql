-- The agents' active time from the help desk itself (docs/kpis.md "Shifts and workload"):
-- one row per person and 15-minute UTC bucket holding at least one of their actions: a
-- Zendesk comment (public or private) or status change they made, or an Intercom
-- conversation part they wrote as a teammate (admin; bots' parts are not a person's). Actions
-- in either tool count for the person (int_shifts__agents). The buckets of each contact come
-- from int_shifts__contact_action_buckets, kept incrementally. A bucket counts on the local date
-- of its start, and is outside shift when it overlaps none of the person's scheduled work.
with contact_actions as (
    select * from {{ ref('int_shifts__contact_action_buckets') }}
),

agents as (
    select * from {{ ref('int_shifts__agents') }}
),

work_segments as (
    select * from {{ ref('int_shifts__work_segments') }}
    where agent_key is not null
),

actor_buckets as (
    select distinct
        actor_source,
        actor_id,
        bucket_start
    from contact_actions
),

buckets as (
    select distinct
        agents.person_agent_key as agent_key,
        agents.time_zone,
        actor_buckets.bucket_start
    from actor_buckets
    inner join agents
        on actor_buckets.actor_source = agents.source
        and actor_buckets.actor_id = agents.agent_id
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
        {{ csops.utc_day_series('segment_start', 'segment_end') }} as segment_day
    from work_segments
),

in_shift as (
    select distinct
        buckets.agent_key,
        buckets.bucket_start
    from buckets
    inner join work_segment_days
        on buckets.agent_key = work_segment_days.agent_key
        and {{ csops.utc_day_start_of('buckets.bucket_start') }} = work_segment_days.segment_day
        and work_segment_days.segment_start < {{ csops.add_minutes('buckets.bucket_start', 15) }}
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
