{#- int_tickets__status_intervals, incrementally: the current (last) interval of a
    ticket ends at as_of, so the tickets left out of the scope (closed ones) have theirs
    moved to the new as_of, as a full refresh would end it. -#}
{% macro extend_current_intervals() -%}
    {%- if is_incremental() -%}
    update {{ this }}
    set
        valid_to = as_of.as_of,
        duration_calendar_minutes = {{ csops.minutes_between('valid_from', 'as_of.as_of') }}
    from {{ ref('int_build__as_of') }} as as_of
    where is_current_interval
        and valid_to is distinct from as_of.as_of
    {%- endif -%}
{%- endmacro %}
