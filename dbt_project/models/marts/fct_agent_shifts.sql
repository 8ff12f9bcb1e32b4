-- One row per rostered activity of the shift files (docs/kpis.md "Shifts and workload"):
-- shifts, breaks, time off and other activities, each on the local date it starts, with the
-- scheduled work minutes credited to it (work not covered by a break or time off of the same
-- agent; overlapping work counted once, for the activity that starts first) and the part of
-- them between 22:00 and 06:00 local. Summing work_minutes over an agent's activities gives
-- their scheduled work; a break or time off row carries 0.
with activities as (
    select * from {{ ref('int_shifts__activities') }}
),

work_segments as (
    select * from {{ ref('int_shifts__work_segments') }}
),

credited as (
    select
        shift_key,
        {{ csops.exact_minutes('sum(minutes)') }} as work_minutes,
        {{ csops.exact_minutes('sum(case when is_night then minutes else 0 end)') }}
            as night_work_minutes
    from work_segments
    group by shift_key
),

final as (
    select
        activities.shift_key,
        activities.agent_key,
        cast('shifts' as {{ dbt.type_string() }}) as source,
        activities.activity_type,
        activities.category,
        activities.start_at,
        activities.end_at,
        activities.local_date,
        cast(coalesce(credited.work_minutes, 0) as {{ csops.type_double() }}) as work_minutes,
        cast(coalesce(credited.night_work_minutes, 0) as {{ csops.type_double() }}) as night_work_minutes,
        {{ csops.iso_day_of_week('activities.local_date') }} in (
            {%- for day in var('weekend_days') %}
            {{ day }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as is_weekend,
        cast({{ csops.minutes_between('activities.start_at', 'activities.end_at') }} as {{ csops.type_double() }})
            as activity_minutes,
        activities.time_zone,
        activities.file,
        activities.line
    from activities
    left join credited
        on activities.shift_key = credited.shift_key
)

select * from final
