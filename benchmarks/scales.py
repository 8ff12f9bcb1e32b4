"""The benchmark scales: how much simulated history each one lands (issue 4).

Chats run at 0.75 x tickets and surveys follow from the contacts, so every scale keeps the
demo's proportions. L triples M's days, not its volume: ticket ids are the creation day x
10,000 + the index within the day, which caps the simulator at 4,999 tickets a day on
average, below 3 x 2,000.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from simulator.org import SimConfig

SEED = 7
HISTORY_START = date(2024, 1, 1)


@dataclass(frozen=True)
class Scale:
    """One benchmark size: days of history, daily volume, and the org's head count."""

    name: str
    days: int
    tickets_per_day: float
    agents: int
    history_start: date = HISTORY_START

    @property
    def chats_per_day(self) -> float:
        return self.tickets_per_day * 0.75

    @property
    def first_day(self) -> date:
        return self.history_start

    @property
    def last_day(self) -> date:
        return self.history_start + timedelta(days=self.days - 1)

    @property
    def extra_day(self) -> date:
        """The day the incremental case lands on top of the scale."""
        return self.last_day + timedelta(days=1)

    def config(self, through: date) -> SimConfig:
        """The simulated org as seen the morning after `through` (its nightly run)."""
        now = datetime.combine(through + timedelta(days=1), datetime.min.time(), UTC)
        return SimConfig(
            seed=SEED,
            tickets_per_day=self.tickets_per_day,
            chats_per_day=self.chats_per_day,
            agents=self.agents,
            history_start=self.history_start,
            now=now,
        )

    def describe(self) -> str:
        return (
            f"{self.days} days x {self.tickets_per_day:,.0f} tickets/day, "
            f"{self.chats_per_day:,.0f} chats/day, {self.agents} agents"
        )


SCALES = {
    "S": Scale("S", days=30, tickets_per_day=200, agents=30),
    "M": Scale("M", days=365, tickets_per_day=2000, agents=300),
    "L": Scale("L", days=3 * 365, tickets_per_day=2000, agents=300, history_start=date(2022, 1, 1)),
}
