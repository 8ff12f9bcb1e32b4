-- Open windows of every schedule, one row per opening and local date, as UTC instants
-- (docs/kpis.md). Zendesk intervals are minutes from Sunday 00:00 local and may run
-- past midnight (1380..1740 is Sunday 23:00 to Monday 05:00). Each opening's local start and
-- local end are converted to UTC separately, with the offset in force at that local instant,
-- so a window that spans a DST change is an hour shorter or longer and a day whose change
-- happens before opening (Israel, Friday 02:00) already has the new offset. Holidays remove
-- the openings of whole local dates. Windows are generated only from the day before the
-- earliest contact to as_of plus var business_hours_lookahead_days (room for the breach time
-- of SLA targets still running at as_of), never for a fixed calendar horizon. Each window
-- carries the open minutes of all earlier windows of its schedule, so the business-minute
-- position of any instant is one lookup (used for SLA breach times).
-- Over 150 lines, one model on purpose: its steps (the day range, the weekly intervals, their
-- local dates, the DST-aware conversion, holidays, the running total) are one computation
-- whose intermediate rows nothing else reads; its unit tests hold the whole of it.
with schedules as (
    select * from {{ ref('int_business_hours__schedules') }}
),

schedule_definitions as (
    select * from {{ ref('stg_zendesk__schedules') }}
),

holidays as (
    select * from {{ ref('stg_zendesk__holidays') }}
),

tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

conversations as (
    select * from {{ ref('stg_intercom__conversations') }}
),

as_of as (
    select * from {{ ref('int_build__as_of') }}
),

contact_starts as (
    select min(created_at) as first_created_at from tickets
    union all
    select min(created_at) as first_created_at from conversations
),

-- Local dates can be a day off the UTC date either way, and an opening can end the next local
-- day: a two-day margin before the first contact keeps every needed window.
bounds as (
    select
        cast({{ dbt.dateadd(
            'day', -2,
            csops.utc_date('coalesce((select min(first_created_at) from contact_starts), as_of.as_of)')
        ) }} as date) as first_date,
        cast({{ dbt.dateadd(
            'day', var('business_hours_lookahead_days', 60),
            csops.utc_date('as_of.as_of')
        ) }} as date) as last_date
    from as_of
),

spine as (
    {{ csops.date_spine('first_date', 'last_date', 'bounds') }}
),

unnested_intervals as (
    select
        schedule_id,
        {{ csops.unnest_list('intervals') }} as weekly_interval
    from schedule_definitions
),

weekly_intervals as (
    select
        schedule_id,
        {{ csops.list_field('weekly_interval', 'start_time', 'integer') }} as start_minute,
        {{ csops.list_field('weekly_interval', 'end_time', 'integer') }} as end_minute
    from unnested_intervals
),

-- The weekday an opening starts on (0 = Sunday) and its start and end in minutes from that
-- day's local midnight.
openings as (
    select
        schedule_id,
        cast(floor(start_minute / 1440) as integer) % 7 as day_of_week,
        start_minute - 1440 * cast(floor(start_minute / 1440) as integer) as start_of_day_minute,
        end_minute - 1440 * cast(floor(start_minute / 1440) as integer) as end_of_day_minute
    from weekly_intervals
    where end_minute > start_minute
),

local_windows as (
    select
        openings.schedule_id,
        spine.date_day as local_date,
        {{ csops.local_date_plus_minutes('spine.date_day', 'openings.start_of_day_minute') }}
            as local_start,
        {{ csops.local_date_plus_minutes('spine.date_day', 'openings.end_of_day_minute') }}
            as local_end
    from openings
    inner join spine
        on {{ csops.day_of_week_from_sunday('spine.date_day') }} = openings.day_of_week
),

working_windows as (
    select local_windows.*
    from local_windows
    where not exists (
        select 1
        from holidays
        where holidays.schedule_id = local_windows.schedule_id
            and local_windows.local_date between holidays.start_date
                and coalesce(holidays.end_date, holidays.start_date)
    )
),

scheduled_windows as (
    select
        working_windows.schedule_id,
        working_windows.local_date,
        {{ csops.local_to_utc('working_windows.local_start', 'schedules.time_zone') }}
            as window_start,
        {{ csops.local_to_utc('working_windows.local_end', 'schedules.time_zone') }}
            as window_end
    from working_windows
    inner join schedules
        on working_windows.schedule_id = schedules.schedule_id
),

always_open_windows as (
    select
        schedules.schedule_id,
        spine.date_day as local_date,
        {{ csops.utc_day_start('spine.date_day') }} as window_start,
        {{ csops.utc_day_start(dbt.dateadd('day', 1, 'spine.date_day')) }} as window_end
    from schedules
    cross join spine
    where schedules.is_24_7
),

all_windows as (
    select * from scheduled_windows
    -- Both ends inside one spring-forward gap leave nothing open.
    where window_end > window_start
    union all
    select * from always_open_windows
),

final as (
    select
        schedule_id,
        local_date,
        window_start,
        window_end,
        {{ csops.minutes_between('window_start', 'window_end') }} as window_minutes,
        coalesce({{ csops.exact_minutes(
            'sum(' ~ csops.minutes_between('window_start', 'window_end') ~ ') over (
            partition by schedule_id
            order by window_start
            rows between unbounded preceding and 1 preceding
        )') }}, 0.0) as cumulative_minutes_before,
        lead(window_start) over (
            partition by schedule_id order by window_start
        ) as next_window_start
    from all_windows
)

select * from final
