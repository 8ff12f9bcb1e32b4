"""dbt tests of the dimensions, the conformed customer and the feedback marts.

The lake is the shared support scenario (tests/landing_fixtures.py) plus the feedback this
module lands: a second Zendesk rating that re-rates ticket 104, Typeform responses linked by
hidden ticket id, conversation id or email only, an organization and a schedule. Every
expected value is computed by hand from docs/kpis.md (arithmetic in the comments). dbt runs once
for the module.
"""

import hashlib
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
    TIER_1,
    TIER_2,
    at,
    write_batch,
    write_support_scenario,
)

SALT = "dims-test-salt"
# This module's marts and every parent: a half-built model elsewhere in the project does not
# block these tests (the full build is the README's test command).
SELECTED = [
    "+dim_date",
    "+dim_agent",
    "+dim_team",
    "+dim_customer",
    "+dim_organization",
    "+dim_channel",
    "+fct_survey_responses",
    "+kpi_feedback_daily",
    "+kpi_support_daily",
]
FRANK = 5  # end user of organization ACME, with no ticket
ACME = 500


def key(*parts: str) -> str:
    """The md5 surrogate key the models compute (parts joined by '|')."""
    return hashlib.md5("|".join(parts).encode()).hexdigest()


def customer(email: str) -> str:
    """The salted customer key of an email, as macros/keys.sql computes it."""
    return key(SALT, email.strip().lower())


def answer(field_ref: str, number: float | None, text: str | None = None) -> dict[str, Any]:
    """One Typeform answer: a number for rating/opinion-scale fields, text otherwise."""
    return {
        "field_id": f"id-{field_ref}",
        "field_ref": field_ref,
        "field_type": "opinion_scale" if number is not None else "long_text",
        "type": "number" if number is not None else "text",
        "number": number,
        "text": text,
    }


def response(response_id: str, when: str, answers: list[dict], **hidden: str) -> dict[str, Any]:
    """One Typeform response; hidden holds ticket_id, conversation_id and email."""
    return {
        "response_id": response_id,
        "form_id": "form-1",
        "landed_at": at(when),
        "submitted_at": at(when),
        "hidden_ticket_id": hidden.get("ticket_id"),
        "hidden_conversation_id": hidden.get("conversation_id"),
        "hidden_email": hidden.get("email"),
        "answers": answers,
    }


