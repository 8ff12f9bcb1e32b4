"""dbt model tests for the end-of-day backlog and the agent scorecards (docs/kpis.md and
"Agents"), on a landing zone of their own.

Tickets land from 2024-03-04 (a Monday) to 2024-03-14, so as_of is 2024-03-15 00:00 UTC and
the backlog covers the complete days 03-04 .. 03-14. The account has no business-hours
schedule, so business minutes equal calendar minutes (docs/kpis.md). Every
expected value is computed by hand below; dbt runs once for the module.
"""

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt_runner import build_warehouse, rows
from landing_fixtures import (
    ADMIN_BOB,
    AGENT_ALICE,
    CAROL,
    DAVE,
    TIER_1,
    TIER_2,
    TRIGGER,
    at,
    audit,
    comment,
    conversation,
    field_event,
    part,
    ticket,
    write_batch,
    write_empty_streams,
)

# The marts under test and every model they read, plus the dimensions their keys must resolve
# to and kpi_support_daily, which counts its backlog from the same open-ticket days.
SELECTION = [
    "+fct_agent_daily",
    "+kpi_agent_weekly",
    "+kpi_backlog_daily",
    "+kpi_support_daily",
    "+dim_agent",
    "+dim_team",
    "+dim_date",
]


def status(event_id: int, value: str, previous: str | None = None) -> dict[str, Any]:
    """A status Create (no previous value) or Change event."""
    return field_event(event_id, "status", value, previous)


# Audits per ticket; comment event ids are the reply ids.
AUDITS: dict[int, list[dict]] = {
    # 201: created at midnight, so exactly 1.0 day old at the end of 03-04 and exactly 3.0 at the
    # end of 03-06; Alice replies first after 10 minutes, again on 03-05, and solves on 03-07.
    201: [
        audit(20101, 201, "2024-03-04 00:00", CAROL, comment(1, CAROL), status(2, "new")),
        audit(
            20102,
            201,
            "2024-03-04 00:10",
            AGENT_ALICE,
            comment(3, AGENT_ALICE),
            status(4, "pending", "new"),
        ),
        audit(
            20103, 201, "2024-03-05 08:00", CAROL, comment(5, CAROL), status(6, "open", "pending")
        ),
        audit(20104, 201, "2024-03-05 09:00", AGENT_ALICE, comment(7, AGENT_ALICE)),
        audit(20105, 201, "2024-03-07 12:00", AGENT_ALICE, status(8, "solved", "open")),
    ],
    # 202: open at the end of 03-04, solved by Bob on 03-05 (leaves the backlog), reopened by
    # Dave on 03-06 (re-enters it), solved again by Alice on 03-07 without a reply.
    202: [
        audit(20201, 202, "2024-03-04 08:00", DAVE, comment(11, DAVE), status(12, "new")),
        audit(
            20202,
            202,
            "2024-03-04 08:20",
            AGENT_ALICE,
            comment(13, AGENT_ALICE),
            status(14, "open", "new"),
        ),
        audit(20203, 202, "2024-03-05 09:00", ADMIN_BOB, status(15, "solved", "open")),
        audit(
            20204, 202, "2024-03-06 10:00", DAVE, comment(16, DAVE), status(17, "open", "solved")
        ),
        audit(20205, 202, "2024-03-07 11:00", AGENT_ALICE, status(18, "solved", "open")),
    ],
    # 203: one touch: Alice replies after 30 minutes and solves; Carol rates it good.
    203: [
        audit(20301, 203, "2024-03-04 12:00", CAROL, comment(21, CAROL), status(22, "new")),
        audit(
            20302,
            203,
            "2024-03-04 12:30",
            AGENT_ALICE,
            comment(23, AGENT_ALICE),
            status(24, "solved", "new"),
        ),
    ],
    # 204: Alice replies after 100 minutes and solves; Dave rates her bad; the ticket is then
    # reassigned to Bob (its current assignee), but the rating stays Alice's.
    204: [
        audit(20401, 204, "2024-03-05 06:00", DAVE, comment(31, DAVE), status(32, "new")),
        audit(
            20402,
            204,
            "2024-03-05 07:40",
            AGENT_ALICE,
            comment(33, AGENT_ALICE),
            status(34, "solved", "new"),
        ),
    ],
    # 205: agent-initiated by Bob in the second week: his reply is no first reply.
    205: [
        audit(
            20501, 205, "2024-03-11 09:00", ADMIN_BOB, comment(41, ADMIN_BOB), status(42, "open")
        ),
        audit(20502, 205, "2024-03-11 10:00", CAROL, comment(43, CAROL)),
        audit(
            20503,
            205,
            "2024-03-11 11:00",
            ADMIN_BOB,
            comment(44, ADMIN_BOB),
            status(45, "solved", "open"),
        ),
    ],
    # 206: created 2024-02-04 00:00 and pending ever since: exactly 30.0 days old at the end of
    # 03-04 (29 days of February 2024 to 03-04, one more to 03-05 00:00).
    206: [
        audit(20601, 206, "2024-02-04 00:00", DAVE, comment(51, DAVE), status(52, "new")),
        audit(20602, 206, "2024-02-04 01:00", ADMIN_BOB, status(53, "pending", "new")),
    ],
    # 207: solved by a trigger exactly at midnight: still open at the last instant of 03-09.
    207: [
        audit(20701, 207, "2024-03-09 12:00", CAROL, comment(61, CAROL), status(62, "new")),
        audit(20702, 207, "2024-03-10 00:00", TRIGGER, status(63, "solved", "new")),
    ],
}

