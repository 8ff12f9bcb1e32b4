-- The reporting clock (docs/kpis.md "The reporting clock"): every open clock, backlog and
-- active duration stops at as_of, never at the wall clock, so rebuilding the same landing zone
-- gives the same numbers. It is the dbt var as_of when set, else the end of the latest landed
-- window of the event streams. A landed window counts whether or not it held a record: a quiet
-- weekend still moves the clock, so open tickets keep waiting and SLA targets still run out.
-- first_window_start (start of the earliest landed window) bounds the daily marts.
--
-- The windows come from the landing writer's manifest (one tiny file per stream and day),
-- not from the landed records: an empty day has no record to carry its window, and reading
-- the manifest reads no data file.
with windows as (
    select window_start, window_end from {{ source('landing', 'windows') }}
),

final as (
    select
        {% if var('as_of') -%}
        cast('{{ var("as_of") }}' as {{ csops.type_timestamp_tz() }}) as as_of,
        {%- else -%}
        max(window_end) as as_of,
        {%- endif %}
        min(window_start) as first_window_start
    from windows
)

select * from final
