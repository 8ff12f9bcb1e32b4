{{ config(meta={'dagster': {'ref': {'name': 'fct_tickets'}}}) }}
-- Durations are elapsed minutes: none may be negative.
select ticket_key
from {{ ref('fct_tickets') }}
where first_reply_time_calendar_minutes < 0
    or first_resolution_time_calendar_minutes < 0
    or full_resolution_time_calendar_minutes < 0
    or requester_wait_time_calendar_minutes < 0
    or agent_wait_time_calendar_minutes < 0
    or on_hold_time_calendar_minutes < 0
