"""The Zendesk QA connector against an independent fake of the Public Export API (reviews)."""

import logging
from datetime import date, timedelta

import pyarrow.parquet as pq
import pytest
from connector_fixtures import END, QA_TOKEN, START, E, S, qa_conversation, qa_review, zendesk_qa
from fakes.zendesk import iso

from connectors.errors import ConfigError, ConnectorError
from connectors.lake import batch_files, day_dir, rejected_dir
from connectors.landing import LandingWriter
from connectors.registry import CONNECTORS, connectors_from_env
from connectors.zendesk_qa import DEFAULT_REREAD_DAYS, ZendeskQAConnector
from pipelines.landing import land_source_range
from pipelines.source_check import check_connector

DAY = START.date()


def test_reviews_are_kept_in_the_window_of_their_latest_change(zendesk_qa_api, sleeps):
    zendesk_qa_api.conversations = [
        # created and untouched in the window
        qa_conversation("101", qa_review("1", S + 60)),
        # created 10 days before the window, re-scored inside it: found only because the
        # connector asks from 14 days back, and landed on the day of the change
        qa_conversation("102", qa_review("2", S - 10 * 86400, S + 3600, score=40.0)),
        # created before the window and not changed since: an earlier day's record
        qa_conversation("103", qa_review("3", S - 86400)),
        # changed after the window: a later day's record
        qa_conversation("c9", qa_review("4", S + 120, E + 10), source_type="intercom"),
        qa_conversation("105", qa_review("5", E - 1)),
    ]
    got = list(zendesk_qa(zendesk_qa_api, sleeps).extract_events(START, END))

    assert [x.record["id"] for x in got] == ["1", "2", "5"]
    assert {x.stream for x in got} == {"reviews"}
    assert [x.event_time for x in got] == [
        START + timedelta(seconds=60),
        START + timedelta(hours=1),
        END - timedelta(seconds=1),
    ]
    assert got[1].record["score"] == 40.0
    assert got[1].context == {
        "external_id": "102",
        "source_type": "zendesk",
        "workspace_id": "11759",
    }

    calls = zendesk_qa_api.calls("/qa/api/export/reviews")
    # fromDate 14 days before the window, toDate its end; pages of two conversations: the first
    # asked without a page number, the next by the number the API reported plus one
    assert calls[0].query == {
        "fromDate": iso(S - DEFAULT_REREAD_DAYS * 86400),
        "toDate": iso(E),
        "pageSize": "2",
    }
    assert [c.query.get("page") for c in calls] == [None, "1", "2"]
    assert all(c.headers["authorization"] == f"Bearer {QA_TOKEN}" for c in calls)


def test_an_api_that_counts_pages_from_one_is_read_whole(zendesk_qa_api, sleeps):
    zendesk_qa_api.first_page = 1
    zendesk_qa_api.conversations = [
        qa_conversation(str(100 + i), qa_review(str(i), S + i)) for i in range(5)
    ]
    got = list(zendesk_qa(zendesk_qa_api, sleeps).extract_events(START, END))

    assert sorted(x.record["id"] for x in got) == ["0", "1", "2", "3", "4"]
    # pages 1, 2, 3 (2 + 2 + 1 conversations): the short third page ends the read
    assert [c.query.get("page") for c in zendesk_qa_api.calls("/qa")] == [None, "2", "3"]


def test_reading_stops_once_the_reported_total_is_read(zendesk_qa_api, sleeps):
    zendesk_qa_api.conversations = [
        qa_conversation(str(100 + i), qa_review(str(i), S + i)) for i in range(4)
    ]
    got = list(zendesk_qa(zendesk_qa_api, sleeps).extract_events(START, END))

    assert len(got) == 4
    # 4 of a total of 4 read after two full pages: no third request for an empty page
    assert len(zendesk_qa_api.calls("/qa")) == 2


def test_a_review_seen_twice_keeps_its_latest_version(zendesk_qa_api, sleeps):
    zendesk_qa_api.conversations = [
        qa_conversation("101", qa_review("7", S + 60, S + 600, score=90.0)),
        qa_conversation("101", qa_review("7", S + 60, S + 60, score=50.0)),
    ]
    got = list(zendesk_qa(zendesk_qa_api, sleeps).extract_events(START, END))

    assert [(x.record["id"], x.record["score"]) for x in got] == [("7", 90.0)]


