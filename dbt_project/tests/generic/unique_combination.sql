{#- Fails on every combination of the columns that appears more than once (a null is a value
    of its own, as in a grain with an unassigned team). -#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }} as tested
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