def write_feedback_scenario(lake: Path) -> None:
    """Land the support scenario and the feedback, organization and schedule streams."""
    write_support_scenario(lake)
    created = at("2024-01-01 00:00")
    # Ticket 104 (assigned to Alice now) is rated good, then re-rated bad while Bob held it.
    write_batch(
        lake,
        "zendesk",
        "satisfaction_ratings",
        "2024-03-05",
        [
            {
                "id": 9101,
                "ticket_id": 104,
                "assignee_id": AGENT_ALICE,
                "group_id": TIER_1,
                "score": "good",
                "created_at": at("2024-03-05 12:00"),
                "updated_at": at("2024-03-05 12:00"),
            },
            {
                "id": 9102,
                "ticket_id": 104,
                "assignee_id": ADMIN_BOB,
                "group_id": TIER_1,
                "score": "bad",
                "created_at": at("2024-03-05 12:30"),
                "updated_at": at("2024-03-05 13:00"),
            },
        ],
    )
    write_batch(
        lake,
        "zendesk",
        "users",
        "2024-03-05",
        [
            {
                "id": FRANK,
                "name": "Frank",
                "email": "frank@example.com",
                "role": "end-user",
                "active": True,
                "organization_id": ACME,
                "created_at": created,
                "updated_at": created,
            }
        ],
    )
    write_batch(
        lake,
        "zendesk",
        "organizations",
        "2024-03-06",
        [{"id": ACME, "name": "Acme Corp", "created_at": created, "updated_at": created}],
    )
    # Two schedules: the earliest created is the account default every team falls back to.
    week = [{"start_time": 540 + day * 1440, "end_time": 1020 + day * 1440} for day in range(1, 6)]
    write_batch(
        lake,
        "zendesk",
        "schedules",
        "2024-03-06",
        [
            {
                "id": 1,
                "name": "Later",
                "time_zone": "London",
                "intervals": week,
                "created_at": at("2024-02-01 00:00"),
                "updated_at": at("2024-02-01 00:00"),
            },
            {
                "id": 2,
                "name": "Default",
                "time_zone": "Eastern Time (US & Canada)",
                "intervals": week,
                "created_at": created,
                "updated_at": created,
            },
        ],
    )
    write_batch(
        lake,
        "typeform",
        "responses",
        "2024-03-06",
        [
            # r1: about ticket 107 (Bob, Tier 1, email); the email differs only in case/space.
            response(
                "r1",
                "2024-03-06 09:00",
                [answer("nps", 10), answer("ces", 6), answer("comment", None, "great")],
                ticket_id="107",
                email=" CAROL@example.com ",
            ),
            # r2: about conversation c2 (admin a1, team t1, email).
            response(
                "r2",
                "2024-03-06 10:00",
                [answer("csat", 2)],
                conversation_id="c2",
                email="dave@example.com",
            ),
            # r3, r4: Erin is only known to Typeform; r4 names a ticket that never landed.
            response(
                "r3",
                "2024-03-06 11:00",
                [answer("nps", 3), answer("ces", 4)],
                email="erin@example.com",
            ),
            response(
                "r4",
                "2024-03-06 12:00",
                [answer("nps", 8)],
                ticket_id="999",
                email="erin@example.com",
            ),
        ],
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Build every model and dbt test on the feedback lake; yield a read-only connection."""
    root = tmp_path_factory.mktemp("dbt_dims")
    lake = root / "lake"
    write_feedback_scenario(lake)
    connection = build_warehouse(
        root,
        lake,
        "--select",
        *SELECTED,
        "--indirect-selection",
        "cautious",
        env={"CSOPS_CUSTOMER_SALT": SALT},
    )
    yield connection
    connection.close()


def test_dim_date_runs_from_the_first_landed_day_to_the_last_begun_day(warehouse):
    # First window and first contact: 2024-03-04 (a Monday). as_of is 2024-03-07 00:00, so
    # 03-07 has not begun: the last day is Wednesday 03-06.
    assert rows(warehouse, "select * from marts.dim_date order by date_day") == [
        {
            "date_day": date(2024, 3, day),
            "week_start": date(2024, 3, 4),
            "month_start": date(2024, 3, 1),
            "quarter": 1,
            "year": 2024,
            "day_of_week": day - 3,
            "is_weekend": False,
        }
        for day in (4, 5, 6)
    ]


def test_dim_agent_holds_zendesk_agents_and_admins_and_intercom_admins(warehouse):
    # Carol, Dave and Frank are end users: not agents. a1 belongs to team t1.
    agents = rows(
        warehouse,
        "select agent_key, agent_id, source, role, team_key from marts.dim_agent order by 2",
    )
    assert agents == [
        {"agent_key": key("zendesk", "1"), "agent_id": "1", "source": "zendesk", "role": "agent", "team_key": None},
        {"agent_key": key("zendesk", "2"), "agent_id": "2", "source": "zendesk", "role": "admin", "team_key": None},
        {"agent_key": key("intercom", "a1"), "agent_id": "a1", "source": "intercom", "role": "admin", "team_key": key("intercom", "t1")},
    ]  # fmt: skip


def test_dim_team_flags_the_escalation_tier_and_falls_back_to_the_default_schedule(warehouse):
    # team_schedules is empty: every team takes the earliest created schedule, "Default".
    teams = rows(
        warehouse,
        "select team_key, team_name, is_escalation_tier, schedule_name from marts.dim_team"
        " order by team_name",
    )
    assert teams == [
        {"team_key": key("intercom", "t1"), "team_name": "Chat", "is_escalation_tier": False, "schedule_name": "Default"},
        {"team_key": key("zendesk", str(TIER_1)), "team_name": "Tier 1", "is_escalation_tier": False, "schedule_name": "Default"},
        {"team_key": key("zendesk", str(TIER_2)), "team_name": "Tier 2", "is_escalation_tier": True, "schedule_name": "Default"},
    ]  # fmt: skip


def test_dim_channel_groups_every_conformed_channel(warehouse):
    groups = rows(warehouse, "select channel, channel_group from marts.dim_channel order by 1")
    assert {row["channel"]: row["channel_group"] for row in groups} == {
        "api": "async",
        "chat": "live",
        "email": "async",
        "other": "async",
        "phone": "live",
        "social": "async",
        "web": "async",
    }


def test_dim_customer_is_one_row_per_email_across_sources(warehouse):
    # Carol: Zendesk user, author of c1 as Carol@Example.com, respondent of r1 as
    # " CAROL@example.com ". Dave: Zendesk, c2, r2. Erin: Typeform only (r3 at 11:00 is her
    # first sighting). Frank: Zendesk only, in organization ACME. Alice and Bob are agents.
    customers = rows(
        warehouse,
        "select customer_key, email_hash, organization_key, first_seen_at, sources"
        " from marts.dim_customer order by sources, first_seen_at",
    )
    created = at("2024-01-01 00:00")
    expected = {
        customer("carol@example.com"): (None, created, "intercom,typeform,zendesk"),
        customer("dave@example.com"): (None, created, "intercom,typeform,zendesk"),
        customer("erin@example.com"): (None, at("2024-03-06 11:00"), "typeform"),
        customer("frank@example.com"): (key("zendesk", str(ACME)), created, "zendesk"),
    }
    assert {
        row["customer_key"]: (row["organization_key"], row["first_seen_at"], row["sources"])
        for row in customers
    } == expected
    assert all(row["email_hash"] == row["customer_key"] for row in customers)
    [org] = rows(
        warehouse, "select organization_key, organization_name from marts.dim_organization"
    )
    assert org == {"organization_key": key("zendesk", str(ACME)), "organization_name": "Acme Corp"}


def test_no_customer_name_or_email_reaches_any_mart(warehouse):
    # Every text column of every mart, scanned for an '@' or a customer's name.
    columns = rows(
        warehouse,
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'marts' and data_type = 'VARCHAR'",
    )
    leaks = []
    for column in columns:
        table, name = column["table_name"], column["column_name"]
        found = warehouse.execute(
            f'select count(*) from marts."{table}" where "{name}" like \'%@%\''
            f" or lower(\"{name}\") similar to '.*(carol|dave|erin|frank).*'"
        ).fetchone()[0]
        if found:
            leaks.append(f"{table}.{name}")
    assert leaks == []


def test_survey_responses_unify_ratings_and_answers_with_their_attribution(warehouse):
    # 101: rated good (9001) by Carol, credited to Alice, Tier 1, email.
    # 104: good (9101) then bad (9102, updated 13:00): the latest counts, credited to Bob who
    #      held the ticket at rating time, though Alice holds it now; channel chat.
    # c2: Intercom rating 5 at 13:35, a1, t1, email; response_id is the conversation id.
    # r1: NPS 10 and CES 6 about ticket 107 (Bob, Tier 1, email); its free-text answer is no
    #     score. r2: CSAT 2 about c2. r3 (NPS 3, CES 4) and r4 (NPS 8, ticket 999 never
    #     landed) belong to Erin alone.
    got = rows(
        warehouse,
        "select response_id, survey_type, source, submitted_at, score, scale_min, scale_max,"
        " is_satisfied, nps_category, contact_key, customer_key, agent_key, team_key, channel"
        " from marts.fct_survey_responses order by source, response_id, survey_type",
    )
    alice, bob, a1 = key("zendesk", "1"), key("zendesk", "2"), key("intercom", "a1")
    tier_1, t1 = key("zendesk", str(TIER_1)), key("intercom", "t1")
    carol, dave, erin = (customer(f"{n}@example.com") for n in ("carol", "dave", "erin"))
    ticket, conversation = (lambda i: key("zendesk", i)), (lambda i: key("intercom", i))
    expected = [
        ("c2", "csat", "intercom", at("2024-03-05 13:35"), 5.0, 1, 5, True, None, conversation("c2"), dave, a1, t1, "email"),
        ("r1", "ces", "typeform", at("2024-03-06 09:00"), 6.0, 1, 7, None, None, ticket("107"), carol, bob, tier_1, "email"),
        ("r1", "nps", "typeform", at("2024-03-06 09:00"), 10.0, 0, 10, None, "promoter", ticket("107"), carol, bob, tier_1, "email"),
        ("r2", "csat", "typeform", at("2024-03-06 10:00"), 2.0, 1, 5, False, None, conversation("c2"), dave, a1, t1, "email"),
        ("r3", "ces", "typeform", at("2024-03-06 11:00"), 4.0, 1, 7, None, None, None, erin, None, None, None),
        ("r3", "nps", "typeform", at("2024-03-06 11:00"), 3.0, 0, 10, None, "detractor", None, erin, None, None, None),
        ("r4", "nps", "typeform", at("2024-03-06 12:00"), 8.0, 0, 10, None, "passive", None, erin, None, None, None),
        ("9001", "csat", "zendesk", at("2024-03-04 11:00"), 1.0, 0, 1, True, None, ticket("101"), carol, alice, tier_1, "email"),
        ("9102", "csat", "zendesk", at("2024-03-05 13:00"), 0.0, 0, 1, False, None, ticket("104"), dave, bob, tier_1, "chat"),
    ]  # fmt: skip
    assert [tuple(row.values()) for row in got] == expected


def test_feedback_daily_keeps_each_survey_types_figures_only(warehouse):
    # 03-04 zendesk email CSAT: 9001 good: 1 of 1 = 100 %. 03-05 zendesk chat: 9102 bad: 0 %.
    # 03-05 intercom email: c2 rated 5: 100 %. 03-06 typeform email CSAT: r2 = 2: 0 %.
    # NPS email: r1 10 -> (1 - 0) / 1 x 100 = 100. NPS no channel: r3 3 detractor, r4 8
    # passive -> (0 - 1) / 2 x 100 = -50. CES email: r1 6 -> mean 6, easy 1 of 1 = 100 %.
    # CES no channel: r3 4 -> mean 4, easy 0 of 1 = 0 %.
    got = rows(
        warehouse,
        "select date_day, survey_type, channel, source, responses, satisfied, csat_pct,"
        " promoters, passives, detractors, nps, ces_mean, ces_easy, ces_easy_pct"
        " from marts.kpi_feedback_daily order by date_day, survey_type, source, channel",
    )
    d4, d5, d6 = date(2024, 3, 4), date(2024, 3, 5), date(2024, 3, 6)
    expected = [
        (d4, "csat", "email", "zendesk", 1, 1, 100.0, None, None, None, None, None, None, None),
        (d5, "csat", "email", "intercom", 1, 1, 100.0, None, None, None, None, None, None, None),
        (d5, "csat", "chat", "zendesk", 1, 0, 0.0, None, None, None, None, None, None, None),
        (d6, "ces", "email", "typeform", 1, None, None, None, None, None, None, 6.0, 1, 100.0),
        (d6, "ces", None, "typeform", 1, None, None, None, None, None, None, 4.0, 0, 0.0),
        (d6, "csat", "email", "typeform", 1, 0, 0.0, None, None, None, None, None, None, None),
        (d6, "nps", "email", "typeform", 1, None, None, 1, 0, 0, 100.0, None, None, None),
        (d6, "nps", None, "typeform", 2, None, None, 0, 1, 1, -50.0, None, None, None),
    ]
    assert [tuple(row.values()) for row in got] == expected


def test_support_csat_and_feedback_csat_count_the_same_contact_ratings(warehouse):
    # kpi_support_daily counts the contact ratings (9001, 9102, c2: 3, of which 2 satisfied);
    # fct_survey_responses holds the same three beside the Typeform CSAT answer r2.
    [support] = rows(
        warehouse,
        "select sum(csat_responses) as responses, sum(csat_satisfied) as satisfied"
        " from marts.kpi_support_daily",
    )
    [feedback] = rows(
        warehouse,
        "select count(*) as responses, sum(case when is_satisfied then 1 else 0 end) as satisfied"
        " from marts.fct_survey_responses where survey_type = 'csat' and source != 'typeform'",
    )
    assert support == feedback == {"responses": 3, "satisfied": 2}
