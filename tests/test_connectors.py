"""Connector contract tests against independent fakes of the vendors' APIs on 127.0.0.1.

The fakes (as fixtures), connector builders and records are tests/connector_fixtures.py.
"""

import ast
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from connector_fixtures import (
    EMAIL,
    END,
    IC_TOKEN,
    START,
    TF_TOKEN,
    ZD_TOKEN,
    E,
    S,
    conversation,
    intercom,
    response,
    ticket,
    typeform,
    zendesk,
)
from fakes.zendesk import iso

from connectors.base import EPOCH, event_time_in, paginate
from connectors.errors import ConfigError, ConnectorError
from connectors.http import BearerAuth, HttpClient
from connectors.intercom import IntercomConnector
from connectors.registry import CONNECTORS, connectors_from_env
from connectors.typeform import TypeformConnector
from connectors.zendesk import ZendeskConnector

# ---- zendesk -------------------------------------------------------------------------


def test_zendesk_tickets_keep_exactly_the_window_and_the_latest_version(zendesk_api, sleeps):
    zendesk_api.tickets = [
        ticket(1, S - 1),
        ticket(2, S),
        ticket(3, S + 3600, "open"),
        ticket(3, S + 7200, "solved"),
        ticket(4, E - 1),
        ticket(5, E),
        ticket(6, E + 60),
    ]
    got = [
        x for x in zendesk(zendesk_api, sleeps).extract_events(START, END) if x.stream == "tickets"
    ]

    assert [x.record["id"] for x in got] == [2, 3, 4]
    assert next(x for x in got if x.record["id"] == 3).record["status"] == "solved"
    assert [x.event_time for x in got] == [
        START,
        START + timedelta(hours=2),
        END - timedelta(seconds=1),
    ]
    calls = zendesk_api.calls("/api/v2/incremental/tickets/cursor.json")
    assert calls[0].query["start_time"] == str(S)
    assert len(calls) == 3 and all("cursor" in c.query for c in calls[1:])


def test_zendesk_audits_follow_links_next_and_land_in_their_tickets_day(zendesk_api, sleeps):
    zendesk_api.tickets = [ticket(2, S + 60), ticket(9, E + 60)]
    zendesk_api.audits = {
        2: [
            {"id": 100 + i, "ticket_id": 2, "created_at": iso(S - 100 + i), "events": []}
            for i in range(5)
        ],
        9: [{"id": 900, "ticket_id": 9, "created_at": iso(E), "events": []}],
    }
    got = [
        x
        for x in zendesk(zendesk_api, sleeps).extract_events(START, END)
        if x.stream == "ticket_audits"
    ]

    assert [x.record["id"] for x in got] == [100, 101, 102, 103, 104]
    assert {x.event_time for x in got} == {START + timedelta(minutes=1)}
    audit_calls = zendesk_api.calls("/api/v2/tickets/")
    assert len(audit_calls) == 3 and all(
        c.path.startswith("/api/v2/tickets/2/") for c in audit_calls
    )
    assert audit_calls[0].query["page[size]"] == "2"


def test_zendesk_ratings_filter_updated_at_client_side_and_keep_offered(zendesk_api, sleeps):
    def rating(ident: int, created: int, updated: int, score: str) -> dict:
        return {
            "id": ident,
            "ticket_id": 1,
            "score": score,
            "created_at": iso(created),
            "updated_at": iso(updated),
        }

    zendesk_api.ratings = [
        rating(1, S - 5 * 86400, S + 10, "good"),  # offered days ago, answered in the window
        rating(2, S + 20, S + 20, "offered"),
        rating(3, S + 30, E, "bad"),  # updated exactly at the end: next window
        rating(4, S - 3 * 86400, S - 1, "bad"),
    ]
    got = [
        x
        for x in zendesk(zendesk_api, sleeps).extract_events(START, END)
        if x.stream == "satisfaction_ratings"
    ]

    assert sorted(x.record["id"] for x in got) == [1, 2]
    query = zendesk_api.calls("/api/v2/satisfaction_ratings.json")[0].query
    assert int(query["start_time"]) <= S - 28 * 86400 and int(query["end_time"]) >= E


