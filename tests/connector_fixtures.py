"""What the connector tests share: the vendors' fakes as fixtures, connector builders on them,
the window they read and record builders in the vendors' shapes.

A pytest plugin (registered in tests/conftest.py), so the fixtures reach every test module
without an import; the constants and builders are imported by name, like any helper module.
Used by tests/test_connectors.py (the contract) and tests/test_connector_faults.py (faults).
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fakes.intercom import FakeIntercom
from fakes.typeform import FakeTypeform
from fakes.zendesk import FakeZendesk, iso
from fakes.zendesk_qa import FakeZendeskQA

from connectors.intercom import IntercomConnector
from connectors.typeform import TypeformConnector
from connectors.zendesk import ZendeskConnector
from connectors.zendesk_qa import ZendeskQAConnector

# The window every connector test reads: one UTC day.
START = datetime(2026, 3, 2, tzinfo=UTC)
END = START + timedelta(days=1)
S, E = int(START.timestamp()), int(END.timestamp())
# Distinctive, so a test can assert that none of them reaches a message or a log.
EMAIL, ZD_TOKEN = "ops@example.com", "zd-secret-token-123"
IC_TOKEN, TF_TOKEN = "ic-secret-token-456", "tf-secret-token-789"
QA_TOKEN = "qa-secret-token-246"


class Sleeps(list):
    """Records requested waits instead of sleeping, so retry tests take milliseconds."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def zendesk_api() -> Iterator[FakeZendesk]:
    fake = FakeZendesk(EMAIL, ZD_TOKEN, page_size=2).start()
    yield fake
    fake.stop()


@pytest.fixture
def intercom_api() -> Iterator[FakeIntercom]:
    fake = FakeIntercom(IC_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def typeform_api() -> Iterator[FakeTypeform]:
    fake = FakeTypeform(TF_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def zendesk_qa_api() -> Iterator[FakeZendeskQA]:
    fake = FakeZendeskQA(QA_TOKEN).start()
    yield fake
    fake.stop()


# ---- connectors on the fakes: two records a page, waits recorded, fast backoff -------------


def zendesk(fake: FakeZendesk, sleeps: Sleeps, token: str = ZD_TOKEN, **http) -> ZendeskConnector:
    options = {"sleep": sleeps, "backoff_base": 0.01, **http}
    return ZendeskConnector(fake.url, EMAIL, token, page_size=2, http_options=options)


def intercom(fake: FakeIntercom, sleeps: Sleeps, **http) -> IntercomConnector:
    options = {"sleep": sleeps, "backoff_base": 0.01, **http}
    return IntercomConnector(IC_TOKEN, fake.url, per_page=2, http_options=options)


def typeform(
    fake: FakeTypeform, sleeps: Sleeps, form_ids: tuple[str, ...] = ("f1",), **http
) -> TypeformConnector:
    options = {"sleep": sleeps, "backoff_base": 0.01, **http}
    return TypeformConnector(TF_TOKEN, form_ids, fake.url, page_size=2, http_options=options)


def zendesk_qa(
    fake: FakeZendeskQA, sleeps: Sleeps, workspace: str | None = None, **http
) -> ZendeskQAConnector:
    options = {"sleep": sleeps, "backoff_base": 0.01, **http}
    return ZendeskQAConnector(QA_TOKEN, fake.url, workspace, page_size=2, http_options=options)


# ---- records in the vendors' shapes ------------------------------------------------------


def ticket(ident: int, updated: int, status: str = "open", **fields) -> dict:
    """A Zendesk ticket created the day before the window; ``fields`` add or override."""
    return {
        "id": ident,
        "created_at": iso(S - 86400),
        "updated_at": iso(updated),
        "status": status,
        "via": {"channel": "email"},
        **fields,
    }


def conversation(ident: str, updated: int, state: str = "open") -> dict:
    """A full Intercom conversation, as GET /conversations/{id} returns it: one admin reply."""
    return {
        "type": "conversation",
        "id": ident,
        "created_at": S - 3600,
        "updated_at": updated,
        "state": state,
        "admin_assignee_id": 42,
        "conversation_parts": {
            "type": "conversation_part.list",
            "conversation_parts": [
                {
                    "type": "conversation_part",
                    "id": f"{ident}-p1",
                    "part_type": "comment",
                    "body": "<p>hi</p>",
                    "created_at": updated,
                    "author": {"type": "admin", "id": "42"},
                }
            ],
            "total_count": 1,
        },
    }


def bare_conversation(ident: str, updated: int) -> dict:
    """An Intercom conversation with no optional field at all (no state, no parts): the
    fault tests add, break or fail fields on top of it."""
    return {"type": "conversation", "id": ident, "created_at": S - 60, "updated_at": updated}


def response(token: str, submitted: int) -> dict:
    """A Typeform response with one NPS answer and a ticket_id hidden field."""
    return {
        "landing_id": token,
        "token": token,
        "response_id": token,
        "landed_at": iso(submitted - 60),
        "submitted_at": iso(submitted),
        "hidden": {"ticket_id": "12"},
        "answers": [
            {
                "field": {"id": "f1", "ref": "nps", "type": "opinion_scale"},
                "type": "number",
                "number": 9,
            }
        ],
    }


def qa_review(ident: str, created: int, updated: int | None = None, score: float = 80.0) -> dict:
    """A Zendesk QA review as the export nests it in a conversation: ids as strings, times
    in ISO 8601 (createdISO, updatedISO), people by email and name, two category ratings."""
    return {
        "id": ident,
        "reviewer": {"email": "lead@example.com", "name": "Lead", "avatar": ""},
        "reviewee": {"email": "Alice@Example.com", "name": "Alice", "avatar": ""},
        "score": score,
        "ratings": [
            {
                "categoryId": "501",
                "categoryName": "Solution",
                "score": score,
                "weight": 1,
                "critical": True,
                "cause": "",
            },
            {"categoryId": "502", "categoryName": "Tone", "score": None, "weight": 0.5},
        ],
        "comment": "",
        "scorecard": {"id": "77", "name": "Default"},
        "createdISO": iso(created),
        "updatedISO": iso(updated if updated is not None else created),
    }


def qa_conversation(external_id: str, *reviews: dict, source_type: str = "zendesk") -> dict:
    """One exported conversation (a help-desk ticket or chat) with its reviews."""
    return {
        "externalId": external_id,
        "sourceType": source_type,
        "workspaceId": "11759",
        "workspaceName": "Support",
        "url": f"https://acme.zendesk.com/qa/conversations/{external_id}",
        "lastUpdated": "",
        "reviews": list(reviews),
    }