URGENT_TIER_2 = {"priority": "urgent", "group_id": TIER_2}

TICKETS: dict[str, list[dict]] = {
    "2024-03-04": [
        {
            **ticket(
                206, "2024-02-04 00:00", "2024-03-04 00:00", "pending", "email", DAVE, ADMIN_BOB
            ),
            **URGENT_TIER_2,
        },
        ticket(203, "2024-03-04 12:00", "2024-03-04 12:30", "solved", "email", CAROL, AGENT_ALICE),
    ],
    "2024-03-05": [
        ticket(204, "2024-03-05 06:00", "2024-03-05 07:40", "solved", "web", DAVE, ADMIN_BOB),
    ],
    "2024-03-07": [
        ticket(201, "2024-03-04 00:00", "2024-03-07 12:00", "solved", "email", CAROL, AGENT_ALICE),
        {
            **ticket(
                202, "2024-03-04 08:00", "2024-03-07 11:00", "solved", "web", DAVE, AGENT_ALICE
            ),
            "priority": "high",
        },
    ],
    "2024-03-10": [
        ticket(207, "2024-03-09 12:00", "2024-03-10 00:00", "solved", "web", CAROL, None),
    ],
    "2024-03-14": [
        ticket(205, "2024-03-11 09:00", "2024-03-11 11:00", "solved", "email", CAROL, ADMIN_BOB),
    ],
}

CONVERSATIONS = [
    # c1: the bot answered and closed alone: no one is credited.
    conversation(
        "c1",
        "2024-03-05 10:00",
        "2024-03-05 10:05",
        "conversation",
        "carol@example.com",
        [
            part("c1p1", "comment", "bot", "fin", "2024-03-05 10:01", True),
            part("c1p2", "close", "bot", "fin", "2024-03-05 10:05", False),
        ],
        ai_agent_participated=True,
    ),
    # c2: Ann closes it three times on 03-05 (reopened twice) and is rated 5 of 5.
    conversation(
        "c2",
        "2024-03-05 11:00",
        "2024-03-05 13:30",
        "email",
        "dave@example.com",
        [
            part("c2p1", "comment", "admin", "a1", "2024-03-05 11:10", True),
            part("c2p2", "close", "admin", "a1", "2024-03-05 11:20", False),
            part("c2p3", "comment", "user", "user-c2", "2024-03-05 11:40", True),
            part("c2p4", "close", "admin", "a1", "2024-03-05 12:30", False),
            part("c2p5", "open", "user", "user-c2", "2024-03-05 13:00", False),
            part("c2p6", "close", "admin", "a1", "2024-03-05 13:30", False),
        ],
        admin_assignee_id="a1",
        team_assignee_id="t1",
        rating=5,
        rating_created_at=at("2024-03-05 13:35"),
    ),
    # c3: Ann closes it on 03-12, but the customer rated teammate Ben (2 of 5): Ben's rating.
    conversation(
        "c3",
        "2024-03-12 09:00",
        "2024-03-12 09:40",
        "chat",
        "dave@example.com",
        [
            part("c3p1", "comment", "admin", "a1", "2024-03-12 09:05", True),
            part("c3p2", "close", "admin", "a1", "2024-03-12 09:30", False),
        ],
        admin_assignee_id="a1",
        team_assignee_id="t1",
        rating=2,
        rating_created_at=at("2024-03-12 09:40"),
        rating_teammate_id="a2",
    ),
]


