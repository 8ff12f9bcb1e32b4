"""Intercom conversations of the simulated organisation.

Like tickets, each conversation's whole life is decided when it starts (bot answer, hand-off
to a team, replies, snoozes, closes, reopen, rating) and the API shows the part of it that
has happened by the simulated `now`.
"""

import bisect
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
from simulator.clock import MAX_LIFE_DAYS, day_number, rng_for, unix
from simulator.reference import BILLING_TEAM, ESCALATION_TEAM, Agent, Customer, Directory, Team
from simulator.surveys import CSAT_FORM, NPS_FORM, SurveyInvite

MAX_CONVERSATIONS_PER_DAY = 9_999
SOURCES = (("conversation", 0.8), ("email", 0.14), ("instagram", 0.06))
BOT = {"type": "bot", "id": "6100001", "name": "Fin", "email": "operator+csops@intercom.io"}


class _BeyondLifetime(Exception):
    """The conversation's next part would fall after MAX_LIFE_DAYS: its life ends there."""


def conversation_id(day: date, index: int) -> str:
    """Deterministic Intercom conversation id (a numeric string, distinct from ticket ids)."""
    return str(100_000_000_000 + day_number(day) * 10_000 + index)


def conversation_day(identifier: str) -> tuple[int, int] | None:
    """(day number, index) encoded in a simulated conversation id, or None if not one."""
    if not identifier.isdigit():
        return None
    value = int(identifier) - 100_000_000_000
    return divmod(value, 10_000) if value >= 0 else None


@dataclass
class ConversationHistory:
    """A conversation's fixed fields, chronological parts and state after each part."""

    id: str
    created_at: datetime
    base: dict
    sla_target_minutes: int | None
    part_times: list[datetime] = field(default_factory=list)
    parts: list[dict] = field(default_factory=list)
    states: list[dict] = field(default_factory=list)
    rating: tuple[datetime, dict] | None = None
    ai_resolution: str | None = None
    surveys: list[SurveyInvite] = field(default_factory=list)

    def as_of(self, now: datetime) -> tuple[datetime, dict] | None:
        """(updated_at, conversation with conversation_parts) at `now`, or None before it starts."""
        if self.created_at > now:
            return None
        visible = bisect.bisect_right(self.part_times, now)
        parts = self.parts[:visible]
        state = (
            self.states[visible - 1]
            if visible
            else {"state": "open", "admin": None, "team": None, "snoozed_until": None}
        )
        updated = self.part_times[visible - 1] if visible else self.created_at
        rating = None
        if self.rating and self.rating[0] <= now:
            rating = self.rating[1]
            updated = max(updated, self.rating[0])
        human = [p for p in parts if p["author"]["type"] == "admin" and p["part_type"] == "comment"]
        users = [p for p in parts if p["author"]["type"] == "user"]
        closes = [p for p in parts if p["part_type"] == "close"]
        waiting_since = None
        if state["state"] != "closed":
            last_admin = human[-1]["created_at"] if human else 0
            last_user = users[-1]["created_at"] if users else unix(self.created_at)
            waiting_since = last_user if last_user >= last_admin else None
        record = {
            **self.base,
            "updated_at": unix(updated),
            "waiting_since": waiting_since,
            "snoozed_until": state["snoozed_until"],
            "open": state["state"] != "closed",
            "state": state["state"],
            "read": bool(parts),
            "admin_assignee_id": int(state["admin"]) if state["admin"] else None,
            "team_assignee_id": state["team"],
            "conversation_rating": rating,
            "statistics": {
                "type": "conversation_statistics",
                "first_admin_reply_at": human[0]["created_at"] if human else None,
                "last_admin_reply_at": human[-1]["created_at"] if human else None,
                "last_contact_reply_at": users[-1]["created_at"] if users else None,
                "first_close_at": closes[0]["created_at"] if closes else None,
                "last_close_at": closes[-1]["created_at"] if closes else None,
                "count_conversation_parts": len(parts),
            },
            "conversation_parts": {
                "type": "conversation_part.list",
                "conversation_parts": parts,
                "total_count": len(parts),
            },
        }
        if self.base["ai_agent_participated"]:
            resolved = (
                self.ai_resolution if closes or self.ai_resolution == "routed_to_team" else None
            )
            record["ai_agent"] = {
                "source_type": "workflow",
                "source_title": "Fin answers",
                "last_answer_type": "ai_answer",
                "resolution_state": resolved,
                "rating": None,
                "rating_remark": None,
            }
        if self.sla_target_minutes is not None:
            record["sla_applied"] = {
                "type": "sla_applied",
                "sla_name": f"First response {self.sla_target_minutes}m",
                "sla_status": _sla_status(self, human, now),
            }
        return updated, record


def _sla_status(history: ConversationHistory, human: list[dict], now: datetime) -> str:
    target = unix(history.created_at) + 60 * (history.sla_target_minutes or 0)
    if human:
        return "hit" if human[0]["created_at"] <= target else "missed"
    return "missed" if unix(now) > target else "active"


