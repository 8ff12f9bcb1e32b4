"""Fault tests: retries, give-ups that land nothing, proactive throttling and schema drift.

Every test runs a fake of the vendor's API on 127.0.0.1 with injected faults (429 storms with
Retry-After, 5xx, slow answers past the timeout, truncated JSON, a 401 midway, low rate-limit
budgets, a pagination that hands back a position it already gave). Waits go through an injected
sleep, so the suite takes seconds. The fakes (as fixtures), connector builders and records are
tests/connector_fixtures.py, shared with tests/test_connectors.py.
"""

import json
import time
from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from connector_fixtures import (
    EMAIL,
    END,
    IC_TOKEN,
    START,
    TF_TOKEN,
    ZD_TOKEN,
    S,
    bare_conversation,
    intercom,
    response,
    ticket,
    typeform,
    zendesk,
)
from fakes.zendesk import iso

from connectors.errors import ConnectorError
from connectors.landing import LandingWriter
from pipelines.landing import land_source_range

DAY = date(2026, 3, 2)  # START's day, for land_source_range


def lake_files(lake: Path) -> dict[str, bytes]:
    """Every file under the lake, by relative path, with its bytes."""
    return {str(p.relative_to(lake)): p.read_bytes() for p in lake.rglob("*") if p.is_file()}


# ---- retries on every read ---------------------------------------------------------------


def test_intercom_search_post_is_retried_on_429_500_and_truncated_json(intercom_api, sleeps):
    intercom_api.conversations = [bare_conversation("c1", S + 10), bare_conversation("c2", S + 20)]
    intercom_api.fail_next("/conversations/search", 429, headers={"Retry-After": "3"})
    intercom_api.fail_next("/conversations/search", 500)
    intercom_api.fail_next("/conversations/search", 200, body=b'{"conversations": [')

    got = list(intercom(intercom_api, sleeps).extract_events(START, END))

    assert [x.record["id"] for x in got] == ["c1", "c2"]
    searches = intercom_api.calls("/conversations/search")
    assert len(searches) == 4 and sleeps[0] == 3.0 and len(sleeps) == 3
    assert all(s.body == searches[-1].body for s in searches)  # the same query each attempt


def test_typeform_truncated_body_and_502_are_retried(typeform_api, sleeps):
    typeform_api.responses = {"f1": [{"token": "r1", "submitted_at": iso(S + 5)}]}
    typeform_api.fail_next("/forms/f1/responses", 502)
    typeform_api.fail_next("/forms/f1/responses", 200, body=b'{"items": [{"tok')
    got = list(typeform(typeform_api, sleeps).extract_events(START, END))
    assert [x.record["token"] for x in got] == ["r1"]
    assert len(typeform_api.calls("/forms/f1/responses")) == 3


def test_a_429_storm_gives_up_within_the_attempt_and_wait_bounds(intercom_api, sleeps):
    intercom_api.fail_next("/conversations/search", 429, times=20, headers={"Retry-After": "2"})
    with pytest.raises(ConnectorError) as raised:
        list(intercom(intercom_api, sleeps, max_attempts=5).extract_events(START, END))
    message = str(raised.value)
    assert raised.value.status == 429 and "throttling" in message
    assert "intercom conversations: POST /conversations/search" in message
    assert len(intercom_api.calls("/conversations/search")) == 5 and sleeps == [2.0] * 4
    assert IC_TOKEN not in message


def test_total_wait_is_bounded_whatever_the_attempts_left(zendesk_api, sleeps):
    zendesk_api.fail_next("/api/v2/slas/policies.json", 503, times=50)
    connector = zendesk(zendesk_api, sleeps, max_attempts=50, backoff_base=1.0, max_total_wait=5)
    with pytest.raises(ConnectorError, match="would exceed the 5s budget"):
        connector.check()
    assert sum(sleeps) <= 5 and len(zendesk_api.calls("/api/v2/slas")) < 50


