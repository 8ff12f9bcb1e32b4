"""dbt model tests: build the whole project on a hand-made landing zone and check the KPIs.

The scenario is tests/landing_fixtures.py; every expected value below is computed by hand from
docs/kpis.md (the arithmetic is in the comments), never copied from the models' output. dbt runs
once for the module: a build costs about ten seconds.
"""

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt_runner import build_warehouse, rows
from landing_fixtures import AS_OF, at, write_support_scenario


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Build every model and dbt test on the fixture lake; yield a read-only connection."""
    root = tmp_path_factory.mktemp("dbt")
    lake = root / "lake"
    write_support_scenario(lake)
    connection = build_warehouse(root, lake)
    yield connection
    connection.close()


def by_ticket(connection: duckdb.DuckDBPyConnection, column: str) -> dict[int, Any]:
    """One fct_tickets column keyed by ticket id."""
    sql = f"select ticket_id, {column} as value from marts.fct_tickets"
    return {row["ticket_id"]: row["value"] for row in rows(connection, sql)}


def by_conversation(connection: duckdb.DuckDBPyConnection, column: str) -> dict[str, Any]:
    """One fct_conversations column keyed by conversation id."""
    sql = f"select conversation_id, {column} as value from marts.fct_conversations"
    return {row["conversation_id"]: row["value"] for row in rows(connection, sql)}


def daily_totals(connection: duckdb.DuckDBPyConnection, column: str) -> dict[date, int]:
    """A kpi_support_daily count summed over channels and teams, per day."""
    sql = f"select date_day, sum({column}) as value from marts.kpi_support_daily group by 1"
    return {row["date_day"]: row["value"] for row in rows(connection, sql)}


def test_as_of_is_the_end_of_the_latest_landed_window(warehouse):
    # Tickets landed up to the 2024-03-06 window, which ends at 2024-03-07 00:00 UTC.
    [row] = rows(warehouse, "select as_of from intermediate.int_build__as_of")
    assert row["as_of"] == AS_OF


def test_first_reply_time_runs_from_creation_to_the_first_public_agent_reply(warehouse):
    # 101: 09:00 -> 09:30 = 30; 102: 08:00 -> 08:20 = 20; 104: 10:00 -> 10:15 = 15;
    # 107: 14:00 -> 14:30 = 30. 103 is agent-initiated, 105 and 106 never had a reply: null.
    assert by_ticket(warehouse, "first_reply_time_calendar_minutes") == {
        101: 30.0,
        102: 20.0,
        103: None,
        104: 15.0,
        105: None,
        106: None,
        107: 30.0,
    }


def test_agent_initiated_ticket_is_flagged_and_has_no_first_reply(warehouse):
    # 103's opening comment is public and written by agent Alice.
    initiated = by_ticket(warehouse, "is_agent_initiated")
    assert [ticket for ticket, flag in initiated.items() if flag] == [103]
    assert by_ticket(warehouse, "first_reply_at")[103] is None


def test_resolution_times_use_the_first_and_the_last_solve(warehouse):
    # 102: first solve 09:00 (60 after 08:00), last solve 13:00 (300); the 14:00 solved ->
    # closed change is not a new solve. 103: 09:00 -> 11:45 = 165. 105: 12:00 -> 12:05 = 5.
    # 106 and 107 are unsolved: no full resolution time.
    first = by_ticket(warehouse, "first_resolution_time_calendar_minutes")
    full = by_ticket(warehouse, "full_resolution_time_calendar_minutes")
    assert (first[102], full[102]) == (60.0, 300.0)
    assert (first[101], full[101]) == (90.0, 90.0)
    assert (first[103], full[103]) == (165.0, 165.0)
    assert (first[105], full[105]) == (5.0, 5.0)
    assert (full[106], full[107]) == (None, None)
    assert by_ticket(warehouse, "last_solved_at")[102] == at("2024-03-04 13:00")


def test_reopens_count_changes_from_solved_back_to_unsolved(warehouse):
    # 102: solved -> open at 10:00 and at 12:00; solved -> closed at 14:00 is no reopen.
    reopens = by_ticket(warehouse, "reopens")
    assert reopens[102] == 2
    assert sum(reopens.values()) == 2


def test_status_times_stop_at_the_last_solve_or_at_as_of(warehouse):
    # 102 requester wait: new 08:00-08:20 (20) + open 08:20-09:00 (40) + open 10:00-10:40 (40)
    # + hold 10:40-11:00 (20) + open 12:00-13:00 (60) = 180; on hold 20; never pending.
    # 101 agent wait: pending 09:30-10:30 = 60. 103: pending 09:00-11:00 = 120.
    # 106 (open at as_of): new 03-04 20:00 -> 03-06 09:00 = 37 h = 2220, open 09:00 -> as_of
    # 03-07 00:00 = 15 h = 900: 3120.
    requester = by_ticket(warehouse, "requester_wait_time_calendar_minutes")
    agent = by_ticket(warehouse, "agent_wait_time_calendar_minutes")
    hold = by_ticket(warehouse, "on_hold_time_calendar_minutes")
    assert (requester[102], agent[102], hold[102]) == (180.0, 0.0, 20.0)
    assert (requester[101], agent[101]) == (30.0, 60.0)
    assert (requester[103], agent[103]) == (45.0, 120.0)
    assert requester[106] == 3120.0


def test_follow_up_reply_has_no_waiting_since(warehouse):
    # 104: 43 answers the opening (waits from creation 10:00: 15); 45 follows 43 with no
    # end-user comment in between (follow-up); the private note 46 is no reply; 49 answers
    # Dave's 11:00 comment (30). 103's only reply 35 answers Carol's 11:00 comment (45) and is
    # not a first reply (agent-initiated).
    replies = rows(
        warehouse,
        """select reply_id, waiting_since, reply_time_calendar_minutes as minutes, is_first_reply
        from intermediate.int_tickets__replies where ticket_id in (103, 104)
        order by reply_id""",
    )
    assert [(r["reply_id"], r["minutes"], r["is_first_reply"]) for r in replies] == [
        (35, 45.0, False),
        (43, 15.0, True),
        (45, None, False),
        (49, 30.0, False),
    ]
    assert by_ticket(warehouse, "public_agent_replies")[104] == 3


def test_one_touch_needs_one_reply_no_reopen_and_an_inbound_ticket(warehouse):
    # 101 only: 103 has one reply but is agent-initiated; 104 has three replies; 102 reopened.
    one_touch = by_ticket(warehouse, "is_one_touch_resolution")
    assert [ticket for ticket, flag in one_touch.items() if flag] == [101]


def test_automated_resolution_means_no_human_and_a_non_agent_solve(warehouse):
    # Ticket 105 was solved by a trigger with no agent reply; 102 was closed by an automation
    # but solved by Bob. Conversation c1 was closed by the bot alone; c2 had human replies.
    automated = by_ticket(warehouse, "is_automated_resolution")
    assert [ticket for ticket, flag in automated.items() if flag] == [105]
    assert by_conversation(warehouse, "is_automated_resolution") == {"c1": True, "c2": False}


def test_escalation_follows_the_group_history_or_an_escalation_tag(warehouse):
    # 107 went to Tier 2 and back to Tier 1: escalated although its current group is Tier 1.
    # 104 never left Tier 1 but carries the "escalated" tag.
    escalated = by_ticket(warehouse, "is_escalated")
    assert sorted(ticket for ticket, flag in escalated.items() if flag) == [104, 107]


def test_csat_rating_is_the_tickets_own_rating_and_ignores_offers(warehouse):
    # 101 was rated good; 102 was only offered a survey, which is not a rating.
    ratings = by_ticket(warehouse, "csat_rating")
    assert ratings[101] == "good"
    assert ratings[102] is None
    assert by_ticket(warehouse, "is_csat_satisfied")[101] is True


def test_conversation_clocks_and_reopens(warehouse):
    # c2: first human reply 11:10 (the 11:00 assignment has no body): 10; last close 13:30:
    # handle 11:10 -> 13:30 = 140, resolution 11:00 -> 13:30 = 150. Reopens: the two user
    # comments and the admin open after the 11:20 close reopen it once; the user's open after
    # the 12:30 close once more: 2. c1: bot only, no first response, closed after 5 minutes.
    assert by_conversation(warehouse, "first_response_time_calendar_minutes") == {
        "c1": None,
        "c2": 10.0,
    }
    assert by_conversation(warehouse, "handle_time_calendar_minutes")["c2"] == 140.0
    assert by_conversation(warehouse, "resolution_time_calendar_minutes") == {
        "c1": 5.0,
        "c2": 150.0,
    }
    assert by_conversation(warehouse, "reopens") == {"c1": 0, "c2": 2}
    assert by_conversation(warehouse, "is_bot_involved") == {"c1": True, "c2": False}


def test_every_ticket_and_conversation_is_in_fct_contacts_exactly_once(warehouse):
    contacts = rows(warehouse, "select contact_type, contact_id from marts.fct_contacts")
    keys = sorted((row["contact_type"], row["contact_id"]) for row in contacts)
    expected = [("conversation", "c1"), ("conversation", "c2")] + [
        ("ticket", str(ticket)) for ticket in range(101, 108)
    ]
    assert keys == expected


def test_customer_key_links_one_email_across_sources_without_storing_it(warehouse):
    # Carol requested 101 and wrote c1 as "Carol@Example.com": one customer.
    assert (
        by_ticket(warehouse, "customer_key")[101]
        == by_conversation(warehouse, "customer_key")["c1"]
    )
    assert by_ticket(warehouse, "customer_key")[101] != by_ticket(warehouse, "customer_key")[102]
    leaked = rows(
        warehouse,
        """select table_name, column_name from information_schema.columns
        where table_schema = 'marts' and data_type = 'VARCHAR'""",
    )
    for column in leaked:
        [hit] = rows(
            warehouse,
            f"""select count(*) as n from marts.{column["table_name"]}
            where {column["column_name"]} like '%@%'""",
        )
        assert hit["n"] == 0, f"an email in marts.{column['table_name']}.{column['column_name']}"


def test_backlog_at_end_of_day_counts_open_tickets_on_quiet_days_too(warehouse):
    # End of 03-04: only 106 is open (101 solved, 102 closed). End of 03-05: 106 and 107
    # (103, 104, 105 solved that day). 03-06 has no new contact but 106 and 107 stay open.
    assert daily_totals(warehouse, "backlog_open_end_of_day") == {
        date(2024, 3, 4): 1,
        date(2024, 3, 5): 2,
        date(2024, 3, 6): 2,
    }
    assert daily_totals(warehouse, "contacts_created")[date(2024, 3, 6)] == 0


def test_daily_counts_land_on_their_own_dates(warehouse):
    # Created: 03-04 = 101, 102, 106 (3); 03-05 = 103, 104, 105, 107, c1, c2 (6).
    # Resolved (last solve or close): 03-04 = 101, 102; 03-05 = 103, 104, 105, c1, c2.
    assert daily_totals(warehouse, "contacts_created") == {
        date(2024, 3, 4): 3,
        date(2024, 3, 5): 6,
        date(2024, 3, 6): 0,
    }
    assert daily_totals(warehouse, "contacts_resolved")[date(2024, 3, 5)] == 5
    # Reopened by resolution date: 102 (03-04) and c2 (03-05).
    assert daily_totals(warehouse, "reopened") == {
        date(2024, 3, 4): 1,
        date(2024, 3, 5): 1,
        date(2024, 3, 6): 0,
    }


def kpi_row(connection: duckdb.DuckDBPyConnection, day: str, channel: str, team_id: str | None):
    """The kpi_support_daily row of one day, channel and (Zendesk group / Intercom team) id."""
    team = "is null" if team_id is None else f"= (select {team_id})"
    [row] = rows(
        connection,
        f"""select * from marts.kpi_support_daily
        where date_day = date '{day}' and channel = '{channel}' and team_key {team}""",
    )
    return row


def test_kpi_rates_are_percentages_with_their_counts(warehouse):
    tier_1 = "(select team_key from marts.fct_tickets where ticket_id = 101)"
    chat_team = "(select team_key from marts.fct_conversations where conversation_id = 'c2')"
    # web, Tier 1, 03-05: 105 is the only contact created and it was automated: 1 / 1 = 100 %.
    web = kpi_row(warehouse, "2024-03-05", "web", tier_1)
    assert (web["automated_resolutions"], web["automated_resolution_rate"]) == (1, 100.0)
    # email, Tier 1, 03-05: 103 and 107 created, 107 escalated: 1 / 2 = 50 %. First response
    # median over 107 only (103 is agent-initiated): 30.
    email = kpi_row(warehouse, "2024-03-05", "email", tier_1)
    assert (email["escalated"], email["contacts_created"], email["escalation_rate"]) == (1, 2, 50.0)
    assert email["first_response_time_median_calendar_minutes"] == 30.0
    # email, Tier 1, 03-04: 101 resolved in one touch: 1 / 1 = 100 %; its good rating: 100 %.
    email_0304 = kpi_row(warehouse, "2024-03-04", "email", tier_1)
    assert (email_0304["one_touch_resolutions"], email_0304["one_touch_rate"]) == (1, 100.0)
    assert (email_0304["csat_responses"], email_0304["csat_pct"]) == (1, 100.0)
    # web, Tier 1, 03-04: 102 resolved with reopens: 1 / 1 = 100 %; one touch 0 / 1 = 0 %.
    web_0304 = kpi_row(warehouse, "2024-03-04", "web", tier_1)
    assert (web_0304["reopened"], web_0304["reopen_rate"], web_0304["one_touch_rate"]) == (
        1,
        100.0,
        0.0,
    )
    # chat, no team, 03-05: c1 is no ticket: no one-touch denominator, so no rate.
    bot_chat = kpi_row(warehouse, "2024-03-05", "chat", None)
    assert (bot_chat["tickets_resolved"], bot_chat["one_touch_rate"]) == (0, None)
    # email, chat team, 03-05: c2 rated 5 of 5; resolution 150.
    human_chat = kpi_row(warehouse, "2024-03-05", "email", chat_team)
    assert human_chat["csat_satisfied"] == 1
    assert human_chat["resolution_time_median_calendar_minutes"] == 150.0
    # A quiet day has no rate at all rather than a 0 % or a division error.
    assert kpi_row(warehouse, "2024-03-06", "email", tier_1)["escalation_rate"] is None


def test_datetime_columns_are_utc_instants(warehouse):
    created = by_ticket(warehouse, "created_at")[101]
    assert isinstance(created, datetime)
    assert created == at("2024-03-04 09:00")


def test_a_model_s_not_null_test_names_each_column_with_nulls_and_how_many(warehouse, tmp_path):
    """not_null_fct_tickets, as dbt compiled it for the build above, run on a copy of the
    warehouse in which two tickets lost their ticket_id and one its created_at."""
    [(path,)] = warehouse.execute(
        "select path from duckdb_databases() where database_name = 'warehouse'"
    ).fetchall()
    [compiled] = (Path(path).parent / "target" / "compiled").rglob("not_null_fct_tickets.sql")
    sql = compiled.read_text()
    # The same SQL finds nothing on the warehouse as built (the build passed).
    assert warehouse.execute(sql).fetchall() == []
    copy = tmp_path / "warehouse.duckdb"  # same file name: the compiled SQL says "warehouse"
    shutil.copyfile(path, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "update marts.fct_tickets set ticket_id = null where ticket_id in (101, 102)"
        )
        connection.execute("update marts.fct_tickets set created_at = null where ticket_id = 104")
        # ticket_id: 101 and 102 = 2 null rows; created_at: 104 = 1; ticket_key: none.
        assert sorted(connection.execute(sql).fetchall()) == [("created_at", 1), ("ticket_id", 2)]
