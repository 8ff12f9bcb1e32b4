{#- The SQL types the models cast to, spelled per engine. DuckDB's names are the marts'
    contract (their YAML declares them); Spark has no time-zone-qualified timestamp (its
    `timestamp` is an instant) and no unsized varchar; PostgreSQL has no `double`. -#}

{% macro type_string() -%}
    {{ return(adapter.dispatch('type_string', 'csops')()) }}
{%- endmacro %}

{% macro default__type_string() -%}varchar{%- endmacro %}

{% macro spark__type_string() -%}string{%- endmacro %}


{#- An 8-byte floating-point number. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'csops')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double{%- endmacro %}

{% macro postgres__type_double() -%}double precision{%- endmacro %}


{#- An instant (a timestamp with time zone, held in UTC). -#}
{% macro type_timestamp_tz() -%}
    {{ return(adapter.dispatch('type_timestamp_tz', 'csops')()) }}
{%- endmacro %}

{% macro default__type_timestamp_tz() -%}timestamp with time zone{%- endmacro %}

{% macro spark__type_timestamp_tz() -%}timestamp{%- endmacro %}


{#- A wall-clock time with no zone (a local time). -#}
{% macro type_timestamp() -%}
    {{ return(adapter.dispatch('type_timestamp', 'csops')()) }}
{%- endmacro %}

{% macro default__type_timestamp() -%}timestamp{%- endmacro %}

{% macro spark__type_timestamp() -%}timestamp_ntz{%- endmacro %}
