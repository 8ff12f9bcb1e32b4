"""QA reviews end to end: the Zendesk QA connector lands reviews from a fake of the export API
on 127.0.0.1 beside the hand-made help-desk scenario (tests/landing_fixtures.py), a review is
re-scored on the fake after its first day landed, the next day lands, and one dbt build must
show the new score and the QA marts computed by hand from docs/kpis.md "QA reviews".

The help-desk scenario, as its own tests establish: Alice (Zendesk agent, alice@acme.test)
solved tickets 101 (03-04), 103 and 104 (03-05); Bob (Zendesk admin, bob@acme.test) solved
102 (three times on 03-04); Ann (Intercom admin, ann@acme.test) closed conversation c2
(03-05). All in the ISO week of Monday 2024-03-04; as_of is 2024-03-07. No agent has a home
team, so every QA team is null.
"""

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from connector_fixtures import QA_TOKEN, Sleeps, zendesk_qa
from dbt_runner import build_warehouse, rows
from fakes.zendesk_qa import FakeZendeskQA
from landing_fixtures import write_support_scenario

from connectors.landing import LandingWriter
from pipelines.landing import land_source_range

DAY_ONE, DAY_TWO = date(2024, 3, 5), date(2024, 3, 6)


def _iso(text: str) -> str:
    return text.replace(" ", "T") + ":00Z"


def rating(name: str, score: float | None, critical: bool = False) -> dict:
    return {
        "categoryId": {"Solution": "1", "Tone": "2", "Grammar": "3"}[name],
        "categoryName": name,
        "score": score,
        "weight": 1,
        "critical": critical,
    }


def review(
    ident: str,
    created: str,
    reviewee: str,
    reviewer: str,
    score: float,
    ratings: list[dict],
    updated: str | None = None,
) -> dict:
    return {
        "id": ident,
        "reviewee": {"email": reviewee, "name": reviewee.split("@")[0]},
        "reviewer": {"email": reviewer, "name": reviewer.split("@")[0]},
        "score": score,
        "ratings": ratings,
        "scorecard": {"id": "77", "name": "Support scorecard"},
        "createdISO": _iso(created),
        "updatedISO": _iso(updated or created),
    }


def conversation(external_id: str, source_type: str, *reviews: dict) -> dict:
    return {
        "externalId": external_id,
        "sourceType": source_type,
        "workspaceId": "11759",
        "reviews": list(reviews),
    }


