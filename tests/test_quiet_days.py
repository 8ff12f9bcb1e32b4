"""Quiet days still move the reporting clock (docs/kpis.md "The reporting clock").

A small help desk, served through Zendesk's documented API shapes by a fake on 127.0.0.1 and
landed by the real connector, whose range has quiet days: a day with no ticket, audit or
rating updated lands an empty batch per event stream, and that landed window counts. The range
runs from Sunday 2024-03-03 to Sunday 2024-03-10; 03-03 (before the first ticket), Wednesday
03-06 and the weekend 03-09 / 03-10 land nothing. So as_of is the end of 03-10,
2024-03-11 00:00 UTC, not the end of 03-08 (the last day with records), and every clock that
runs to as_of runs over the weekend.

The account has no business-hours schedule, so business minutes equal calendar minutes. One
SLA policy (priority normal) sets first reply time 1440 and requester wait time 2880 calendar
minutes. The three tickets (group Tier 1, priority normal, channel web, requester Carol,
assignee Alice):

- 103: created 03-04 08:00 by Carol; Alice replies at 09:00 and sets it pending; she solves it
  on 03-07 12:00. Open through the quiet Wednesday.
- 102: created 03-07 09:00 by Carol; Alice replies at 10:00 and sets it pending; nothing since.
- 101: created 03-08 10:00 by Carol (status new); nobody answers.

The same days are also landed night by night (03-03..03-08 at once, then 03-09, then 03-10,
an incremental build after each), and those builds must end where the from-scratch build of
the one-run lake does.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from dbt_runner import (
    INCREMENTAL_MODELS,
    TEAM_SUBJECTS,
    build_warehouse,
    differences,
    rows,
    run_dbt,
    scope_modes,
)
from fakes.zendesk import FakeZendesk

from connectors.lake import manifest_glob
from connectors.landing import LandingWriter
from connectors.zendesk import ZendeskConnector
from pipelines.landing import land_source_range

EMAIL, TOKEN = "ops@example.com", "zd-quiet-token-7777"
NO_WAIT = {"sleep": lambda seconds: None, "backoff_base": 0.01}
FIRST, LAST = date(2024, 3, 3), date(2024, 3, 10)
# End of the latest landed window: the end of Sunday 03-10.
AS_OF = datetime(2024, 3, 11, tzinfo=UTC)
ALICE, CAROL, TIER_1 = 1, 3, 10


def at(text: str) -> str:
    return f"{text}Z".replace(" ", "T")


def user(ident: int, name: str, role: str) -> dict:
    return {
        "id": ident,
        "name": name,
        "email": f"{name.lower()}@example.com",
        "role": role,
        "active": True,
        "created_at": at("2024-01-01 00:00:00"),
        "updated_at": at("2024-01-01 00:00:00"),
    }


def ticket(ident: int, created: str, updated: str, status: str) -> dict:
    return {
        "id": ident,
        "created_at": at(created),
        "updated_at": at(updated),
        "status": status,
        "priority": "normal",
        "via": {"channel": "web"},
        "group_id": TIER_1,
        "assignee_id": ALICE,
        "requester_id": CAROL,
        "submitter_id": CAROL,
        "tags": [],
        "is_public": True,
    }


def audit(ident: int, ticket_id: int, created: str, author: int, *events: dict) -> dict:
    return {
        "id": ident,
        "ticket_id": ticket_id,
        "created_at": at(created),
        "author_id": author,
        "via": {"channel": "web"},
        "events": [{"id": ident * 10 + i, **event} for i, event in enumerate(events)],
    }


def said(author: int) -> dict:
    return {"type": "Comment", "public": True, "author_id": author, "body": "..."}


def status(value: str, previous: str | None = None) -> dict:
    if previous is None:
        return {"type": "Create", "field_name": "status", "value": value}
    return {"type": "Change", "field_name": "status", "value": value, "previous_value": previous}


def serve(fake: FakeZendesk) -> None:
    fake.users = [user(ALICE, "Alice", "agent"), user(CAROL, "Carol", "end-user")]
    fake.groups = [
        {
            "id": TIER_1,
            "name": "Tier 1",
            "deleted": False,
            "created_at": at("2024-01-01 00:00:00"),
            "updated_at": at("2024-01-01 00:00:00"),
        }
    ]
    fake.sla_policies = [
        {
            "id": 1,
            "title": "Normal tickets",
            "position": 1,
            "filter": {
                "all": [{"field": "priority", "operator": "is", "value": "normal"}],
                "any": [],
            },
            "policy_metrics": [
                {
                    "priority": "normal",
                    "metric": "first_reply_time",
                    "target": 1440,
                    "business_hours": False,
                },
                {
                    "priority": "normal",
                    "metric": "requester_wait_time",
                    "target": 2880,
                    "business_hours": False,
                },
            ],
            "created_at": at("2024-01-01 00:00:00"),
            "updated_at": at("2024-01-01 00:00:00"),
        }
    ]
    fake.tickets = [
        ticket(103, "2024-03-04 08:00:00", "2024-03-07 12:00:00", "solved"),
        ticket(102, "2024-03-07 09:00:00", "2024-03-07 10:00:00", "pending"),
        ticket(101, "2024-03-08 10:00:00", "2024-03-08 10:00:00", "new"),
    ]
    fake.audits = {
        103: [
            audit(1031, 103, "2024-03-04 08:00:00", CAROL, said(CAROL), status("new")),
            audit(1032, 103, "2024-03-04 09:00:00", ALICE, said(ALICE), status("pending", "new")),
            audit(1033, 103, "2024-03-07 12:00:00", ALICE, status("solved", "pending")),
        ],
        102: [
            audit(1021, 102, "2024-03-07 09:00:00", CAROL, said(CAROL), status("new")),
            audit(1022, 102, "2024-03-07 10:00:00", ALICE, said(ALICE), status("pending", "new")),
        ],
        101: [audit(1011, 101, "2024-03-08 10:00:00", CAROL, said(CAROL), status("new"))],
    }


def land(fake: FakeZendesk, lake: Path, first: date, last: date) -> None:
    """What `csops run --start first --end last` lands for a Zendesk-only help desk."""
    writer = LandingWriter(lake)
    writer.ensure_streams()
    connector = ZendeskConnector(fake.url, EMAIL, TOKEN, page_size=2, http_options=NO_WAIT)
    try:
        land_source_range(connector, writer, first, last)
    finally:
        connector.close()


def build_models(root: Path, lake: Path) -> None:
    # Seeds and models: the data tests run in the one-run lake's build below. As there, the
    # team subjects (plain tables, nothing incremental) are left out.
    result = run_dbt(
        root,
        lake,
        "build",
        "--resource-type",
        "seed",
        "--resource-type",
        "model",
        "--exclude",
        *TEAM_SUBJECTS,
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr}"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeZendesk]:
    api = FakeZendesk(EMAIL, TOKEN, page_size=2).start()
    serve(api)
    yield api
    api.stop()


@pytest.fixture(scope="module")
def one_run(fake: FakeZendesk, tmp_path_factory: pytest.TempPathFactory):
    """`csops run --start 2024-03-03 --end 2024-03-10`: one landing, one full build with
    every data test."""
    base = tmp_path_factory.mktemp("quiet_one_run")
    land(fake, base / "lake", FIRST, LAST)
    connection = build_warehouse(base, base / "lake")
    yield {"base": base, "warehouse": connection}
    connection.close()


@pytest.fixture(scope="module")
def nightly(fake: FakeZendesk, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The same days landed night by night, an incremental build after each."""
    base = tmp_path_factory.mktemp("quiet_nightly")
    lake, incremental = base / "lake", base / "incremental"
    land(fake, lake, FIRST, date(2024, 3, 8))
    build_models(incremental, lake)
    modes, after_first_quiet_night = {}, {}
    for day in (date(2024, 3, 9), LAST):
        land(fake, lake, day, day)
        build_models(incremental, lake)
        modes[day] = scope_modes(incremental)
        if not after_first_quiet_night:
            after_first_quiet_night = clock_of_ticket_101(incremental / "warehouse.duckdb")
    return {
        "lake": lake,
        "incremental": incremental,
        "modes": modes,
        "after_first_quiet_night": after_first_quiet_night,
    }


