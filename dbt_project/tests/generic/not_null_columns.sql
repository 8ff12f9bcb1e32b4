{#- Fails with one row per listed column that holds a null, with its number of null rows.

    Every model lists the columns it always fills in one test of its own (not_null_<model>)
    instead of one dbt `not_null` test per column: each test is a node dbt runs one after
    another, with a fixed cost of its own whatever the table's size, and the columns are read
    in one pass (benchmarks/RESULTS.md). A column whose nulls are only a warning keeps its own
    `not_null` test with severity warn. -#}
{% test not_null_columns(model, columns) %}
with null_rows as (
    select
    {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as nulls_{{ loop.index }}
        {{- ',' if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{% for column in columns -%}
select '{{ column }}' as column_name, nulls_{{ loop.index }} as null_rows
from null_rows
where nulls_{{ loop.index }} > 0
{% if not loop.last %}union all
{% endif -%}
{% endfor %}
{% endtest %}
