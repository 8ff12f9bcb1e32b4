{#-
    A sum of minutes, snapped back to the microsecond grid its inputs were measured on.
    Floating-point addition is not associative, and a warehouse sums rows in whatever order its
    threads meet them, so the same data could give 3530.15 on one build and 3530.1499999999996
    on the next: re-running a day must give the same marts. Every duration is a whole number of
    microseconds, so rounding the sum to the microsecond restores the exact value (the
    rounding error is ~1e-12 minutes, far below half a microsecond) and makes it independent of
    the order. Wrap every sum of minutes in it.
-#}
{% macro exact_minutes(expression) -%}
    {{ return(adapter.dispatch('exact_minutes', 'csops')(expression)) }}
{%- endmacro %}

{% macro default__exact_minutes(expression) -%}
    (round(({{ expression }}) * 60000000.0) / 60000000.0)
{%- endmacro %}


{#- A double rounded to `digits` decimals, as a double. -#}
{% macro round_double(expression, digits) -%}
    {{ return(adapter.dispatch('round_double', 'csops')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_double(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{#- PostgreSQL rounds to decimals only a numeric. -#}
{% macro postgres__round_double(expression, digits) -%}
    cast(round(cast({{ expression }} as numeric), {{ digits }}) as double precision)
{%- endmacro %}
