{#- Checks of values read as text (a user's targets file), for int_targets__kpi_targets. -#}

{#- True when the text is a finite number. -#}
{% macro is_finite_number(text) -%}
    {{ return(adapter.dispatch('is_finite_number', 'csops')(text)) }}
{%- endmacro %}

{% macro duckdb__is_finite_number(text) -%}
    coalesce(isfinite(try_cast({{ text }} as double)), false)
{%- endmacro %}

{#- Spark reads 'NaN' and 'Infinity' as doubles: neither is a target. -#}
{% macro spark__is_finite_number(text) -%}
    coalesce(
        not isnan(try_cast({{ text }} as double))
            and abs(try_cast({{ text }} as double)) != double('infinity'),
        false
    )
{%- endmacro %}


{#- The date a text spells (YYYY-MM-DD), null when it spells none. -#}
{% macro try_date(text) -%}
    {{ return(adapter.dispatch('try_date', 'csops')(text)) }}
{%- endmacro %}

{% macro duckdb__try_date(text) -%}
    try_cast({{ text }} as date)
{%- endmacro %}

{#- Spark's try_cast reads a date with a time after it too: only the date form counts. -#}
{% macro spark__try_date(text) -%}
    case when {{ text }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then try_cast({{ text }} as date) end
{%- endmacro %}


{#- The function that stops a query with a message (called on the first row with a problem). -#}
{% macro error_function() -%}
    {{ return(adapter.dispatch('error_function', 'csops')()) }}
{%- endmacro %}

{% macro duckdb__error_function() -%}error{%- endmacro %}

{% macro spark__error_function() -%}raise_error{%- endmacro %}


{#- PostgreSQL: a number's and a date's text by pattern, and an error function of its own,
    are still to write (docs/scale.md). -#}
{% macro default__is_finite_number(text) -%}
    {{ csops.not_ported('is_finite_number') }}
{%- endmacro %}

{% macro default__try_date(text) -%}
    {{ csops.not_ported('try_date') }}
{%- endmacro %}

{% macro default__error_function() -%}
    {{ csops.not_ported('error_function') }}
{%- endmacro %}
