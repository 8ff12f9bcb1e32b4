"""Zendesk tickets of the simulated organisation: each ticket's whole life, decided at
creation, and its state as of any instant.

A ticket's life is a list of audits (the Zendesk audit log: comments, status, group,
assignee, tag and satisfaction changes). It depends only on the seed, the creation day and
the ticket's index that day. What the API serves is the prefix of that life visible at the
simulated `now`: a reply scheduled after `now` has simply not happened yet.
"""

import bisect
import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random

from simulator.behaviour import (
    arrival_time,
    choose,
    clamp_score,
    dissatisfaction,
    later,
    lognormal_minutes,
)
from simulator.clock import MAX_LIFE_DAYS, day_number, iso_z, rng_for, unix
from simulator.reference import (
    BILLING_TEAM,
    ESCALATION_TEAM,
    SYSTEM_AUTHOR_ID,
    Agent,
    Customer,
    Directory,
    Team,
)
from simulator.surveys import CSAT_FORM, NPS_FORM, SurveyInvite

MAX_TICKETS_PER_DAY = 9_999  # ids are day number x 10000 + index
CHANNELS = (("email", 0.36), ("web", 0.3), ("chat", 0.12), ("voice", 0.14), ("twitter", 0.08))
LIVE_CHANNELS = frozenset({"chat", "voice"})
PRIORITIES = (("low", 0.2), ("normal", 0.55), ("high", 0.18), ("urgent", 0.07))
# Median business minutes before an agent picks a ticket up, by priority.
PICKUP_MEDIAN = {"urgent": 20.0, "high": 60.0, "normal": 150.0, "low": 300.0}

_TOPICS = {
    "support": (
        ("Cannot log in after password change", "login"),
        ("CSV export stops at 10,000 rows", "export"),
        ("Dashboard loads very slowly", "performance"),
        ("How do I add a teammate?", "how_to"),
        ("Integration with our CRM is failing", "integration"),
        ("Mobile app crashes on start", "bug"),
        ("Notifications arrive twice", "bug"),
        ("Password reset email never arrives", "password_reset"),
    ),
    BILLING_TEAM: (
        ("Invoice shows the wrong amount", "invoice"),
        ("Please refund the duplicate charge", "refund"),
        ("Change our plan to annual billing", "plan_change"),
        ("Card declined on renewal", "payment"),
    ),
}

_RULES = {
    "auto_answer": (36_001, "Auto-answer password reset requests", "trigger"),
    "solve_pending": (36_002, "Solve pending tickets after 7 days", "automation"),
    "csat": (36_003, "Request customer satisfaction rating", "automation"),
    "close": (36_004, "Close ticket 4 days after status is set to solved", "automation"),
}


class _BeyondLifetime(Exception):
    """Raised when a ticket's next event would fall after MAX_LIFE_DAYS: its life ends there."""


@dataclass
class TicketView:
    """A ticket as the API shows it at one instant."""

    updated_at: datetime
    ticket: dict
    audits: list[dict]
    rating: dict | None  # the satisfaction rating record, once offered


@dataclass
class TicketHistory:
    """A ticket's full life: its fixed fields, chronological audits and state snapshots."""

    id: int
    created_at: datetime
    base: dict
    audit_times: list[datetime] = field(default_factory=list)
    audits: list[dict] = field(default_factory=list)
    snapshots: list[dict] = field(default_factory=list)
    surveys: list[SurveyInvite] = field(default_factory=list)

    def as_of(self, now: datetime) -> TicketView | None:
        """The ticket as of `now`, or None when it is not created yet."""
        visible = bisect.bisect_right(self.audit_times, now)
        if visible == 0:
            return None
        state = self.snapshots[visible - 1]
        updated_at = self.audit_times[visible - 1]
        rating = state["rating"]
        ticket = {
            **self.base,
            "updated_at": iso_z(updated_at),
            "generated_timestamp": unix(updated_at),
            "status": state["status"],
            "priority": state["priority"],
            "group_id": state["group_id"],
            "assignee_id": state["assignee_id"],
            "tags": list(state["tags"]),
            "satisfaction_rating": (
                {"id": rating["id"], "score": rating["score"], "comment": rating["comment"]}
                if rating
                else {"score": "unoffered"}
            ),
        }
        return TicketView(updated_at, ticket, self.audits[:visible], copy.copy(rating))


