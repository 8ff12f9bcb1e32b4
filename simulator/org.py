"""The simulated support organisation: configuration and the queries the API server answers.

`SupportOrg` generates history lazily, one creation day at a time, and caches each day. A
day's tickets and conversations depend only on the seed and that day, so the answer to any
window is the same whatever was asked before. Everything is served as of `config.now`:
records and events after it do not exist yet.
"""

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from simulator.behaviour import daily_count
from simulator.chats import (
    MAX_CONVERSATIONS_PER_DAY,
    ConversationHistory,
    build_conversation,
    conversation_day,
)
from simulator.clock import (
    MAX_LIFE_DAYS,
    day_from_number,
    day_start,
    iso_z,
    require_aware,
    rng_for,
    unix,
)
from simulator.qa import QAReview, conversation_reviews, reviews_created_between, ticket_reviews
from simulator.reference import Directory
from simulator.surveys import CSAT_FORM, NPS_FORM, form_definition, form_id, response_record
from simulator.tickets import MAX_TICKETS_PER_DAY, TicketHistory, TicketView, build_ticket

# A page position: (unix seconds of updated_at, record id); records strictly after it follow.
Position = tuple[int, int | str]
# Zendesk archives a ticket 120 days after it is closed; the account-wide audit listing leaves
# archived tickets out (the per-ticket audits endpoint still serves them).
ARCHIVE_AFTER = timedelta(days=120)


@dataclass(frozen=True)
class SimConfig:
    """Size and clock of the simulated organisation."""

    seed: int = 7
    tickets_per_day: float = 40.0  # mean Zendesk tickets created per day
    chats_per_day: float = 30.0  # mean Intercom conversations per day
    agents: int = 24  # human agents across teams
    history_start: date = date(2024, 1, 1)  # the org exists from this UTC date
    # The simulated present (UTC, tz-aware); nothing after it is served. None = start of
    # the current UTC day.
    now: datetime | None = None