def test_every_request_has_a_timeout_and_a_slow_api_gives_up_naming_it(typeform_api, sleeps):
    typeform_api.forms = {"f1": {"id": "f1", "title": "NPS"}}
    typeform_api.slow_next("/forms/f1", 0.6)
    typeform_api.slow_next("/forms/f1", 0.6)
    started = time.monotonic()
    with pytest.raises(ConnectorError) as raised:
        list(typeform(typeform_api, sleeps, timeout=0.2, max_attempts=2).extract_reference())
    assert time.monotonic() - started < 1.0  # the client did not wait for the slow answers
    assert "typeform forms: GET /forms/f1 timed out after 0.2s" in str(raised.value)
    assert raised.value.status is None


def test_give_up_message_has_no_token_and_no_query_string(typeform_api, sleeps, caplog):
    typeform_api.fail_next("/forms/f1/responses", 500, times=3)
    with pytest.raises(ConnectorError) as raised:
        list(typeform(typeform_api, sleeps, max_attempts=3).extract_events(START, END))
    text = str(raised.value) + caplog.text
    assert "/forms/f1/responses" in text and "500" in text
    for secret in (TF_TOKEN, "since=", "until=", "page_size", "?"):
        assert secret not in text


# ---- a give-up lands nothing of the range ------------------------------------------------


def test_a_401_midway_fails_the_range_and_keeps_previously_landed_files(
    zendesk_api, sleeps, tmp_path
):
    zendesk_api.tickets = [ticket(1, S + 60)]
    writer = LandingWriter(tmp_path)
    land_source_range(zendesk(zendesk_api, sleeps), writer, DAY, DAY)
    before = lake_files(tmp_path)
    assert any(name.startswith("zendesk/tickets/date=2026-03-02/") for name in before)

    # The next run covers two days; the token is revoked while it reads the audits.
    zendesk_api.tickets = [ticket(1, S + 120), ticket(2, S + 86400 + 60)]
    zendesk_api.audits = {1: [{"id": 10, "ticket_id": 1, "created_at": iso(S), "events": []}]}
    zendesk_api.fail_next("/api/v2/tickets/2/audits.json", 401)
    with pytest.raises(ConnectorError) as raised:
        land_source_range(zendesk(zendesk_api, sleeps), writer, DAY, DAY + timedelta(days=1))

    assert raised.value.status == 401 and "ticket_audits" in str(raised.value)
    assert len(zendesk_api.calls("/api/v2/tickets/2/audits.json")) == 1  # 401 is not retried
    assert lake_files(tmp_path) == before  # no new day, no replaced day, no stray file


def test_a_5xx_give_up_on_intercom_lands_nothing_of_the_range(intercom_api, sleeps, tmp_path):
    intercom_api.conversations = [bare_conversation("c1", S + 10), bare_conversation("c2", S + 20)]
    intercom_api.fail_next("/conversations/c2", 503, times=3)
    with pytest.raises(ConnectorError, match="GET /conversations/c2 returned HTTP 503"):
        land_source_range(
            intercom(intercom_api, sleeps, max_attempts=3), LandingWriter(tmp_path), DAY, DAY
        )
    assert lake_files(tmp_path) == {}


def test_a_give_up_on_a_reference_stream_lands_nothing_of_the_range(zendesk_api, sleeps, tmp_path):
    zendesk_api.tickets = [ticket(1, S + 60)]
    zendesk_api.fail_next("/api/v2/groups.json", 503, times=3)
    with pytest.raises(ConnectorError):
        land_source_range(
            zendesk(zendesk_api, sleeps, max_attempts=3), LandingWriter(tmp_path), DAY, DAY
        )
    assert lake_files(tmp_path) == {}


# ---- a pagination that goes round in a loop fails the range -------------------------------


def test_a_zendesk_export_handing_back_its_cursor_fails_the_range_and_lands_nothing(
    zendesk_api, sleeps, tmp_path
):
    zendesk_api.tickets = [ticket(i, S + 60 * i) for i in range(1, 6)]  # three export pages
    zendesk_api.stuck_cursor = True  # the second page hands back the cursor it was asked with
    with pytest.raises(ConnectorError) as raised:
        land_source_range(zendesk(zendesk_api, sleeps), LandingWriter(tmp_path), DAY, DAY)

    message = str(raised.value)
    assert message.startswith(
        "zendesk tickets: /api/v2/incremental/tickets/cursor.json answered with a next page it "
        "had already given (/api/v2/incremental/tickets/cursor.json, query not shown)"
    )
    assert (raised.value.source, raised.value.stream) == ("zendesk", "tickets")
    assert "cursor=" not in message and "?" not in message and ZD_TOKEN not in message
    assert len(zendesk_api.calls("/api/v2/incremental/tickets/cursor.json")) == 2
    assert lake_files(tmp_path) == {}


