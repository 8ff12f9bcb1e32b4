"""Behaviour of the simulated support organisation and of its HTTP server."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import requests

from simulator.org import SimConfig, SupportOrg
from simulator.server import SimCredentials, SimulatorServer

START = date(2024, 3, 4)
NOW = datetime(2024, 3, 14, tzinfo=UTC)
SMALL = SimConfig(
    seed=11, tickets_per_day=6, chats_per_day=4, agents=6, history_start=START, now=NOW
)


def day(offset: int) -> datetime:
    return datetime(START.year, START.month, START.day, tzinfo=UTC) + timedelta(days=offset)


@pytest.fixture(scope="module")
def server() -> Iterator[SimulatorServer]:
    with SimulatorServer(SupportOrg(SMALL)) as running:
        yield running


def zendesk_session(server: SimulatorServer) -> requests.Session:
    env = server.env()
    session = requests.Session()
    session.auth = (f"{env['ZENDESK_EMAIL']}/token", env["ZENDESK_API_TOKEN"])
    return session


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- determinism --------------------------------------------------------------------------


def test_same_seed_gives_identical_windows() -> None:
    first, second = SupportOrg(SMALL), SupportOrg(SMALL)
    for offset in range(3, 6):
        window = (day(offset), day(offset + 1))
        assert first.zendesk_tickets_updated_between(*window) == (
            second.zendesk_tickets_updated_between(*window)
        )
        assert first.intercom_conversations_updated_between(*window) == (
            second.intercom_conversations_updated_between(*window)
        )


def test_a_window_is_the_same_whatever_was_served_before() -> None:
    fresh, warmed = SupportOrg(SMALL), SupportOrg(SMALL)
    warmed.zendesk_tickets_updated_between(day(0), day(10))
    warmed.intercom_conversations_updated_between(day(7), day(9))
    window = (day(5), day(6))
    assert fresh.zendesk_tickets_updated_between(*window) == (
        warmed.zendesk_tickets_updated_between(*window)
    )
    assert fresh.intercom_conversations_updated_between(*window) == (
        warmed.intercom_conversations_updated_between(*window)
    )
    form = fresh.typeform_form_ids()[0]
    assert fresh.typeform_responses_submitted_between(form, day(0), day(10)) == (
        warmed.typeform_responses_submitted_between(form, day(0), day(10))
    )


def test_another_seed_gives_another_history() -> None:
    other = SupportOrg(SimConfig(**{**SMALL.__dict__, "seed": 12}))
    window = (day(0), day(10))
    assert other.zendesk_tickets_updated_between(*window) != (
        SupportOrg(SMALL).zendesk_tickets_updated_between(*window)
    )


# -- shapes -------------------------------------------------------------------------------


def test_tickets_and_audits_have_the_zendesk_fields_the_pipeline_reads() -> None:
    org = SupportOrg(SMALL)
    tickets = org.zendesk_tickets_updated_between(day(0), day(10))
    assert tickets
    for ticket in tickets:
        assert {"id", "created_at", "updated_at", "status", "priority", "via", "group_id",
                "assignee_id", "requester_id", "tags", "satisfaction_rating"} <= ticket.keys()  # fmt: skip
        assert ticket["via"]["channel"] in {"email", "web", "chat", "voice", "twitter"}
        audits = org.zendesk_ticket_audits(ticket["id"])
        create = audits[0]["events"]
        assert (
            create[0]["type"] == "Comment" and {"public", "author_id", "body"} <= create[0].keys()
        )
        assert any(e["type"] == "Create" and e["field_name"] == "status" for e in create)
        for audit in audits[1:]:
            for event in audit["events"]:
                if event["type"] == "Change":
                    assert {"field_name", "value", "previous_value"} <= event.keys()
        assert audits[-1]["created_at"] == ticket["updated_at"]


def test_history_covers_the_situations_the_kpis_measure() -> None:
    org = SupportOrg(SimConfig(seed=3, tickets_per_day=20, chats_per_day=15, agents=10,
                               history_start=START, now=NOW + timedelta(days=30)))  # fmt: skip
    tickets = org.zendesk_tickets_updated_between(day(0), day(45))
    statuses, reopened, escalated, automated = set(), 0, 0, 0
    for ticket in tickets:
        changes = [
            (e["previous_value"], e["value"])
            for a in org.zendesk_ticket_audits(ticket["id"])
            for e in a["events"]
            if e["type"] == "Change" and e["field_name"] == "status"
        ]
        statuses |= {value for _, value in changes}
        reopened += any(old == "solved" and new == "open" for old, new in changes)
        escalated += "escalated" in ticket["tags"]
        automated += "auto_solved" in ticket["tags"]
    assert {"open", "pending", "hold", "solved", "closed"} <= statuses
    assert reopened and escalated and automated
    scores = {t["satisfaction_rating"]["score"] for t in tickets}
    assert {"good", "bad", "offered", "unoffered"} <= scores
    chats = org.intercom_conversations_updated_between(day(0), day(45))
    part_types = {
        p["part_type"] for c in chats for p in c["conversation_parts"]["conversation_parts"]
    }
    assert {"comment", "note", "assignment", "close", "snoozed", "quick_reply"} <= part_types
    resolutions = {c.get("ai_agent", {}).get("resolution_state") for c in chats}
    assert {"assumed_resolution", "confirmed_resolution"} <= resolutions
    assert all(isinstance(c["id"], str) for c in chats)
    assert {c["conversation_rating"]["rating"] for c in chats if c["conversation_rating"]}


def test_survey_responses_link_to_real_contacts() -> None:
    org = SupportOrg(SMALL)
    nps_form, csat_form = org.typeform_form_ids()
    assert {f["ref"] for f in org.typeform_form(nps_form)["fields"]} == {"nps", "ces"}
    assert {f["ref"] for f in org.typeform_form(csat_form)["fields"]} == {"csat"}
    emails = {u["email"] for _, _, u in org.zendesk_users()}
    responses = org.typeform_responses_submitted_between(nps_form, day(0), day(10))
    assert responses
    for response in responses:
        assert response["hidden"]["email"] in emails
        ticket_id = response["hidden"].get("ticket_id")
        if ticket_id:
            assert org.zendesk_ticket_audits(int(ticket_id))
        else:
            assert org.intercom_conversation(response["hidden"]["conversation_id"])
        nps = next(a for a in response["answers"] if a["field"]["ref"] == "nps")
        assert 0 <= nps["number"] <= 10


def test_default_schedule_is_the_earliest_created_and_one_opens_on_sunday() -> None:
    schedules = SupportOrg(SMALL).zendesk_schedules()
    earliest = min(schedules, key=lambda s: s["created_at"])
    assert earliest["time_zone"] == "Eastern Time (US & Canada)"
    sunday_open = [s for s in schedules if any(i["start_time"] < 1440 for i in s["intervals"])]
    assert [s["time_zone"] for s in sunday_open] == ["Jerusalem"]


# -- the clock ----------------------------------------------------------------------------


def test_nothing_after_now_is_served() -> None:
    org = SupportOrg(SMALL)
    stamp = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    tickets = org.zendesk_tickets_updated_between(day(-30), day(60))
    assert tickets and max(t["updated_at"] for t in tickets) <= stamp
    for ticket in tickets:
        assert all(a["created_at"] <= stamp for a in org.zendesk_ticket_audits(ticket["id"]))
    chats = org.intercom_conversations_updated_between(day(-30), day(60))
    assert max(c["updated_at"] for c in chats) <= NOW.timestamp()
    for form in org.typeform_form_ids():
        responses = org.typeform_responses_submitted_between(form, day(-30), day(60))
        assert all(r["submitted_at"] <= stamp for r in responses)
    assert not org.zendesk_tickets_updated_between(NOW, NOW + timedelta(days=30))


def test_a_late_update_moves_a_ticket_to_a_later_window() -> None:
    early = SupportOrg(SimConfig(**{**SMALL.__dict__, "now": day(3) + timedelta(hours=12)}))
    late = SupportOrg(SimConfig(**{**SMALL.__dict__, "now": NOW + timedelta(days=40)}))
    first_window = {t["id"]: t for t in early.zendesk_tickets_updated_between(day(2), day(3))}
    moved = [
        tid
        for tid in first_window
        if tid not in {t["id"] for t in late.zendesk_tickets_updated_between(day(2), day(3))}
    ]
    assert moved, "some ticket of the day must be updated again later"
    later_tickets = {t["id"]: t for t in late.zendesk_tickets_updated_between(day(3), day(50))}
    for tid in moved:
        assert later_tickets[tid]["updated_at"] > first_window[tid]["updated_at"]


# -- the HTTP server ----------------------------------------------------------------------


def test_ticket_export_pages_over_http_match_the_python_api(server: SimulatorServer) -> None:
    session = zendesk_session(server)
    start = day(4)
    url = f"{server.env()['ZENDESK_BASE_URL']}/api/v2/incremental/tickets/cursor.json"
    params: dict = {"start_time": int(start.timestamp()), "per_page": 7}
    seen, pages = [], 0
    while True:
        body = session.get(url, params=params, timeout=10).json()
        seen += body["tickets"]
        pages += 1
        if body["end_of_stream"]:
            break
        assert body["after_url"].startswith(server.base_url)
        url, params = body["after_url"], {}
    expected = server.org.zendesk_tickets_updated_between(start, NOW + timedelta(seconds=1))
    assert pages > 1
    assert [t["id"] for t in seen] == [t["id"] for t in expected]


def test_audits_paginate_with_cursor_links(server: SimulatorServer) -> None:
    session = zendesk_session(server)
    ticket = max(
        server.org.zendesk_tickets_updated_between(day(0), day(10)),
        key=lambda t: len(server.org.zendesk_ticket_audits(t["id"])),
    )
    url = f"{server.env()['ZENDESK_BASE_URL']}/api/v2/tickets/{ticket['id']}/audits.json"
    params: dict | None = {"page[size]": 2}
    audits = []
    while url:
        body = session.get(url, params=params, timeout=10).json()
        audits += body["audits"]
        url = body["links"]["next"] if body["meta"]["has_more"] else None
        params = None
    assert len(audits) > 2
    assert audits == server.org.zendesk_ticket_audits(ticket["id"])


def test_the_audit_listing_pages_newest_first_and_leaves_archived_tickets_out() -> None:
    # 150 days: tickets closed before the last 120 days are archived by now.
    config = SimConfig(
        seed=5,
        tickets_per_day=3,
        chats_per_day=0,
        agents=5,
        history_start=START,
        now=day(150),
    )
    with SimulatorServer(SupportOrg(config)) as running:
        org = running.org
        session = zendesk_session(running)
        url: str | None = f"{running.env()['ZENDESK_BASE_URL']}/api/v2/ticket_audits.json"
        params: dict | None = {"limit": 50}
        pages = []
        while url:
            body = session.get(url, params=params, timeout=10).json()
            pages.append(body)
            url, params = body["before_url"], None
        # Going back from an older page leads to the newer one again.
        newer = session.get(pages[1]["after_url"], timeout=10).json()
    listed = [audit for page in pages for audit in page["audits"]]
    assert len(pages) > 2 and all(len(page["audits"]) == 50 for page in pages[:-1])
    assert newer["audits"] == pages[0]["audits"]
    assert pages[0]["after_url"] is None and pages[-1]["before_url"] is None
    keys = [(audit["created_at"], audit["id"]) for audit in listed]
    assert keys == sorted(keys, reverse=True)
    # Exactly the audits of the tickets not archived: closed and untouched for 120 days.
    tickets = org.zendesk_tickets_updated_between(day(0), day(151))

    def archived(ticket: dict) -> bool:
        updated = datetime.fromisoformat(ticket["updated_at"])
        return ticket["status"] == "closed" and updated <= day(30)

    kept = [t["id"] for t in tickets if not archived(t)]
    assert any(archived(t) for t in tickets) and kept
    expected = [a["id"] for t in kept for a in org.zendesk_ticket_audits(t)]
    assert sorted(a["id"] for a in listed) == sorted(expected)


def test_users_and_organizations_exports_reach_the_end(server: SimulatorServer) -> None:
    session = zendesk_session(server)
    base = server.env()["ZENDESK_BASE_URL"]
    url, params = f"{base}/api/v2/incremental/users/cursor.json", {"start_time": 0, "per_page": 25}
    users: list[dict] = []
    while True:
        body = session.get(url, params=params, timeout=10).json()
        users += body["users"]
        if body["end_of_stream"]:
            break
        url, params = body["after_url"], {}
    assert [u["id"] for u in users] == [uid for _, uid, _ in server.org.zendesk_users()]
    assert {"agent", "admin", "end-user"} <= {u["role"] for u in users}
    assert any(not u["active"] for u in users)
    orgs = session.get(
        f"{base}/api/v2/incremental/organizations.json", params={"start_time": 0}, timeout=10
    ).json()
    assert orgs["end_of_stream"] and orgs["count"] == len(server.org.zendesk_organizations())
    assert orgs["next_page"].startswith(server.base_url)


def test_satisfaction_ratings_filter_on_update_time_and_page(server: SimulatorServer) -> None:
    session = zendesk_session(server)
    start, end = int(day(0).timestamp()), int(NOW.timestamp())
    url = f"{server.env()['ZENDESK_BASE_URL']}/api/v2/satisfaction_ratings.json"
    params: dict | None = {"start_time": start, "end_time": end, "per_page": 3}
    ratings = []
    while url:
        body = session.get(url, params=params, timeout=10).json()
        ratings += body["satisfaction_ratings"]
        url, params = body["next_page"], None
    expected = server.org.zendesk_satisfaction_ratings(day(0), NOW)
    assert len(ratings) > 3 and ratings == expected


def test_intercom_search_pages_match_the_python_api(server: SimulatorServer) -> None:
    env = server.env()
    start, end = day(3), day(6)
    query = {
        "operator": "AND",
        "value": [
            {"field": "updated_at", "operator": ">=", "value": int(start.timestamp())},
            {"field": "updated_at", "operator": "<", "value": int(end.timestamp())},
        ],
    }
    pagination: dict = {"per_page": 3}
    ids = []
    while True:
        body = requests.post(
            f"{env['INTERCOM_BASE_URL']}/conversations/search",
            json={"query": query, "pagination": pagination},
            headers=bearer(env["INTERCOM_ACCESS_TOKEN"]),
            timeout=10,
        ).json()
        ids += [c["id"] for c in body["conversations"]]
        following = body["pages"].get("next")
        if not following:
            break
        pagination = {"per_page": 3, "starting_after": following["starting_after"]}
    expected = server.org.intercom_conversations_updated_between(start, end)
    assert len(ids) > 3 and ids == [c["id"] for c in expected]
    one = requests.get(
        f"{env['INTERCOM_BASE_URL']}/conversations/{ids[0]}",
        headers=bearer(env["INTERCOM_ACCESS_TOKEN"]),
        timeout=10,
    ).json()
    assert one == expected[0]


def test_typeform_since_until_are_inclusive_and_after_token_pages(
    server: SimulatorServer,
) -> None:
    env = server.env()
    form = env["TYPEFORM_FORM_IDS"].split(",")[0]
    everything = server.org.typeform_responses_submitted_between(form, day(0), NOW)
    assert len(everything) >= 3
    first, last = everything[0]["submitted_at"], everything[-1]["submitted_at"]
    url = f"{env['TYPEFORM_BASE_URL']}/forms/{form}/responses"
    headers = bearer(env["TYPEFORM_TOKEN"])
    body = requests.get(
        url, params={"since": first[:-1], "until": last[:-1], "page_size": 1000},
        headers=headers, timeout=10,
    ).json()  # fmt: skip
    assert body["total_items"] == len(everything)
    tokens: list[str] = []
    params = {"since": first[:-1], "until": last[:-1], "page_size": 2, "after": ""}
    params["after"] = everything[0]["token"]
    tokens.append(everything[0]["token"])
    while True:
        page = requests.get(url, params=params, headers=headers, timeout=10).json()
        if not page["items"]:
            break
        tokens += [item["token"] for item in page["items"]]
        params["after"] = page["items"][-1]["token"]
    assert tokens == [r["token"] for r in everything]


def test_reference_endpoints_answer(server: SimulatorServer) -> None:
    env = server.env()
    session = zendesk_session(server)
    base = env["ZENDESK_BASE_URL"]
    groups = session.get(f"{base}/api/v2/groups.json", timeout=10).json()["groups"]
    assert "Tier 2" in {g["name"] for g in groups}
    schedules = session.get(f"{base}/api/v2/business_hours/schedules.json", timeout=10).json()
    schedule_id = schedules["schedules"][0]["id"]
    holidays = session.get(
        f"{base}/api/v2/business_hours/schedules/{schedule_id}/holidays.json", timeout=10
    ).json()["holidays"]
    assert holidays and {"start_date", "end_date", "name"} <= holidays[0].keys()
    policies = session.get(f"{base}/api/v2/slas/policies.json", timeout=10).json()
    assert {m["metric"] for p in policies["sla_policies"] for m in p["policy_metrics"]} == {
        "first_reply_time", "next_reply_time", "requester_wait_time"}  # fmt: skip
    token = bearer(env["INTERCOM_ACCESS_TOKEN"])
    admins = requests.get(f"{env['INTERCOM_BASE_URL']}/admins", headers=token, timeout=10).json()
    teams = requests.get(f"{env['INTERCOM_BASE_URL']}/teams", headers=token, timeout=10).json()
    assert {a["email"] for a in admins["admins"]} <= {
        u["email"] for _, _, u in server.org.zendesk_users()
    }
    assert {t["name"] for t in teams["teams"]} == {g["name"] for g in groups}


def test_wrong_or_missing_credentials_get_401(server: SimulatorServer) -> None:
    env = server.env()
    wrong = requests.get(
        f"{env['ZENDESK_BASE_URL']}/api/v2/groups.json",
        auth=(f"{env['ZENDESK_EMAIL']}/token", "nope"),
        timeout=10,
    )
    assert wrong.status_code == 401 and "error" in wrong.json()
    missing = requests.post(f"{env['INTERCOM_BASE_URL']}/conversations/search", json={}, timeout=10)
    assert missing.status_code == 401 and missing.json()["type"] == "error.list"
    form = env["TYPEFORM_FORM_IDS"].split(",")[0]
    denied = requests.get(
        f"{env['TYPEFORM_BASE_URL']}/forms/{form}", headers=bearer("bad"), timeout=10
    )
    assert denied.status_code == 401 and denied.json()["code"] == "AUTHENTICATION_FAILED"


def test_custom_credentials_are_the_ones_accepted() -> None:
    credentials = SimCredentials("ops@example.com", "zt", "it", "tt")
    with SimulatorServer(SupportOrg(SMALL), credentials=credentials) as custom:
        assert custom.env()["ZENDESK_EMAIL"] == "ops@example.com"
        ok = requests.get(
            f"{custom.env()['INTERCOM_BASE_URL']}/teams", headers=bearer("it"), timeout=10
        )
        default = requests.get(
            f"{custom.env()['INTERCOM_BASE_URL']}/teams",
            headers=bearer(SimCredentials().intercom_token),
            timeout=10,
        )
    assert ok.status_code == 200 and default.status_code == 401


def test_unknown_paths_get_a_json_404(server: SimulatorServer) -> None:
    response = zendesk_session(server).get(
        f"{server.env()['ZENDESK_BASE_URL']}/api/v2/nothing.json", timeout=10
    )
    assert response.status_code == 404 and response.json()["error"] == "InvalidEndpoint"
    outside = requests.get(f"{server.base_url}/elsewhere", timeout=10)
    assert outside.status_code == 404 and outside.json()


def test_hundred_days_of_default_size_generate_quickly() -> None:
    import time

    org = SupportOrg(SimConfig(now=datetime(2024, 4, 10, tzinfo=UTC)))
    started = time.perf_counter()
    for offset in range(100):
        org.tickets_created_on(date(2024, 1, 1) + timedelta(days=offset))
        org.conversations_created_on(date(2024, 1, 1) + timedelta(days=offset))
    assert time.perf_counter() - started < 10
