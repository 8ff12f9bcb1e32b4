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


{#- PostgreSQL has no cast that gives null on bad text and no function that raises: the three
    come from functions csops.create_engine_functions creates at the start of every run. -#}
{% macro postgres__is_finite_number(text) -%}
    coalesce(
        {{ target.schema }}.csops_try_double({{ text }})
            not in ('Infinity'::double precision, '-Infinity'::double precision, 'NaN'::double precision),
        false
    )
{%- endmacro %}

{#- Only the date form counts, as on Spark. -#}
{% macro postgres__try_date(text) -%}
    case when {{ text }} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then {{ target.schema }}.csops_try_date({{ text }}) end
{%- endmacro %}

{% macro postgres__error_function() -%}{{ target.schema }}.csops_error{%- endmacro %}


{#- on-run-start: the functions above, on the engines that need them. -#}
{% macro create_engine_functions() -%}
    {{ return(adapter.dispatch('create_engine_functions', 'csops')()) }}
{%- endmacro %}

{% macro default__create_engine_functions() -%}{%- endmacro %}

{% macro postgres__create_engine_functions() -%}
    create schema if not exists {{ target.schema }};
    {%- for name, type in [('csops_try_double', 'double precision'), ('csops_try_date', 'date')] %}
    create or replace function {{ target.schema }}.{{ name }}(value text)
    returns {{ type }} language plpgsql immutable as $$
    begin
        return value::{{ type }};
    exception when others then
        return null;
    end $$;
    {%- endfor %}
    create or replace function {{ target.schema }}.csops_error(message text)
    returns boolean language plpgsql volatile as $$
    begin
        raise exception '%', message;
    end $$;
{%- endmacro %}