def test_a_zendesk_time_export_stuck_on_one_second_fails_the_range_naming_organizations(
    zendesk_api, sleeps, tmp_path
):
    zendesk_api.tickets = [ticket(1, S + 60)]
    # More organizations share one second than fit on a page: next_page cannot move on.
    zendesk_api.organizations = [{"id": i, "updated_at": iso(S)} for i in range(1, 4)]
    with pytest.raises(ConnectorError) as raised:
        land_source_range(zendesk(zendesk_api, sleeps), LandingWriter(tmp_path), DAY, DAY)

    assert str(raised.value).startswith(
        "zendesk organizations: /api/v2/incremental/organizations.json answered with a next "
        "page it had already given"
    )
    assert "start_time" not in str(raised.value)
    assert len(zendesk_api.calls("/api/v2/incremental/organizations.json")) == 2
    assert lake_files(tmp_path) == {}


def test_an_intercom_search_handing_back_its_cursor_fails_the_range_and_lands_nothing(
    intercom_api, sleeps, tmp_path
):
    intercom_api.conversations = [bare_conversation(f"c{i}", S + 10 * i) for i in range(1, 6)]
    intercom_api.stuck_cursor = True  # the second page hands back the cursor it was asked with
    with pytest.raises(ConnectorError) as raised:
        land_source_range(intercom(intercom_api, sleeps), LandingWriter(tmp_path), DAY, DAY)

    searches = intercom_api.calls("/conversations/search")
    cursor = searches[1].body["pagination"]["starting_after"]
    assert str(raised.value).startswith(
        "intercom conversations: /conversations/search answered with a starting_after cursor "
        f"it had already given ({cursor!r})"
    )
    assert (raised.value.source, raised.value.stream) == ("intercom", "conversations")
    assert len(searches) == 2 and IC_TOKEN not in str(raised.value)
    assert intercom_api.calls("/conversations/c") == []  # failed before reading any in full
    assert lake_files(tmp_path) == {}


def test_a_typeform_before_token_coming_round_again_fails_the_range_and_lands_nothing(
    typeform_api, sleeps, tmp_path
):
    # Newest first, two a page: r6 r5 | r4 r3 | ...; asked before=r3, the API starts over.
    typeform_api.responses = {"f1": [response(f"r{i}", S + i) for i in range(7)]}
    typeform_api.restart_at_before = "r3"
    with pytest.raises(ConnectorError) as raised:
        land_source_range(typeform(typeform_api, sleeps), LandingWriter(tmp_path), DAY, DAY)

    message = str(raised.value)
    assert message.startswith(
        "typeform responses: /forms/f1/responses answered with a before token it had already "
        "given ('r5')"
    )
    assert (raised.value.source, raised.value.stream) == ("typeform", "responses")
    assert TF_TOKEN not in message and "?" not in message
    calls = typeform_api.calls("/forms/f1/responses")
    assert [c.query.get("before") for c in calls] == [None, "r5", "r3"]
    assert lake_files(tmp_path) == {}


# ---- proactive throttling ----------------------------------------------------------------


def test_zendesk_waits_for_the_reset_when_the_minute_budget_is_spent(zendesk_api, sleeps):
    zendesk_api.tickets = [ticket(i, S + i) for i in range(1, 4)]  # two export pages
    zendesk_api.headers_next(
        "/api/v2/incremental/tickets",
        {"ratelimit-limit": "700", "ratelimit-remaining": "0", "ratelimit-reset": "7"},
    )
    list(zendesk(zendesk_api, sleeps).extract_events(START, END))
    assert len(sleeps) == 1 and 6.5 < sleeps[0] <= 7.0


