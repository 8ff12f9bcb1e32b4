{#- Time-zone arithmetic for business hours (docs/kpis.md). Each warehouse spells
    zone conversion, the handling of DST gaps and repeats, and minute arithmetic differently,
    so the models only call these macros. -#}

{#- The UTC instant of a local wall-clock time (a timestamp without time zone) in an IANA
    zone, with the offset in force at that local instant. A time inside a spring-forward gap
    maps to the end of the gap; a time in a repeated fall-back hour takes its first
    occurrence. -#}
{% macro local_to_utc(local_ts, time_zone) -%}
    {{ return(adapter.dispatch('local_to_utc', 'csops')(local_ts, time_zone)) }}
{%- endmacro %}

{#- DuckDB's ICU reads a gap time with the offset before the change and a repeated time as
    its second occurrence, so the rule is built explicitly. The offsets three hours either
    side of ICU's reading are the two that can be in force (no zone changes twice within
    hours); each gives a candidate instant, and a candidate is valid when it reads back as
    the same wall time. Two valid candidates: the repeated hour, take the earlier. None: the
    gap, whose end is the first instant reading at or after the wall time, found by probing
    minute by minute across the gap only (offsets and changes are whole minutes). -#}
{% macro duckdb__local_to_utc(local_ts, time_zone) -%}
    {%- set guess = "timezone(" ~ time_zone ~ ", " ~ local_ts ~ ")" -%}
    {%- set offset_before = "(timezone(" ~ time_zone ~ ", " ~ guess ~ " - interval 3 hour) - timezone('UTC', " ~ guess ~ " - interval 3 hour))" -%}
    {%- set offset_after = "(timezone(" ~ time_zone ~ ", " ~ guess ~ " + interval 3 hour) - timezone('UTC', " ~ guess ~ " + interval 3 hour))" -%}
    {%- set candidate_before = "timezone('UTC', " ~ local_ts ~ " - " ~ offset_before ~ ")" -%}
    {%- set candidate_after = "timezone('UTC', " ~ local_ts ~ " - " ~ offset_after ~ ")" -%}
    {%- set gap_minutes = "greatest(0, cast(epoch(" ~ offset_after ~ " - " ~ offset_before ~ ") / 60 as bigint))" -%}
    coalesce(
        list_min(list_filter(
            [{{ candidate_before }}, {{ candidate_after }}],
            lambda csops_candidate: timezone({{ time_zone }}, csops_candidate) = {{ local_ts }}
        )),
        list_min(list_filter(
            list_transform(
                range(0, {{ gap_minutes }} + 1),
                lambda csops_minute: {{ candidate_after }} + to_minutes(csops_minute)
            ),
            lambda csops_probe: timezone({{ time_zone }}, csops_probe) >= {{ local_ts }}
        ))
    )
{%- endmacro %}

{#- A local date plus a number of minutes (integer, may exceed a day) as a local wall time. -#}
{% macro local_date_plus_minutes(date_expression, minutes) -%}
    {{ return(adapter.dispatch('local_date_plus_minutes', 'csops')(date_expression, minutes)) }}
{%- endmacro %}

{% macro duckdb__local_date_plus_minutes(date_expression, minutes) -%}
    (cast({{ date_expression }} as timestamp) + to_minutes(cast({{ minutes }} as bigint)))
{%- endmacro %}

{#- The instant a (fractional) number of minutes after a timestamp with time zone. -#}
{% macro add_minutes(timestamp_tz, minutes) -%}
    {{ return(adapter.dispatch('add_minutes', 'csops')(timestamp_tz, minutes)) }}
{%- endmacro %}

{#- Whole microseconds keep the arithmetic exact for the minutes the models produce. -#}
{% macro duckdb__add_minutes(timestamp_tz, minutes) -%}
    ({{ timestamp_tz }} + to_microseconds(cast(round(({{ minutes }}) * 60000000) as bigint)))
{%- endmacro %}

{#- Day of the week of a date, Sunday = 0 .. Saturday = 6 (the Zendesk schedule week). -#}
{% macro day_of_week_from_sunday(date_expression) -%}
    {{ return(adapter.dispatch('day_of_week_from_sunday', 'csops')(date_expression)) }}
{%- endmacro %}

{% macro duckdb__day_of_week_from_sunday(date_expression) -%}
    cast(dayofweek({{ date_expression }}) as integer)
{%- endmacro %}

{#- The UTC instant at which a UTC calendar date begins. -#}
{% macro utc_day_start(date_expression) -%}
    {{ return(adapter.dispatch('utc_day_start', 'csops')(date_expression)) }}
{%- endmacro %}

{% macro duckdb__utc_day_start(date_expression) -%}
    timezone('UTC', cast({{ date_expression }} as timestamp))
{%- endmacro %}

{#- The UTC calendar date of an instant. -#}
{% macro utc_date(timestamp_tz) -%}
    {{ return(adapter.dispatch('utc_date', 'csops')(timestamp_tz)) }}
{%- endmacro %}

{% macro duckdb__utc_date(timestamp_tz) -%}
    cast(timezone('UTC', {{ timestamp_tz }}) as date)
{%- endmacro %}

{#- Spark reads a local time as Java does: a gap time moved forward by the gap's length, a
    repeated time as its first occurrence (the earlier offset). So a time that reads back as
    itself is kept; otherwise it lies in a gap, whose end is the first instant reading at or
    after it, found by probing minute by minute back from Spark's reading across the gap. -#}
{% macro spark__local_to_utc(local_ts, time_zone) -%}
    {%- set reading = "to_utc_timestamp(" ~ local_ts ~ ", " ~ time_zone ~ ")" -%}
    {%- set read_back = "cast(from_utc_timestamp(" ~ reading ~ ", " ~ time_zone ~ ") as timestamp_ntz)" -%}
    case
        when {{ read_back }} = {{ local_ts }} then {{ reading }}
        else array_min(filter(
            transform(
                sequence(0, cast(
                    (unix_micros(cast({{ read_back }} as timestamp))
                        - unix_micros(cast({{ local_ts }} as timestamp))) / 60000000 as int
                )),
                csops_minute -> timestampadd(MINUTE, -csops_minute, {{ reading }})
            ),
            csops_probe -> cast(from_utc_timestamp(csops_probe, {{ time_zone }}) as timestamp_ntz)
                >= {{ local_ts }}
        ))
    end
{%- endmacro %}

{#- PostgreSQL reads a gap time forward and a repeated time as its later (standard-time)
    occurrence, so the rule is built as DuckDB's is: the offsets three hours either side of
    its reading give two candidates, the earlier valid one wins, and with none valid the
    gap's end is probed minute by minute. -#}
{% macro postgres__local_to_utc(local_ts, time_zone) -%}
    {%- set guess = "(" ~ local_ts ~ " at time zone " ~ time_zone ~ ")" -%}
    {%- set offset_before = "((" ~ guess ~ " - interval '3 hours') at time zone " ~ time_zone ~ " - (" ~ guess ~ " - interval '3 hours') at time zone 'UTC')" -%}
    {%- set offset_after = "((" ~ guess ~ " + interval '3 hours') at time zone " ~ time_zone ~ " - (" ~ guess ~ " + interval '3 hours') at time zone 'UTC')" -%}
    {%- set candidate_before = "((" ~ local_ts ~ " - " ~ offset_before ~ ") at time zone 'UTC')" -%}
    {%- set candidate_after = "((" ~ local_ts ~ " - " ~ offset_after ~ ") at time zone 'UTC')" -%}
    coalesce(
        least(
            case when {{ candidate_before }} at time zone {{ time_zone }} = {{ local_ts }}
                then {{ candidate_before }} end,
            case when {{ candidate_after }} at time zone {{ time_zone }} = {{ local_ts }}
                then {{ candidate_after }} end
        ),
        (
            select min(csops_probe)
            from generate_series(
                {{ candidate_after }},
                {{ candidate_after }} + greatest(interval '0 minutes', {{ offset_after }} - {{ offset_before }}),
                interval '1 minute'
            ) as csops_probes (csops_probe)
            where csops_probe at time zone {{ time_zone }} >= {{ local_ts }}
        )
    )
{%- endmacro %}

{% macro spark__local_date_plus_minutes(date_expression, minutes) -%}
    timestampadd(MINUTE, cast({{ minutes }} as bigint), cast({{ date_expression }} as timestamp_ntz))
{%- endmacro %}

{% macro postgres__local_date_plus_minutes(date_expression, minutes) -%}
    (cast({{ date_expression }} as timestamp) + cast({{ minutes }} as bigint) * interval '1 minute')
{%- endmacro %}

{% macro spark__add_minutes(timestamp_tz, minutes) -%}
    timestampadd(MICROSECOND, cast(round(({{ minutes }}) * 60000000) as bigint), {{ timestamp_tz }})
{%- endmacro %}

{% macro postgres__add_minutes(timestamp_tz, minutes) -%}
    ({{ timestamp_tz }} + cast(round(({{ minutes }}) * 60000000) as bigint) * interval '1 microsecond')
{%- endmacro %}

{#- Spark's dayofweek counts Sunday = 1 .. Saturday = 7. -#}
{% macro spark__day_of_week_from_sunday(date_expression) -%}
    cast(dayofweek({{ date_expression }}) - 1 as integer)
{%- endmacro %}

{% macro postgres__day_of_week_from_sunday(date_expression) -%}
    cast(extract(dow from {{ date_expression }}) as integer)
{%- endmacro %}

{#- Spark's timestamps are instants shown in the session's zone, which the profile sets to
    UTC: a date cast to a timestamp is its UTC midnight, an instant cast to a date its UTC
    date. -#}
{% macro spark__utc_day_start(date_expression) -%}
    to_utc_timestamp(cast(cast({{ date_expression }} as date) as timestamp_ntz), 'UTC')
{%- endmacro %}

{% macro postgres__utc_day_start(date_expression) -%}
    (cast({{ date_expression }} as timestamp) at time zone 'UTC')
{%- endmacro %}

{% macro spark__utc_date(timestamp_tz) -%}
    cast(from_utc_timestamp({{ timestamp_tz }}, 'UTC') as date)
{%- endmacro %}

{% macro postgres__utc_date(timestamp_tz) -%}
    cast({{ timestamp_tz }} at time zone 'UTC' as date)
{%- endmacro %}
