"""A small warehouse with hand-made mart rows, for the serving copy and the report.

Only the columns the report reads are made; every figure the tests expect is worked out by
hand from these rows in tests/test_report.py. as_of is Monday 2026-03-09 00:00 UTC, so the
last complete week is Monday 03-02 to Sunday 03-08 and the week before 02-23 to 03-01.
"""

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb

AS_OF = datetime(2026, 3, 9, tzinfo=UTC)

SUPPORT_DAILY = [
    # date_day, channel, contacts_created, automated, savings, sla achieved, breached,
    # csat responses, satisfied
    ("2026-02-22", "email", 7, 0, 0.0, 0, 0, 0, 0),  # before the week before
    ("2026-02-23", "email", 25, 5, 25.0, 5, 5, 4, 2),
    ("2026-03-01", "email", 5, 0, 0.0, 0, 0, 0, 0),
    ("2026-03-02", "email", 10, 1, 5.0, 8, 2, 4, 3),
    ("2026-03-04", "chat", 20, 5, 25.0, 9, 1, 6, 6),
    ("2026-03-08", "chat", 10, 2, 10.0, 3, 0, 0, 0),
    ("2026-03-09", "chat", 99, 9, 45.0, 9, 9, 9, 9),  # the day of as_of: not complete
]

CONTACT_FIRST_RESPONSES = [
    ("2026-02-24", 60.0),
    ("2026-02-25", 40.0),
    ("2026-03-01", 100.0),
    ("2026-03-02", 10.0),
    ("2026-03-03", 30.0),
    ("2026-03-05", 20.0),
    ("2026-03-08", None),  # no first response yet: not in the median
    ("2026-03-08", 50.0),
    ("2026-03-09", 1.0),
]

FEEDBACK_DAILY = [
    # date_day, survey_type, responses, promoters, detractors
    ("2026-02-26", "nps", 5, 1, 3),
    ("2026-03-03", "nps", 10, 6, 1),
    ("2026-03-07", "nps", 10, 3, 4),
    ("2026-03-07", "csat", 100, None, None),  # another survey type: not NPS
]

BACKLOG_DAILY = [
    # date_day, age_bucket, open_tickets
    ("2026-03-01", "1-3d", 10),
    ("2026-03-07", "<1d", 100),
    ("2026-03-08", "<1d", 3),
    ("2026-03-08", "1-3d", 4),
]

SLA_DAILY = [
    # date_day, metric, achieved, breached
    ("2026-03-02", "first_reply_time", 8, 2),
    ("2026-03-04", "next_reply_time", 9, 1),
]

AGENTS = [
    # agent_key, agent_name, source, team_key, replies this week
    ("a1", "Ada Stone", "zendesk", "t1", 5),
    ("a2", "Bo Lind", "zendesk", "t1", 12),
    ("a3", "Cy Moss", "intercom", "t2", 8),
]
TEAMS = [("t1", "Tier 1"), ("t2", "Chat")]


def make_warehouse(path: Path, as_of: datetime = AS_OF, scale: int = 1) -> Path:
    """A DuckDB warehouse with the marts above (row counts multiplied by `scale`)."""
    with duckdb.connect(str(path)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists intermediate")
        con.execute("create or replace table intermediate.int_build__as_of (as_of timestamptz)")
        con.execute("insert into intermediate.int_build__as_of values (?)", [as_of])
        con.execute(
            "create or replace table marts.kpi_support_daily (date_day date, channel varchar, "
            "team_key varchar, contacts_created integer, automated_resolutions integer, "
            "estimated_savings double, sla_achieved integer, sla_breached integer, "
            "csat_responses integer, csat_satisfied integer)"
        )
        con.executemany(
            "insert into marts.kpi_support_daily values (?, ?, 't1', ?, ?, ?, ?, ?, ?, ?)",
            SUPPORT_DAILY * scale,
        )
        con.execute(
            "create or replace table marts.fct_contacts (contact_key varchar, created_date date, "
            "first_response_time_business_minutes double)"
        )
        con.executemany(
            "insert into marts.fct_contacts values (?, ?, ?)",
            [
                (f"c{i}", day, minutes)
                for i, (day, minutes) in enumerate(CONTACT_FIRST_RESPONSES * scale)
            ],
        )
        con.execute(
            "create or replace table marts.kpi_feedback_daily (date_day date, survey_type "
            "varchar, responses integer, promoters integer, detractors integer)"
        )
        con.executemany(
            "insert into marts.kpi_feedback_daily values (?, ?, ?, ?, ?)", FEEDBACK_DAILY
        )
        con.execute(
            "create or replace table marts.kpi_backlog_daily (date_day date, age_bucket varchar, "
            "open_tickets integer)"
        )
        con.executemany("insert into marts.kpi_backlog_daily values (?, ?, ?)", BACKLOG_DAILY)
        con.execute(
            "create or replace table marts.kpi_sla_daily (date_day date, metric varchar, "
            "achieved integer, breached integer)"
        )
        con.executemany("insert into marts.kpi_sla_daily values (?, ?, ?, ?)", SLA_DAILY)
        con.execute(
            "create or replace table marts.dim_agent (agent_key varchar, agent_name varchar, "
            "source varchar, team_key varchar)"
        )
        con.executemany("insert into marts.dim_agent values (?, ?, ?, ?)", [a[:4] for a in AGENTS])
        con.execute("create or replace table marts.dim_team (team_key varchar, team_name varchar)")
        con.executemany("insert into marts.dim_team values (?, ?)", TEAMS)
        con.execute(
            "create or replace table marts.kpi_agent_weekly (week_start date, agent_key varchar, "
            "replies integer, tickets_solved integer, conversations_closed integer, "
            "first_reply_time_median_business_minutes double, "
            "full_resolution_time_median_business_minutes double, csat_pct double, "
            "reopen_rate double, one_touch_rate double)"
        )
        con.executemany(
            "insert into marts.kpi_agent_weekly values "
            "('2026-03-02', ?, ?, 1, 0, 12.5, 300.0, 100.0, 0.0, 50.0)",
            [(key, replies) for key, _, _, _, replies in AGENTS],
        )
        con.execute("comment on table marts.fct_contacts is 'One row per contact.'")
        con.execute(
            "comment on column marts.fct_contacts.created_date is 'UTC date the contact was created.'"
        )
    return path


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under the folder with the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