class SupportOrg:
    """A deterministic support organisation whose history can be read by time window."""

    def __init__(self, config: SimConfig) -> None:
        for name, value, cap in (
            ("tickets_per_day", config.tickets_per_day, MAX_TICKETS_PER_DAY / 2),
            ("chats_per_day", config.chats_per_day, MAX_CONVERSATIONS_PER_DAY / 2),
        ):
            if not 0 <= value <= cap:
                raise ValueError(f"SimConfig.{name}={value} is outside 0..{cap:.0f}")
        self.config = config
        if config.now is None:
            self.now = day_start(datetime.now(UTC).date())
        else:
            self.now = require_aware(config.now, "SimConfig.now")
        self.directory = Directory(
            config.seed,
            config.agents,
            config.tickets_per_day + config.chats_per_day,
            config.history_start,
        )
        self.form_ids = {kind: form_id(config.seed, kind) for kind in (NPS_FORM, CSAT_FORM)}
        self._tickets: dict[date, list[TicketHistory]] = {}
        self._ticket_views: dict[date, list[TicketView]] = {}
        self._conversations: dict[date, list[ConversationHistory]] = {}
        self._conversation_views: dict[date, list[tuple[datetime, dict]]] = {}
        self._qa_reviews: dict[date, list[QAReview]] = {}
        self._audit_index: tuple[list[tuple[int, int]], list[dict]] | None = None

    # -- generation, one creation day at a time ------------------------------------------

    def _exists(self, day: date) -> bool:
        return self.config.history_start <= day <= self.now.date()

    def tickets_created_on(self, day: date) -> list[TicketHistory]:
        """Full lives of the tickets created on `day` (including what happens after now)."""
        if not self._exists(day):
            return []
        found = self._tickets.get(day)
        if found is None:
            rng = rng_for(self.config.seed, "zendesk-day", day.isoformat())
            count = min(MAX_TICKETS_PER_DAY, daily_count(rng, self.config.tickets_per_day, day))
            found = [build_ticket(self.directory, self.config.seed, day, i) for i in range(count)]
            self._tickets[day] = found
        return found

    def forget_day(self, day: date) -> None:
        """Drop the cached history of contacts created on `day`.

        The API server keeps every generated day (windows overlap, and regenerating is
        slow); the bulk path reads each creation day once, and forgetting it keeps a year's
        generation within a flat amount of memory. A later query regenerates the same day.
        """
        for cache in (
            self._tickets,
            self._ticket_views,
            self._conversations,
            self._conversation_views,
            self._qa_reviews,
        ):
            cache.pop(day, None)

    def _tickets_visible(self, day: date) -> list[TicketView]:
        found = self._ticket_views.get(day)
        if found is None:
            views = (history.as_of(self.now) for history in self.tickets_created_on(day))
            found = [view for view in views if view is not None]
            self._ticket_views[day] = found
        return found

    def conversations_created_on(self, day: date) -> list[ConversationHistory]:
        """Full lives of the conversations started on `day`."""
        if not self._exists(day):
            return []
        found = self._conversations.get(day)
        if found is None:
            rng = rng_for(self.config.seed, "intercom-day", day.isoformat())
            count = min(MAX_CONVERSATIONS_PER_DAY, daily_count(rng, self.config.chats_per_day, day))
            found = [
                build_conversation(self.directory, self.config.seed, day, i) for i in range(count)
            ]
            self._conversations[day] = found
        return found

    def _conversations_visible(self, day: date) -> list[tuple[datetime, dict]]:
        found = self._conversation_views.get(day)
        if found is None:
            views = (history.as_of(self.now) for history in self.conversations_created_on(day))
            found = [view for view in views if view is not None]
            self._conversation_views[day] = found
        return found

    def _creation_days(self, start: datetime, end: datetime) -> Iterator[date]:
        """Creation days whose records may have a visible update in [start, end)."""
        first = max(self.config.history_start, (start - timedelta(days=MAX_LIFE_DAYS)).date())
        last = min(self.now.date(), end.date())
        day = first
        while day <= last:
            yield day
            day += timedelta(days=1)

    # -- Zendesk ---------------------------------------------------------------------------

    def zendesk_tickets_updated_between(self, start: datetime, end: datetime) -> list[dict]:
        """Tickets (state as of now) whose updated_at is in [start, end), by updated_at, id."""
        start, end = require_aware(start, "start"), require_aware(end, "end")
        rows = [
            (view.updated_at, view.ticket["id"], view.ticket)
            for day in self._creation_days(start, end)
            for view in self._tickets_visible(day)
            if start <= view.updated_at < end
        ]
        return [ticket for _, _, ticket in sorted(rows, key=lambda row: row[:2])]

    def zendesk_ticket_export(self, after: Position, limit: int) -> tuple[list[dict], bool]:
        """The first `limit` tickets positioned after `after` in (updated_at, id) order, and
        whether more follow. Stops generating days once the page is certainly complete."""
        floor = datetime.fromtimestamp(after[0], tz=UTC)
        candidates: list[tuple[int, int, dict]] = []
        for day in self._creation_days(floor, self.now):
            # Tickets created on `day` or later were all updated on or after its midnight.
            boundary = unix(day_start(day))
            if sum(1 for row in candidates if row[0] < boundary) > limit:
                break
            for view in self._tickets_visible(day):
                key = (unix(view.updated_at), view.ticket["id"])
                if key > after:
                    candidates.append((*key, view.ticket))
        candidates.sort(key=lambda row: row[:2])
        return [row[2] for row in candidates[:limit]], len(candidates) > limit

    def zendesk_ticket_audits(self, ticket_id: int) -> list[dict] | None:
        """The audits of one ticket visible at now, or None if no such ticket exists yet."""
        day = day_from_number(ticket_id // 10_000)
        index = ticket_id % 10_000
        histories = self.tickets_created_on(day)
        if index >= len(histories):
            return None
        view = histories[index].as_of(self.now)
        return view.audits if view else None

    def zendesk_archived(self, view: TicketView) -> bool:
        """Whether Zendesk would have archived this ticket by now: closed, and untouched for
        ARCHIVE_AFTER since."""
        return view.ticket["status"] == "closed" and view.updated_at <= self.now - ARCHIVE_AFTER

    def zendesk_audit_listing(
        self, position: Position | None, limit: int, older: bool = True
    ) -> tuple[list[dict], bool]:
        """Up to `limit` audits of the tickets not archived, next to `position` in
        (created_at, id) order: the older ones, newest first (from the newest audit when
        position is None), or with older=False the newer ones; and whether more follow."""
        if self._audit_index is None:
            rows = sorted(
                (unix(datetime.fromisoformat(audit["created_at"])), audit["id"], audit)
                for day in self._creation_days(
                    day_start(self.config.history_start), self.now + timedelta(seconds=1)
                )
                for view in self._tickets_visible(day)
                if not self.zendesk_archived(view)
                for audit in view.audits
            )
            self._audit_index = ([row[:2] for row in rows], [row[2] for row in rows])
        keys, audits = self._audit_index
        if older:
            high = len(keys) if position is None else bisect_left(keys, position)
            low = max(0, high - limit)
            return audits[low:high][::-1], low > 0
        low = bisect_left(keys, position) + 1 if position is not None else 0
        high = min(len(keys), low + limit)
        return audits[low:high][::-1], high < len(keys)

    def zendesk_satisfaction_ratings(self, start: datetime, end: datetime) -> list[dict]:
        """Ratings (offered, good or bad) whose updated_at is in [start, end], oldest first."""
        rows = [
            view.rating
            for day in self._creation_days(start, end + timedelta(seconds=1))
            for view in self._tickets_visible(day)
            if view.rating and iso_z(start) <= view.rating["updated_at"] <= iso_z(end)
        ]
        return sorted(rows, key=lambda rating: (rating["updated_at"], rating["id"]))

    def zendesk_users(self) -> list[tuple[datetime, int, dict]]:
        """(updated_at, id, user) of every user existing at now, by update time."""
        return self.directory.zendesk_users(self.now)

    def zendesk_organizations(self) -> list[tuple[datetime, int, dict]]:
        """(updated_at, id, organization) as of now, by update time."""
        return self.directory.zendesk_organizations(self.now)

    def zendesk_groups(self) -> list[dict]:
        return self.directory.zendesk_groups()

    def zendesk_schedules(self) -> list[dict]:
        return self.directory.zendesk_schedules()

    def zendesk_holidays(self, schedule_id: int) -> list[dict] | None:
        return self.directory.zendesk_holidays(schedule_id)

    def zendesk_sla_policies(self) -> list[dict]:
        return self.directory.zendesk_sla_policies()

    # -- Intercom --------------------------------------------------------------------------

    def intercom_conversations_updated_between(self, start: datetime, end: datetime) -> list[dict]:
        """Conversations (with conversation_parts, as of now) updated in [start, end)."""
        start, end = require_aware(start, "start"), require_aware(end, "end")
        rows = [
            (updated, record["id"], record)
            for day in self._creation_days(start, end)
            for updated, record in self._conversations_visible(day)
            if start <= updated < end
        ]
        return [record for _, _, record in sorted(rows, key=lambda row: row[:2])]

    def intercom_conversation(self, identifier: str) -> dict | None:
        """One conversation as of now, or None when there is no such conversation yet."""
        decoded = conversation_day(identifier)
        if decoded is None:
            return None
        day_no, index = decoded
        histories = self.conversations_created_on(day_from_number(day_no))
        if index >= len(histories):
            return None
        view = histories[index].as_of(self.now)
        return view[1] if view else None

    def intercom_admins(self) -> list[dict]:
        return self.directory.intercom_admins(self.now)

    def intercom_teams(self) -> list[dict]:
        return self.directory.intercom_teams()

    # -- Typeform --------------------------------------------------------------------------

    def typeform_form_ids(self) -> list[str]:
        """The ids of the survey forms, NPS first."""
        return [self.form_ids[NPS_FORM], self.form_ids[CSAT_FORM]]

    def typeform_form(self, identifier: str) -> dict | None:
        """GET /forms/{id}, or None for an unknown form."""
        for kind, known in self.form_ids.items():
            if known == identifier:
                created = self.directory.created_at + timedelta(days=10)
                return form_definition(self.config.seed, kind, created)
        return None

    def typeform_responses_submitted_between(
        self, form_id: str, start: datetime, end: datetime
    ) -> list[dict]:
        """Responses of one form submitted in [start, end) and by now, oldest first."""
        start, end = require_aware(start, "start"), require_aware(end, "end")
        kinds = [kind for kind, known in self.form_ids.items() if known == form_id]
        if not kinds:
            return []
        end = min(end, self.now + timedelta(seconds=1))
        invites = [
            invite
            for day in self._creation_days(start, end)
            for history in (*self.tickets_created_on(day), *self.conversations_created_on(day))
            for invite in history.surveys
            if invite.form_kind == kinds[0] and start <= invite.submitted_at < end
        ]
        records = [response_record(self.config.seed, invite) for invite in invites]
        return sorted(records, key=lambda r: (r["submitted_at"], r["token"]))

    # -- Zendesk QA ------------------------------------------------------------------------

    def qa_reviews_of_contacts_created_on(self, day: date) -> list[QAReview]:
        """The QA reviews, as of now, of the tickets and chats created on `day`."""
        found = self._qa_reviews.get(day)
        if found is None:
            seed, directory = self.config.seed, self.directory
            found = [
                review
                for history in self.tickets_created_on(day)
                for review in ticket_reviews(directory, seed, history, self.now)
            ] + [
                review
                for history in self.conversations_created_on(day)
                for review in conversation_reviews(directory, seed, history, self.now)
            ]
            self._qa_reviews[day] = found
        return found

    def zendesk_qa_reviews_created_between(self, start: datetime, end: datetime) -> list[QAReview]:
        """Reviews created in [start, end] (both inclusive, as the export's fromDate and toDate
        are read here), oldest first."""
        start, end = require_aware(start, "start"), require_aware(end, "end")
        reviews = (
            review
            for day in self._creation_days(start, end + timedelta(seconds=1))
            for review in self.qa_reviews_of_contacts_created_on(day)
        )
        return reviews_created_between(reviews, start, end)
