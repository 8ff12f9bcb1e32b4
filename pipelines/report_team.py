"""The KPI report's team sections: targets met and missed with what moved each KPI, QA
reviews, and workload (overworked agents and how fairly the shifts are spread).

Each section reads its marts for the report's last complete ISO week (and the week before,
for the QA tiles) and says so plainly when a mart is absent from the serving copy or has no
row that week: a source not configured (no Zendesk QA, no shift files) leaves its marts empty.
The figures are re-aggregated the way docs/bi.md asks: counts summed, then divided.
"""

import html
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from pipelines.report_html import Tile, cell, fmt, ratio, tile_html

MARTS_READ = frozenset(
    {
        "kpi_target_attainment_weekly",
        "kpi_change_drivers_weekly",
        "kpi_qa_weekly",
        "kpi_qa_category_weekly",
        "kpi_agent_workload_weekly",
        "kpi_shift_fairness_weekly",
        "dim_agent",
        "dim_team",
    }
)

# The targets' KPIs in the order shown, each with its label and unit. The first response
# target is on the median; its drivers are those of the mean (a median does not split into
# segments' shares), and the table says so.
TARGET_KPIS = {
    "first_response_time_median_business_minutes": ("First response, median", "business min"),
    "sla_attainment_pct": ("SLA attainment", "%"),
    "csat_pct": ("CSAT", "%"),
    "nps": ("NPS", ""),
    "automated_resolution_rate": ("Automated resolution rate", "%"),
    "reopen_rate": ("Reopen rate", "%"),
    "one_touch_rate": ("One-touch rate", "%"),
    "escalation_rate": ("Escalation rate", "%"),
    "backlog_open_end_of_week": ("Backlog at week's end", ""),
}
DRIVERS_OF = {
    "first_response_time_median_business_minutes": "first_response_time_mean_business_minutes"
}
TOP_DRIVERS = 3
FOLD_AFTER = 10  # team targets missed listed open; more are folded under a summary line