def write_reference_streams(lake: Path) -> None:
    """Users, groups, admins and teams of the scenario, landed on the last day."""
    day = "2024-03-14"
    created = at("2024-01-01 00:00")
    users = [
        (AGENT_ALICE, "Alice", "alice@acme.test", "agent"),
        (ADMIN_BOB, "Bob", "bob@acme.test", "admin"),
        (CAROL, "Carol", "carol@example.com", "end-user"),
        (DAVE, "Dave", "dave@example.com", "end-user"),
    ]
    write_batch(
        lake,
        "zendesk",
        "users",
        day,
        [
            {
                "id": user_id,
                "name": name,
                "email": email,
                "role": role,
                "active": True,
                "created_at": created,
                "updated_at": created,
            }
            for user_id, name, email, role in users
        ],
    )
    groups = [(TIER_1, "Tier 1"), (TIER_2, "Tier 2")]
    write_batch(
        lake,
        "zendesk",
        "groups",
        day,
        [
            {"id": i, "name": n, "deleted": False, "created_at": created, "updated_at": created}
            for i, n in groups
        ],
    )
    admins = [("a1", "Ann", "ann@acme.test"), ("a2", "Ben", "ben@acme.test")]
    write_batch(
        lake,
        "intercom",
        "admins",
        day,
        [
            {"id": i, "name": n, "email": e, "type": "admin", "team_ids": ["t1"]}
            for i, n, e in admins
        ],
    )
    write_batch(
        lake, "intercom", "teams", day, [{"id": "t1", "name": "Chat", "admin_ids": ["a1", "a2"]}]
    )


def write_agents_backlog_scenario(lake: Path) -> None:
    """Land the scenario: seven tickets with their audits, two ratings, three conversations."""
    write_empty_streams(lake)
    for day, ticket_rows in TICKETS.items():
        write_batch(lake, "zendesk", "tickets", day, ticket_rows)
        audits = [a for row in ticket_rows for a in AUDITS[row["id"]]]
        write_batch(lake, "zendesk", "ticket_audits", day, audits)
    write_reference_streams(lake)
    ratings = [
        (9101, 203, AGENT_ALICE, CAROL, "good", "2024-03-04 14:00"),
        (9102, 204, AGENT_ALICE, DAVE, "bad", "2024-03-05 12:00"),
    ]
    write_batch(
        lake,
        "zendesk",
        "satisfaction_ratings",
        "2024-03-05",
        [
            {
                "id": rating_id,
                "ticket_id": ticket_id,
                "assignee_id": assignee,
                "group_id": TIER_1,
                "requester_id": requester,
                "score": score,
                "created_at": at(when),
                "updated_at": at(when),
            }
            for rating_id, ticket_id, assignee, requester, score, when in ratings
        ],
    )
    write_batch(lake, "intercom", "conversations", "2024-03-12", CONVERSATIONS)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Build the backlog and agent marts (and their parents) with their tests; yield a
    read-only connection."""
    root = tmp_path_factory.mktemp("dbt_agents")
    lake = root / "lake"
    write_agents_backlog_scenario(lake)
    connection = build_warehouse(
        root, lake, "--select", *SELECTION, "--indirect-selection", "cautious"
    )
    yield connection
    connection.close()


def zendesk_agent(user_id: int) -> str:
    """The SQL expression of a Zendesk agent's key, as the marts compute it."""
    return f"md5(concat_ws('|', 'zendesk', '{user_id}'))"