def test_zendesk_ratings_answered_with_offset_pages_are_all_read(zendesk_api, sleeps):
    zendesk_api.ratings_use_offset_pages = True
    zendesk_api.ratings = [
        {"id": i, "score": "good", "created_at": iso(S + i), "updated_at": iso(S + i)}
        for i in range(5)
    ]
    got = [
        x.record["id"]
        for x in zendesk(zendesk_api, sleeps).extract_events(START, END)
        if x.stream == "satisfaction_ratings"
    ]
    assert got == [0, 1, 2, 3, 4]


def test_zendesk_reference_streams_read_every_page_once_per_id(zendesk_api, sleeps):
    zendesk_api.users = [
        {"id": 1, "updated_at": iso(100), "name": "old"},
        {"id": 2, "updated_at": iso(200)},
        {"id": 1, "updated_at": iso(300), "name": "new"},
    ]
    # Time-based pages restart at the last second seen, so each page repeats a record.
    zendesk_api.organizations = [{"id": i, "updated_at": iso(1000 + i)} for i in range(1, 6)]
    zendesk_api.groups = [{"id": i, "name": f"g{i}"} for i in range(1, 6)]
    zendesk_api.schedules = [{"id": 7, "name": "EU", "time_zone": "Berlin", "intervals": []}]
    zendesk_api.holidays = {7: [{"id": 70, "name": "New Year", "start_date": "2026-01-01"}]}
    zendesk_api.sla_policies = [{"id": 5, "title": "Urgent"}]

    got = list(zendesk(zendesk_api, sleeps).extract_reference())
    by_stream: dict[str, list] = {}
    for x in got:
        by_stream.setdefault(x.stream, []).append(x)

    assert [u.record.get("name") for u in by_stream["users"] if u.record["id"] == 1] == ["new"]
    assert len(by_stream["users"]) == 2
    assert sorted(o.record["id"] for o in by_stream["organizations"]) == [1, 2, 3, 4, 5]
    assert [g.record["id"] for g in by_stream["groups"]] == [1, 2, 3, 4, 5]
    assert by_stream["holidays"][0].context == {"schedule_id": 7}
    assert [p.record["id"] for p in by_stream["sla_policies"]] == [5]
    assert zendesk_api.calls("/api/v2/incremental/users/cursor.json")[0].query["start_time"] == "0"


def test_zendesk_retries_429_honouring_retry_after_then_succeeds(zendesk_api, sleeps):
    zendesk_api.tickets = [ticket(2, S)]
    zendesk_api.fail_next("/api/v2/incremental/tickets", 429, headers={"Retry-After": "7"})
    got = list(zendesk(zendesk_api, sleeps).extract_events(START, END))

    assert [x.record["id"] for x in got if x.stream == "tickets"] == [2]
    assert sleeps == [7.0]


def test_retries_500_and_invalid_json_then_succeeds(zendesk_api, sleeps):
    zendesk_api.tickets = [ticket(2, S)]
    zendesk_api.fail_next("/api/v2/incremental/tickets", 500)
    zendesk_api.fail_next("/api/v2/incremental/tickets", 200, body=b"<html>truncated")
    got = list(zendesk(zendesk_api, sleeps).extract_events(START, END))

    assert [x.record["id"] for x in got if x.stream == "tickets"] == [2]
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 0.6  # growing backoff, jittered


def test_giving_up_names_source_stream_path_status_and_hides_secrets(zendesk_api, sleeps, caplog):
    zendesk_api.fail_next("/api/v2/incremental/tickets", 503, times=10)
    with pytest.raises(ConnectorError) as raised:
        list(zendesk(zendesk_api, sleeps, max_attempts=3).extract_events(START, END))

    message = str(raised.value)
    for expected in (
        "zendesk",
        "tickets",
        "/api/v2/incremental/tickets/cursor.json",
        "503",
        "3 attempt",
    ):
        assert expected in message
    assert ZD_TOKEN not in message and "start_time" not in message
    assert raised.value.status == 503 and len(sleeps) == 2
    assert (
        "retry 1/2" in caplog.text
        and ZD_TOKEN not in caplog.text
        and "start_time" not in caplog.text
    )


def test_retry_after_beyond_the_wait_budget_gives_up_without_sleeping(zendesk_api, sleeps):
    zendesk_api.fail_next("/api/v2/slas/policies.json", 429, headers={"Retry-After": "600"})
    with pytest.raises(ConnectorError, match="429") as raised:
        zendesk(zendesk_api, sleeps, max_total_wait=60).check()
    assert sleeps == [] and "throttling" in str(raised.value)


