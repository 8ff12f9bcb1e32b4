"""The simulated org's Zendesk QA export: the vendor's shape, and reviews that behave like a
QA team's (a small share of resolved contacts, scores that follow CSAT, critical failures,
re-scores, outsourced reviewees), served the same whatever was asked before."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from statistics import mean

import pytest
import requests

from connectors.zendesk_qa import ZendeskQAConnector
from simulator.org import SimConfig, SupportOrg
from simulator.server import SimulatorServer

NOW = datetime(2024, 4, 15, tzinfo=UTC)
CONFIG = SimConfig(seed=3, history_start=date(2024, 1, 1), now=NOW)
START, END = datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def org() -> SupportOrg:
    return SupportOrg(CONFIG)


@pytest.fixture(scope="module")
def server(org) -> Iterator[SimulatorServer]:
    with SimulatorServer(org) as running:
        yield running


def test_reviews_cover_a_few_percent_of_resolved_contacts_and_follow_csat(org):
    reviews = org.zendesk_qa_reviews_created_between(START, END)
    tickets = org.zendesk_tickets_updated_between(START - timedelta(days=5), END)
    solved = [t for t in tickets if t["status"] in ("solved", "closed")]
    reviewed_tickets = {r.external_id for r in reviews if r.source_type == "zendesk"}
    share = len(reviewed_tickets & {str(t["id"]) for t in solved}) / len(solved)
    assert 0.04 <= share <= 0.10
    assert {r.source_type for r in reviews} == {"zendesk", "intercom"}

    by_ticket = {str(t["id"]): t["satisfaction_rating"]["score"] for t in solved}
    scores = {"good": [], "bad": []}
    for review in reviews:
        rating = by_ticket.get(review.external_id)
        if review.source_type == "zendesk" and rating in scores and review.record["score"]:
            scores[rating].append(review.record["score"])
    assert scores["good"] and scores["bad"]
    assert mean(scores["good"]) > mean(scores["bad"]) + 10

    records = [r.record for r in reviews]
    failures = [r for r in records if any(x["critical"] and x["score"] == 0 for x in r["ratings"])]
    assert failures and all(r["score"] == 0.0 for r in failures)
    assert any(x["score"] is None for r in records for x in r["ratings"])  # N/A ratings
    assert any(r["createdISO"] != r["updatedISO"] for r in records)  # re-scored later
    assert any(r["reviewee"]["email"].endswith("@outsourced.example") for r in records)


def test_the_export_answers_in_the_vendors_shape_with_pages_from_one(server, org):
    url = f"{server.base_url}/zendesk/qa/api/export/reviews"
    auth = {"Authorization": f"Bearer {server.credentials.zendesk_qa_token}"}
    params = {"fromDate": "2024-03-01T00:00:00Z", "toDate": "2024-03-15T00:00:00Z", "pageSize": 5}
    first = requests.get(url, params=params, headers=auth, timeout=30).json()
    second = requests.get(url, params={**params, "page": 2}, headers=auth, timeout=30).json()
    assert first["pagination"]["page"] == 1 and second["pagination"]["page"] == 2
    assert first["pagination"]["total"] > 10
    conversation = first["conversations"][0]
    assert set(conversation) >= {"externalId", "sourceType", "workspaceId", "reviews"}
    review = conversation["reviews"][0]
    assert isinstance(review["id"], str) and review["id"].isdigit()
    assert set(review["reviewee"]) >= {"email", "name"}
    assert set(review["ratings"][0]) >= {
        "categoryId",
        "categoryName",
        "score",
        "weight",
        "critical",
    }
    ids = [c["externalId"] for c in first["conversations"] + second["conversations"]]
    assert len(set(ids)) == 10

    missing = requests.get(url, params={"pageSize": 5}, headers=auth, timeout=30)
    assert missing.status_code == 400 and "fromDate" in missing.json()["message"]
    wrong = requests.get(url, params=params, headers={"Authorization": "Bearer x"}, timeout=30)
    assert wrong.status_code == 401


def test_a_window_is_served_the_same_whatever_was_asked_before(org, server):
    fresh = SupportOrg(CONFIG)
    window = (datetime(2024, 3, 20, tzinfo=UTC), datetime(2024, 3, 21, tzinfo=UTC))
    org.zendesk_qa_reviews_created_between(START, END)  # warmed on a wide range first
    assert [r.record for r in fresh.zendesk_qa_reviews_created_between(*window)] == [
        r.record for r in org.zendesk_qa_reviews_created_between(*window)
    ]
    connector = ZendeskQAConnector.from_env(server.env())
    got = list(connector.extract_events(*window))
    assert got and all(window[0] <= x.event_time < window[1] for x in got)
