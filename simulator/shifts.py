"""The simulated workforce tool: the agents' rosters as CSV exports, one file per ISO week.

Shaped like the exports of the rostering tools (one row per activity: ``agent_email, start,
end, activity_type``, local times with their UTC offset). Each team works its schedule's
opening hours in early and late shifts, with a lunch and a short break; a Saturday rotation
covers weekends (every team; the agent on it takes that week's Monday off) and a night
rotation (22:00-06:00 local, four nights and the rest of the week off) covers the escalation
team; time off (PTO, sick days) sits on top of the rostered shift, as the tools show it; a
weekly training is neither work nor a break. A few agents are overworked: some on long
days, some without a day off for two weeks. A week's file depends on the seed and the week
only, so writing it again gives the same bytes.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

from simulator.clock import rng_for
from simulator.org import SupportOrg
from simulator.reference import ESCALATION_TEAM, Agent

HEADER = "agent_email,start,end,activity_type"
WORK_TYPES = ("Email", "Chat", "Phone", "Tickets", "Shift")


def week_starts(first_day: date, last_day: date) -> list[date]:
    """The Mondays of the ISO weeks that overlap first_day..last_day."""
    monday = first_day - timedelta(days=first_day.weekday())
    weeks = []
    while monday <= last_day:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def file_name(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"roster_{year}-W{week:02d}.csv"


def write_shift_files(org: SupportOrg, folder: Path, first_day: date, last_day: date) -> list[Path]:
    """Write the roster of every week overlapping the days into ``folder``; a file that
    already holds the same text is left untouched."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for monday in week_starts(first_day, last_day):
        path = folder / file_name(monday)
        text = week_csv(org, monday)
        if not path.exists() or path.read_text() != text:
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_text(text)
            temporary.replace(path)
        written.append(path)
    return written


def week_csv(org: SupportOrg, monday: date) -> str:
    lines = [HEADER]
    for agent in org.directory.agents:
        zone = agent.team.schedule.zone
        for start, end, kind in agent_week(org, agent, monday):
            local_start, local_end = start.astimezone(zone), end.astimezone(zone)
            lines.append(f"{agent.email},{local_start.isoformat()},{local_end.isoformat()},{kind}")
    return "\n".join(lines) + "\n"


def agent_week(
    org: SupportOrg, agent: Agent, monday: date
) -> Iterator[tuple[datetime, datetime, str]]:
    """One agent's activities of the week starting ``monday`` (local dates)."""
    seed = org.config.seed
    zone = agent.team.schedule.zone
    week_no = (monday - date(2000, 1, 3)).days // 7
    teammates = [a for a in org.directory.agents if a.team is agent.team]
    seat = teammates.index(agent)
    long_days = agent.index % 11 == 3
    no_days_off = agent.index % 11 == 7 and week_no % 4 in (0, 1)
    night_rotation = agent.team.name == ESCALATION_TEAM and week_no % len(teammates) == seat
    saturday_rotation = week_no % len(teammates) == seat
    # The Saturday is worked instead of the week's Monday (but not by an agent given no day
    # off), so the rotation alone overworks no one.
    monday_off = saturday_rotation and not no_days_off
    late = (week_no + seat) % 2 == 1
    for offset in range(7):
        day = monday + timedelta(days=offset)
        moment = datetime.combine(day, time(12), tzinfo=zone)
        if not agent.active_at(moment):
            continue
        sunday_based = (day.weekday() + 1) % 7
        windows = agent.team.schedule.open_windows(day)
        rng = rng_for(seed, "shift", agent.index, day.isoformat())
        kind = WORK_TYPES[(agent.index + offset) % len(WORK_TYPES)]
        if night_rotation:
            # Four nights, Monday to Thursday, and the rest of that week off.
            if offset < 4:
                start = datetime.combine(day, time(22), tzinfo=zone)
                yield start, start + timedelta(hours=8), "Phone"
            continue
        works_today = (
            bool(windows) and sunday_based in agent.shift_days and not (monday_off and offset == 0)
        )
        if not works_today:
            if offset >= 5 and (saturday_rotation and offset == 5 or no_days_off):
                start = datetime.combine(day, time(10), tzinfo=zone)
                yield start, start + timedelta(hours=6), kind
            continue
        opens, closes = windows[0][0], windows[-1][1]
        length = timedelta(hours=10, minutes=30) if long_days else timedelta(hours=8, minutes=30)
        start = closes - length if late and closes - length > opens else opens
        end = start + length
        yield start, end, kind
        lunch = start + timedelta(hours=4)
        yield lunch, lunch + timedelta(minutes=30), "Lunch"
        pause = start + timedelta(hours=6, minutes=30)
        yield pause, pause + timedelta(minutes=15), "Break"
        if offset == 2:
            training = start + timedelta(hours=1)
            yield training, training + timedelta(hours=1), "Training"
        draw = rng.random()
        if draw < 0.03:
            yield start, end, "PTO"
        elif draw < 0.05:
            yield start, end, "Sick"
