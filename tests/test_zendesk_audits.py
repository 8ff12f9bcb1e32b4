"""Zendesk audits through the account-wide listing, and the per-ticket path it falls back to.

Against the fake Zendesk (tests/fakes/zendesk.py): both paths must land the same audits at
the same partition times; the request counts are worked out by hand from the fake's pages.
"""

import json
import logging
from datetime import timedelta

import pytest
from connector_fixtures import END, START, S, ticket, zendesk
from fakes.zendesk import iso


def _audit(ident: int, ticket_id: int, at: int) -> dict:
    return {"id": ident, "ticket_id": ticket_id, "created_at": iso(at), "events": []}


def _six_tickets(fake) -> None:
    """Tickets 1-6, each created in the window 300 s before its update at S + 600 i, with
    three audits (created, +150 s, updated); ticket 40, not in the window, has two audits
    (S + 100 and S + 4000). 20 audits in all, listed 5 a page."""
    fake.tickets = [ticket(i, S + 600 * i, created_at=iso(S + 600 * i - 300)) for i in range(1, 7)]
    fake.audits = {
        i: [
            _audit(100 * i + 1, i, S + 600 * i - 300),
            _audit(100 * i + 2, i, S + 600 * i - 150),
            _audit(100 * i + 3, i, S + 600 * i),
        ]
        for i in range(1, 7)
    }
    fake.audits[40] = [_audit(4001, 40, S + 100), _audit(4002, 40, S + 4000)]
    fake.listing_page_size = 5


def _landed(fake, sleeps, **options) -> tuple[list, dict]:
    connector = zendesk(fake, sleeps)
    for name, value in options.items():
        setattr(connector, name, value)
    audits = sorted(
        (json.dumps(x.record, sort_keys=True), x.event_time)
        for x in connector.extract_events(START, END)
        if x.stream == "ticket_audits"
    )
    return audits, connector.requests_sent()


def _one_by_one(fake) -> set[int]:
    """The tickets whose audits were asked for on their own."""
    return {int(c.path.split("/")[4]) for c in fake.calls("/api/v2/tickets/")}


def test_the_listing_lands_the_same_audits_as_reading_each_ticket(zendesk_api, sleeps):
    _six_tickets(zendesk_api)
    per_ticket, per_ticket_sent = _landed(zendesk_api, sleeps, audit_listing=False)
    zendesk_api.requests.clear()
    zendesk_api.audit_listing = "admin"
    listed, listed_sent = _landed(zendesk_api, sleeps)

    # 18 audits of the six tickets, each at its ticket's update time, and none of ticket 40.
    assert len(listed) == 18 and listed == per_ticket
    assert {at for _, at in listed} == {START + timedelta(seconds=600 * i) for i in range(1, 7)}
    # One by one: three audits in pages of two, 2 requests a ticket, 12.
    assert per_ticket_sent["ticket_audits"] == 12
    # Listed newest first, 5 a page: page 1 reaches S+3000 (ticket 6, created S+3300, is
    # complete); page 2 S+2100 (ticket 5); page 3 S+1050 (tickets 4 and 3); page 4 S+100
    # (tickets 2 and 1). 4 requests and none for a single ticket.
    assert listed_sent["ticket_audits"] == 4
    assert _one_by_one(zendesk_api) == set()


def test_an_archived_ticket_is_read_on_its_own(zendesk_api, sleeps):
    _six_tickets(zendesk_api)
    per_ticket, _ = _landed(zendesk_api, sleeps, audit_listing=False)
    zendesk_api.requests.clear()
    zendesk_api.audit_listing = "admin"
    zendesk_api.archived = {3}
    listed, _ = _landed(zendesk_api, sleeps)

    # The listing passed ticket 3's creation without one of its audits: archived, so its
    # audits come from its own endpoint, and the landed audits are the same.
    assert listed == per_ticket
    assert _one_by_one(zendesk_api) == {3}


def test_a_closed_ticket_untouched_for_120_days_is_not_waited_for(zendesk_api, sleeps):
    _six_tickets(zendesk_api)
    for record in zendesk_api.tickets:
        record["status"] = "closed"
    zendesk_api.archived = {1, 2, 3, 4, 5, 6}
    # The newest audit of the account is 200 days after the window: Zendesk's present.
    zendesk_api.audits[40].append(_audit(4003, 40, S + 200 * 86400))
    per_ticket, _ = _landed(zendesk_api, sleeps, audit_listing=False)
    zendesk_api.requests.clear()
    zendesk_api.audit_listing = "admin"
    listed, sent = _landed(zendesk_api, sleeps)

    # The six were closed more than 120 days before it: archived, so the first page is the
    # only one (6 tickets x 2 pages of their own + 1 listing page = 13 requests).
    assert listed == per_ticket
    assert _one_by_one(zendesk_api) == {1, 2, 3, 4, 5, 6}
    assert sent["ticket_audits"] == 13
    assert len(zendesk_api.calls("/api/v2/ticket_audits")) == 1