def first_version() -> list[dict]:
    return [
        # q1: Alice's ticket 101, her email in another case; scored 75 on day one
        conversation(
            "101",
            "zendesk",
            review(
                "q1",
                "2024-03-05 09:00",
                "ALICE@acme.test",
                "bob@acme.test",
                75.0,
                [rating("Solution", 100, True), rating("Tone", None), rating("Grammar", 50)],
            ),
        ),
        # q2: Alice's ticket 103 failed its critical category: vendor score 0, kept
        conversation(
            "103",
            "zendesk",
            review(
                "q2",
                "2024-03-05 10:00",
                "alice@acme.test",
                "bob@acme.test",
                0.0,
                [rating("Solution", 0, True), rating("Tone", 100)],
            ),
        ),
        # q3: Intercom conversation c2, reviewee Alice, who is known only to Zendesk
        conversation(
            "c2",
            "intercom",
            review(
                "q3",
                "2024-03-05 12:00",
                "Alice@Acme.test",
                "ann@acme.test",
                60.0,
                [rating("Solution", 60, True), rating("Tone", None)],
            ),
        ),
        # q4: ticket 102 reviewed for an outsourced agent no help desk knows
        conversation(
            "102",
            "zendesk",
            review(
                "q4",
                "2024-03-05 13:00",
                "contractor@outsourced.example",
                "bob@acme.test",
                40.0,
                [rating("Solution", 40, True), rating("Tone", 40)],
            ),
        ),
        # q5: a ticket that never landed, Bob reviewing himself
        conversation(
            "999",
            "zendesk",
            review(
                "q5",
                "2024-03-05 14:00",
                "bob@acme.test",
                " Bob@acme.test",
                100.0,
                [rating("Solution", 100, True), rating("Tone", 100)],
            ),
        ),
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    root = tmp_path_factory.mktemp("qa")
    lake = root / "lake"
    write_support_scenario(lake)
    fake = FakeZendeskQA(QA_TOKEN).start()
    try:
        fake.conversations = first_version()
        writer = LandingWriter(lake)
        land_source_range(zendesk_qa(fake, Sleeps()), writer, DAY_ONE, DAY_ONE)
        # The reviewer re-scores q1 the next morning: 90, Tone now rated, Grammar now N/A.
        q1 = fake.conversations[0]["reviews"][0]
        q1.update(
            score=90.0,
            updatedISO=_iso("2024-03-06 10:00"),
            ratings=[rating("Solution", 100, True), rating("Tone", 80), rating("Grammar", None)],
        )
        land_source_range(zendesk_qa(fake, Sleeps()), writer, DAY_TWO, DAY_TWO)
    finally:
        fake.stop()
    # The QA marts and what they are built on; the tests of those models only (cautious:
    # not the tests that also read a model this selection leaves out).
    connection = build_warehouse(
        root,
        lake,
        "--select",
        "+fct_qa_ratings",
        "+kpi_qa_weekly",
        "+kpi_qa_category_weekly",
        "--indirect-selection",
        "cautious",
        team_subjects=True,
    )
    yield connection, root, lake
    connection.close()


def agent_keys(connection) -> dict[str, str]:
    return {
        r["agent_name"]: r["agent_key"]
        for r in rows(connection, "select agent_name, agent_key from marts.dim_agent")
    }


def test_the_rescored_review_landed_twice_and_shows_its_new_score(warehouse):
    connection, _, lake = warehouse
    # the lake keeps both versions, each on the day of its change
    landed = rows(
        connection,
        f"select id, score, _window_start from read_parquet('{lake}/zendesk_qa/reviews/*/*.parquet')"
        " where id = 'q1' order by _window_start",
    )
    assert [r["score"] for r in landed] == [75.0, 90.0]
    [q1] = rows(
        connection,
        "select score_pct, reviewed_at, updated_at from marts.fct_qa_reviews where review_id = 'q1'",
    )
    assert q1["score_pct"] == 90.0
    # the review is still dated by its creation; the re-score moved only updated_at
    assert (q1["reviewed_at"].isoformat(), q1["updated_at"].isoformat()) == (
        "2024-03-05T09:00:00+00:00",
        "2024-03-06T10:00:00+00:00",
    )
    ratings = rows(
        connection,
        "select r.category_name, r.score_pct, r.is_na from marts.fct_qa_ratings r"
        " join marts.fct_qa_reviews v using (review_key) where v.review_id = 'q1'"
        " order by category_name",
    )
    assert [(r["category_name"], r["score_pct"], r["is_na"]) for r in ratings] == [
        ("Grammar", None, True),
        ("Solution", 100.0, False),
        ("Tone", 80.0, False),
    ]


def test_reviews_match_contacts_and_agents_by_email(warehouse):
    connection, *_ = warehouse
    keys = agent_keys(connection)
    contacts = {
        r["contact_id"]: r["contact_key"]
        for r in rows(connection, "select contact_id, contact_key from marts.fct_contacts")
    }
    found = {
        r["review_id"]: r
        for r in rows(connection, "select * from marts.fct_qa_reviews order by review_id")
    }
    assert {
        k: (v["contact_key"], v["agent_key"], v["reviewer_agent_key"]) for k, v in found.items()
    } == {
        "q1": (contacts["101"], keys["Alice"], keys["Bob"]),
        "q2": (contacts["103"], keys["Alice"], keys["Bob"]),
        # an Intercom conversation, its reviewee matched among the Zendesk agents
        "q3": (contacts["c2"], keys["Alice"], keys["Ann"]),
        "q4": (contacts["102"], None, keys["Bob"]),
        "q5": (None, keys["Bob"], keys["Bob"]),
    }
    assert [k for k, v in found.items() if v["has_critical_failure"]] == ["q2"]
    assert found["q2"]["score_pct"] == 0.0
    assert [k for k, v in found.items() if v["is_self_review"]] == ["q5"]
    assert {v["source"] for v in found.values()} == {"zendesk_qa"}


def test_qa_weekly_score_and_coverage(warehouse):
    connection, *_ = warehouse
    keys = agent_keys(connection)
    weekly = {
        r["agent_key"]: r
        for r in rows(
            connection, "select * from marts.kpi_qa_weekly where week_start = '2024-03-04'"
        )
    }
    assert set(weekly) == {keys["Alice"], keys["Bob"], keys["Ann"]}
    figures = (
        "reviews",
        "score_pct_sum",
        "qa_score_pct",
        "critical_failures",
        "resolved_contacts",
        "reviewed_contacts",
    )
    # Alice: q1 90 (re-scored), q2 0, q3 60: 3 reviews, sum 150, score 150 / 3 = 50.0, one
    # critical failure (q2). She resolved 101, 103, 104; 101 (q1) and 103 (q2) have a review
    # of her: coverage 2 / 3 x 100 = 66.67.
    alice = weekly[keys["Alice"]]
    assert tuple(alice[f] for f in figures) == (3, 150.0, 50.0, 1, 3, 2)
    assert alice["review_coverage_pct"] == pytest.approx(200 / 3)
    # Bob: q5 100 (a self review of a contact that never landed). He resolved 102, whose
    # only review (q4) is of an unknown agent, not of him: coverage 0 / 1 = 0.0.
    bob = weekly[keys["Bob"]]
    assert tuple(bob[f] for f in figures) == (1, 100.0, 100.0, 0, 1, 0)
    assert bob["review_coverage_pct"] == 0.0
    # Ann: reviewed no one's work of hers (she reviewed q3), closed c2: 0 reviews, score
    # null, coverage 0 / 1 = 0.0.
    ann = weekly[keys["Ann"]]
    assert tuple(ann[f] for f in figures) == (0, None, None, 0, 1, 0)
    assert ann["review_coverage_pct"] == 0.0


def test_qa_category_weekly_leaves_na_out(warehouse):
    connection, *_ = warehouse
    found = rows(
        connection,
        "select team_key, category_name, ratings, score_pct_sum, avg_score_pct, critical_failures"
        " from marts.kpi_qa_category_weekly where week_start = '2024-03-04'"
        " order by category_name",
    )
    # No agent has a home team: every rating falls under team null.
    # Solution: q1 100, q2 0 (critical failure), q3 60, q4 40, q5 100: 5 ratings, sum 300,
    # mean 60.0. Tone: q1 80 (after the re-score), q2 100, q4 40, q5 100, q3 N/A: 4 ratings,
    # sum 320, mean 80.0. Grammar: only q1's, N/A since the re-score: no row.
    assert found == [
        {
            "team_key": None,
            "category_name": "Solution",
            "ratings": 5,
            "score_pct_sum": 300.0,
            "avg_score_pct": 60.0,
            "critical_failures": 1,
        },
        {
            "team_key": None,
            "category_name": "Tone",
            "ratings": 4,
            "score_pct_sum": 320.0,
            "avg_score_pct": 80.0,
            "critical_failures": 0,
        },
    ]


def test_unmatched_reviews_are_kept_and_counted_by_a_warning(warehouse):
    _, root, _ = warehouse
    results = json.loads((Path(root) / "target" / "run_results.json").read_text())["results"]
    [check] = [r for r in results if r["unique_id"].endswith("assert_qa_reviews_are_matched")]
    # q4 (unknown reviewee) and q5 (unknown contact)
    assert (check["status"], check["failures"]) == ("warn", 2)


def test_the_review_time_is_what_dates_the_review_not_the_landing(warehouse):
    connection, *_ = warehouse
    dates = rows(connection, "select review_id, reviewed_date from marts.fct_qa_reviews")
    assert {r["reviewed_date"] for r in dates} == {date(2024, 3, 5)}