def test_a_workspace_reads_the_workspace_export_and_a_wrong_one_names_its_variable(
    zendesk_qa_api, sleeps
):
    zendesk_qa_api.conversations = [qa_conversation("101", qa_review("1", S + 60))]
    got = list(zendesk_qa(zendesk_qa_api, sleeps, "11759").extract_events(START, END))
    assert [x.record["id"] for x in got] == ["1"]
    assert zendesk_qa_api.calls("/qa/api/export/workspace/11759/reviews")

    verdict = check_connector(zendesk_qa(zendesk_qa_api, sleeps, "999"))
    assert (verdict.ok, verdict.verdict) == (False, "workspace not found")
    assert verdict.fix == ("ZENDESK_QA_WORKSPACE_ID", "ZENDESK_QA_BASE_URL")


def test_check_passes_and_a_bad_token_names_the_token_variable(zendesk_qa_api, sleeps):
    assert check_connector(zendesk_qa(zendesk_qa_api, sleeps)).ok
    call = zendesk_qa_api.calls("/qa/api/export/reviews")[-1]
    assert call.query["pageSize"] == "1" and "fromDate" in call.query

    wrong = ZendeskQAConnector("wrong-token", zendesk_qa_api.url, http_options={"sleep": sleeps})
    verdict = check_connector(wrong)
    assert (verdict.ok, verdict.verdict, verdict.fix) == (
        False,
        "bad credentials",
        ("ZENDESK_QA_TOKEN",),
    )
    assert "wrong-token" not in verdict.line()


def test_throttling_and_server_errors_are_retried_without_leaking_the_token(
    zendesk_qa_api, sleeps, caplog
):
    zendesk_qa_api.conversations = [qa_conversation("101", qa_review("1", S + 60))]
    zendesk_qa_api.fail_next("/qa/api/export/reviews", 429, headers={"Retry-After": "3"})
    zendesk_qa_api.fail_next("/qa/api/export/reviews", 503)
    with caplog.at_level(logging.WARNING):
        got = list(zendesk_qa(zendesk_qa_api, sleeps).extract_events(START, END))

    assert [x.record["id"] for x in got] == ["1"]
    assert len(zendesk_qa_api.calls("/qa")) == 3
    assert 3.0 in sleeps  # Retry-After honoured
    assert QA_TOKEN not in caplog.text and "fromDate" not in caplog.text

    zendesk_qa_api.fail_next("/qa/api/export/reviews", 500, times=3)
    with pytest.raises(ConnectorError) as raised:
        list(zendesk_qa(zendesk_qa_api, sleeps, max_attempts=3).extract_events(START, END))
    message = str(raised.value)
    assert "zendesk_qa reviews: GET /qa/api/export/reviews returned HTTP 500" in message
    assert QA_TOKEN not in message and "fromDate" not in message


def test_requests_are_paced_under_the_exports_rate_limit(zendesk_qa_api, sleeps):
    zendesk_qa_api.conversations = [
        qa_conversation(str(100 + i), qa_review(str(i), S + i)) for i in range(6)
    ]
    list(zendesk_qa(zendesk_qa_api, sleeps).extract_events(START, END))
    # 1,500 requests a minute per IP: at most one request every 0.04 s
    assert sleeps and max(sleeps) <= 60 / 1500 + 1e-9