def ticket_id(day: date, index: int) -> int:
    """Deterministic ticket id: creation day number x 10000 + index within the day."""
    return day_number(day) * 10_000 + index


def _via(channel: str, rule: str | None = None) -> dict:
    if rule is None:
        return {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}}
    rule_id, title, kind = _RULES[rule]
    return {
        "channel": "rule",
        "source": {
            "from": {"id": rule_id, "title": title, "deleted": False},
            "to": {},
            "rel": kind,
        },
    }


def _snapshot(state: dict) -> dict:
    """A copy of a ticket's running state that later audits cannot change.

    Its values are scalars except the tags list and the flat rating record, so copying
    those two is a deep copy; copy.deepcopy was the largest cost of generating history.
    """
    rating = state["rating"]
    return {**state, "tags": list(state["tags"]), "rating": dict(rating) if rating else rating}


class _Builder:
    """Appends audits to one ticket, tracking its current fields to emit Change events."""

    def __init__(self, history: TicketHistory, limit: datetime) -> None:
        self.history = history
        self.limit = limit
        self.state: dict = {
            "status": None,
            "priority": None,
            "group_id": None,
            "assignee_id": None,
            "tags": [],
            "rating": None,
        }

    @property
    def last_time(self) -> datetime:
        return self.history.audit_times[-1]

    def audit(
        self,
        at: datetime,
        author_id: int,
        via: dict,
        *,
        comment: str | None = None,
        public: bool = True,
        changes: dict | None = None,
        create: bool = False,
        extra_events: list[dict] | None = None,
    ) -> datetime:
        """Record one audit at `at` (kept strictly after the previous one); returns its time."""
        if self.history.audits:
            at = max(at, self.last_time + timedelta(seconds=1))
        if at > self.limit:
            raise _BeyondLifetime
        audit_id = self.history.id * 100 + len(self.history.audits) + 1
        events: list[dict] = []

        def next_id() -> int:
            return audit_id * 100 + len(events) + 1

        if comment is not None:
            events.append(
                {
                    "id": next_id(),
                    "type": "Comment",
                    "author_id": author_id,
                    "body": comment,
                    "html_body": f"<p>{comment}</p>",
                    "plain_body": comment,
                    "public": public,
                    "attachments": [],
                    "audit_id": audit_id,
                }
            )
        for name, value in (changes or {}).items():
            previous = self.state[name]
            if (value == previous and not create) or (create and value is None):
                continue
            event = {"id": next_id(), "type": "Create" if create else "Change", "field_name": name}
            event["value"] = value
            if not create:
                event["previous_value"] = previous
            events.append(event)
            self.state[name] = list(value) if isinstance(value, list) else value
        for event in extra_events or []:
            events.append({"id": next_id(), **event})
        self.history.audit_times.append(at)
        self.history.audits.append(
            {
                "id": audit_id,
                "ticket_id": self.history.id,
                "created_at": iso_z(at),
                "author_id": author_id,
                "metadata": {"system": {}, "custom": {}},
                "via": via,
                "events": events,
            }
        )
        self.history.snapshots.append(_snapshot(self.state))
        return at

    def set_rating(self, at: datetime, score: str, comment: str, author_id: int) -> datetime:
        """Offer or record a satisfaction rating (a satisfaction_score change plus, for a
        customer's answer, a SatisfactionRating event), and keep the rating record."""
        previous = self.state["rating"]
        rating = {
            "id": self.history.id * 10 + 1,
            "ticket_id": self.history.id,
            "assignee_id": self.state["assignee_id"],
            "group_id": self.state["group_id"],
            "requester_id": self.history.base["requester_id"],
            "score": score,
            "comment": comment,
            "reason": None,
            "created_at": previous["created_at"] if previous else iso_z(at),
            "updated_at": iso_z(at),
        }
        extra = []
        if score in ("good", "bad"):
            extra.append(
                {
                    "type": "SatisfactionRating",
                    "score": score,
                    "assignee_id": self.state["assignee_id"],
                    "body": comment,
                }
            )
        via = _via("web") if author_id != SYSTEM_AUTHOR_ID else _via("rule", "csat")
        old_score = previous["score"] if previous else "unoffered"
        change = {
            "type": "Change",
            "field_name": "satisfaction_score",
            "value": score,
            "previous_value": old_score,
        }
        # The rating record carries the audit's own timestamp, fixed after audit() adjusts it.
        self.state["rating"] = rating
        at = self.audit(at, author_id, via, extra_events=[change, *extra])
        rating["updated_at"] = iso_z(at)
        if previous is None:
            rating["created_at"] = iso_z(at)
        self.history.snapshots[-1]["rating"] = dict(rating)
        return at


