{#- dbt's `unique`, over the rows that share a value with a row written since the test last
    passed (macros/incremental/tests_since_last_pass.sql): for the largest incremental tables,
    whose nightly build writes a few thousand of millions of rows. -#}
{% test unique_since_last_pass(model, column_name) %}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ csops.rows_since_last_pass(model, column_name) }} as tested
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endtest %}
