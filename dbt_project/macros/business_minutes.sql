{#- Business minutes of intervals (docs/kpis.md): the length of each interval's
    overlap with its schedule's open windows (int_business_hours__windows). intervals_relation holds
    one row per interval, unique on key_columns, with a schedule id and [start, end) columns.
    Dispatched: DuckDB finds it from two positions (duckdb__ below); another engine needs
    its own body (docs/architecture.md). An interval with a null bound gets null;
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
    {{ return(adapter.dispatch('business_minutes_overlap', 'csops')(
        intervals_relation, windows_relation, key_columns, start_column, end_column, schedule_column
    )) }}
{%- endmacro %}

{#- DuckDB: set-based, with no range join. An instant's business-minute position is the open
    minutes of its schedule before it (see business_position); an interval's business minutes
    are its end's position less its start's, found by two as-of joins (one window each, the
    last opening at or before the instant), which cost the same however long the interval.
    Equal to the overlap sum: the windows of a schedule do not overlap. -#}
{% macro duckdb__business_minutes_overlap(
    intervals_relation, windows_relation, key_columns, start_column, end_column, schedule_column
) -%}
    select
        {%- for key in key_columns %}
        ended.{{ key }},
        {%- endfor %}
        case
            when ended.{{ start_column }} is null or ended.{{ end_column }} is null
                then cast(null as double)
            else {{ csops.exact_minutes('greatest(0.0, ended.end_position - ended.start_position)') }}
        end as business_minutes
    from (
        select
            started.*,
            {{ csops.business_position('end_windows', 'started.' ~ end_column) }} as end_position
        from (
            select
                business_intervals.*,
                {{ csops.business_position('start_windows', 'business_intervals.' ~ start_column) }}
                    as start_position
            from {{ intervals_relation }} as business_intervals
            asof left join {{ csops.business_windows_positioned(windows_relation) }} as start_windows
                on business_intervals.{{ schedule_column }} = start_windows.schedule_id
                and business_intervals.{{ start_column }} >= start_windows.window_start
        ) as started
        asof left join {{ csops.business_windows_positioned(windows_relation) }} as end_windows
            on started.{{ schedule_column }} = end_windows.schedule_id
            and started.{{ end_column }} >= end_windows.window_start
    ) as ended
{%- endmacro %}

{#- The windows with the open minutes of their schedule's earlier windows, counted here rather
    than read from the relation, so that the overlap needs only schedule_id, window_start and
    window_end (what a unit test's fixture of windows gives). -#}
{% macro business_windows_positioned(windows_relation) -%}
    (
        select
            schedule_id,
            window_start,
            {{ csops.minutes_between('window_start', 'window_end') }} as window_minutes,
            coalesce(sum({{ csops.minutes_between('window_start', 'window_end') }}) over (
                partition by schedule_id
                order by window_start
                rows between unbounded preceding and 1 preceding
            ), 0.0) as cumulative_minutes_before
        from {{ windows_relation }}
    )
{%- endmacro %}

{#- The business-minute position of an instant: the open minutes of its schedule before it,
    given the last window starting at or before it (0 when there is none). -#}
{% macro business_position(window_alias, instant) -%}
    coalesce(
        {{ window_alias }}.cumulative_minutes_before + greatest(0.0, least(
            {{ window_alias }}.window_minutes,
            {{ csops.minutes_between(window_alias ~ '.window_start', instant) }}
        )),
        0.0
    )
{%- endmacro %}

{#- The instant at which target_minutes business minutes have elapsed from start_column
    (docs/kpis.md: a business-hour target counts only business minutes). A business-minute
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
    {{ return(adapter.dispatch('business_breach_at', 'csops')(
        instants_relation, windows_relation, key_columns, start_column, target_column,
        schedule_column
    )) }}
{%- endmacro %}

{#- DuckDB: the same two lookups as as-of joins. The breach lies in the last window whose
    cumulative minutes before it are below the target position (windows hold at least a
    minute's fraction each, so those counts rise strictly), when that window reaches it. -#}
{% macro duckdb__business_breach_at(
    instants_relation, windows_relation, key_columns, start_column, target_column, schedule_column
) -%}
    {{ csops.breach_select(key_columns, start_column, target_column) }}
    from (
        select
            starts.*,
            {{ csops.exact_minutes(
                csops.business_position('start_windows', 'starts.' ~ start_column)
                ~ ' + starts.' ~ target_column
            ) }} as target_position
        from {{ instants_relation }} as starts
        asof left join {{ windows_relation }} as start_windows
            on starts.{{ schedule_column }} = start_windows.schedule_id
            and starts.{{ start_column }} >= start_windows.window_start
    ) as targeted
    asof left join {{ windows_relation }} as breach_windows
        on targeted.{{ schedule_column }} = breach_windows.schedule_id
        and targeted.target_position > breach_windows.cumulative_minutes_before
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

{#- Spark and PostgreSQL have no as-of join: the same figures from range joins. An interval's
    business minutes are the sum of its overlaps with its schedule's windows; an instant's
    position is the open minutes of the windows that start before it. Equal to DuckDB's
    (the windows of a schedule do not overlap), at the cost of reading each interval's windows
    rather than two. -#}
{% macro default__business_minutes_overlap(
    intervals_relation, windows_relation, key_columns, start_column, end_column, schedule_column
) -%}
    select
        {%- for key in key_columns %}
        business_intervals.{{ key }},
        {%- endfor %}
        case
            when business_intervals.{{ start_column }} is null
                or business_intervals.{{ end_column }} is null
                then cast(null as {{ csops.type_double() }})
            {#- least and greatest skip nulls: an interval with no window would count whole. -#}
            else {{ csops.exact_minutes(
                'coalesce(sum(case when open_windows.window_start is not null then greatest(0.0, '
                ~ csops.minutes_between(
                    'greatest(business_intervals.' ~ start_column ~ ', open_windows.window_start)',
                    'least(business_intervals.' ~ end_column ~ ', open_windows.window_end)'
                ) ~ ') end), 0.0)'
            ) }}
        end as business_minutes
    from {{ intervals_relation }} as business_intervals
    left join {{ windows_relation }} as open_windows
        on business_intervals.{{ schedule_column }} = open_windows.schedule_id
        and open_windows.window_start < business_intervals.{{ end_column }}
        and open_windows.window_end > business_intervals.{{ start_column }}
    group by
        {%- for key in key_columns %}
        business_intervals.{{ key }},
        {%- endfor %}
        business_intervals.{{ start_column }},
        business_intervals.{{ end_column }}
{%- endmacro %}

{#- The breach lies in the window whose cumulative minutes before it are below the target
    position and whose end reaches it (at most one: the counts rise strictly). -#}
{% macro default__business_breach_at(
    instants_relation, windows_relation, key_columns, start_column, target_column, schedule_column
) -%}
    {{ csops.breach_select(key_columns, start_column, target_column) }}
    from (
        select
            {%- for key in key_columns %}
            starts.{{ key }},
            {%- endfor %}
            starts.{{ start_column }},
            starts.{{ target_column }},
            starts.{{ schedule_column }},
            {{ csops.exact_minutes(
                'coalesce(sum(case when earlier_windows.window_start is not null then greatest(0.0, '
                ~ csops.minutes_between(
                    'earlier_windows.window_start',
                    'least(earlier_windows.window_end, starts.' ~ start_column ~ ')'
                ) ~ ') end), 0.0) + starts.' ~ target_column
            ) }} as target_position
        from {{ instants_relation }} as starts
        left join {{ windows_relation }} as earlier_windows
            on starts.{{ schedule_column }} = earlier_windows.schedule_id
            and earlier_windows.window_start < starts.{{ start_column }}
        group by
            {%- for key in key_columns %}
            starts.{{ key }},
            {%- endfor %}
            starts.{{ start_column }},
            starts.{{ target_column }},
            starts.{{ schedule_column }}
    ) as targeted
    left join {{ windows_relation }} as breach_windows
        on targeted.{{ schedule_column }} = breach_windows.schedule_id
        and targeted.target_position > breach_windows.cumulative_minutes_before
        and targeted.target_position <= {{ csops.exact_minutes(
            'breach_windows.cumulative_minutes_before + breach_windows.window_minutes'
        ) }}
{%- endmacro %}


{#- The select list of a breach lookup, on `targeted` (the instants with their target
    position, snapped to the microsecond grid like the windows' cumulative minutes: a sum of
    doubles in another order must not move a target that ends exactly with a window into the
    next one) and `breach_windows` (the window the position falls in, when one reaches it):
    the keys, and the start itself for a target of zero or less, else the instant the window
    reaches the position, else null (the windows end before the target does). -#}
{% macro breach_select(key_columns, start_column, target_column) -%}
    select
        {%- for key in key_columns %}
        targeted.{{ key }},
        {%- endfor %}
        case
            when targeted.{{ target_column }} <= 0 then targeted.{{ start_column }}
            when {{ csops.exact_minutes(
                'breach_windows.cumulative_minutes_before + breach_windows.window_minutes'
            ) }} >= targeted.target_position
                then {{ csops.add_minutes(
                    'breach_windows.window_start',
                    'targeted.target_position - breach_windows.cumulative_minutes_before'
                ) }}
        end as breach_at
{%- endmacro %}