def test_a_ticket_created_long_before_the_window_is_read_on_its_own(zendesk_api, sleeps):
    _six_tickets(zendesk_api)
    # Ticket 7: created 20 days before the window (past the 14-day lookback), updated in it.
    zendesk_api.tickets.append(ticket(7, S + 50, created_at=iso(S - 20 * 86400)))
    zendesk_api.audits[7] = [_audit(701, 7, S - 20 * 86400), _audit(702, 7, S + 50)]
    per_ticket, _ = _landed(zendesk_api, sleeps, audit_listing=False)
    zendesk_api.requests.clear()
    zendesk_api.audit_listing = "admin"
    listed, _ = _landed(zendesk_api, sleeps)

    assert listed == per_ticket and len(listed) == 20
    assert _one_by_one(zendesk_api) == {7}
    # The listing never went back 20 days: 21 audits at 5 a page, and it stopped by S+100.
    assert len(zendesk_api.calls("/api/v2/ticket_audits")) <= 5


@pytest.mark.parametrize(
    ("listing", "said"),
    [
        ("agent", ("HTTP 403", "admin")),  # the token's user is not an admin
        (None, ("HTTP 404",)),  # no such endpoint
        ("standard", ("before_url",)),  # another pagination's shape than the one asked for
        ("from_oldest", ("did not start at the newest audits",)),  # another order
    ],
)
def test_a_listing_refused_or_out_of_its_shape_leaves_every_ticket_to_read_on_its_own(
    zendesk_api, sleeps, caplog, listing, said
):
    _six_tickets(zendesk_api)
    per_ticket, _ = _landed(zendesk_api, sleeps, audit_listing=False)
    zendesk_api.requests.clear()
    zendesk_api.audit_listing = listing
    with caplog.at_level(logging.WARNING, logger="connectors.zendesk"):
        landed, sent = _landed(zendesk_api, sleeps)

    # Nothing of the first page is kept (it could hold any ticket's newest audits only).
    assert landed == per_ticket
    assert _one_by_one(zendesk_api) == {1, 2, 3, 4, 5, 6}
    # The listing's one request and 12 of the tickets' own.
    assert sent["ticket_audits"] == 1 + 12
    assert "on its own" in caplog.text
    assert all(words in caplog.text for words in said)


def test_an_unreadable_audit_time_stops_the_listing_and_loses_nothing(zendesk_api, sleeps, caplog):
    _six_tickets(zendesk_api)
    zendesk_api.audits[40][1]["created_at"] = "yesterday"
    zendesk_api.audit_listing = "admin"
    with caplog.at_level(logging.WARNING, logger="connectors.zendesk"):
        landed, _ = _landed(zendesk_api, sleeps)

    # The bad audit sorts first: the listing is dropped, and every ticket is read alone.
    assert len(landed) == 18
    assert _one_by_one(zendesk_api) == {1, 2, 3, 4, 5, 6}
    assert "readable created_at" in caplog.text


def test_the_audit_path_is_chosen_from_the_environment(zendesk_api):
    from connector_fixtures import EMAIL, ZD_TOKEN

    from connectors.errors import ConfigError
    from connectors.zendesk import ZendeskConnector

    env = {"ZENDESK_BASE_URL": zendesk_api.url, "ZENDESK_EMAIL": EMAIL}
    env["ZENDESK_API_TOKEN"] = ZD_TOKEN
    assert ZendeskConnector.from_env(env).audit_listing is True
    per_ticket = {**env, "CSOPS_ZENDESK_AUDITS": "Per-Ticket"}
    assert ZendeskConnector.from_env(per_ticket).audit_listing is False
    with pytest.raises(ConfigError, match="CSOPS_ZENDESK_AUDITS='bulk' is not one of listing"):
        ZendeskConnector.from_env({**env, "CSOPS_ZENDESK_AUDITS": "bulk"})


def test_on_the_simulator_both_paths_land_the_same_audits_with_archived_tickets():
    from datetime import UTC, date, datetime

    from connectors.zendesk import ZendeskConnector
    from simulator.org import SimConfig, SupportOrg
    from simulator.server import SimulatorServer

    # 150 days up to now: the tickets closed in the first 30 are archived.
    now = datetime(2024, 8, 1, tzinfo=UTC)
    config = SimConfig(
        seed=5,
        tickets_per_day=3,
        chats_per_day=0,
        agents=5,
        history_start=date(2024, 3, 4),
        now=now,
    )
    start = datetime(2024, 3, 4, tzinfo=UTC)
    landed, sent = {}, {}
    with SimulatorServer(SupportOrg(config)) as server:
        archived = {
            t["id"]
            for t in server.org.zendesk_tickets_updated_between(start, now)
            if t["status"] == "closed" and t["updated_at"] <= "2024-04-03T00:00:00Z"
        }
        for listing in (False, True):
            connector = ZendeskConnector.from_env(server.env(), {"rate_limit": None})
            connector.audit_listing = listing
            landed[listing] = sorted(
                (json.dumps(x.record, sort_keys=True), x.event_time)
                for x in connector.extract_events(start, now)
                if x.stream == "ticket_audits"
            )
            sent[listing] = connector.requests_sent()["ticket_audits"]
            reads = connector.requests_sent()["ticket_audits"] - connector.listing_pages
    assert archived and landed[True] == landed[False]
    # Every ticket's audits fit one page of 100: one request per ticket before; after, one
    # per archived ticket plus the listing's pages.
    assert reads == len(archived) and sent[True] < sent[False]