def test_bad_credentials_fail_with_a_hint_naming_the_env_vars(zendesk_api, sleeps):
    connector = zendesk(zendesk_api, sleeps, token="wrong-token")
    with pytest.raises(ConnectorError) as raised:
        connector.check()

    message = str(raised.value)
    assert "401" in message and "ZENDESK_API_TOKEN" in message and "ZENDESK_EMAIL" in message
    assert "wrong-token" not in message and sleeps == []  # 401 is not retried
    assert "wrong-token" not in repr(connector) and ZD_TOKEN not in repr(connector)


def test_connection_errors_are_retried_then_reported(sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpClient(
        "zendesk", f"http://127.0.0.1:{port}", max_attempts=2, backoff_base=0.01, sleep=sleeps
    )
    with pytest.raises(ConnectorError, match="connection failed"):
        client.get_json("groups", "/api/v2/groups.json")
    assert len(sleeps) == 1


def test_timeouts_are_retried(zendesk_api, sleeps):
    zendesk_api.slow_next("/api/v2/slas/policies.json", 1.0)
    zendesk(zendesk_api, sleeps, timeout=0.2).check()
    assert len(zendesk_api.calls("/api/v2/slas/policies.json")) == 2 and len(sleeps) == 1


def test_plain_http_is_refused_for_a_non_local_host():
    with pytest.raises(ConfigError, match="ZENDESK_BASE_URL"):
        ZendeskConnector.from_env(
            {
                "ZENDESK_BASE_URL": "http://acme.zendesk.com",
                "ZENDESK_EMAIL": EMAIL,
                "ZENDESK_API_TOKEN": ZD_TOKEN,
            }
        )
    with pytest.raises(ConfigError, match="plain http"):
        HttpClient("intercom", "http://api.intercom.io")
    assert HttpClient("intercom", "http://localhost:8080").base_url == "http://localhost:8080"


def test_next_page_urls_on_another_host_are_rebased_onto_the_base_url():
    client = HttpClient("zendesk", "https://proxy.example.com/zd")
    moved = client.resolve("https://acme.zendesk.com/api/v2/groups.json?page=2")
    assert moved == "https://proxy.example.com/zd/api/v2/groups.json?page=2"
    same = "https://proxy.example.com/zd/api/v2/groups.json?page=3"
    assert client.resolve(same) == same


def test_paginate_reads_to_the_stop_and_refuses_a_position_given_twice():
    second = "https://acme.zendesk.com/api/v2/groups.json?page=2&secret=k"
    pages = {None: {"items": [1, 2], "next": second}, second: {"items": [3], "next": None}}
    fetched: list[str | None] = []

    def fetch(at: str | None) -> dict:
        fetched.append(at)
        return pages[at]

    def read() -> list:
        return list(
            paginate(
                "zendesk",
                "groups",
                path="/api/v2/groups.json",
                key="items",
                fetch=fetch,
                following=lambda page, _: page["next"],
            )
        )

    assert read() == [1, 2, 3] and fetched == [None, second]

    # The second page points back to itself: a URL is named by its path, never its query.
    pages[second]["next"] = second
    with pytest.raises(ConnectorError) as raised:
        read()
    message = str(raised.value)
    assert message.startswith("zendesk groups: /api/v2/groups.json answered with a next page")
    assert "(/api/v2/groups.json, query not shown)" in message
    assert "page=2" not in message and "secret" not in message and "?" not in message
    assert (raised.value.source, raised.value.stream) == ("zendesk", "groups")

    # A bare cursor is named as is; a longer loop (c1, c2, c1) is caught too.
    cursors = {None: "c1", "c1": "c2", "c2": "c1"}
    with pytest.raises(
        ConnectorError, match=r"a starting_after cursor it had already given \('c1'\)"
    ):
        list(
            paginate(
                "intercom",
                "conversations",
                path="/conversations/search",
                key="items",
                fetch=lambda at: {"items": [at], "next": cursors[at]},
                following=lambda page, _: page["next"],
                position="starting_after cursor",
            )
        )


def test_no_connector_imports_another_connector():
    folder = Path(__file__).resolve().parent.parent / "connectors"
    modules = {cls.__module__ for cls in CONNECTORS.values()}
    for module in modules:
        tree = ast.parse((folder / f"{module.rsplit('.', 1)[1]}.py").read_text())
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):  # from connectors[.x] import y
                imported |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
        assert not imported & (modules - {module}), f"{module} imports another connector"


