{#- Fails on every row whose business-minute measure exceeds its calendar twin (docs/kpis.md
    "Business hours": business <= calendar). A tolerance of a microsecond absorbs the
    rounding of two sums of the same instants. -#}
{% test business_not_above_calendar(model, column_name, calendar_column) %}
select *
from {{ model }}
where {{ column_name }} > {{ calendar_column }} + 0.000001
{% endtest %}

{#- Fails on every row whose business-minute measure differs from its calendar twin while
    the account has no schedule (the synthetic 24/7 schedule is the only one). -#}
{% test business_equals_calendar_when_always_open(model, column_name, calendar_column) %}
select *
from {{ model }}
where exists (select 1 from {{ ref('int_business_hours__schedules') }} where is_24_7)
    and abs({{ column_name }} - {{ calendar_column }}) > 0.000001
{% endtest %}

{#- Fails on every row whose timestamp comes before the one it must follow. -#}
{% test not_before(model, column_name, earlier_column) %}
select *
from {{ model }}
where {{ column_name }} < {{ earlier_column }}
{% endtest %}
