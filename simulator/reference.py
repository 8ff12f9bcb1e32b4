"""The people and settings of the simulated organisation: teams, agents, customers,
organisations, business-hours schedules and SLA policies.

One `Directory` holds them all and renders them in the Zendesk and Intercom shapes. The same
people appear in both tools (an agent is a Zendesk user and an Intercom admin with the same
email; a customer is a Zendesk end user and an Intercom contact with the same email), so the
pipeline can match one person across sources.
"""

import hashlib
import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from random import Random
from zoneinfo import ZoneInfo

from simulator.clock import day_start, iso_z, rng_for, whole_seconds
from simulator.hours import RAILS_TO_IANA, Holiday, Schedule, holiday_dates, weekly

ESCALATION_TEAM = "Tier 2"
BILLING_TEAM = "Billing"
REGIONS = ("Americas", "EMEA", "APAC")
REGION_ZONES = {
    "Americas": "Eastern Time (US & Canada)",
    "EMEA": "London",
    "APAC": "Sydney",
}
REGION_SHARE = (("Americas", 0.5), ("EMEA", 0.35), ("APAC", 0.15))
# Running sums of the shares: choices() draws the same with them and skips re-summing.
_REGION_CUMULATIVE = list(itertools.accumulate(share for _, share in REGION_SHARE))
SYSTEM_AUTHOR_ID = -1  # Zendesk's author id for triggers and automations

_FIRST = (
    "Ava", "Noah", "Mia", "Liam", "Sofia", "Lucas", "Amara", "Kenji", "Priya", "Mateo",
    "Chloe", "Omar", "Hannah", "Ravi", "Elena", "Tariq", "Yuki", "Jonas", "Leila", "Diego",
    "Grace", "Ibrahim", "Nora", "Felix", "Zara", "Arjun", "Ines", "Tom", "Maya", "Samuel",
)  # fmt: skip
_LAST = (
    "Smith", "Garcia", "Cohen", "Tanaka", "Patel", "Muller", "Rossi", "Nguyen", "Okafor",
    "Silva", "Levi", "Brown", "Kowalski", "Haddad", "Jensen", "Martin", "Kim", "Walsh",
    "Dubois", "Novak", "Singh", "Moreau", "Ali", "Larsen", "Costa", "Fischer", "Reyes",
)  # fmt: skip
_COMPANY_WORDS = (
    "Northwind", "Bluebird", "Ironleaf", "Quartz", "Harbor", "Summit", "Lumen", "Cobalt",
    "Juniper", "Orbit", "Maple", "Sterling", "Vertex", "Willow", "Falcon", "Nimbus",
)  # fmt: skip
_COMPANY_KINDS = ("Labs", "Logistics", "Health", "Retail", "Media", "Foods", "Systems")
_FREE_MAIL = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class Team:
    """A support team: a Zendesk group and an Intercom team of the same name."""

    index: int
    name: str
    schedule: Schedule
    is_escalation_tier: bool

    @property
    def zendesk_id(self) -> int:
        return 360_000_100 + self.index

    @property
    def intercom_id(self) -> str:
        return str(8_100_000 + self.index)


@dataclass(frozen=True)
class Agent:
    """A human agent, with their team, role, working weekdays and employment period."""

    index: int
    name: str
    email: str
    role: str  # "agent" or "admin"
    team: Team
    shift_days: frozenset[int]  # Sunday-based local weekdays they work
    created_at: datetime
    deactivated_at: datetime | None

    @property
    def zendesk_id(self) -> int:
        return 361_000_000 + self.index

    @property
    def intercom_id(self) -> str:
        return str(7_200_000 + self.index)

    def active_at(self, moment: datetime) -> bool:
        return self.created_at <= moment and (
            self.deactivated_at is None or moment < self.deactivated_at
        )


@dataclass(frozen=True)
class Organization:
    """A customer company (Zendesk organization)."""

    index: int
    name: str
    domain: str
    created_at: datetime
    renamed_at: datetime  # a later edit, so the incremental export has updates to serve

    @property
    def zendesk_id(self) -> int:
        return 363_000_000 + self.index