@dataclass
class _Life:
    """Running facts about one ticket while its life is generated."""

    team: Team
    priority: str
    channel: str
    customer: Customer
    assignee: Agent | None = None
    first_reply_at: datetime | None = None
    rounds: int = 0
    reopens: int = 0
    escalated: bool = False
    held: bool = False
    agent_replies: int = 0


def build_ticket(directory: Directory, seed: int, day: date, index: int) -> TicketHistory:
    """Generate ticket number `index` created on `day`: its whole life, start to end."""
    identifier = ticket_id(day, index)
    rng = rng_for(seed, "ticket", identifier)
    customer = directory.pick_customer(rng, day)
    created = arrival_time(rng, day, customer.zone)
    channel = choose(rng, CHANNELS)
    priority = choose(rng, PRIORITIES)
    if channel in LIVE_CHANNELS and priority == "low":
        priority = "normal"
    team = (
        directory.team_by_name[BILLING_TEAM]
        if rng.random() < 0.15
        else directory.team_for_region(customer.region)
    )
    subject, topic = rng.choice(_TOPICS[BILLING_TEAM if team.name == BILLING_TEAM else "support"])
    agent_initiated = channel in ("email", "voice") and rng.random() < 0.07
    opener = directory.pick_agent(rng, team, created) if agent_initiated else None
    description = (
        f"Following up on our call about: {subject.lower()}."
        if opener
        else f"Hi, {subject.lower()}. Can you help?"
    )
    base = {
        "id": identifier,
        "external_id": None,
        "via": _via(channel),
        "created_at": iso_z(created),
        "type": "incident" if topic in ("bug", "performance", "integration") else "question",
        "subject": subject,
        "raw_subject": subject,
        "description": description,
        "recipient": "support@csops-demo.test" if channel == "email" else None,
        "requester_id": customer.zendesk_id,
        "submitter_id": opener.zendesk_id if opener else customer.zendesk_id,
        "organization_id": customer.organization.zendesk_id if customer.organization else None,
        "collaborator_ids": [],
        "follower_ids": [],
        "email_cc_ids": [],
        "forum_topic_id": None,
        "problem_id": None,
        "has_incidents": False,
        "is_public": True,
        "due_at": None,
        "custom_fields": [],
        "sharing_agreement_ids": [],
        "brand_id": 360_000_001,
        "allow_channelback": False,
        "allow_attachments": True,
        "from_messaging_channel": False,
    }
    history = TicketHistory(identifier, created, base)
    builder = _Builder(history, created + timedelta(days=MAX_LIFE_DAYS))
    life = _Life(team, priority, channel, customer, assignee=opener)
    try:
        _live(builder, life, rng, directory, created, topic, opener, description)
    except _BeyondLifetime:
        pass
    history.surveys = [s for s in history.surveys if s.submitted_at <= builder.limit]
    return history


