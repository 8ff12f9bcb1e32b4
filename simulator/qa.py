"""Zendesk QA reviews of the simulated organisation, in the Public Export API's shape.

A QA team reviews a share of the resolved tickets and chats (REVIEW_SHARE) a few hours to two
days after their first resolution. Scores track the contact's CSAT and how long the first
reply took; now and then a critical category fails (the review then scores 0), some ratings
are N/A, a few reviews are re-scored days later, and a few evaluate outsourced agents no help
desk knows. Like every other record, a contact's reviews depend only on the seed and the
contact, and are served as of the org's `now`: a review, or its re-score, after now does not
exist yet. Nothing about a contact happens after MAX_LIFE_DAYS: later reviews are dropped.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from simulator.chats import ConversationHistory
from simulator.clock import MAX_LIFE_DAYS, from_unix, iso_z, rng_for, whole_seconds
from simulator.reference import Agent, Directory
from simulator.tickets import TicketHistory

REVIEW_SHARE = 0.07  # of the resolved contacts
CRITICAL_FAILURE_SHARE = 0.04
RESCORE_SHARE = 0.10
UNKNOWN_REVIEWEE_SHARE = 0.03
SELF_REVIEW_SHARE = 0.03
NA_SHARE = 0.12  # of the ratings of a non-critical category
WORKSPACE_ID = "11759"
WORKSPACE_NAME = "Support quality"
SCORECARD = {"id": "4200", "name": "Support scorecard"}
# (category id, name, weight, critical)
CATEGORIES = (
    ("9101", "Solution", 1.0, True),
    ("9102", "Tone", 1.0, False),
    ("9103", "Process", 0.5, False),
    ("9104", "Grammar", 0.5, False),
)
STEPS = (0.0, 25.0, 50.0, 75.0, 100.0)  # a five-point rating scale, as percentages


@dataclass(frozen=True)
class QAReview:
    """One review as served: its record, the conversation it belongs to, its latest change."""

    created_at: datetime
    changed_at: datetime
    external_id: str
    source_type: str
    record: dict

    def context(self) -> dict:
        """The conversation fields the connector hands over with the review."""
        return {
            "external_id": self.external_id,
            "source_type": self.source_type,
            "workspace_id": WORKSPACE_ID,
        }


def conversation_record(reviews: list[QAReview]) -> dict:
    """The export's conversation object holding these reviews (all of one contact)."""
    first = reviews[0]
    return {
        "externalId": first.external_id,
        "sourceType": first.source_type,
        "workspaceId": WORKSPACE_ID,
        "workspaceName": WORKSPACE_NAME,
        "url": f"https://demo.zendesk.com/qa/conversations/{first.source_type}-{first.external_id}",
        "externalUrl": "",
        "lastUpdated": "",
        "createdAtISO": iso_z(first.created_at),
        "reviews": [review.record for review in reviews],
    }


def ticket_reviews(
    directory: Directory, seed: int, history: TicketHistory, now: datetime
) -> list[QAReview]:
    """The reviews of one ticket visible at `now` (none for most tickets)."""
    rng = rng_for(seed, "qa-ticket", history.id)
    if rng.random() >= REVIEW_SHARE:
        return []
    solved = next(
        (
            (at, state)
            for at, state in zip(history.audit_times, history.snapshots, strict=True)
            if state["status"] in ("solved", "closed")
        ),
        None,
    )
    if solved is None or solved[1]["assignee_id"] is None:
        return []
    agent = directory.agent_by_zendesk_id.get(solved[1]["assignee_id"])
    rating = history.snapshots[-1]["rating"]
    csat = {"good": 8.0, "bad": -20.0}.get((rating or {}).get("score"), 0.0)
    requester = history.base.get("requester_id")
    first_reply = next(
        (
            at
            for at, audit in zip(history.audit_times, history.audits, strict=True)
            if audit["author_id"] != requester
            and any(e["type"] == "Comment" and e.get("public") for e in audit["events"])
        ),
        None,
    )
    review = _review(
        rng,
        directory,
        agent,
        solved[0],
        history.created_at,
        csat,
        first_reply,
        str(history.id),
        "zendesk",
        now,
    )
    return [review] if review else []


