"""Business hours, reply times and SLA on a hand-made landing zone (docs/kpis.md).

The support scenario of tests/landing_fixtures.py plus one schedule and three SLA policies:
"Support Hours" in the Rails zone "London" (GMT = UTC in early March 2024, so the arithmetic
stays readable), open Monday to Friday 09:00-17:00, closed on the holiday Wednesday
2024-03-06. Every expected value is computed by hand in the comments; dbt runs once for the
module.
"""

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt_runner import build_warehouse, rows
from landing_fixtures import at, write_batch, write_support_scenario

# Monday .. Friday 09:00-17:00 as minutes from Sunday 00:00 local: day x 1440 + 540 .. + 1020.
WEEKDAY_HOURS = [{"start_time": d * 1440 + 540, "end_time": d * 1440 + 1020} for d in range(1, 6)]


def condition(field: str, operator: str, value: str) -> dict[str, str]:
    """One Zendesk SLA policy condition."""
    return {"field": field, "operator": operator, "value": value}


def first_reply_target(target: int, business_hours: bool) -> dict[str, Any]:
    """A normal-priority first reply time target of an SLA policy."""
    return {
        "priority": "normal",
        "metric": "first_reply_time",
        "target": target,
        "business_hours": business_hours,
    }


def write_business_hours_scenario(lake: Path) -> None:
    """The support scenario plus a London schedule with a holiday and three SLA policies."""
    write_support_scenario(lake)
    created = at("2024-01-01 00:00")
    write_batch(
        lake,
        "zendesk",
        "schedules",
        "2024-03-06",
        [
            {
                "id": 1,
                "name": "Support Hours",
                "time_zone": "London",
                "intervals": WEEKDAY_HOURS,
                "created_at": created,
                "updated_at": created,
            }
        ],
    )
    write_batch(
        lake,
        "zendesk",
        "holidays",
        "2024-03-06",
        [
            {
                "id": 11,
                "schedule_id": 1,
                "name": "Founders' Day",
                "start_date": date(2024, 3, 6),
                "end_date": date(2024, 3, 6),
            }
        ],
    )
    # Landed out of position order: the first match is by position, not by landing order.
    policies = [
        (3, "Catch-all", [], [], first_reply_target(1000, False)),
        (1, "Email", [condition("via_id", "is", "4")], [], first_reply_target(45, False)),
        (
            2,
            "Normal and urgent",
            [],
            [condition("priority", "is", "urgent"), condition("priority", "is", "normal")],
            first_reply_target(15, True),
        ),
    ]
    write_batch(
        lake,
        "zendesk",
        "sla_policies",
        "2024-03-06",
        [
            {
                "id": 500 + position,
                "title": title,
                "position": position,
                "filter_all": filter_all,
                "filter_any": filter_any,
                "policy_metrics": [target],
                "created_at": created,
                "updated_at": created,
            }
            for position, title, filter_all, filter_any, target in policies
        ],
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Build every model and dbt test on the scenario lake; yield a read-only connection."""
    root = tmp_path_factory.mktemp("dbt_business_hours")
    lake = root / "lake"
    write_business_hours_scenario(lake)
    connection = build_warehouse(root, lake)
    yield connection
    connection.close()


def by_ticket(connection: duckdb.DuckDBPyConnection, column: str) -> dict[int, Any]:
    """One fct_tickets column keyed by ticket id."""
    sql = f"select ticket_id, {column} as value from marts.fct_tickets"
    return {row["ticket_id"]: row["value"] for row in rows(connection, sql)}


def first_reply_slas(connection: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """The first_reply_time instances of fct_sla_events keyed by ticket id."""
    sql = """select contact_id, target_minutes, in_business_hours, elapsed_minutes, breach_at,
        status from marts.fct_sla_events where metric = 'first_reply_time'"""
    return {row.pop("contact_id"): row for row in rows(connection, sql)}


def test_the_rails_zone_maps_to_iana_and_the_only_schedule_is_the_default(warehouse):
    [schedule] = rows(warehouse, "select * from intermediate.int_business_hours__schedules")
    assert (schedule["time_zone"], schedule["is_default_schedule"]) == ("Europe/London", True)


def test_first_reply_business_minutes_skip_the_closed_hours(warehouse):
    # 101: Mon 09:00 -> 09:30, all open: 30. 102: Mon 08:00 -> 08:20, before opening: 0
    # (calendar 20). 104: Tue 10:00 -> 10:15: 15. 107: Tue 14:00 -> 14:30: 30.
    business = by_ticket(warehouse, "first_reply_time_business_minutes")
    assert (business[101], business[102], business[104], business[107]) == (30.0, 0.0, 15.0, 30.0)
    assert business[103] is None


def test_requester_wait_counts_open_minutes_and_the_holiday_closes_a_whole_day(warehouse):
    # 106: new Mon 20:00 -> Wed 09:00 holds only Tuesday 09-17 (480); open Wed 09:00 -> as_of
    # Thu 00:00 falls on the holiday: 0. Total 480 (calendar 3120).
    # 102: new/open 08:00-09:00 (0) + open 10:00-10:40 (40) + hold 10:40-11:00 (20) + open
    # 12:00-13:00 (60) = 120; on hold 20.
    wait = by_ticket(warehouse, "requester_wait_time_business_minutes")
    assert (wait[106], wait[102]) == (480.0, 120.0)
    assert by_ticket(warehouse, "on_hold_time_business_minutes")[102] == 20.0


def test_full_resolution_in_business_minutes(warehouse):
    # 101: Mon 09:00 -> solved 10:30 = 90. 102: Mon 08:00 -> last solve 13:00 = 09:00-13:00 = 240.
    full = by_ticket(warehouse, "full_resolution_time_business_minutes")
    assert (full[101], full[102]) == (90.0, 240.0)


def test_reply_fact_carries_business_waits_and_follow_ups(warehouse):
    # 104: reply 43 waits from creation Tue 10:00 -> 10:15 (15); 45 is a follow-up; 49 waits
    # from Dave's 11:00 comment to 11:30 (30).
    replies = rows(
        warehouse,
        """select reply_id, reply_time_business_minutes as minutes, is_first_reply
        from marts.fct_ticket_replies where ticket_id = 104 order by reply_id""",
    )
    assert [(r["reply_id"], r["minutes"], r["is_first_reply"]) for r in replies] == [
        (43, 15.0, True),
        (45, None, False),
        (49, 30.0, False),
    ]


def test_sla_targets_come_from_the_first_matching_policy_by_position(warehouse):
    # Email tickets (via_id 4) match "Email" (position 1): 45 calendar minutes. The others
    # match "Normal and urgent" (position 2, any-condition on priority): 15 business minutes.
    # "Catch-all" (position 3) would match all of them but never comes first. 103 is
    # agent-initiated: no first reply instance.
    slas = first_reply_slas(warehouse)
    assert sorted(slas) == ["101", "102", "104", "105", "106", "107"]
    assert {k: (v["target_minutes"], v["in_business_hours"]) for k, v in slas.items()} == {
        "101": (45.0, False),
        "102": (15.0, True),
        "104": (15.0, True),
        "105": (15.0, True),
        "106": (15.0, True),
        "107": (45.0, False),
    }


def test_sla_status_and_business_breach_time(warehouse):
    # 101: 30 calendar <= 45: achieved. 102: 0 business <= 15: achieved. 104: exactly 15:
    # achieved. 105: solved by a trigger after 5 minutes with no reply: fulfilled by the solve.
    # 107: 30 <= 45. 106 never got a reply: Tuesday's 480 open minutes > 15: breached; created
    # Mon 20:00 after closing, so the 15th business minute elapses Tue 09:15.
    slas = first_reply_slas(warehouse)
    assert {k: v["status"] for k, v in slas.items()} == {
        "101": "achieved",
        "102": "achieved",
        "104": "achieved",
        "105": "achieved",
        "106": "breached",
        "107": "achieved",
    }
    assert (slas["106"]["elapsed_minutes"], slas["106"]["breach_at"]) == (
        480.0,
        at("2024-03-05 09:15"),
    )
    assert slas["101"]["breach_at"] == at("2024-03-04 09:45")


def test_kpi_sla_daily_dates_breaches_by_breach_time(warehouse):
    # 03-04: 101 (email) and 102 (web) achieved. 03-05: 104 (chat), 105 (web), 107 (email)
    # achieved; 106 (phone) breached at 03-05 09:15 -> 0 %.
    daily = rows(
        warehouse,
        """select date_day, channel, achieved, breached, attainment_pct from marts.kpi_sla_daily
        where metric = 'first_reply_time' order by date_day, channel""",
    )
    assert [tuple(r.values()) for r in daily] == [
        (date(2024, 3, 4), "email", 1, 0, 100.0),
        (date(2024, 3, 4), "web", 1, 0, 100.0),
        (date(2024, 3, 5), "chat", 1, 0, 100.0),
        (date(2024, 3, 5), "email", 1, 0, 100.0),
        (date(2024, 3, 5), "phone", 0, 1, 0.0),
        (date(2024, 3, 5), "web", 1, 0, 100.0),
    ]


def test_conversation_first_response_uses_the_default_schedule(warehouse):
    # c2: created Tue 11:00, first human reply 11:10, inside opening hours: 10. c1 (bot only)
    # has no first response.
    contacts = rows(
        warehouse,
        """select contact_id, first_response_time_business_minutes as minutes
        from marts.fct_contacts where contact_type = 'conversation' order by contact_id""",
    )
    assert [(r["contact_id"], r["minutes"]) for r in contacts] == [("c1", None), ("c2", 10.0)]


def test_support_daily_business_median_and_sla_counts(warehouse):
    # 03-05 chat / Tier 1 holds ticket 104 alone with a first response: median 15. Its SLA
    # instances, all achieved on 03-05: first reply (15 <= 15, 10:15), next reply of reply 49
    # (seed normal 960 business, 30 elapsed, 11:30) and requester wait (seed normal 2880,
    # new 10:00-10:15 + open 11:00-11:30 = 45, fulfilled by the 11:30 solve): 3 achieved.
    # 03-05 phone: 106's first reply breached at 09:15; its requester wait (480 of 2880) is
    # still active and not counted: 0 achieved, 1 breached, 0 %.
    [chat] = rows(
        warehouse,
        """select first_response_time_median_business_minutes as median, sla_achieved,
        sla_breached, sla_attainment_pct from marts.kpi_support_daily
        where date_day = '2024-03-05' and channel = 'chat' and team_key is not null""",
    )
    assert tuple(chat.values()) == (15.0, 3, 0, 100.0)
    [phone] = rows(
        warehouse,
        """select sla_achieved, sla_breached, sla_attainment_pct from marts.kpi_support_daily
        where date_day = '2024-03-05' and channel = 'phone'""",
    )
    assert tuple(phone.values()) == (0, 1, 0.0)