class _Builder:
    """Appends parts to one conversation, keeping the state each part leaves it in."""

    def __init__(self, history: ConversationHistory, limit: datetime) -> None:
        self.history = history
        self.limit = limit
        self.state = {"state": "open", "admin": None, "team": None, "snoozed_until": None}

    def part(
        self,
        at: datetime,
        part_type: str,
        author: dict,
        body: str | None = None,
        *,
        assigned_to: dict | None = None,
        **state: object,
    ) -> datetime:
        if self.history.parts:
            at = max(at, self.history.part_times[-1] + timedelta(seconds=1))
        if at > self.limit:
            raise _BeyondLifetime
        self.state.update(state)
        stamp = unix(at)
        self.history.parts.append(
            {
                "type": "conversation_part",
                "id": f"{self.history.id}{len(self.history.parts) + 1:03d}",
                "part_type": part_type,
                "body": f"<p>{body}</p>" if body else None,
                "created_at": stamp,
                "updated_at": stamp,
                "notified_at": stamp,
                "assigned_to": assigned_to,
                "author": author,
                "attachments": [],
                "external_id": None,
                "redacted": False,
            }
        )
        self.history.part_times.append(at)
        self.history.states.append(dict(self.state))
        return at


def _admin(agent: Agent) -> dict:
    return {"type": "admin", "id": agent.intercom_id, "name": agent.name, "email": agent.email}


def _user(customer: Customer) -> dict:
    return {
        "type": "user",
        "id": customer.intercom_id,
        "name": customer.name,
        "email": customer.email,
    }


def build_conversation(
    directory: Directory, seed: int, day: date, index: int
) -> ConversationHistory:
    """Generate conversation number `index` started on `day`, its whole life."""
    identifier = conversation_id(day, index)
    rng = rng_for(seed, "conversation", identifier)
    customer = directory.pick_customer(rng, day)
    created = arrival_time(rng, day, customer.zone)
    source_type = choose(rng, SOURCES)
    team = (
        directory.team_by_name[BILLING_TEAM]
        if rng.random() < 0.12
        else directory.team_for_region(customer.region)
    )
    bot = source_type == "conversation" and rng.random() < 0.85
    sla = (15 if source_type == "conversation" else 240) if rng.random() < 0.35 else None
    base = {
        "type": "conversation",
        "id": identifier,
        "title": None,
        "created_at": unix(created),
        "priority": "priority" if rng.random() < 0.08 else "not_priority",
        "tags": {"type": "tag.list", "tags": []},
        "source": {
            "type": source_type,
            "id": str(int(identifier) + 7),
            "delivered_as": "customer_initiated",
            "subject": "" if source_type != "email" else "Question about my account",
            "body": "<p>Hi! I need some help with my account.</p>",
            "author": _user(customer),
            "attachments": [],
            "url": None,
            "redacted": False,
        },
        "contacts": {
            "type": "contact.list",
            "contacts": [{"type": "contact", "id": customer.intercom_id, "external_id": None}],
        },
        "teammates": {"type": "admin.list", "admins": []},
        "first_contact_reply": {
            "created_at": unix(created),
            "type": source_type,
            "url": None,
        },
        "ai_agent_participated": bot,
    }
    history = ConversationHistory(identifier, created, base, sla)
    builder = _Builder(history, created + timedelta(days=MAX_LIFE_DAYS))
    try:
        _live(builder, rng, directory, customer, team, created, bot)
    except _BeyondLifetime:
        pass
    admins = {p["author"]["id"] for p in history.parts if p["author"]["type"] == "admin"}
    base["teammates"]["admins"] = [{"type": "admin", "id": a} for a in sorted(admins)]
    if any(p["assigned_to"] == {"type": "team", "id": _tier2(directory).intercom_id}
           for p in history.parts):  # fmt: skip
        base["tags"]["tags"].append({"type": "tag", "id": "9100001", "name": "escalated"})
    history.surveys = [s for s in history.surveys if s.submitted_at <= builder.limit]
    return history


def _tier2(directory: Directory) -> Team:
    return directory.team_by_name[ESCALATION_TEAM]


