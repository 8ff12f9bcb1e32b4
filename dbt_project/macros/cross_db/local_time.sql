{#- Local wall-clock time and raw-record fields, for the shift and workload models
    (docs/kpis.md "Shifts and workload"). -#}

{#- The local wall-clock time (a timestamp without time zone) of an instant in an IANA zone
    given by a column or expression. -#}
{% macro utc_to_local(timestamp_tz, time_zone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'csops')(timestamp_tz, time_zone)) }}
{%- endmacro %}

{% macro duckdb__utc_to_local(timestamp_tz, time_zone) -%}
    timezone({{ time_zone }}, {{ timestamp_tz }})
{%- endmacro %}

{#- The start of the 15-minute UTC bucket holding an instant. -#}
{% macro quarter_hour_bucket(timestamp_tz) -%}
    {{ return(adapter.dispatch('quarter_hour_bucket', 'csops')(timestamp_tz)) }}
{%- endmacro %}

{% macro duckdb__quarter_hour_bucket(timestamp_tz) -%}
    to_timestamp(floor(epoch({{ timestamp_tz }}) / 900) * 900)
{%- endmacro %}

{#- A top-level string field of the landed record's JSON text (_raw), null when absent. -#}
{% macro raw_text_field(raw_column, field) -%}
    {{ return(adapter.dispatch('raw_text_field', 'csops')(raw_column, field)) }}
{%- endmacro %}

{% macro duckdb__raw_text_field(raw_column, field) -%}
    json_extract_string({{ raw_column }}, '$.{{ field }}')
{%- endmacro %}

{#- Spark: from_utc_timestamp gives the instant whose UTC reading is the local time; read
    without a zone, that is the wall time. -#}
{% macro spark__utc_to_local(timestamp_tz, time_zone) -%}
    cast(from_utc_timestamp({{ timestamp_tz }}, {{ time_zone }}) as timestamp_ntz)
{%- endmacro %}

{% macro postgres__utc_to_local(timestamp_tz, time_zone) -%}
    ({{ timestamp_tz }} at time zone {{ time_zone }})
{%- endmacro %}

{% macro spark__quarter_hour_bucket(timestamp_tz) -%}
    timestamp_seconds(floor(unix_micros({{ timestamp_tz }}) / 900000000) * 900)
{%- endmacro %}

{% macro postgres__quarter_hour_bucket(timestamp_tz) -%}
    to_timestamp(floor(extract(epoch from {{ timestamp_tz }}) / 900) * 900)
{%- endmacro %}

{% macro spark__raw_text_field(raw_column, field) -%}
    get_json_object({{ raw_column }}, '$.{{ field }}')
{%- endmacro %}

{% macro postgres__raw_text_field(raw_column, field) -%}
    (cast({{ raw_column }} as jsonb) ->> '{{ field }}')
{%- endmacro %}