def test_bearer_auth_sends_the_token_and_never_shows_it():
    client = HttpClient("typeform", "http://localhost:1", auth=BearerAuth(TF_TOKEN))
    sent = client._session.prepare_request(requests.Request("GET", "http://localhost:1/forms"))
    assert sent.headers["Authorization"] == f"Bearer {TF_TOKEN}"
    shown = repr(BearerAuth(TF_TOKEN)) + str(BearerAuth(TF_TOKEN)) + repr(client)
    assert TF_TOKEN not in shown and TF_TOKEN not in str(client._session.headers)


def test_a_record_without_a_readable_time_is_kept_for_landing_to_reject():
    assert event_time_in(EPOCH, START, END) == START
    assert event_time_in(END, START, END) is None
    assert event_time_in(START, START, END) == START


# ---- configuration -------------------------------------------------------------------


def test_missing_env_raises_config_error_naming_the_variable():
    with pytest.raises(ConfigError) as raised:
        ZendeskConnector.from_env({"ZENDESK_BASE_URL": "https://acme.zendesk.com"})
    assert raised.value.variables == ("ZENDESK_EMAIL", "ZENDESK_API_TOKEN")
    assert "ZENDESK_EMAIL" in str(raised.value) and "ZENDESK_API_TOKEN" in str(raised.value)


def test_registry_reports_every_missing_variable_at_once_and_unknown_names():
    with pytest.raises(ConfigError) as raised:
        connectors_from_env(["zendesk", "typeform"], {"TYPEFORM_TOKEN": TF_TOKEN})
    assert set(raised.value.variables) == {
        "ZENDESK_BASE_URL",
        "ZENDESK_EMAIL",
        "ZENDESK_API_TOKEN",
        "TYPEFORM_FORM_IDS",
    }
    with pytest.raises(ConfigError, match="intercom, shifts, typeform, zendesk"):
        connectors_from_env(["zendesk", "freshdesk"], {})


def test_registry_builds_configured_connectors_without_calling_them():
    env = {
        "INTERCOM_ACCESS_TOKEN": IC_TOKEN,
        "TYPEFORM_TOKEN": TF_TOKEN,
        "TYPEFORM_FORM_IDS": "a1, b2",
    }
    built = connectors_from_env(["intercom", "typeform"], env)
    assert [type(c) for c in built] == [CONNECTORS["intercom"], CONNECTORS["typeform"]]
    assert built[0].base_url == "https://api.intercom.io" and built[1].form_ids == ("a1", "b2")
    assert all(IC_TOKEN not in repr(c) and TF_TOKEN not in repr(c) for c in built)


# ---- intercom ------------------------------------------------------------------------


def test_intercom_search_window_pagination_and_full_records(intercom_api, sleeps):
    intercom_api.conversations = [
        conversation("c0", S - 1),
        conversation("c1", S),
        conversation("c2", S + 100, "open"),
        conversation("c2", S + 200, "closed"),
        conversation("c3", E - 1),
        conversation("c4", E),
    ]
    got = list(intercom(intercom_api, sleeps).extract_events(START, END))

    assert [x.record["id"] for x in got] == ["c1", "c2", "c3"]
    assert got[1].record["state"] == "closed"
    assert got[0].record["conversation_parts"]["conversation_parts"][0]["id"] == "c1-p1"
    searches = intercom_api.calls("/conversations/search")
    assert len(searches) == 2
    assert searches[0].body["query"]["value"] == [
        {"field": "updated_at", "operator": ">", "value": S - 1},
        {"field": "updated_at", "operator": "<", "value": E},
    ]
    assert searches[1].body["pagination"]["starting_after"]
    assert {r.headers["intercom-version"] for r in intercom_api.requests} == {"2.11"}
    assert len(intercom_api.calls("/conversations/c2")) == 1


def test_intercom_conversation_updated_after_the_search_is_left_to_its_new_window(
    intercom_api, sleeps
):
    intercom_api.conversations = [conversation("c1", S + 10), conversation("c1", E + 10)]
    # The search matches the in-window version; the full read returns the newer one.
    connector = IntercomConnector(IC_TOKEN, intercom_api.url, http_options={"sleep": sleeps})
    assert list(connector.extract_events(START, END)) == []
    assert len(intercom_api.calls("/conversations/c1")) == 1


