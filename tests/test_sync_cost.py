"""The sync projections of connectors/sync_cost.py, on counts worked out by hand."""

import math

import pytest

from connectors.sync_cost import BUDGETS, ZENDESK_BUDGETS, RequestBudget, scaled


def test_minutes_send_each_stream_at_its_endpoint_s_limit():
    enterprise = next(b for b in ZENDESK_BUDGETS if b.plan == "Enterprise")
    # 730 export pages at the exports' 10 a minute: 73 minutes; 700,000 audit requests at the
    # account's 700 a minute: 1,000 minutes; 1,073 in all.
    assert enterprise.minutes({"tickets": 730, "ticket_audits": 700_000}) == pytest.approx(1073)
    # Half the budget for csops: every stream twice as long, 2,146 minutes.
    assert enterprise.minutes(
        {"tickets": 730, "ticket_audits": 700_000}, share=0.5
    ) == pytest.approx(2146)


def test_the_high_volume_add_on_raises_the_exports_to_30_a_minute():
    add_on = next(b for b in ZENDESK_BUDGETS if b.plan == "High Volume API add-on")
    # 300 user export pages at 30 a minute: 10 minutes; 2,500 groups requests at 2,500: 1.
    assert add_on.minutes({"users": 300, "groups": 2500}) == pytest.approx(11)


def test_a_share_outside_the_budget_is_refused():
    budget = RequestBudget("typeform", "any plan", 120)
    for share in (0, -0.5, 1.5):
        with pytest.raises(ValueError, match="share must be in"):
            budget.minutes({"responses": 1}, share=share)


def test_every_source_has_a_budget_and_scaling_keeps_the_streams():
    assert {b.source for b in BUDGETS} == {"zendesk", "intercom", "typeform", "zendesk_qa"}
    assert [b.per_minute for b in ZENDESK_BUDGETS] == [200, 400, 400, 700, 2500]
    # 2 export pages and 1,385 audit requests for 1,385 tickets, scaled to 730,000 tickets.
    factor = 730_000 / 1385
    assert scaled({"tickets": 2, "ticket_audits": 1385}, factor) == pytest.approx(
        {"tickets": 2 * factor, "ticket_audits": 730_000}
    )


def test_the_benchmark_counts_the_requests_of_a_run_per_stream():
    from datetime import UTC, date, datetime

    from benchmarks.connector_throughput import run_request_counts
    from simulator.org import SimConfig, SupportOrg
    from simulator.server import SimulatorServer

    config = SimConfig(
        seed=3,
        tickets_per_day=20,
        chats_per_day=10,
        agents=5,
        history_start=date(2024, 3, 1),
        now=datetime(2024, 3, 11, tzinfo=UTC),
    )
    with SimulatorServer(SupportOrg(config)) as server:
        found = run_request_counts(server.env(), date(2024, 3, 1), date(2024, 3, 10))
    before = found["sources"]["zendesk_per_ticket_audits"]["first_sync"]
    after = found["sources"]["zendesk"]["first_sync"]
    tickets = found["tickets"]
    assert tickets == after["records"]["tickets"] > 0
    # Both audit paths land the same records.
    assert after["records"] == before["records"]
    # Before: one audits request per ticket (a ticket's audits fit one page of 100), 1,000
    # per 1,000 tickets.
    assert before["growing"]["ticket_audits"] == tickets
    assert found["sources"]["zendesk_per_ticket_audits"]["first_sync_per_1000_tickets"][
        "ticket_audits"
    ] == pytest.approx(1000)
    # After: ten days, nothing archived (Zendesk archives 120 days after closing), every
    # ticket created in the window: no ticket is read on its own, and the listing pages
    # through every audit of the account at up to 1,000 a page. About 5 audits a ticket
    # makes that 5 requests per 1,000 tickets; asserted as at most 20.
    assert after["growing"]["ticket_audits"] == 0
    listed = after["bulk"]["ticket_audit_listing"]
    assert listed >= after["records"]["ticket_audits"]
    pages = -(-listed // 1000)
    assert pages * 1000 / tickets <= 20
    # The small reference tables are read once a run, whatever the volume.
    assert after["reference"]["groups"] == 1 and after["reference"]["sla_policies"] == 1
    # Each projection is its budget's arithmetic on the counts, scaled to M's 730,000 tickets:
    # growing requests times the scale, bulk reads at 1,000 records a page.
    enterprise = next(
        p
        for p in found["projections"]
        if p["source"] == "zendesk" and p["plan"] == "Enterprise" and p["sync"] == "first_sync_of_M"
    )
    budget = next(b for b in ZENDESK_BUDGETS if b.plan == "Enterprise")
    factor = 730_000 / tickets
    requests = scaled(after["growing"], factor)
    requests["tickets"] = math.ceil(after["bulk"]["tickets"] * factor / 1000)
    requests["users"] = math.ceil(after["bulk"]["users"] * factor / 1000)
    requests["ticket_audits"] += math.ceil(listed * factor / 1000)
    requests.update({s: requests.get(s, 0) + n for s, n in after["reference"].items()})
    assert enterprise["hours"] == pytest.approx(budget.minutes(requests) / 60, abs=0.01)