def test_zendesk_spreads_a_low_budget_without_reset_over_the_minute(zendesk_api, sleeps):
    zendesk_api.headers_next("/api/v2/slas", {"X-Rate-Limit": "700", "X-Rate-Limit-Remaining": "3"})
    connector = zendesk(zendesk_api, sleeps)
    connector.check()
    connector.check()
    assert len(sleeps) == 1 and 14.5 < sleeps[0] <= 15.0  # 60 s over the 3 left + this one


def test_a_comfortable_budget_does_not_slow_requests(zendesk_api, sleeps):
    zendesk_api.headers_next(
        "/api/v2/slas", {"X-Rate-Limit": "700", "X-Rate-Limit-Remaining": "500"}, times=3
    )
    connector = zendesk(zendesk_api, sleeps)
    for _ in range(3):
        connector.check()
    assert sleeps == []


def test_intercom_waits_until_the_window_resets_when_the_budget_is_spent(intercom_api, sleeps):
    reset = int(time.time()) + 5
    intercom_api.headers_next(
        "/admins",
        {"X-RateLimit-Limit": "167", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
    )
    list(intercom(intercom_api, sleeps).extract_reference())
    assert len(sleeps) == 1 and 3.5 < sleeps[0] <= 5.0
    assert [r.path for r in intercom_api.requests] == ["/admins", "/teams"]


def test_the_rate_share_leaves_the_rest_of_the_budget_to_other_integrations():
    from connectors.throttle import ZENDESK_RATE_LIMIT

    headers = {"ratelimit-limit": "700", "ratelimit-remaining": "360", "ratelimit-reset": "7"}
    # The whole budget: 360 left of 700 is comfortable (low is 5 % of 700, 35).
    assert ZENDESK_RATE_LIMIT.delay(headers, 0.0) == 0.0
    # Half of it: 350 of the 700 are the others', so 10 are left for csops, below its low
    # mark (5 % of its 350, 17.5): the 7 s to the reset spread over those 10 and this one.
    assert ZENDESK_RATE_LIMIT.delay(headers, 0.0, share=0.5) == pytest.approx(7 / 11)
    # Only the others' part left: wait for the whole reset.
    spent = {**headers, "ratelimit-remaining": "350"}
    assert ZENDESK_RATE_LIMIT.delay(spent, 0.0, share=0.5) == pytest.approx(7.0)


def test_csops_rate_share_reaches_every_connector_from_the_environment(
    zendesk_api, typeform_api, sleeps
):
    from connectors.registry import connectors_from_env

    env = {
        "ZENDESK_BASE_URL": zendesk_api.url,
        "ZENDESK_EMAIL": EMAIL,
        "ZENDESK_API_TOKEN": ZD_TOKEN,
        "TYPEFORM_BASE_URL": typeform_api.url,
        "TYPEFORM_TOKEN": TF_TOKEN,
        "TYPEFORM_FORM_IDS": "f1",
        "CSOPS_RATE_SHARE": "25%",
    }
    zendesk_api.headers_next(
        "/api/v2/slas", {"X-Rate-Limit": "700", "X-Rate-Limit-Remaining": "500"}
    )
    typeform_api.forms = {"f1": {"id": "f1", "title": "CSAT", "fields": []}}
    options = {"sleep": sleeps, "backoff_base": 0.01}
    zd, tf = connectors_from_env(["zendesk", "typeform"], env, options)
    try:
        zd.check()
        zd.check()
        # 500 left of 700, of which 525 (75 %) are the others': none for csops, so the next
        # request waits the minute (no reset in the answer) over the one it may send: 60 s.
        assert len(sleeps) == 1 and 59.5 < sleeps[0] <= 60.0
        sleeps.clear()
        tf.check()
        tf.check()
        # Typeform's pace of 2 a second at a quarter of it: one request every 2 s.
        sent = sum(tf.requests_sent().values())
        assert sent >= 2 and len(sleeps) == sent - 1 and all(1.5 < s <= 2.0 for s in sleeps)
    finally:
        zd.close()
        tf.close()


@pytest.mark.parametrize("value", ["0", "150", "half", "-5%"])
def test_a_rate_share_that_is_not_a_percentage_is_refused(value):
    from connectors.errors import ConfigError
    from connectors.registry import rate_share

    with pytest.raises(ConfigError, match="CSOPS_RATE_SHARE=") as raised:
        rate_share({"CSOPS_RATE_SHARE": value})
    assert raised.value.variables == ("CSOPS_RATE_SHARE",)
    assert rate_share({}) == 0.5 and rate_share({"CSOPS_RATE_SHARE": "80"}) == 0.8


def test_typeform_is_paced_to_its_two_requests_a_second(typeform_api, sleeps):
    typeform_api.responses = {
        "f1": [{"token": f"r{i}", "submitted_at": iso(S + i)} for i in range(7)]
    }
    assert len(list(typeform(typeform_api, sleeps).extract_events(START, END))) == 7
    calls = len(typeform_api.calls("/forms/f1/responses"))
    assert calls == 4 and len(sleeps) == calls - 1
    assert all(0.3 < s <= 0.5 for s in sleeps)


# ---- schema drift ------------------------------------------------------------------------


def test_schema_drift_keeps_unknown_fields_nulls_missing_ones_and_rejects_bad_records(
    zendesk_api, sleeps, tmp_path
):
    zendesk_api.tickets = [
        ticket(1, S + 10, brand_new_field={"nested": [1, 2]}),
        {k: v for k, v in ticket(2, S + 20).items() if k != "via"},  # optional: absent
        ticket(3, S + 30, status=5),  # wrong type in a required field
        {k: v for k, v in ticket(4, S + 40).items() if k != "created_at"},  # required: absent
        ticket(5, S + 50, priority=["high"]),  # wrong type in an optional field
        ticket(6, S + 60),
    ]
    summary = land_source_range(zendesk(zendesk_api, sleeps), LandingWriter(tmp_path), DAY, DAY)

    assert summary.rows("tickets") == 3 and summary.rejected("tickets") == 3
    [landed] = (tmp_path / "zendesk/tickets/date=2026-03-02").glob("*.parquet")
    rows = {r["id"]: r for r in pq.read_table(landed).to_pylist()}
    assert sorted(rows) == [1, 2, 6]  # the batch went on past the rejects
    assert json.loads(rows[1]["_raw"])["brand_new_field"] == {"nested": [1, 2]}
    assert rows[2]["channel"] is None
    [rejected_file] = (tmp_path / "_rejected/zendesk__tickets/date=2026-03-02").glob("*.parquet")
    reasons = {
        json.loads(r["_raw"])["id"]: r["reason"] for r in pq.read_table(rejected_file).to_pylist()
    }
    assert reasons == {
        3: "field status should be a string, got int",
        4: "required field created_at is missing",
        5: "field priority should be a string, got list",
    }


def test_schema_drift_in_intercom_and_typeform_records(
    intercom_api, typeform_api, sleeps, tmp_path
):
    intercom_api.conversations = [
        {**bare_conversation("c1", S + 10), "ai_agent": {"resolution_state": "x"}},
        {**bare_conversation("c2", S + 20), "state": 7},
    ]
    typeform_api.responses = {
        "f1": [
            {"token": "r1", "submitted_at": iso(S + 1), "calculated": {"score": 3}},
            {"token": "r2", "submitted_at": iso(S + 2), "answers": "not-a-list"},
        ]
    }
    typeform_api.forms = {"f1": {"id": "f1", "title": "NPS", "fields": []}}
    writer = LandingWriter(tmp_path)
    chats = land_source_range(intercom(intercom_api, sleeps), writer, DAY, DAY)
    surveys = land_source_range(typeform(typeform_api, sleeps), writer, DAY, DAY)

    assert (chats.rows("conversations"), chats.rejected("conversations")) == (1, 1)
    assert (surveys.rows("responses"), surveys.rejected("responses")) == (1, 1)
    [chat] = pq.read_table(
        next((tmp_path / "intercom/conversations").glob("date=2026*/*"))
    ).to_pylist()
    assert json.loads(chat["_raw"])["ai_agent"] == {"resolution_state": "x"}