def test_configuration_from_the_environment():
    env = {"ZENDESK_QA_TOKEN": "t", "ZENDESK_BASE_URL": "https://acme.zendesk.com"}
    connector = ZendeskQAConnector.from_env(env)
    # ZENDESK_BASE_URL is the default address; no workspace is the account-wide export
    assert connector.base_url == "https://acme.zendesk.com"
    assert connector.reviews_path == "/qa/api/export/reviews"
    assert connector.reread == timedelta(days=14)

    env |= {
        "ZENDESK_QA_BASE_URL": "https://qa.example.com",
        "ZENDESK_QA_WORKSPACE_ID": "11759",
        "CSOPS_QA_REREAD_DAYS": "3",
    }
    connector = ZendeskQAConnector.from_env(env)
    assert connector.base_url == "https://qa.example.com"
    assert connector.reviews_path == "/qa/api/export/workspace/11759/reviews"
    assert connector.reread == timedelta(days=3)
    assert "t" not in repr(connector).replace("ZendeskQAConnector", "").replace("https", "")

    with pytest.raises(ConfigError, match="ZENDESK_QA_TOKEN"):
        ZendeskQAConnector.from_env({"ZENDESK_BASE_URL": "https://acme.zendesk.com"})
    with pytest.raises(ConfigError, match="ZENDESK_QA_BASE_URL"):
        ZendeskQAConnector.from_env({"ZENDESK_QA_TOKEN": "t"})
    with pytest.raises(ConfigError, match="CSOPS_QA_REREAD_DAYS='two weeks'"):
        ZendeskQAConnector.from_env(env | {"CSOPS_QA_REREAD_DAYS": "two weeks"})
    assert CONNECTORS["zendesk_qa"] is ZendeskQAConnector
    built = connectors_from_env(["zendesk_qa"], env)
    assert [type(c) for c in built] == [ZendeskQAConnector]


def test_landing_types_reviews_and_keeps_unreadable_ones_aside(zendesk_qa_api, sleeps, tmp_path):
    broken = qa_review("9", S + 300)
    del broken["createdISO"], broken["updatedISO"]
    broken["created"] = "yesterday-ish"
    zendesk_qa_api.conversations = [
        qa_conversation("101", qa_review("1", S + 60)),
        qa_conversation("102", qa_review("2", S - 3 * 86400, S + 7200, score=0.0)),
        qa_conversation("103", broken),
    ]
    writer = LandingWriter(tmp_path)
    summary = land_source_range(zendesk_qa(zendesk_qa_api, sleeps), writer, DAY, DAY)

    assert summary.rows("reviews") == 2 and summary.rejected("reviews") == 1
    [rejected_file] = batch_files(rejected_dir(tmp_path, "zendesk_qa", "reviews", DAY))
    [rejected] = pq.read_table(rejected_file).to_pylist()
    assert rejected["reason"] == "field created is not a timestamp ('yesterday-ish')"

    [landed] = batch_files(day_dir(tmp_path, "zendesk_qa", "reviews", DAY))
    table = pq.read_table(landed).to_pylist()
    second = next(row for row in table if row["id"] == "2")
    assert second["external_id"] == "102" and second["source_type"] == "zendesk"
    assert second["reviewee_email"] == "Alice@Example.com" and second["score"] == 0.0
    assert second["ratings"][0]["critical"] is True
    assert second["ratings"][1] == {
        "category_id": "502",
        "category_name": "Tone",
        "score": None,
        "weight": 0.5,
        "critical": None,
    }
    assert second["created_at"].date() == date(2026, 2, 27)


def test_the_token_reaches_no_log_error_repr_or_landed_row(
    zendesk_qa_api, sleeps, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)  # urllib3 and requests debug logs included
    zendesk_qa_api.conversations = [qa_conversation("101", qa_review("1", S + 60))]
    zendesk_qa_api.fail_next("/qa/api/export/reviews", 429, headers={"Retry-After": "0"})
    connector = zendesk_qa(zendesk_qa_api, sleeps)
    land_source_range(connector, LandingWriter(tmp_path), DAY, DAY)
    zendesk_qa_api.fail_next("/qa/api/export/reviews", 503, times=3)
    with pytest.raises(ConnectorError) as raised:
        list(zendesk_qa(zendesk_qa_api, sleeps, max_attempts=2).extract_events(START, END))
    landed = "".join(
        pq.read_table(path).to_pandas().to_string() for path in tmp_path.rglob("*.parquet")
    )
    assert "Alice@Example.com" in landed  # the search would find data
    for text in (caplog.text, str(raised.value), repr(raised.value), repr(connector), landed):
        assert QA_TOKEN not in text