def _present(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    (count,) = con.execute(
        "select count(*) from information_schema.tables where table_name = ?", [table]
    ).fetchone()
    return count > 0


# ---- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Driver:
    """One segment's share of a KPI's change from the week before, in the KPI's unit."""

    dimension: str
    segment: str
    mix_effect: float
    rate_effect: float

    @property
    def effect(self) -> float:
        return self.mix_effect + self.rate_effect


@dataclass(frozen=True)
class TargetLine:
    """One KPI of all teams together against its target, with what moved it."""

    kpi: str
    label: str
    unit: str
    actual: float | None
    target: float
    direction: str
    is_met: bool
    gap: float | None
    change: float | None  # actual minus the week before's actual
    drivers: tuple[Driver, ...]


@dataclass(frozen=True)
class TeamMiss:
    team: str
    label: str
    unit: str
    actual: float | None
    target: float
    gap: float | None


def target_lines(con: duckdb.DuckDBPyConnection, week_start: date) -> list[TargetLine]:
    """The all-teams row of each KPI with a target that week, and its largest drivers: the
    segments (of any dimension) whose mix and rate effects together moved it most."""
    if not _present(con, "kpi_target_attainment_weekly"):
        return []
    # The change is the KPI's own, from the all-teams row of the week before (the median's
    # too); the drivers split the change of the KPI they explain.
    rows = con.execute(
        "select w.kpi, w.actual, w.target, w.direction, w.is_met, w.gap, "
        "w.actual - before.actual "
        "from kpi_target_attainment_weekly w left join kpi_target_attainment_weekly before "
        "on before.kpi = w.kpi and before.team_key is null and before.week_start = ? "
        "where w.week_start = ? and w.team_key is null",
        [week_start - timedelta(days=7), week_start],
    ).fetchall()
    drivers: dict[str, list[Driver]] = {}
    if _present(con, "kpi_change_drivers_weekly"):
        for kpi, dimension, segment, mix, rate in con.execute(
            "select kpi, dimension, coalesce(segment_name, segment), mix_effect, rate_effect "
            "from kpi_change_drivers_weekly where week_start = ?",
            [week_start],
        ).fetchall():
            drivers.setdefault(kpi, []).append(Driver(dimension, str(segment), mix, rate))
    lines = []
    for kpi, actual, target, direction, is_met, gap, change in rows:
        label, unit = TARGET_KPIS.get(kpi, (kpi, ""))
        explained = DRIVERS_OF.get(kpi, kpi)
        moved = [d for d in drivers.get(explained, []) if abs(d.effect) > 1e-9]
        moved.sort(key=lambda d: (-abs(d.effect), d.dimension, d.segment))
        lines.append(
            TargetLine(
                kpi,
                label,
                unit,
                actual,
                target,
                direction,
                bool(is_met),
                gap,
                change,
                tuple(moved[:TOP_DRIVERS]),
            )
        )
    order = list(TARGET_KPIS)
    lines.sort(key=lambda t: (order.index(t.kpi) if t.kpi in order else len(order), t.kpi))
    return lines


def team_misses(
    con: duckdb.DuckDBPyConnection, week_start: date
) -> tuple[int, int, list[TeamMiss]]:
    """(team targets met, team targets with a figure, the missed ones by KPI and gap)."""
    if not _present(con, "kpi_target_attainment_weekly"):
        return 0, 0, []
    met, measured = con.execute(
        "select count(*) filter (where is_met), count(*) filter (where actual is not null) "
        "from kpi_target_attainment_weekly where week_start = ? and team_key is not null",
        [week_start],
    ).fetchone()
    misses = [
        TeamMiss(team, *TARGET_KPIS.get(kpi, (kpi, "")), actual, target, gap)
        for team, kpi, actual, target, gap in con.execute(
            "select team_name, kpi, actual, target, gap from kpi_target_attainment_weekly "
            "where week_start = ? and team_key is not null and actual is not null "
            "and not is_met order by kpi, abs(gap) desc, team_name",
            [week_start],
        ).fetchall()
    ]
    return met, measured, misses


def _signed(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    suffix = " pp" if unit == "%" else (" min" if "min" in unit else "")
    return f"{sign}{fmt(abs(value)).replace(' min', '')}{suffix}"


def _driver_text(driver: Driver, unit: str) -> str:
    return (
        f"{driver.dimension} {driver.segment}: {_signed(driver.effect, unit)} "
        f"(mix {_signed(driver.mix_effect, unit)}, rate {_signed(driver.rate_effect, unit)})"
    )


def targets_html(con: duckdb.DuckDBPyConnection, week_start: date) -> str:
    lines = target_lines(con, week_start)
    if not lines:
        return '<p class="empty-section">No targets in force that week.</p>'
    body = []
    for line in lines:
        status = (
            '<td class="met">met</td>'
            if line.is_met
            else ('<td class="missed">missed</td>' if line.actual is not None else "<td>–</td>")
        )
        drivers = "; ".join(_driver_text(d, line.unit) for d in line.drivers)
        if line.kpi in DRIVERS_OF and drivers:
            drivers = f"of the mean: {drivers}"
        body.append(
            f'<tr data-kpi="{html.escape(line.kpi)}"><td>{html.escape(line.label)}</td>'
            f'<td class="num">{html.escape(fmt(line.actual, line.unit))}</td>'
            f'<td class="num">{"≥" if line.direction == "higher" else "≤"} '
            f"{html.escape(fmt(line.target, line.unit))}</td>{status}"
            f'<td class="num">{html.escape(_signed(line.change, line.unit))}</td>'
            f'<td class="drivers">{html.escape(drivers or "–")}</td></tr>'
        )
    met = sum(1 for line in lines if line.is_met)
    measured = sum(1 for line in lines if line.actual is not None)
    team_met, team_measured, misses = team_misses(con, week_start)
    missed_rows = "".join(
        f"<tr><td>{html.escape(m.team)}</td><td>{html.escape(m.label)}</td>"
        f'<td class="num">{html.escape(fmt(m.actual, m.unit))}</td>'
        f'<td class="num">{html.escape(fmt(m.target, m.unit))}</td>'
        f'<td class="num">{html.escape(_signed(m.gap, m.unit))}</td></tr>'
        for m in misses
    )
    teams = (
        f"<p>Teams: {team_met} of {team_measured} team targets met.</p>"
        + (
            # A long list is folded away; a few misses are shown at once.
            f"<details{' open' if len(misses) <= FOLD_AFTER else ''}><summary>"
            f"{len(misses)} team target(s) missed, by KPI, largest gap first</summary>"
            '<table id="team-misses"><thead><tr><th>Team</th><th>KPI</th><th>Actual</th>'
            f"<th>Target</th><th>Gap</th></tr></thead><tbody>{missed_rows}</tbody></table>"
            "</details>"
            if misses
            else ""
        )
        if team_measured
        else ""
    )
    return (
        f'<p id="targets-summary">All teams: {met} of {measured} targets met.</p>'
        '<table id="targets"><thead><tr><th>KPI</th><th>Actual</th><th>Target</th>'
        "<th>Status</th><th>Change vs week before</th>"
        f"<th>Top drivers of the change</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"{teams}"
    )


# ---- QA reviews --------------------------------------------------------------------------------


def _qa_week(con: duckdb.DuckDBPyConnection, week_start: date) -> dict[str, float | None]:
    reviews, scored, score_sum, failures, resolved, reviewed = con.execute(
        "select sum(reviews), sum(scored_reviews), sum(score_pct_sum), sum(critical_failures), "
        "sum(resolved_contacts), sum(reviewed_contacts) from kpi_qa_weekly where week_start = ?",
        [week_start],
    ).fetchone()
    return {
        "reviews": float(reviews or 0),
        # A review whose every rating is N/A has no score: not in the mean.
        "score": (score_sum / scored) if scored else None,
        "coverage": ratio(reviewed, resolved),
        "failures": float(failures or 0),
    }


def qa_tiles(con: duckdb.DuckDBPyConnection, week_start: date) -> list[Tile]:
    """QA score (mean review score), review coverage, reviews and critical failures of the
    week against the week before, summed over agents."""
    now = _qa_week(con, week_start)
    before = _qa_week(con, week_start - timedelta(days=7))
    return [
        Tile("QA score", now["score"], before["score"], "%", note="mean review score"),
        Tile(
            "Review coverage",
            now["coverage"],
            before["coverage"],
            "%",
            note="resolved contacts with a review of their agent",
        ),
        Tile("QA reviews", now["reviews"], before["reviews"], ""),
        Tile(
            "Critical failures",
            now["failures"],
            before["failures"],
            "",
            lower_is_better=True,
        ),
    ]


def qa_categories(con: duckdb.DuckDBPyConnection, week_start: date) -> list[list]:
    """The week's categories over all teams, lowest mean score first."""
    return [
        list(r)
        for r in con.execute(
            "select category_name, sum(ratings), sum(score_pct_sum) / nullif(sum(ratings), 0), "
            "sum(critical_failures) from kpi_qa_category_weekly where week_start = ? "
            "group by category_name having sum(ratings) > 0 order by 3, 1",
            [week_start],
        ).fetchall()
    ]


def qa_html(con: duckdb.DuckDBPyConnection, week_start: date) -> str:
    if not _present(con, "kpi_qa_weekly"):
        return '<p class="empty-section">No QA reviews in this serving copy.</p>'
    tiles = qa_tiles(con, week_start)
    if not tiles[2].current and not tiles[2].previous:
        return '<p class="empty-section">No QA reviews dated in these two weeks.</p>'
    categories = qa_categories(con, week_start) if _present(con, "kpi_qa_category_weekly") else []
    rows = "".join(
        "<tr>"
        + f"<td>{html.escape(str(name))}</td>"
        + cell(int(ratings))
        + cell(None if mean is None else float(mean))
        + cell(int(failures or 0))
        + "</tr>"
        for name, ratings, mean, failures in categories
    )
    table = (
        '<table id="qa-categories"><thead><tr><th>Category</th><th>Ratings</th>'
        f"<th>Mean score %</th><th>Critical failures</th></tr></thead><tbody>{rows}</tbody>"
        "</table>"
        if categories
        else ""
    )
    return f'<section class="tiles" id="qa-tiles">{"".join(tile_html(t) for t in tiles)}</section>{table}'


# ---- workload ----------------------------------------------------------------------------------


def overworked(con: duckdb.DuckDBPyConnection, week_start: date) -> list[list]:
    """The week's overworked agents: name, team, scheduled and active hours, active hours
    outside shift, the longest run of working days, night hours and weekend shifts."""
    return [
        list(r)
        for r in con.execute(
            "select coalesce(a.agent_name, w.agent_key), coalesce(t.team_name, ''), "
            "w.scheduled_work_minutes / 60.0, w.active_minutes / 60.0, "
            "w.active_outside_shift_minutes / 60.0, w.max_consecutive_days, "
            "w.night_work_minutes / 60.0, w.weekend_shifts "
            "from kpi_agent_workload_weekly w "
            "left join dim_agent a on a.agent_key = w.agent_key "
            "left join dim_team t on t.team_key = a.team_key "
            "where w.week_start = ? and w.is_overworked "
            "order by greatest(w.scheduled_work_minutes, w.active_minutes) desc, 1",
            [week_start],
        ).fetchall()
    ]


def fairness(con: duckdb.DuckDBPyConnection, week_start: date) -> list[list]:
    """Per team: agents with shifts, weekend shifts and night hours (least to most), and the
    spread of scheduled work (coefficient of variation)."""
    return [
        list(r)
        for r in con.execute(
            "select coalesce(t.team_name, 'no team'), f.agents, f.weekend_shifts_min, "
            "f.weekend_shifts_max, f.night_work_minutes_min / 60.0, "
            "f.night_work_minutes_max / 60.0, f.scheduled_work_minutes_cv "
            "from kpi_shift_fairness_weekly f left join dim_team t on t.team_key = f.team_key "
            "where f.week_start = ? order by 1",
            [week_start],
        ).fetchall()
    ]


def workload_html(con: duckdb.DuckDBPyConnection, week_start: date) -> str:
    if not _present(con, "kpi_agent_workload_weekly"):
        return '<p class="empty-section">No shifts or workload in this serving copy.</p>'
    (agents,) = con.execute(
        "select count(*) from kpi_agent_workload_weekly where week_start = ?", [week_start]
    ).fetchone()
    if not agents:
        return '<p class="empty-section">No shifts or agent activity that week.</p>'
    over = overworked(con, week_start)
    head = (
        "<tr><th>Agent</th><th>Team</th><th>Scheduled h</th><th>Active h</th>"
        "<th>Active outside shift h</th><th>Days in a row</th><th>Night h</th>"
        "<th>Weekend shifts</th></tr>"
    )
    rows = "".join(
        "<tr>" + "".join(cell(float(v) if isinstance(v, float) else v) for v in r) + "</tr>"
        for r in over
    )
    over_html = f'<p id="overworked-summary">{len(over)} of {agents} agents overworked.</p>' + (
        f'<table id="overworked"><thead>{head}</thead><tbody>{rows}</tbody></table>' if over else ""
    )
    teams = fairness(con, week_start) if _present(con, "kpi_shift_fairness_weekly") else []
    fair_rows = "".join(
        f"<tr><td>{html.escape(str(team))}</td>{cell(int(n))}"
        f'<td class="num">{least_weekend}–{most_weekend}</td>'
        f'<td class="num">{least_night:.1f}–{most_night:.1f}</td>'
        f'<td class="num">{"–" if cv is None else format(cv, ".2f")}</td></tr>'
        for team, n, least_weekend, most_weekend, least_night, most_night, cv in teams
    )
    fair_html = (
        '<table id="fairness"><thead><tr><th>Team</th><th>Agents on shift</th>'
        "<th>Weekend shifts (least–most)</th><th>Night hours (least–most)</th>"
        f"<th>Spread of scheduled work (CV)</th></tr></thead><tbody>{fair_rows}</tbody></table>"
        if teams
        else ""
    )
    return over_html + fair_html