def _live(
    b: _Builder,
    life: _Life,
    rng: Random,
    directory: Directory,
    created: datetime,
    topic: str,
    opener: Agent | None,
    description: str,
) -> None:
    """Play the ticket's life forward: creation, work, solve, rating, close, surveys."""
    customer = life.customer
    creation = {
        "status": "pending" if opener else "new",
        "priority": life.priority,
        "group_id": life.team.zendesk_id,
        "assignee_id": opener.zendesk_id if opener else None,
        "tags": [topic, customer.region.lower()],
    }
    author = opener.zendesk_id if opener else customer.zendesk_id
    via = _via("web" if opener and life.channel == "email" else life.channel)
    t = b.audit(created, author, via, comment=description, changes=creation, create=True)

    automated = not opener and topic == "password_reset" and life.channel in ("email", "web")
    if automated and rng.random() < 0.85:
        t = b.audit(
            later(t, rng.uniform(1, 4)),
            SYSTEM_AUTHOR_ID,
            _via("rule", "auto_answer"),
            comment="You can reset your password from the sign-in page. This request is solved.",
            changes={"status": "solved", "tags": [*b.state["tags"], "auto_solved"]},
        )
        if rng.random() < 0.15:
            t = _customer_writes(b, life, rng, t, reopen=True)
            t = _work(b, life, rng, directory, t)
    elif opener:
        t = _await_customer(b, life, rng, directory, t)
    else:
        t = _work(b, life, rng, directory, t)

    if life.reopens == 0 and not automated and rng.random() < 0.08:
        t = _customer_writes(b, life, rng, later(t, rng.uniform(120, 4000)), reopen=True)
        t = _work(b, life, rng, directory, t)

    solved_at = t
    wait = (life.first_reply_at - created).total_seconds() / 60 if life.first_reply_at else 60.0
    unhappiness = dissatisfaction(wait, life.rounds, life.reopens)
    _plan_surveys(b, life, rng, solved_at, unhappiness)
    last_rating = _rate(b, life, rng, solved_at, unhappiness, offered=not opener)
    close_at = max(solved_at + timedelta(days=4), last_rating + timedelta(hours=1))
    close_at = close_at.replace(minute=0, second=0) + timedelta(hours=1)
    if rng.random() < 0.04:
        close_at += timedelta(days=rng.uniform(18, 35))  # a late cleanup closes it weeks later
    b.audit(close_at, SYSTEM_AUTHOR_ID, _via("rule", "close"), changes={"status": "closed"})


def _work(b: _Builder, life: _Life, rng: Random, directory: Directory, t: datetime) -> datetime:
    """Agents work the ticket until it is solved; returns the solve time."""
    while True:
        t = _agent_turn(b, life, rng, directory, t)
        if b.state["status"] == "solved":
            return t
        t = _await_customer(b, life, rng, directory, t)
        if b.state["status"] == "solved":
            return t


def _await_customer(
    b: _Builder, life: _Life, rng: Random, directory: Directory, t: datetime
) -> datetime:
    """The ticket waits on the customer: they answer, or an automation solves it."""
    if rng.random() < 0.07:
        return b.audit(
            later(t, 7 * 24 * 60 + rng.uniform(0, 60)),
            SYSTEM_AUTHOR_ID,
            _via("rule", "solve_pending"),
            changes={"status": "solved"},
        )
    t = _customer_writes(b, life, rng, t, reopen=False)
    return _work(b, life, rng, directory, t) if b.state["status"] != "solved" else t


def _customer_writes(
    b: _Builder, life: _Life, rng: Random, t: datetime, *, reopen: bool
) -> datetime:
    """The requester answers by the ticket's channel, which reopens the ticket."""
    delay = min(lognormal_minutes(rng, 240, 1.1), 4 * 24 * 60)
    if reopen:
        life.reopens += 1
        delay = rng.uniform(30, 3 * 24 * 60)
    life.rounds += 1
    return b.audit(
        later(t, delay),
        life.customer.zendesk_id,
        _via(life.channel if life.channel not in LIVE_CHANNELS else "email"),
        comment="Thanks, but it still does not work for me."
        if not reopen
        else ("This is happening again, please reopen."),
        changes={"status": "open"},
    )


