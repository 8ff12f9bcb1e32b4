-- The reporting clock (KPIS.md "Time"): every open clock, backlog and active duration stops at
-- as_of, never at the wall clock, so rebuilding the same landing zone gives the same numbers.
-- It is the dbt var as_of when set, else the end of the latest landed window of the event
-- streams. first_window_start (start of the earliest landed window) bounds the daily marts.
with event_windows as (
    select _window_start, _window_end from {{ source('zendesk', 'tickets') }}
    union all
    select _window_start, _window_end from {{ source('intercom', 'conversations') }}
    union all
    select _window_start, _window_end from {{ source('typeform', 'responses') }}
),

final as (
    select
        {% if var('as_of') -%}
        cast('{{ var("as_of") }}' as timestamp with time zone) as as_of,
        {%- else -%}
        max(_window_end) as as_of,
        {%- endif %}
        min(_window_start) as first_window_start
    from event_windows
)

select * from final
