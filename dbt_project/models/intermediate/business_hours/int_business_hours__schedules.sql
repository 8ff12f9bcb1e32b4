-- One row per business-hours schedule with its IANA time zone (docs/kpis.md).
-- Zendesk names Rails time zones ("Eastern Time (US & Canada)"); the rails_time_zones seed maps
-- them, and a name that is already an IANA zone passes through. The account default is the
-- earliest created schedule. An account without any schedule gets one synthetic 24/7 schedule
-- (schedule_id -1), so every business-minute measure falls back to calendar minutes through
-- the same overlap logic instead of a special case in each model.
with schedules as (
    select * from {{ ref('stg_zendesk__schedules') }}
),

rails_time_zones as (
    select * from {{ ref('rails_time_zones') }}
),

mapped as (
    select
        schedules.schedule_id,
        schedules.schedule_name,
        schedules.rails_time_zone,
        coalesce(rails_time_zones.iana_time_zone, schedules.rails_time_zone) as time_zone,
        schedules.created_at,
        false as is_24_7
    from schedules
    left join rails_time_zones
        on schedules.rails_time_zone = rails_time_zones.rails_time_zone
),

always_open as (
    select
        cast(-1 as bigint) as schedule_id,
        '24/7' as schedule_name,
        cast(null as {{ dbt.type_string() }}) as rails_time_zone,
        'UTC' as time_zone,
        cast(null as {{ csops.type_timestamp_tz() }}) as created_at,
        true as is_24_7
    where not exists (select 1 from mapped)
),

unioned as (
    select * from mapped
    union all
    select * from always_open
),

final as (
    select
        *,
        row_number() over (
            order by created_at nulls last, schedule_id
        ) = 1 as is_default_schedule
    from unioned
)

select * from final
