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

TARGET_ATTAINMENT = [
    # week_start, team_key, team_name, kpi, actual, target, direction, is_met, gap
    (
        "2026-03-02",
        None,
        "*",
        "first_response_time_median_business_minutes",
        25.0,
        60.0,
        "lower",
        True,
        -35.0,
    ),
    ("2026-03-02", None, "*", "sla_attainment_pct", 80.0, 85.0, "higher", False, -5.0),
    ("2026-03-02", None, "*", "csat_pct", 90.0, 75.0, "higher", True, 15.0),
    ("2026-03-02", None, "*", "nps", None, 25.0, "higher", False, None),  # no answers
    ("2026-03-02", "t1", "Tier 1", "sla_attainment_pct", 70.0, 85.0, "higher", False, -15.0),
    ("2026-03-02", "t2", "Chat", "sla_attainment_pct", 95.0, 85.0, "higher", True, 10.0),
    ("2026-03-02", "t1", "Tier 1", "csat_pct", 60.0, 75.0, "higher", False, -15.0),
    ("2026-03-02", "t2", "Chat", "nps", None, 25.0, "higher", False, None),
    # The week before: the changes since are 90 - 10 = +80 (CSAT), 80 - 86 = -6 (SLA) and
    # 25 - 30 = -5 (the first response median).
    ("2026-02-23", None, "*", "csat_pct", 10.0, 75.0, "higher", False, -65.0),
    ("2026-02-23", None, "*", "sla_attainment_pct", 86.0, 85.0, "higher", True, 1.0),
    (
        "2026-02-23",
        None,
        "*",
        "first_response_time_median_business_minutes",
        30.0,
        60.0,
        "lower",
        True,
        -30.0,
    ),
    ("2026-02-23", "t1", "Tier 1", "csat_pct", 10.0, 75.0, "higher", False, -65.0),
]

CHANGE_DRIVERS = [
    # week_start, kpi, dimension, segment, segment_name, mix_effect, rate_effect, total_change
    ("2026-03-02", "sla_attainment_pct", "channel", "email", "email", -1.0, -4.0, -6.0),
    ("2026-03-02", "sla_attainment_pct", "channel", "chat", "chat", 0.5, -1.5, -6.0),
    ("2026-03-02", "sla_attainment_pct", "team", "t1", "Tier 1", 0.0, -7.0, -6.0),
    ("2026-03-02", "sla_attainment_pct", "team", "t2", "Chat", 0.2, 0.8, -6.0),
    ("2026-03-02", "sla_attainment_pct", "priority", "high", "high", 0.0, 0.0, -6.0),
    ("2026-03-02", "sla_attainment_pct", "priority", "normal", "normal", -2.0, -4.0, -6.0),
    (
        "2026-03-02",
        "first_response_time_mean_business_minutes",
        "channel",
        "email",
        "email",
        1.5,
        -4.0,
        -2.5,
    ),
    (
        "2026-03-02",
        "first_response_time_mean_business_minutes",
        "channel",
        "chat",
        "chat",
        0.0,
        0.0,
        -2.5,
    ),
    ("2026-02-23", "csat_pct", "channel", "email", "email", 50.0, 0.0, 50.0),  # week before
]

QA_WEEKLY = [
    # week_start, agent_key, reviews, scored_reviews, score_pct_sum, critical_failures,
    # resolved, reviewed
    ("2026-03-02", "a1", 2, 2, 170.0, 0, 10, 2),
    ("2026-03-02", "a2", 2, 1, 40.0, 1, 5, 1),  # one review with every rating N/A
    ("2026-03-02", "a3", 0, 0, 0.0, 0, 5, 0),  # resolved contacts, none reviewed
    ("2026-02-23", "a1", 2, 2, 120.0, 0, 8, 1),
]