def conversation_reviews(
    directory: Directory, seed: int, history: ConversationHistory, now: datetime
) -> list[QAReview]:
    """The reviews of one chat visible at `now` (none for most chats)."""
    rng = rng_for(seed, "qa-chat", history.id)
    if rng.random() >= REVIEW_SHARE:
        return []
    closed = next(
        (
            (at, state)
            for at, state in zip(history.part_times, history.states, strict=True)
            if state["state"] == "closed"
        ),
        None,
    )
    if closed is None or not closed[1]["admin"]:
        return []
    agent = next((a for a in directory.agents if a.intercom_id == str(closed[1]["admin"])), None)
    csat = (history.rating[1]["rating"] - 3) * 8.0 if history.rating else 0.0
    first_reply = next(
        (
            from_unix(part["created_at"])
            for part in history.parts
            if part["author"]["type"] == "admin" and part["part_type"] == "comment"
        ),
        None,
    )
    review = _review(
        rng,
        directory,
        agent,
        closed[0],
        history.created_at,
        csat,
        first_reply,
        history.id,
        "intercom",
        now,
    )
    return [review] if review else []


def _review(
    rng: Random,
    directory: Directory,
    agent: Agent | None,
    resolved_at: datetime,
    contact_created: datetime,
    csat: float,
    first_reply: datetime | None,
    external_id: str,
    source_type: str,
    now: datetime,
) -> QAReview | None:
    created = whole_seconds(resolved_at + timedelta(hours=rng.uniform(2, 48)))
    rescored = rng.random() < RESCORE_SHARE
    changed = whole_seconds(created + timedelta(days=rng.uniform(1, 5))) if rescored else created
    limit = contact_created + timedelta(days=MAX_LIFE_DAYS)
    if agent is None or created > now or changed > limit:
        return None
    wait = (first_reply - contact_created).total_seconds() / 60 if first_reply else 600.0
    base = 84.0 + csat - (10.0 if wait > 240 else 5.0 if wait > 60 else 0.0)
    reviewee = _person(rng, agent)
    if rng.random() < UNKNOWN_REVIEWEE_SHARE:
        number = rng.randrange(1, 40)
        reviewee = {
            "email": f"contractor{number}@outsourced.example",
            "name": f"Contractor {number}",
        }
    reviewers = [a for a in directory.agents if a.role == "admin" and a is not agent]
    reviewer = agent if rng.random() < SELF_REVIEW_SHARE or not reviewers else rng.choice(reviewers)
    critical_failure = rng.random() < CRITICAL_FAILURE_SHARE
    first = _ratings(rng, base, critical_failure)
    ident = str(rng.randrange(10**12, 10**13))
    ratings = _ratings(rng, base - 10.0, critical_failure) if rescored and changed <= now else first
    record = {
        "id": ident,
        "reviewer": _person(rng, reviewer),
        "reviewee": reviewee,
        "score": _score(ratings),
        "ratings": ratings,
        "comment": "",
        "thread": [],
        "tags": [],
        "created": created.strftime("%Y-%m-%d %H:%M:%S"),
        "updated": (changed if changed <= now else created).strftime("%Y-%m-%d %H:%M:%S"),
        "received": True,
        "scorecard": dict(SCORECARD),
        "createdISO": iso_z(created),
        "updatedISO": iso_z(changed if changed <= now else created),
    }
    served_change = changed if changed <= now else created
    return QAReview(created, served_change, external_id, source_type, record)


def _person(rng: Random, agent: Agent) -> dict:
    # Some help desks and QA tools spell an email with capitals: matching ignores case.
    email = agent.email.upper() if rng.random() < 0.1 else agent.email
    return {"email": email, "name": agent.name, "avatar": ""}


def _ratings(rng: Random, base: float, critical_failure: bool) -> list[dict]:
    ratings = []
    for ident, name, weight, critical in CATEGORIES:
        if not critical and rng.random() < NA_SHARE:
            score = None
        elif critical and critical_failure:
            score = 0.0
        else:
            target = min(100.0, max(0.0, rng.gauss(base, 12.0)))
            score = min(STEPS, key=lambda step, t=target: abs(step - t))
            if critical and score == 0.0:
                score = 25.0  # a failure is the critical-failure draw's, not the noise's
        ratings.append(
            {
                "categoryId": ident,
                "categoryName": name,
                "score": score,
                "weight": weight,
                "critical": critical,
                "cause": "",
            }
        )
    return ratings


def _score(ratings: list[dict]) -> float:
    """The review score: 0 when a critical category failed, else the weighted mean of the
    rated categories (N/A left out), as a percentage."""
    if any(r["critical"] and r["score"] == 0.0 for r in ratings):
        return 0.0
    rated = [r for r in ratings if r["score"] is not None]
    weight = sum(r["weight"] for r in rated)
    return round(sum(r["score"] * r["weight"] for r in rated) / weight, 2) if weight else 0.0


def reviews_created_between(
    reviews: Iterator[QAReview], start: datetime, end: datetime
) -> list[QAReview]:
    """fromDate and toDate both inclusive on the review's creation, oldest first."""
    found = [review for review in reviews if start <= review.created_at <= end]
    return sorted(found, key=lambda review: (review.created_at, review.record["id"]))
