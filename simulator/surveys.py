"""Typeform surveys sent after a ticket or chat is resolved: an NPS form (with a CES
question) and a CSAT form, and their responses in the Typeform shape.

Invitations are decided when a contact's life is generated (who answers, when, what
score), so a response is as deterministic as the contact it is about.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from simulator.clock import iso_z

NPS_FORM = "nps"
CSAT_FORM = "csat"
HIDDEN_FIELDS = ("ticket_id", "conversation_id", "email")


@dataclass(frozen=True)
class SurveyInvite:
    """One survey answered about one contact."""

    form_kind: str  # NPS_FORM or CSAT_FORM
    landed_at: datetime
    submitted_at: datetime
    email: str
    ticket_id: int | None
    conversation_id: str | None
    scores: dict[str, int]  # answers by field ref


def form_id(seed: int, kind: str) -> str:
    """A stable Typeform-looking form id (8 alphanumerics) for this seed and form kind."""
    digest = hashlib.sha256(f"{seed}:form:{kind}".encode()).digest()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(alphabet[byte % len(alphabet)] for byte in digest[:8])


def _field_id(seed: int, ref: str) -> str:
    return hashlib.sha256(f"{seed}:field:{ref}".encode()).hexdigest()[:12]


def _fields(kind: str) -> list[tuple[str, str, str, dict]]:
    """(ref, type, title, properties) of each question of a form kind."""
    if kind == NPS_FORM:
        return [
            (
                "nps",
                "opinion_scale",
                "How likely are you to recommend us to a friend or colleague?",
                {"steps": 11, "start_at_one": False,
                 "labels": {"left": "Not likely", "right": "Very likely"}},
            ),
            (
                "ces",
                "opinion_scale",
                "The company made it easy for me to handle my issue.",
                {"steps": 7, "start_at_one": True,
                 "labels": {"left": "Strongly disagree", "right": "Strongly agree"}},
            ),
        ]  # fmt: skip
    return [("csat", "rating", "How satisfied are you with the support you received?",
             {"steps": 5, "shape": "star"})]  # fmt: skip


def form_definition(seed: int, kind: str, created_at: datetime) -> dict:
    """GET /forms/{id}: the form's title, questions (with refs) and hidden fields."""
    identifier = form_id(seed, kind)
    title = "Relationship NPS" if kind == NPS_FORM else "Support CSAT"
    return {
        "id": identifier,
        "type": "form",
        "title": title,
        "created_at": iso_z(created_at),
        "last_updated_at": iso_z(created_at),
        "settings": {"language": "en", "is_public": True, "show_progress_bar": True},
        "hidden": list(HIDDEN_FIELDS),
        "fields": [
            {
                "id": _field_id(seed, ref),
                "ref": ref,
                "type": field_type,
                "title": question,
                "properties": properties,
                "validations": {"required": True},
            }
            for ref, field_type, question, properties in _fields(kind)
        ],
    }


def response_token(seed: int, invite: SurveyInvite) -> str:
    """A stable 32-character response token for one invite."""
    key = f"{seed}:{invite.form_kind}:{invite.ticket_id}:{invite.conversation_id}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def response_record(seed: int, invite: SurveyInvite) -> dict:
    """One item of GET /forms/{id}/responses."""
    token = response_token(seed, invite)
    hidden = {"email": invite.email}
    if invite.ticket_id is not None:
        hidden["ticket_id"] = str(invite.ticket_id)
    if invite.conversation_id is not None:
        hidden["conversation_id"] = invite.conversation_id
    answers = [
        {
            "field": {"id": _field_id(seed, ref), "type": field_type, "ref": ref},
            "type": "number",
            "number": invite.scores[ref],
        }
        for ref, field_type, _, _ in _fields(invite.form_kind)
        if ref in invite.scores
    ]
    return {
        "landing_id": token,
        "token": token,
        "response_id": token,
        "response_type": "completed",
        "landed_at": iso_z(invite.landed_at),
        "submitted_at": iso_z(invite.submitted_at),
        "metadata": {
            "user_agent": "Mozilla/5.0 (csops simulator)",
            "platform": "other",
            "referer": f"https://csops-demo.typeform.com/to/{form_id(seed, invite.form_kind)}",
            "network_id": token[:10],
            "browser": "default",
        },
        "hidden": hidden,
        "calculated": {"score": 0},
        "variables": [],
        "answers": answers,
    }