def clock_of_ticket_101(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        (as_of,) = connection.execute("select as_of from intermediate.int_build__as_of").fetchone()
        sla = connection.execute(
            "select metric, elapsed_minutes, status, breach_at from marts.fct_sla_events"
            " where contact_id = '101' order by metric"
        ).fetchall()
    return {"as_of": as_of, "sla": sla}


def test_every_landed_day_is_in_the_manifest_of_landed_windows_an_empty_one_too(
    one_run: dict,
) -> None:
    lake = one_run["base"] / "lake"
    connection = duckdb.connect()
    landed = connection.execute(
        f"select stream, day, rows from read_parquet('{manifest_glob(lake)}')"
        " where stream = 'tickets' order by day"
    ).fetchall()
    # Tickets land on their updated day: 103 on 03-07, 102 on 03-07, 101 on 03-08.
    assert landed == [
        ("tickets", date(2024, 3, 3), 0),
        ("tickets", date(2024, 3, 4), 0),
        ("tickets", date(2024, 3, 5), 0),
        ("tickets", date(2024, 3, 6), 0),
        ("tickets", date(2024, 3, 7), 2),
        ("tickets", date(2024, 3, 8), 1),
        ("tickets", date(2024, 3, 9), 0),
        ("tickets", date(2024, 3, 10), 0),
    ]
    # Three event streams (tickets, ticket_audits, satisfaction_ratings) x eight days.
    total = connection.execute(f"select count(*) from read_parquet('{manifest_glob(lake)}')")
    assert total.fetchone()[0] == 3 * 8


def test_as_of_is_the_end_of_the_last_landed_window_even_when_it_held_nothing(
    one_run: dict,
) -> None:
    clock = rows(one_run["warehouse"], "select * from intermediate.int_build__as_of")
    # The last window is [03-10, 03-11); the first [03-03, 03-04), also empty.
    assert clock == [{"as_of": AS_OF, "first_window_start": datetime(2024, 3, 3, tzinfo=UTC)}]


def test_open_tickets_wait_over_the_quiet_days(one_run: dict) -> None:
    found = rows(
        one_run["warehouse"],
        "select ticket_id, requester_wait_time_calendar_minutes as requester_wait,"
        " requester_wait_time_business_minutes as requester_wait_business,"
        " agent_wait_time_calendar_minutes as agent_wait, is_solved"
        " from marts.fct_tickets order by ticket_id",
    )
    assert found == [
        # 101, new since 03-08 10:00 until as_of 03-11 00:00: 14 h + 48 h = 62 h = 3720 min;
        # no schedule, so the business minutes are the same.
        {
            "ticket_id": 101,
            "requester_wait": 3720.0,
            "requester_wait_business": 3720.0,
            "agent_wait": 0.0,
            "is_solved": False,
        },
        # 102, new 09:00-10:00 on 03-07 (60 min), then pending from 03-07 10:00 to as_of:
        # 14 h + 3 x 24 h = 86 h = 5160 min of agent wait.
        {
            "ticket_id": 102,
            "requester_wait": 60.0,
            "requester_wait_business": 60.0,
            "agent_wait": 5160.0,
            "is_solved": False,
        },
        # 103, new 08:00-09:00 on 03-04 (60 min), pending 03-04 09:00 to the solve on 03-07
        # 12:00: 3 days 3 h = 75 h = 4500 min. Solved, so as_of does not touch it.
        {
            "ticket_id": 103,
            "requester_wait": 60.0,
            "requester_wait_business": 60.0,
            "agent_wait": 4500.0,
            "is_solved": True,
        },
    ]


def test_sla_targets_run_out_on_the_quiet_days(one_run: dict) -> None:
    found = rows(
        one_run["warehouse"],
        "select contact_id, metric, elapsed_minutes, breach_at, status"
        " from marts.fct_sla_events order by contact_id, metric",
    )
    assert found == [
        # 101 has no reply: 3720 min elapsed at as_of against 1440; the target ran out at
        # 03-08 10:00 + 1440 min = 03-09 10:00, a quiet Saturday.
        {
            "contact_id": "101",
            "metric": "first_reply_time",
            "elapsed_minutes": 3720.0,
            "breach_at": datetime(2024, 3, 9, 10, tzinfo=UTC),
            "status": "breached",
        },
        # 101 has waited in `new` since 03-08 10:00: 3720 min against 2880, which ran out at
        # 03-08 10:00 + 2880 min = 03-10 10:00, a quiet Sunday.
        {
            "contact_id": "101",
            "metric": "requester_wait_time",
            "elapsed_minutes": 3720.0,
            "breach_at": datetime(2024, 3, 10, 10, tzinfo=UTC),
            "status": "breached",
        },
        # 102: first reply after 60 min against 1440.
        {
            "contact_id": "102",
            "metric": "first_reply_time",
            "elapsed_minutes": 60.0,
            "breach_at": datetime(2024, 3, 8, 9, tzinfo=UTC),
            "status": "achieved",
        },
        # 102: 60 min of requester wait, then pending (the clock is paused), unsolved: active,
        # and no breach time while paused.
        {
            "contact_id": "102",
            "metric": "requester_wait_time",
            "elapsed_minutes": 60.0,
            "breach_at": None,
            "status": "active",
        },
        {
            "contact_id": "103",
            "metric": "first_reply_time",
            "elapsed_minutes": 60.0,
            "breach_at": datetime(2024, 3, 5, 8, tzinfo=UTC),
            "status": "achieved",
        },
        # 103: 60 min of requester wait up to the solve on 03-07 12:00: achieved. Its breach
        # time would have come after the solve, so there is none.
        {
            "contact_id": "103",
            "metric": "requester_wait_time",
            "elapsed_minutes": 60.0,
            "breach_at": None,
            "status": "achieved",
        },
    ]
    daily = rows(
        one_run["warehouse"],
        "select date_day, metric, achieved, breached from marts.kpi_sla_daily"
        " where date_day >= '2024-03-09' order by date_day, metric",
    )
    # Breaches count on the day their target ran out.
    assert daily == [
        {"date_day": date(2024, 3, 9), "metric": "first_reply_time", "achieved": 0, "breached": 1},
        {
            "date_day": date(2024, 3, 10),
            "metric": "requester_wait_time",
            "achieved": 0,
            "breached": 1,
        },
    ]


# End-of-day backlog (open at the day's last instant; age = day end - created_at, in days):
# 03-04: 103 (16 h = 0.67 d, <1d).            03-05: 103 (1 d 16 h = 1.67 d, 1-3d).
# 03-06, quiet: 103 (2 d 16 h = 2.67 d, 1-3d). 03-07: 103 solved at 12:00; 102 (15 h, <1d).
# 03-08: 102 (1 d 15 h = 1.63 d, 1-3d), 101 (14 h = 0.58 d, <1d).
# 03-09, quiet: 102 (2.63 d, 1-3d), 101 (1.58 d, 1-3d).
# 03-10, quiet: 102 (3.63 d, 3-7d), 101 (2.58 d, 1-3d).
# 03-03 (quiet, before the first ticket) has no open ticket, so no row.
BACKLOG = [
    (date(2024, 3, 4), "<1d", 1),
    (date(2024, 3, 5), "1-3d", 1),
    (date(2024, 3, 6), "1-3d", 1),
    (date(2024, 3, 7), "<1d", 1),
    (date(2024, 3, 8), "1-3d", 1),
    (date(2024, 3, 8), "<1d", 1),
    (date(2024, 3, 9), "1-3d", 2),
    (date(2024, 3, 10), "1-3d", 1),
    (date(2024, 3, 10), "3-7d", 1),
]


def test_the_backlog_of_every_landed_day_quiet_ones_included(one_run: dict) -> None:
    found = one_run["warehouse"].execute(
        "select date_day, age_bucket, open_tickets from marts.kpi_backlog_daily"
        " order by date_day, age_bucket"
    )
    assert found.fetchall() == BACKLOG
    daily = one_run["warehouse"].execute(
        "select date_day, contacts_created, backlog_open_end_of_day from marts.kpi_support_daily"
        " order by date_day"
    )
    # One channel (web) and one team: a row per day from the first contact (03-04) to the
    # last landed day; contacts created 103 on 03-04, 102 on 03-07, 101 on 03-08.
    assert daily.fetchall() == [
        (date(2024, 3, 4), 1, 1),
        (date(2024, 3, 5), 0, 1),
        (date(2024, 3, 6), 0, 1),
        (date(2024, 3, 7), 1, 1),
        (date(2024, 3, 8), 1, 2),
        (date(2024, 3, 9), 0, 2),
        (date(2024, 3, 10), 0, 2),
    ]


def test_the_calendar_runs_from_the_first_landed_window_to_as_of(one_run: dict) -> None:
    days = one_run["warehouse"].execute("select min(date_day), max(date_day) from marts.dim_date")
    assert days.fetchone() == (FIRST, LAST)


# The incremental models whose every input is a stream this help desk never landed a row of
# (no chats, surveys or ratings): with nothing read yet they have no watermark, and rebuild
# their empty tables whole, which costs nothing.
OVER_EMPTY_STREAMS = {
    "stg_zendesk__satisfaction_ratings",
    "stg_intercom__conversations",
    "stg_intercom__conversation_parts",
    "int_business_hours__conversation_schedules",
    "int_conversations__metrics",
    "int_business_hours__conversation_minutes",
    "fct_conversations",
    "stg_typeform__responses",
    "int_feedback__survey_answers",
}


def test_nightly_builds_over_quiet_days_stay_incremental(nightly: dict) -> None:
    # Every model over the tickets (their clocks, SLA instances, backlog days, the daily
    # aggregates) recomputes a part, not the whole, on each quiet night.
    for day, modes in nightly["modes"].items():
        assert len(modes) == len(INCREMENTAL_MODELS), day
        expected = {m: "all" if m in OVER_EMPTY_STREAMS else "partial" for m in modes}
        assert modes == expected, day


def test_nightly_builds_over_quiet_days_equal_a_full_build_of_the_range(
    nightly: dict, one_run: dict
) -> None:
    # The one-run lake holds the same records, in other batches with other extraction times;
    # no intermediate model or mart carries those, so the two must hold the same rows.
    incremental = nightly["incremental"] / "warehouse.duckdb"
    found = differences(
        incremental, one_run["base"] / "warehouse.duckdb", schemas=("intermediate", "marts")
    )
    assert found == {}
    with duckdb.connect(str(incremental), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        assert connection.execute("select as_of from intermediate.int_build__as_of").fetchone() == (
            AS_OF,
        )
        backlog = connection.execute(
            "select date_day, age_bucket, open_tickets from marts.kpi_backlog_daily"
            " order by date_day, age_bucket"
        )
        assert backlog.fetchall() == BACKLOG


def test_the_first_quiet_night_already_moves_the_clock(nightly: dict) -> None:
    # After the night of 03-09 alone, as_of is 03-10 00:00: 101 has waited 14 h + 24 h =
    # 38 h = 2280 min, past its 1440-minute first reply target, not yet past its 2880-minute
    # requester wait target (active, its breach projected to 03-08 10:00 + 2880 min).
    assert nightly["after_first_quiet_night"] == {
        "as_of": datetime(2024, 3, 10, tzinfo=UTC),
        "sla": [
            ("first_reply_time", 2280.0, "breached", datetime(2024, 3, 9, 10, tzinfo=UTC)),
            ("requester_wait_time", 2280.0, "active", datetime(2024, 3, 10, 10, tzinfo=UTC)),
        ],
    }