def _agent_turn(
    b: _Builder, life: _Life, rng: Random, directory: Directory, t: datetime
) -> datetime:
    """One agent action after the queue wait: escalate, hold, or reply (and maybe solve)."""
    live = life.channel in LIVE_CHANNELS and life.agent_replies == 0
    median = 4.0 if live else PICKUP_MEDIAN[life.priority]
    pickup = life.team.schedule.add_business_minutes(t, lognormal_minutes(rng, median, 0.9))
    pickup = later(pickup, 0)
    if life.assignee is None or not life.assignee.active_at(pickup):
        life.assignee = directory.pick_agent(rng, life.team, pickup)
        if b.state["status"] == "new" and rng.random() < 0.5:
            pickup = b.audit(
                pickup,
                life.assignee.zendesk_id,
                _via("web"),
                changes={"assignee_id": life.assignee.zendesk_id, "status": "open"},
            )
            pickup = later(pickup, rng.uniform(2, 20))
    agent = life.assignee

    if not life.escalated and life.team.name != ESCALATION_TEAM and rng.random() < 0.1:
        life.escalated = True
        tier2 = directory.team_by_name[ESCALATION_TEAM]
        tags = b.state["tags"] + ["escalated"] if rng.random() < 0.6 else b.state["tags"]
        life.team, life.assignee = tier2, None
        t = b.audit(
            pickup,
            agent.zendesk_id,
            _via("web"),
            comment="Escalating to Tier 2: needs an engineer to look at the account.",
            public=False,
            changes={
                "group_id": tier2.zendesk_id,
                "assignee_id": None,
                "status": "open",
                "tags": tags,
            },
        )
        return _agent_turn(b, life, rng, directory, t)

    if not life.held and life.agent_replies > 0 and rng.random() < 0.08:
        life.held = True
        t = b.audit(
            pickup,
            agent.zendesk_id,
            _via("web"),
            comment="Waiting on our payment provider to confirm.",
            public=False,
            changes={"assignee_id": agent.zendesk_id, "status": "hold"},
        )
        t = b.audit(
            later(t, rng.uniform(6 * 60, 3 * 24 * 60)),
            agent.zendesk_id,
            _via("web"),
            comment="Provider confirmed, resuming.",
            public=False,
            changes={"status": "open"},
        )
        return _agent_turn(b, life, rng, directory, t)

    solve_chance = 0.3 + 0.18 * life.agent_replies + (0.25 if life.rounds >= 5 else 0.0)
    status = "solved" if rng.random() < solve_chance or life.rounds >= 6 else "pending"
    at = b.audit(
        pickup,
        agent.zendesk_id,
        _via(life.channel if life.channel in LIVE_CHANNELS else "web"),
        comment="Here is what I found and how to fix it."
        if status == "solved"
        else "Could you send us a screenshot of the error?",
        changes={"assignee_id": agent.zendesk_id, "status": status},
    )
    life.agent_replies += 1
    if life.first_reply_at is None:
        life.first_reply_at = at
    return at


def _rate(
    b: _Builder,
    life: _Life,
    rng: Random,
    solved_at: datetime,
    unhappiness: float,
    *,
    offered: bool,
) -> datetime:
    """Offer the CSAT survey and record the customer's rating; returns the last rating time."""
    if not offered or rng.random() > 0.65:
        return solved_at
    t = b.set_rating(later(solved_at, rng.uniform(60, 24 * 60)), "offered", "", SYSTEM_AUTHOR_ID)
    if rng.random() > 0.5:
        return t
    bad = rng.random() < min(0.9, 0.03 + 0.6 * unhappiness)
    comment = "Took far too long." if bad else "Quick and helpful, thanks!"
    t = b.set_rating(
        later(t, min(lognormal_minutes(rng, 360, 1.0), 60 * 60)),
        "bad" if bad else "good",
        comment,
        life.customer.zendesk_id,
    )
    if not bad and rng.random() < 0.07:
        t = b.set_rating(
            later(t, rng.uniform(24 * 60, 48 * 60)),
            "bad",
            "The problem came back.",
            life.customer.zendesk_id,
        )
    return t


def _plan_surveys(
    b: _Builder, life: _Life, rng: Random, solved_at: datetime, unhappiness: float
) -> None:
    """Some customers answer the Typeform NPS or CSAT survey sent after the solve."""
    draw = rng.random()
    if draw >= 0.3:
        return
    kind = NPS_FORM if draw < 0.18 else CSAT_FORM
    landed = later(solved_at, rng.uniform(120, 3 * 24 * 60))
    submitted = later(landed, rng.uniform(0.7, 7))
    mood = 1 - unhappiness
    if kind == NPS_FORM:
        scores = {
            "nps": clamp_score(rng.gauss(3.5 + 6.5 * mood, 1.6), 0, 10),
            "ces": clamp_score(rng.gauss(1.5 + 5.5 * mood - 0.3 * life.rounds, 1.0), 1, 7),
        }
    else:
        scores = {"csat": clamp_score(rng.gauss(1 + 4 * mood, 0.8), 1, 5)}
    b.history.surveys.append(
        SurveyInvite(kind, landed, submitted, life.customer.email, b.history.id, None, scores)
    )
