-- The agents' scheduled work as elementary segments, each credited to one work activity
-- (docs/kpis.md "Shifts and workload"). Scheduled work is the time covered by a work
-- activity and by no break or time off of the same agent; where work activities overlap, the
-- time counts once, for the one that starts first (then the smaller shift_key). Every start
-- and end of the agent's activities, and the local 06:00 and 22:00 of each local date their
-- work touches, cut the timeline into segments; a segment is then wholly inside or outside
-- each activity and wholly night or day (22:00-06:00 local), across midnight and DST
-- changes alike, since the boundaries are converted instant by instant. The worker is the
-- agent_key, or the email for a row that matches no agent.
with activities as (
    select * from {{ ref('int_shifts__activities') }}
    where category in ('work', 'break', 'time_off')
),

timed as (
    select
        shift_key,
        coalesce(agent_key, agent_email) as worker_id,
        agent_key,
        category,
        start_at,
        end_at,
        time_zone,
        -- Which work activity overlapping time is credited to: the first to start.
        case when category = 'work' then row_number() over (
            partition by coalesce(agent_key, agent_email), category = 'work'
            order by start_at, shift_key
        ) end as work_rank
    from activities
),

work_local_days as (
    select distinct
        worker_id,
        time_zone,
        cast(local_day as date) as local_day
    from (
        select
            worker_id,
            time_zone,
            {{ csops.day_series(
                'cast(' ~ csops.utc_to_local('start_at', 'time_zone') ~ ' as date)',
                'cast(' ~ csops.utc_to_local('end_at', 'time_zone') ~ ' as date)'
            ) }} as local_day
        from timed
        where category = 'work'
    ) as days
),

night_edges as (
    select
        worker_id,
        {{ csops.local_to_utc(csops.local_date_plus_minutes('local_day', 360), 'time_zone') }}
            as edge_at
    from work_local_days
    union all
    select
        worker_id,
        {{ csops.local_to_utc(csops.local_date_plus_minutes('local_day', 1320), 'time_zone') }}
            as edge_at
    from work_local_days
),

edges as (
    select worker_id, start_at as edge_at from timed
    union
    select worker_id, end_at as edge_at from timed
    union
    select worker_id, edge_at from night_edges
),

segments as (
    select
        worker_id,
        edge_at as segment_start,
        lead(edge_at) over (partition by worker_id order by edge_at) as segment_end
    from edges
),

-- Each activity under every UTC day it touches, so a segment is compared with the activities
-- of its own day only (an equality join) instead of every activity of the worker's history:
-- an activity that covers a segment covers the segment's start, so it touches that day.
timed_days as (
    select
        *,
        {{ csops.utc_day_series('start_at', 'end_at') }} as touched_day
    from timed
),

covered as (
    select
        segments.worker_id,
        segments.segment_start,
        segments.segment_end,
        bool_or(timed.category in ('break', 'time_off')) as is_off,
        {{ csops.arg_min('timed.shift_key', 'timed.work_rank', "timed.category = 'work'") }}
            as shift_key,
        max(timed.agent_key) as agent_key,
        max(timed.time_zone) as time_zone
    from segments
    inner join timed_days as timed
        on segments.worker_id = timed.worker_id
        and {{ csops.utc_day_start_of('segments.segment_start') }} = timed.touched_day
        and timed.start_at <= segments.segment_start
        and timed.end_at >= segments.segment_end
    where segments.segment_end is not null
    group by segments.worker_id, segments.segment_start, segments.segment_end
),

final as (
    select
        worker_id,
        agent_key,
        shift_key,
        segment_start,
        segment_end,
        {{ csops.minutes_between('segment_start', 'segment_end') }} as minutes,
        (
            extract(hour from {{ csops.utc_to_local('segment_start', 'time_zone') }}) >= 22
            or extract(hour from {{ csops.utc_to_local('segment_start', 'time_zone') }}) < 6
        ) as is_night
    from covered
    where not is_off
        and shift_key is not null
)

select * from final
