{{ config(meta={'dagster': {'ref': {'name': 'kpi_backlog_daily'}}}) }}
-- The backlog by team, priority and age adds up to the daily support backlog: both count the
-- tickets open at the last instant of each complete day, so a difference means one of them
-- reads the status history differently.
with backlog as (
    select * from {{ ref('kpi_backlog_daily') }}
),

support as (
    select * from {{ ref('kpi_support_daily') }}
),

backlog_days as (
    select
        date_day,
        sum(open_tickets) as open_tickets
    from backlog
    group by date_day
),

-- Only the complete days kpi_backlog_daily covers: its first and last days bound the check
-- (kpi_support_daily also shows the day as_of falls in, counted at as_of).
covered_days as (
    select
        min(date_day) as first_day,
        max(date_day) as last_day
    from backlog
),

support_days as (
    select
        support.date_day,
        sum(support.backlog_open_end_of_day) as open_tickets
    from support
    inner join covered_days
        on support.date_day between covered_days.first_day and covered_days.last_day
    group by support.date_day
)

select
    coalesce(backlog_days.date_day, support_days.date_day) as date_day,
    backlog_days.open_tickets as backlog_open_tickets,
    support_days.open_tickets as support_open_tickets
from backlog_days
full outer join support_days
    on backlog_days.date_day = support_days.date_day
where coalesce(backlog_days.open_tickets, 0) != coalesce(support_days.open_tickets, 0)
