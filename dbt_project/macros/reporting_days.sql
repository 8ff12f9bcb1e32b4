{#- The reporting days a model covers, as the columns first_day and last_day of a select
    from int_build__as_of aliased `as_of`: from the earlier of the first landed day and
    `earliest_date` (an aggregate over the rows joined in, null when there are none) to the
    last day that has begun by as_of. That is the day as_of falls in, unless as_of is exactly
    its midnight (the end of a daily window), when that day has not begun yet. dim_date and
    the backlog's open days share these bounds, so every day a mart counts on has its row. -#}
{% macro reporting_day_bounds(earliest_date) -%}
    least(
        {{ csops.to_reporting_date('as_of.first_window_start') }},
        coalesce({{ earliest_date }}, {{ csops.to_reporting_date('as_of.first_window_start') }})
    ) as first_day,
    case
        when as_of.as_of = {{ csops.reporting_day_start(csops.to_reporting_date('as_of.as_of')) }}
            then cast({{ dbt.dateadd('day', -1, csops.to_reporting_date('as_of.as_of')) }} as date)
        else {{ csops.to_reporting_date('as_of.as_of') }}
    end as last_day
{%- endmacro %}