def intercom_admin(admin_id: str) -> str:
    """The SQL expression of an Intercom admin's key, as the marts compute it."""
    return f"md5(concat_ws('|', 'intercom', '{admin_id}'))"


def zendesk_team(group_id: int) -> str:
    """The SQL expression of a Zendesk group's team key."""
    return f"md5(concat_ws('|', 'zendesk', '{group_id}'))"


def backlog(connection: duckdb.DuckDBPyConnection) -> dict[tuple[date, int | None, str], int]:
    """kpi_backlog_daily as {(day, Zendesk group id, age bucket): open tickets}, the priority
    checked separately."""
    sql = f"""select date_day, case team_key when {zendesk_team(TIER_1)} then {TIER_1}
        when {zendesk_team(TIER_2)} then {TIER_2} end as group_id, age_bucket,
        open_tickets from marts.kpi_backlog_daily"""
    return {
        (r["date_day"], r["group_id"], r["age_bucket"]): r["open_tickets"]
        for r in rows(connection, sql)
    }


def test_backlog_age_buckets_at_their_boundaries_and_reopened_tickets_re_enter(warehouse):
    # Tier 1: 201 (created 03-04 00:00): end of 03-04 = 1.0 day -> 1-3d (not <1d); end of 03-05
    # = 2.0 -> 1-3d; end of 03-06 = 3.0 -> 3-7d (not 1-3d); solved 03-07 12:00.
    # 202 (created 03-04 08:00): end of 03-04 = 16 h -> <1d; solved 03-05 09:00: gone at the
    # end of 03-05; reopened 03-06 10:00: end of 03-06 = 64 h = 2.67 days -> 1-3d; solved 03-07.
    # 207: created 03-09 12:00, solved exactly at 03-10 00:00: open at the last instant of
    # 03-09, 12 h -> <1d. 203, 204 and 205 were solved the day they were created.
    # Tier 2: 206 (created 02-04 00:00): end of 03-04 = 30.0 days -> 30d+, every day to 03-14.
    expected = {
        (date(2024, 3, 4), TIER_1, "1-3d"): 1,
        (date(2024, 3, 4), TIER_1, "<1d"): 1,
        (date(2024, 3, 5), TIER_1, "1-3d"): 1,
        (date(2024, 3, 6), TIER_1, "3-7d"): 1,
        (date(2024, 3, 6), TIER_1, "1-3d"): 1,
        (date(2024, 3, 9), TIER_1, "<1d"): 1,
    }
    expected.update({(date(2024, 3, day), TIER_2, "30d+"): 1 for day in range(4, 15)})
    assert backlog(warehouse) == expected


def test_backlog_ages_are_exact_days_at_the_end_of_the_day(warehouse):
    # 201 at the end of 03-04, 03-05, 03-06: 1.0, 2.0, 3.0 days; 206 at the end of 03-04: 30.0.
    ages = rows(
        warehouse,
        """select ticket_id, date_day, age_days from intermediate.int_backlog__open_ticket_days
        where (ticket_id = 201) or (ticket_id = 206 and date_day = date '2024-03-04')
        order by ticket_id, date_day""",
    )
    assert [(r["ticket_id"], r["age_days"]) for r in ages] == [
        (201, 1.0),
        (201, 2.0),
        (201, 3.0),
        (206, 30.0),
    ]


