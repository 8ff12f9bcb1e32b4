{#- Business minutes of intervals (KPIS.md "Business hours"): the length of each interval's
    overlap with its schedule's open windows (int_business_windows). intervals_relation holds
    one row per interval, unique on key_columns, with a schedule id and [start, end) columns.
    The range join touches only the windows an interval overlaps, so the cost grows with the
    days it spans rather than with a calendar horizon. An interval with a null bound gets null;
    an interval that overlaps no window gets 0. Returns a select of key_columns and
    business_minutes, to be used as a CTE body. -#}
{% macro business_minutes_overlap(
    intervals_relation,
    windows_relation,
    key_columns,
    start_column='started_at',
    end_column='ended_at',
    schedule_column='schedule_id'
) -%}
    select
        {%- for key in key_columns %}
        business_intervals.{{ key }},
        {%- endfor %}
        case
            when business_intervals.{{ start_column }} is null
                or business_intervals.{{ end_column }} is null
                then cast(null as double)
            -- Only matched windows count: some warehouses' greatest/least skip nulls.
            else coalesce({{ csops.exact_minutes('sum(case when business_windows.schedule_id is not null then '
                ~ csops.minutes_between(
                    'greatest(business_intervals.' ~ start_column ~ ', business_windows.window_start)',
                    'least(business_intervals.' ~ end_column ~ ', business_windows.window_end)'
                ) ~ ' end)') }}, 0.0)
        end as business_minutes
    from {{ intervals_relation }} as business_intervals
    left join {{ windows_relation }} as business_windows
        on business_intervals.{{ schedule_column }} = business_windows.schedule_id
        and business_windows.window_start < business_intervals.{{ end_column }}
        and business_windows.window_end > business_intervals.{{ start_column }}
    group by
        {%- for key in key_columns %}
        business_intervals.{{ key }},
        {%- endfor %}
        business_intervals.{{ start_column }},
        business_intervals.{{ end_column }}
{%- endmacro %}

{#- The instant at which target_minutes business minutes have elapsed from start_column
    (KPIS.md "SLA": a business-hour target counts only business minutes). A business-minute
    position is the number of open minutes of the schedule before an instant: windows carry
    their cumulative minutes, so the start's position comes from the one window around or
    after it, and the breach is in the one window whose cumulative range holds start
    position + target. Two range joins on a single window each, whatever the target's span.
    Null when the windows (generated to as_of plus var business_hours_lookahead_days) end
    before the target does. Returns a select of key_columns and breach_at. -#}
{% macro business_breach_at(
    instants_relation,
    windows_relation,
    key_columns,
    start_column='started_at',
    target_column='target_minutes',
    schedule_column='schedule_id'
) -%}
    select
        {%- for key in key_columns %}
        positioned.{{ key }},
        {%- endfor %}
        case
            when positioned.{{ target_column }} <= 0 then positioned.{{ start_column }}
            else {{ csops.add_minutes(
                'breach_windows.window_start',
                'positioned.start_position + positioned.' ~ target_column
                ~ ' - breach_windows.cumulative_minutes_before'
            ) }}
        end as breach_at
    from (
        select
            starts.*,
            coalesce(
                start_windows.cumulative_minutes_before
                + greatest(0.0, least(
                    start_windows.window_minutes,
                    {{ csops.minutes_between('start_windows.window_start', 'starts.' ~ start_column) }}
                )),
                0.0
            ) as start_position
        from {{ instants_relation }} as starts
        -- The last window starting at or before the instant (none before the first window).
        left join {{ windows_relation }} as start_windows
            on starts.{{ schedule_column }} = start_windows.schedule_id
            and start_windows.window_start <= starts.{{ start_column }}
            and (start_windows.next_window_start > starts.{{ start_column }}
                or start_windows.next_window_start is null)
    ) as positioned
    left join {{ windows_relation }} as breach_windows
        on positioned.{{ schedule_column }} = breach_windows.schedule_id
        and breach_windows.cumulative_minutes_before
            < positioned.start_position + positioned.{{ target_column }}
        and breach_windows.cumulative_minutes_before + breach_windows.window_minutes
            >= positioned.start_position + positioned.{{ target_column }}
{%- endmacro %}

{#- The ticket channel (Zendesk via.channel, as landed) a numeric via id of an SLA policy
    condition stands for (Zendesk "Via types" reference: policies filter on via_id while
    tickets carry the channel name). Unlisted ids map to null and match no ticket. -#}
{% macro zendesk_via_id_channel(via_id) -%}
    case cast({{ via_id }} as {{ dbt.type_string() }})
        when '0' then 'web'
        when '4' then 'email'
        when '5' then 'api'
        when '8' then 'rule'
        when '17' then 'web'
        when '20' then 'web'
        when '23' then 'twitter'
        when '26' then 'twitter'
        when '27' then 'web'
        when '29' then 'chat'
        when '30' then 'twitter'
        when '31' then 'api'
        when '33' then 'voice'
        when '34' then 'voice'
        when '35' then 'voice'
        when '38' then 'facebook'
        when '41' then 'facebook'
    end
{%- endmacro %}

{#- Rank of a Zendesk priority, for the less_than / greater_than policy operators. -#}
{% macro zendesk_priority_rank(priority) -%}
    case lower({{ priority }})
        when 'low' then 1
        when 'normal' then 2
        when 'high' then 3
        when 'urgent' then 4
    end
{%- endmacro %}
