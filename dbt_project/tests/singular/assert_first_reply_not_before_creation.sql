{{ config(meta={'dagster': {'ref': {'name': 'fct_contacts'}}}) }}
-- A first response (a ticket's first public agent reply, a conversation's first admin reply)
-- can never precede the contact's creation: a negative first response time means a clock or a
-- pairing is wrong.
select
    contact_key,
    first_response_time_calendar_minutes,
    first_response_time_business_minutes
from {{ ref('fct_contacts') }}
where first_response_time_calendar_minutes < 0
    or first_response_time_business_minutes < 0