def test_intercom_429_waits_until_the_rate_limit_reset(intercom_api, sleeps):
    reset = str(int(time.time()) + 5)
    intercom_api.fail_next("/admins", 429, headers={"X-RateLimit-Reset": reset})
    connector = IntercomConnector(IC_TOKEN, intercom_api.url, http_options={"sleep": sleeps})
    assert [x.stream for x in connector.extract_reference()] == []
    assert len(sleeps) == 1 and 3 < sleeps[0] <= 5


def test_intercom_reference_and_bad_token(intercom_api, sleeps):
    intercom_api.admins = [{"type": "admin", "id": "42", "name": "Ann", "team_ids": [7]}]
    intercom_api.teams = [{"type": "team", "id": "7", "name": "Tier 1", "admin_ids": [42]}]
    got = list(IntercomConnector(IC_TOKEN, intercom_api.url).extract_reference())
    assert [(x.stream, x.record["id"]) for x in got] == [("admins", "42"), ("teams", "7")]

    with pytest.raises(ConnectorError, match="401.*INTERCOM_ACCESS_TOKEN"):
        IntercomConnector("nope", intercom_api.url).check()


# ---- typeform ------------------------------------------------------------------------


def test_typeform_drops_the_inclusive_until_and_pages_with_before(typeform_api, sleeps):
    typeform_api.responses = {
        "formA": [
            response("r0", S - 1),
            response("r1", S),
            response("r2", S + 10),
            response("r3", S + 20),
            response("r4", E - 1),
            response("r5", E),
        ],
        "formB": [response("b1", S + 5)],
    }
    connector = typeform(typeform_api, sleeps, form_ids=("formA", "formB"))
    got = list(connector.extract_events(START, END))

    assert sorted(x.record["token"] for x in got) == ["b1", "r1", "r2", "r3", "r4"]
    assert {x.context["form_id"] for x in got if x.record["token"].startswith("r")} == {"formA"}
    calls = typeform_api.calls("/forms/formA/responses")
    assert (
        calls[0].query["since"] == "2026-03-02T00:00:00"
        and calls[0].query["until"] == "2026-03-03T00:00:00"
    )
    assert calls[0].query["page_size"] == "2" and "before" in calls[1].query
    assert min(x.event_time for x in got) == START
    assert sleeps and max(sleeps) <= 0.5  # paced to Typeform's 2 requests a second


def test_typeform_forms_reference(typeform_api):
    typeform_api.forms = {
        "formA": {"id": "formA", "title": "NPS", "fields": [{"id": "f1", "ref": "nps"}]}
    }
    got = list(TypeformConnector(TF_TOKEN, ("formA",), typeform_api.url).extract_reference())
    assert [(x.stream, x.record["title"]) for x in got] == [("forms", "NPS")]


def test_requests_sent_counts_every_request_per_stream_retries_included(zendesk_api, sleeps):
    zendesk_api.tickets = [ticket(2, S + 60), ticket(3, S + 120)]
    zendesk_api.audits = {
        2: [{"id": 100 + i, "ticket_id": 2, "created_at": iso(S), "events": []} for i in range(5)],
        3: [{"id": 300, "ticket_id": 3, "created_at": iso(S), "events": []}],
    }
    zendesk_api.fail_next("/api/v2/tickets/3/audits", 500)
    connector = zendesk(zendesk_api, sleeps)
    list(connector.extract_events(START, END))
    sent = connector.requests_sent()

    # The account-wide audit listing answers 404 here (1 request), so each ticket is read on
    # its own in pages of two audits: ticket 2's five take 3 requests, ticket 3's one takes
    # 1, and its first attempt answered 500, so 1 more: 1 + 3 + 1 + 1 = 6.
    assert sent["ticket_audits"] == 6
    # Every request the fake received is counted under its stream, and nothing else.
    export = zendesk_api.calls("/api/v2/incremental/tickets/cursor.json")
    ratings = zendesk_api.calls("/api/v2/satisfaction_ratings")
    assert sent == {
        "tickets": len(export),
        "ticket_audits": 6,
        "satisfaction_ratings": len(ratings),
    }
    assert len(zendesk_api.requests) == sum(sent.values())