def test_backlog_uses_the_current_priority_and_stops_before_the_day_of_as_of(warehouse):
    # 206 is urgent; 202 is high (its two days); 201 and 207 normal. as_of = 03-15 00:00: the
    # last complete day is 03-14, and the first landed window starts 03-04.
    priorities = rows(
        warehouse,
        """select priority, sum(open_tickets) as n, min(date_day) as first_day,
        max(date_day) as last_day from marts.kpi_backlog_daily group by priority""",
    )
    by_priority = {r["priority"]: r["n"] for r in priorities}
    assert by_priority == {"urgent": 11, "high": 2, "normal": 4}
    assert min(r["first_day"] for r in priorities) == date(2024, 3, 4)
    assert max(r["last_day"] for r in priorities) == date(2024, 3, 14)


def agent_daily(connection: duckdb.DuckDBPyConnection, agent_key: str) -> dict[date, dict]:
    """fct_agent_daily rows of one agent, keyed by day."""
    sql = f"select * from marts.fct_agent_daily where agent_key = {agent_key} order by date_day"
    return {r["date_day"]: r for r in rows(connection, sql)}


def agent_week(connection: duckdb.DuckDBPyConnection, agent_key: str, monday: str) -> dict:
    """The kpi_agent_weekly row of one agent and week."""
    [row] = rows(
        connection,
        f"""select * from marts.kpi_agent_weekly
        where agent_key = {agent_key} and week_start = date '{monday}'""",
    )
    return row


def test_agent_daily_credits_replies_and_solves_to_who_made_them(warehouse):
    # Alice, 03-04: replies 3 (201 00:10, 202 08:20, 203 12:30), all first replies (10, 20, 30
    # minutes: median 20); solves 1 (203). 03-05: reply 7 on 201 (not first) and 204's first
    # reply (100): 2 replies, 1 first reply, median 100; solve of 204. 03-07: solves of 201 and
    # 202 (no reply). Bob: solve of 202 on 03-05 (later reopened), and on 03-11 his one reply
    # to agent-initiated 205 (no first reply, no median) and its solve.
    alice = agent_daily(warehouse, zendesk_agent(AGENT_ALICE))
    summary = {
        day: (
            r["replies"],
            r["first_replies"],
            r["first_reply_time_median_business_minutes"],
            r["tickets_solved"],
        )
        for day, r in alice.items()
    }
    assert summary == {
        date(2024, 3, 4): (3, 3, 20.0, 1),
        date(2024, 3, 5): (2, 1, 100.0, 1),
        date(2024, 3, 7): (0, 0, None, 2),
    }
    bob = agent_daily(warehouse, zendesk_agent(ADMIN_BOB))
    assert {
        day: (r["replies"], r["first_replies"], r["tickets_solved"]) for day, r in bob.items()
    } == {
        date(2024, 3, 5): (0, 0, 1),
        date(2024, 3, 11): (1, 0, 1),
    }
    assert bob[date(2024, 3, 11)]["first_reply_time_median_business_minutes"] is None


def test_trigger_and_bot_work_is_credited_to_no_agent(warehouse):
    # 207's solve (trigger) and c1's close (bot) belong to no one: the only agents with a row
    # are Alice, Bob, Ann (closes) and Ben (rated).
    [row] = rows(warehouse, "select count(distinct agent_key) as n from marts.fct_agent_daily")
    assert row["n"] == 4
    [row] = rows(warehouse, "select sum(tickets_solved) as n from marts.fct_agent_daily")
    # Solves: 203, 204, 201, 202 (Alice), 202, 205 (Bob) = 6; 207 by the trigger is not counted.
    assert row["n"] == 6


def test_conversation_closes_count_each_close_by_its_admin(warehouse):
    # Ann closed c2 three times on 03-05 and c3 once on 03-12.
    ann = agent_daily(warehouse, intercom_admin("a1"))
    assert {day: r["conversations_closed"] for day, r in ann.items()} == {
        date(2024, 3, 5): 3,
        date(2024, 3, 12): 1,
    }