@dataclass(frozen=True)
class Customer:
    """An end user who contacts support by any channel."""

    index: int
    name: str
    email: str
    region: str
    organization: Organization | None
    created_at: datetime

    @property
    def zendesk_id(self) -> int:
        return 362_000_000 + self.index

    @property
    def intercom_id(self) -> str:
        # Intercom contact ids are 24 hex characters; derive them from the email.
        return hashlib.sha1(self.email.encode()).hexdigest()[:24]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(RAILS_TO_IANA[REGION_ZONES[self.region]])


class Directory:
    """Everyone and every setting of the simulated organisation, derived from the config."""

    def __init__(
        self,
        seed: int,
        agents: int,
        contacts_per_day: float,
        history_start: date,
    ) -> None:
        if agents < 5:
            raise ValueError(f"SimConfig.agents={agents}: the org needs at least 5 (one per team)")
        self.seed = seed
        self.history_start = history_start
        self.created_at = day_start(history_start) - timedelta(days=90)
        self.schedules = self._build_schedules()
        self.teams = self._build_teams()
        self.agents = self._build_agents(agents)
        self.organizations = self._build_organizations(max(6, min(200, round(contacts_per_day))))
        # Customers: a base that predates the history, then steady growth per day.
        self.base_customers = max(30, round(contacts_per_day * 8))
        self.customers_per_day = max(1, round(contacts_per_day * 0.12))
        self._customers: dict[int, Customer] = {}

    # -- construction ---------------------------------------------------------------------

    def _build_schedules(self) -> list[Schedule]:
        first_year = self.history_start.year - 1
        years = range(first_year, first_year + 6)
        specs = [
            # Created first, so it is the account's default schedule.
            ("Americas Support", "Eastern Time (US & Canada)", "us",
             weekly(range(1, 6), "08:00", "20:00") + weekly((6,), "10:00", "16:00")),
            ("EMEA Support", "London", "uk", weekly(range(1, 6), "08:00", "18:00")),
            ("APAC Support", "Sydney", "au", weekly(range(1, 6), "08:30", "17:30")),
            # Israel works Sunday to Thursday, and changes DST on a Friday.
            ("Billing Israel", "Jerusalem", "il", weekly(range(5), "09:00", "17:30")),
        ]  # fmt: skip
        schedules = []
        for index, (name, zone, calendar, intervals) in enumerate(specs):
            schedule_id = 364_000_000 + index
            holidays = tuple(
                Holiday(schedule_id * 1000 + n, f"{holiday} {first.year}", first, last)
                for n, (holiday, first, last) in enumerate(
                    entry for year in years for entry in holiday_dates(calendar, year)
                )
            )
            created = self.created_at + timedelta(days=index, hours=3)
            schedules.append(Schedule(schedule_id, name, zone, intervals, holidays, created))
        return schedules

    def _build_teams(self) -> list[Team]:
        by_name = {schedule.name: schedule for schedule in self.schedules}
        specs = [
            ("Tier 1 Americas", "Americas Support"),
            ("Tier 1 EMEA", "EMEA Support"),
            ("Tier 1 APAC", "APAC Support"),
            (BILLING_TEAM, "Billing Israel"),
            (ESCALATION_TEAM, "Americas Support"),
        ]
        return [
            Team(index, name, by_name[schedule], name == ESCALATION_TEAM)
            for index, (name, schedule) in enumerate(specs)
        ]

    def _build_agents(self, count: int) -> list[Agent]:
        shares = (0.3, 0.24, 0.16, 0.12, 0.18)
        sizes = [1] * len(self.teams)
        extra = count - len(sizes)
        for _ in range(extra):
            # Hand the remaining seats out in proportion to the team shares.
            deficits = [shares[i] * count - sizes[i] for i in range(len(sizes))]
            sizes[deficits.index(max(deficits))] += 1
        agents: list[Agent] = []
        inactive_left = 2 if count >= 10 else 1
        for team, size in zip(self.teams, sizes, strict=True):
            open_days = sorted({start // 1440 for start, _ in team.schedule.intervals})
            for seat in range(size):
                index = len(agents)
                rng = rng_for(self.seed, "agent", index)
                name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
                email = f"{name.lower().replace(' ', '.')}.{index}@support.csops-demo.test"
                # Teams with six open days rotate one day off per agent; others work them all.
                days = set(open_days)
                if len(open_days) > 5:
                    days.discard(open_days[seat % len(open_days)])
                deactivated = None
                if inactive_left and size >= 2 and seat == size - 1:
                    deactivated = day_start(self.history_start) + timedelta(
                        days=6 + 21 * (inactive_left - 1), hours=17
                    )
                    inactive_left -= 1
                role = (
                    "admin"
                    if seat == 0 and team.name in ("Tier 1 Americas", "Tier 2")
                    else ("agent")
                )
                agents.append(
                    Agent(
                        index, name, email, role, team, frozenset(days),
                        self.created_at + timedelta(days=index % 30, hours=9), deactivated,
                    )
                )  # fmt: skip
        return agents

    def _build_organizations(self, count: int) -> list[Organization]:
        organizations = []
        for index in range(count):
            rng = rng_for(self.seed, "organization", index)
            word = _COMPANY_WORDS[index % len(_COMPANY_WORDS)]
            kind = _COMPANY_KINDS[(index // len(_COMPANY_WORDS) + index) % len(_COMPANY_KINDS)]
            name = f"{word} {kind}" + (f" {index}" if index >= len(_COMPANY_WORDS) else "")
            domain = f"{name.lower().replace(' ', '-')}.example"
            created = self.created_at - timedelta(days=rng.randrange(10, 400))
            renamed = day_start(self.history_start) + timedelta(
                days=3 + 11 * index, seconds=rng.randrange(86400)
            )
            organizations.append(Organization(index, name, domain, created, renamed))
        return organizations

    # -- lookups --------------------------------------------------------------------------

    @cached_property
    def team_by_name(self) -> dict[str, Team]:
        return {team.name: team for team in self.teams}

    @cached_property
    def agent_by_zendesk_id(self) -> dict[int, Agent]:
        return {agent.zendesk_id: agent for agent in self.agents}

    def team_for_region(self, region: str) -> Team:
        return self.team_by_name[f"Tier 1 {region}"]

    @cached_property
    def _agents_by_team(self) -> dict[int, list[Agent]]:
        # Keyed by the team object's identity, as pick_agent compares teams; each list
        # keeps the directory's agent order, so the draws below are unchanged.
        teams: dict[int, list[Agent]] = {id(team): [] for team in self.teams}
        for agent in self.agents:
            teams[id(agent.team)].append(agent)
        return teams

    def pick_agent(self, rng: Random, team: Team, moment: datetime) -> Agent:
        """An agent of `team` working at `moment` (falls back to anyone active)."""
        members = self._agents_by_team.get(id(team), [])
        active = [a for a in members if a.active_at(moment)]
        weekday = team.schedule.local_weekday(moment)
        on_shift = [a for a in active if weekday in a.shift_days]
        pool = on_shift or active or [a for a in self.agents if a.active_at(moment)]
        if not pool:
            raise RuntimeError(f"no active agent at {moment}: the directory has none employed")
        return rng.choice(pool)

    def customers_before(self, day: date) -> int:
        """How many customers exist before `day` starts (they are numbered by creation)."""
        days = max(0, (day - self.history_start).days)
        return self.base_customers + self.customers_per_day * days

    def customer(self, index: int) -> Customer:
        """Customer number `index`; a pure function of the seed and the index."""
        found = self._customers.get(index)
        if found is None:
            found = self._make_customer(index)
            self._customers[index] = found
        return found

    def _make_customer(self, index: int) -> Customer:
        rng = rng_for(self.seed, "customer", index)
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        region = rng.choices(REGIONS, cum_weights=_REGION_CUMULATIVE)[0]
        organization = (
            self.organizations[rng.randrange(len(self.organizations))]
            if rng.random() < 0.6
            else None
        )
        domain = organization.domain if organization else rng.choice(_FREE_MAIL)
        email = f"{first.lower()}.{last.lower()}{index}@{domain}"
        if index < self.base_customers:
            created = self.created_at - timedelta(days=rng.randrange(1, 365))
        else:
            day = self.history_start + timedelta(
                days=(index - self.base_customers) // self.customers_per_day
            )
            created = day_start(day) - timedelta(days=1)
        created = whole_seconds(created + timedelta(seconds=rng.randrange(86400)))
        return Customer(index, f"{first} {last}", email, region, organization, created)

    def pick_customer(self, rng: Random, day: date) -> Customer:
        """A customer who already exists on `day`; long-standing customers write more often."""
        count = self.customers_before(day)
        return self.customer(min(count - 1, int(count * rng.random() ** 1.4)))

    def customer_by_zendesk_id(self, user_id: int) -> Customer | None:
        index = user_id - 362_000_000
        return self.customer(index) if 0 <= index else None

    # -- Zendesk shapes -------------------------------------------------------------------

    def zendesk_agent(self, agent: Agent, now: datetime) -> dict:
        inactive = agent.deactivated_at is not None and agent.deactivated_at <= now
        updated = agent.deactivated_at if inactive else agent.created_at
        return {
            "id": agent.zendesk_id,
            "name": agent.name,
            "email": agent.email,
            "role": agent.role,
            "active": not inactive,
            "suspended": False,
            "organization_id": None,
            "default_group_id": agent.team.zendesk_id,
            "time_zone": agent.team.schedule.rails_zone,
            "iana_time_zone": str(agent.team.schedule.zone),
            "locale": "en-US",
            "verified": True,
            "shared": False,
            "tags": [],
            "created_at": iso_z(agent.created_at),
            "updated_at": iso_z(updated),
        }

    def zendesk_customer(self, customer: Customer) -> dict:
        return {
            "id": customer.zendesk_id,
            "name": customer.name,
            "email": customer.email,
            "role": "end-user",
            "active": True,
            "suspended": False,
            "organization_id": customer.organization.zendesk_id if customer.organization else None,
            "default_group_id": None,
            "time_zone": REGION_ZONES[customer.region],
            "iana_time_zone": str(customer.zone),
            "locale": "en-US",
            "verified": True,
            "shared": False,
            "tags": [customer.region.lower()],
            "created_at": iso_z(customer.created_at),
            "updated_at": iso_z(customer.created_at),
        }

    def zendesk_users(self, now: datetime) -> list[tuple[datetime, int, dict]]:
        """(updated_at, id, user) for every user that exists at `now`."""
        rows = []
        for agent in self.agents:
            if agent.created_at <= now:
                user = self.zendesk_agent(agent, now)
                updated = agent.deactivated_at if not user["active"] else agent.created_at
                rows.append((updated, agent.zendesk_id, user))
        for index in range(self.customers_before(now.date() + timedelta(days=1))):
            customer = self.customer(index)
            if customer.created_at <= now:
                rows.append(
                    (customer.created_at, customer.zendesk_id, self.zendesk_customer(customer))
                )
        rows.sort(key=lambda row: (row[0], row[1]))
        return rows

    def zendesk_groups(self) -> list[dict]:
        return [
            {
                "id": team.zendesk_id,
                "name": team.name,
                "description": f"{team.name} support queue",
                "default": team.index == 0,
                "deleted": False,
                "is_public": True,
                "created_at": iso_z(self.created_at + timedelta(hours=team.index)),
                "updated_at": iso_z(self.created_at + timedelta(hours=team.index)),
            }
            for team in self.teams
        ]

    def zendesk_organizations(self, now: datetime) -> list[tuple[datetime, int, dict]]:
        """(updated_at, id, organization) as of `now`, ordered by update time."""
        rows = []
        for org in self.organizations:
            if org.created_at > now:
                continue
            renamed = org.renamed_at <= now
            updated = org.renamed_at if renamed else org.created_at
            record = {
                "id": org.zendesk_id,
                "name": f"{org.name} Inc." if renamed else org.name,
                "domain_names": [org.domain],
                "details": "",
                "notes": "Key account" if renamed and org.index % 3 == 0 else "",
                "group_id": None,
                "shared_tickets": False,
                "shared_comments": False,
                "tags": [],
                "organization_fields": {},
                "created_at": iso_z(org.created_at),
                "updated_at": iso_z(updated),
            }
            rows.append((updated, org.zendesk_id, record))
        rows.sort(key=lambda row: (row[0], row[1]))
        return rows

    def zendesk_schedules(self) -> list[dict]:
        return [
            {
                "id": schedule.id,
                "name": schedule.name,
                "time_zone": schedule.rails_zone,
                "intervals": [{"start_time": s, "end_time": e} for s, e in schedule.intervals],
                "created_at": iso_z(schedule.created_at),
                "updated_at": iso_z(schedule.created_at),
            }
            for schedule in self.schedules
        ]

    def zendesk_holidays(self, schedule_id: int) -> list[dict] | None:
        for schedule in self.schedules:
            if schedule.id == schedule_id:
                return [
                    {
                        "id": holiday.id,
                        "name": holiday.name,
                        "start_date": holiday.start_date.isoformat(),
                        "end_date": holiday.end_date.isoformat(),
                    }
                    for holiday in schedule.holidays
                ]
        return None

    def zendesk_sla_policies(self) -> list[dict]:
        """SLA policies, first match by position. Low/normal chat, voice, web and social
        tickets outside Billing match none, so the pipeline's fallback targets get used."""
        billing = self.team_by_name[BILLING_TEAM].zendesk_id

        def metrics(rows: list[tuple[str, str, int, bool]]) -> list[dict]:
            return [
                {"priority": p, "metric": m, "target": t, "business_hours": b}
                for p, m, t, b in rows
            ]

        specs = [
            (
                "Urgent and high priority",
                {"all": [], "any": [
                    {"field": "priority", "operator": "is", "value": "urgent"},
                    {"field": "priority", "operator": "is", "value": "high"},
                ]},
                metrics([
                    ("urgent", "first_reply_time", 30, False),
                    ("urgent", "next_reply_time", 60, False),
                    ("urgent", "requester_wait_time", 480, False),
                    ("high", "first_reply_time", 60, True),
                    ("high", "next_reply_time", 120, True),
                    ("high", "requester_wait_time", 960, True),
                ]),
            ),
            (
                "Billing queue",
                {"all": [{"field": "group_id", "operator": "is", "value": str(billing)}],
                 "any": []},
                metrics([
                    ("normal", "first_reply_time", 240, True),
                    ("normal", "next_reply_time", 480, True),
                    ("low", "first_reply_time", 480, True),
                ]),
            ),
            (
                # via_id 4 is Zendesk's id for the email channel.
                "Email",
                {"all": [{"field": "via_id", "operator": "is", "value": "4"}], "any": []},
                metrics([
                    ("normal", "first_reply_time", 480, True),
                    ("normal", "next_reply_time", 720, True),
                    ("normal", "requester_wait_time", 2400, True),
                    ("low", "first_reply_time", 1440, True),
                ]),
            ),
        ]  # fmt: skip
        return [
            {
                "id": 365_000_000 + position,
                "title": title,
                "description": f"{title} targets",
                "position": position,
                "filter": policy_filter,
                "policy_metrics": policy_metrics,
                "created_at": iso_z(self.created_at + timedelta(days=5, hours=position)),
                "updated_at": iso_z(self.created_at + timedelta(days=5, hours=position)),
            }
            for position, (title, policy_filter, policy_metrics) in enumerate(specs, start=1)
        ]

    # -- Intercom shapes ------------------------------------------------------------------

    def intercom_admins(self, now: datetime) -> list[dict]:
        return [
            {
                "type": "admin",
                "id": agent.intercom_id,
                "name": agent.name,
                "email": agent.email,
                "job_title": "Team lead" if agent.role == "admin" else "Support specialist",
                "away_mode_enabled": not agent.active_at(now),
                "away_mode_reassign": False,
                "has_inbox_seat": agent.active_at(now),
                "team_ids": [int(agent.team.intercom_id)],
            }
            for agent in self.agents
            if agent.created_at <= now
        ]

    def intercom_teams(self) -> list[dict]:
        return [
            {
                "type": "team",
                "id": team.intercom_id,
                "name": team.name,
                "admin_ids": [int(a.intercom_id) for a in self.agents if a.team is team],
            }
            for team in self.teams
        ]
