{#- Fails on every combination of the columns that appears more than once (a null is a value
    of its own, as in a grain with an unassigned team). On an incremental model, over the rows
    that share a combination with a row written since its tests last passed (rows_to_test). -#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ csops.rows_to_test(model, columns) }} as tested
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