def test_csat_is_credited_to_the_agent_rated_not_the_current_assignee(warehouse):
    # 204 is assigned to Bob now, but Dave's bad rating names Alice: Alice has 203 good
    # (03-04) and 204 bad (03-05). c3's rating (2 of 5) names Ben although Ann is assigned;
    # c2's 5 of 5 has no teammate recorded: the assignee Ann.
    alice = agent_daily(warehouse, zendesk_agent(AGENT_ALICE))
    assert (
        alice[date(2024, 3, 4)]["csat_responses"],
        alice[date(2024, 3, 4)]["csat_satisfied"],
    ) == (1, 1)
    assert (
        alice[date(2024, 3, 5)]["csat_responses"],
        alice[date(2024, 3, 5)]["csat_satisfied"],
    ) == (1, 0)
    assert (
        sum(r["csat_responses"] for r in agent_daily(warehouse, zendesk_agent(ADMIN_BOB)).values())
        == 0
    )
    ben = agent_daily(warehouse, intercom_admin("a2"))
    assert {day: (r["csat_responses"], r["csat_satisfied"]) for day, r in ben.items()} == {
        date(2024, 3, 12): (1, 0)
    }
    ann = agent_daily(warehouse, intercom_admin("a1"))
    assert ann[date(2024, 3, 5)]["csat_satisfied"] == 1


def test_weekly_first_reply_median_is_recomputed_from_the_replies(warehouse):
    # Alice's first replies in the week of 03-04: 10, 20, 30 (03-04) and 100 (03-05). Median of
    # the four = (20 + 30) / 2 = 25; the mean of the daily medians (20, 100) would be 60.
    week = agent_week(warehouse, zendesk_agent(AGENT_ALICE), "2024-03-04")
    assert (week["first_replies"], week["first_reply_time_median_business_minutes"]) == (4, 25.0)
    assert (week["replies"], week["tickets_solved"]) == (5, 4)


def test_weekly_rates_describe_the_tickets_whose_last_solve_the_agent_made(warehouse):
    # Alice made the last solve of 201, 202, 203 and 204 in the week of 03-04: 4 resolved.
    # Full resolution (no schedule: business = calendar): 203 30, 204 100, 202 03-04 08:00 ->
    # 03-07 11:00 = 75 h = 4500, 201 03-04 00:00 -> 03-07 12:00 = 84 h = 5040; median
    # (100 + 4500) / 2 = 2300. Reopened: 202 only: 1 / 4 = 25 %. One touch: 203 and 204 (one
    # reply each, never reopened): 2 / 4 = 50 %. CSAT: 1 good of 2 = 50 %.
    week = agent_week(warehouse, zendesk_agent(AGENT_ALICE), "2024-03-04")
    assert week["tickets_resolved"] == 4
    assert week["full_resolution_time_median_business_minutes"] == 2300.0
    assert week["full_resolution_time_median_calendar_minutes"] == 2300.0
    assert (week["reopened"], week["reopen_rate"]) == (1, 25.0)
    assert (week["one_touch_resolutions"], week["one_touch_rate"]) == (2, 50.0)
    assert (week["csat_responses"], week["csat_satisfied"], week["csat_pct"]) == (2, 1, 50.0)
    # Bob's solve of 202 on 03-05 was not its last: he resolved nothing that week, so his
    # rates are null rather than 0 %. In the week of 03-11 he resolved 205, which is
    # agent-initiated: not one touch (0 of 1 = 0 %), never reopened (0 %).
    bob_first = agent_week(warehouse, zendesk_agent(ADMIN_BOB), "2024-03-04")
    assert (bob_first["tickets_solved"], bob_first["tickets_resolved"]) == (1, 0)
    assert (bob_first["reopen_rate"], bob_first["one_touch_rate"], bob_first["csat_pct"]) == (
        None,
        None,
        None,
    )
    bob_second = agent_week(warehouse, zendesk_agent(ADMIN_BOB), "2024-03-11")
    assert (
        bob_second["tickets_resolved"],
        bob_second["one_touch_rate"],
        bob_second["reopen_rate"],
    ) == (
        1,
        0.0,
        0.0,
    )
    assert bob_second["first_reply_time_median_business_minutes"] is None