def _live(
    b: _Builder,
    rng: Random,
    directory: Directory,
    customer: Customer,
    team: Team,
    created: datetime,
    bot: bool,
) -> None:
    t = created
    user = _user(customer)
    if bot:
        t = b.part(later(t, 0.1), "comment", BOT, "Hi, I'm Fin. Here is an article that may help.")
        if rng.random() < 0.4:
            t = b.part(later(t, 0.05), "quick_reply", BOT, "Did that answer your question?")
        if rng.random() < 0.4:
            confirmed = rng.random() < 0.5
            if confirmed:
                t = b.part(later(t, rng.uniform(0.5, 3)), "comment", user, "Yes, that fixed it!")
            b.history.ai_resolution = "confirmed_resolution" if confirmed else "assumed_resolution"
            t = b.part(later(t, rng.uniform(3, 10)), "close", BOT, state="closed")
            if rng.random() < 0.25:
                rating = clamp_score(rng.gauss(4.4, 0.7), 1, 5)
                _set_rating(b, later(t, rng.uniform(1, 30)), rating, None, customer)
            return
        b.history.ai_resolution = "routed_to_team"
        t = b.part(later(t, rng.uniform(0.5, 3)), "comment", user, "I'd like to talk to a person.")
    t = b.part(
        later(t, 0.05),
        "assignment",
        BOT,
        assigned_to={"type": "team", "id": team.intercom_id},
        team=team.intercom_id,
    )
    live = b.history.base["source"]["type"] != "email"
    rounds, reopens, first_reply, agent = 0, 0, None, None
    escalated = False
    while True:
        median = 5.0 if live else 120.0
        pickup = later(team.schedule.add_business_minutes(t, lognormal_minutes(rng, median)), 0)
        if agent is None or not agent.active_at(pickup) or agent.team is not team:
            agent = directory.pick_agent(rng, team, pickup)
            if rng.random() < 0.6:
                pickup = b.part(
                    pickup,
                    "assignment",
                    _admin(agent),
                    assigned_to={"type": "admin", "id": agent.intercom_id},
                    admin=agent.intercom_id,
                )
        if not escalated and team.name != ESCALATION_TEAM and rounds >= 1 and rng.random() < 0.1:
            escalated, team = True, _tier2(directory)
            t = b.part(pickup, "note", _admin(agent), "Needs Tier 2, passing it on.")
            t = b.part(
                later(t, 0.2),
                "assignment",
                _admin(agent),
                assigned_to={"type": "team", "id": team.intercom_id},
                team=team.intercom_id,
                admin=None,
            )
            agent = None
            continue
        t = b.part(pickup, "comment", _admin(agent), "Thanks for waiting! Let me check that.",
                   admin=agent.intercom_id)  # fmt: skip
        first_reply = first_reply or t
        if rng.random() < 0.15:
            t = b.part(later(t, 1), "note", _admin(agent), "Customer on the legacy plan.")
        done = rng.random() < 0.35 + 0.2 * rounds or rounds >= 5
        if not done:
            if rng.random() < 0.12:
                until = later(t, 24 * 60)
                t = b.part(later(t, 1), "snoozed", _admin(agent), state="snoozed",
                           snoozed_until=int(until.timestamp()))  # fmt: skip
                t = b.part(until, "open", _admin(agent), state="open", snoozed_until=None)
            else:
                wait = rng.uniform(1, 12) if live else lognormal_minutes(rng, 300, 1.0)
                t = b.part(later(t, wait), "comment", user, "Still not working, sorry.")
            rounds += 1
            continue
        body = "Glad I could help, closing this now." if rng.random() < 0.5 else None
        t = b.part(later(t, rng.uniform(2, 30)), "close", _admin(agent), body, state="closed")
        if reopens == 0 and rng.random() < 0.08:
            reopens += 1
            t = b.part(later(t, rng.uniform(60, 48 * 60)), "comment", user,
                       "It broke again.", state="open")  # fmt: skip
            continue
        break
    wait = (first_reply - created).total_seconds() / 60
    unhappiness = dissatisfaction(wait, rounds, reopens)
    if rng.random() < 0.4:
        rating = clamp_score(rng.gauss(5 - 4 * unhappiness, 0.7), 1, 5)
        _set_rating(b, later(t, rng.uniform(1, 60)), rating, agent, customer)
    _plan_survey(b, rng, t, customer, unhappiness, rounds)


def _set_rating(
    b: _Builder, at: datetime, rating: int, agent: Agent | None, customer: Customer
) -> None:
    if at > b.limit:
        return
    b.history.rating = (
        at,
        {
            "rating": rating,
            "remark": "",
            "created_at": unix(at),
            "contact": {"type": "contact", "id": customer.intercom_id, "external_id": None},
            "teammate": {"type": "admin", "id": agent.intercom_id} if agent else None,
        },
    )


def _plan_survey(
    b: _Builder, rng: Random, closed_at: datetime, customer: Customer, unhappy: float, rounds: int
) -> None:
    draw = rng.random()
    if draw >= 0.2:
        return
    kind = NPS_FORM if draw < 0.12 else CSAT_FORM
    landed = later(closed_at, rng.uniform(60, 2 * 24 * 60))
    submitted = later(landed, rng.uniform(0.5, 5))
    mood = 1 - unhappy
    if kind == NPS_FORM:
        scores = {
            "nps": clamp_score(rng.gauss(3.5 + 6.5 * mood, 1.6), 0, 10),
            "ces": clamp_score(rng.gauss(1.5 + 5.5 * mood - 0.3 * rounds, 1.0), 1, 7),
        }
    else:
        scores = {"csat": clamp_score(rng.gauss(1 + 4 * mood, 0.8), 1, 5)}
    b.history.surveys.append(
        SurveyInvite(kind, landed, submitted, customer.email, None, b.history.id, scores)
    )