QA_CATEGORIES = [
    # week_start, team_key, category_name, ratings, score_pct_sum, critical_failures
    ("2026-03-02", "t1", "Empathy", 2, 150.0, 0),
    ("2026-03-02", "t2", "Empathy", 1, 100.0, 0),
    ("2026-03-02", "t1", "Accuracy", 2, 50.0, 1),
    ("2026-03-02", "t1", "Tone", 0, 0.0, 0),  # only N/A ratings
    ("2026-02-23", "t1", "Accuracy", 1, 100.0, 0),
]

WORKLOAD = [
    # week_start, agent_key, scheduled_work_minutes, night_work_minutes, weekend_shifts,
    # active_minutes, active_outside_shift_minutes, max_consecutive_days, is_overworked
    ("2026-03-02", "a1", 2520, 120, 1, 1800, 90, 5, True),  # 2,520 > 2,400 minutes
    ("2026-03-02", "a2", 2100, 0, 0, 2000, 0, 7, True),  # 7 days in a row > 6
    ("2026-03-02", "a3", 1800, 300, 2, 1500, 30, 4, False),
    ("2026-02-23", "a3", 3000, 0, 0, 0, 0, 5, True),  # the week before
]

FAIRNESS = [
    # week_start, team_key, agents, weekend_shifts_min, weekend_shifts_max,
    # night_work_minutes_min, night_work_minutes_max, scheduled_work_minutes_cv
    ("2026-03-02", "t1", 2, 0, 1, 0, 120, 210 / 2310),  # 2,520 and 2,100: sd 210, mean 2,310
    ("2026-03-02", "t2", 1, 2, 2, 300, 300, 0.0),
]


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
        add_team_marts(con)
        con.execute("comment on table marts.fct_contacts is 'One row per contact.'")
        con.execute(
            "comment on column marts.fct_contacts.created_date is 'UTC date the contact was created.'"
        )
    return path


def add_team_marts(con: duckdb.DuckDBPyConnection) -> None:
    """The targets, QA and workload marts the report's team sections read."""
    tables = {
        "kpi_target_attainment_weekly": (
            (
                "week_start date, team_key varchar, team_name varchar, kpi varchar, actual double, "
                "target double, direction varchar, is_met boolean, gap double"
            ),
            TARGET_ATTAINMENT,
        ),
        "kpi_change_drivers_weekly": (
            (
                "week_start date, kpi varchar, dimension varchar, segment varchar, "
                "segment_name varchar, mix_effect double, rate_effect double, total_change double"
            ),
            CHANGE_DRIVERS,
        ),
        "kpi_qa_weekly": (
            (
                "week_start date, agent_key varchar, reviews integer, scored_reviews integer, "
                "score_pct_sum double, "
                "critical_failures integer, resolved_contacts integer, reviewed_contacts integer"
            ),
            QA_WEEKLY,
        ),
        "kpi_qa_category_weekly": (
            (
                "week_start date, team_key varchar, category_name varchar, ratings integer, "
                "score_pct_sum double, critical_failures integer"
            ),
            QA_CATEGORIES,
        ),
        "kpi_agent_workload_weekly": (
            (
                "week_start date, agent_key varchar, scheduled_work_minutes double, "
                "night_work_minutes double, weekend_shifts integer, active_minutes double, "
                "active_outside_shift_minutes double, max_consecutive_days integer, "
                "is_overworked boolean"
            ),
            WORKLOAD,
        ),
        "kpi_shift_fairness_weekly": (
            (
                "week_start date, team_key varchar, agents integer, weekend_shifts_min integer, "
                "weekend_shifts_max integer, night_work_minutes_min double, "
                "night_work_minutes_max double, scheduled_work_minutes_cv double"
            ),
            FAIRNESS,
        ),
    }
    for table, (columns, values) in tables.items():
        con.execute(f"create or replace table marts.{table} ({columns})")
        marks = ", ".join("?" * len(values[0]))
        con.executemany(f"insert into marts.{table} values ({marks})", values)


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under the folder with the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
