"""The KPI report: one self-contained HTML file a support manager opens from disk.

Built from the serving copy (never the warehouse), so it always shows what BI shows. The
figures are re-aggregated from the marts the way docs/bi.md asks BI to do it: counts summed
over the week, then divided; medians over the week's contacts, never averaged daily medians.

The charts are SVG drawn here, inline in the page; the only script is the scorecard's sort.
Nothing is fetched: no fonts, no scripts, no styles from elsewhere (docs/decisions.md says why
SVG rather than a charting library).
"""

import html
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from pipelines.report_html import SCRIPT, STYLE, Chart, Tile, cell, chart_svg, ratio, tile_html
from pipelines.report_team import MARTS_READ as TEAM_MARTS_READ
from pipelines.report_team import qa_html, targets_html, workload_html
from pipelines.serving import ASIDE_PREFIX, read_manifest, read_only, report_path

# Every mart the report reads (the dbt exposure `kpi_report` names the same ones).
MARTS_READ = (
    frozenset(
        {
            "kpi_support_daily",
            "fct_contacts",
            "kpi_feedback_daily",
            "kpi_backlog_daily",
            "kpi_sla_daily",
            "kpi_agent_weekly",
            "dim_agent",
            "dim_team",
        }
    )
    | TEAM_MARTS_READ
)
WEEKS_CHARTED = 13  # 91 days: the "last 90 days" rounded to whole weeks


@dataclass(frozen=True)
class Window:
    """The weeks the report describes, from the data's clock (never the wall clock)."""

    as_of: datetime
    last_day: date  # the last complete day before as_of
    week_start: date  # Monday of the last complete ISO week
    previous_week_start: date
    first_day: date  # Monday of the first charted week

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def previous_week_end(self) -> date:
        return self.week_start - timedelta(days=1)


def report_window(as_of: datetime) -> Window:
    """The last complete ISO week (Monday to Sunday) ending at or before as_of, the week
    before it, and the 13 weeks charted. A day is complete when its end is at or before
    as_of: as_of is the end of the latest landed day (midnight UTC), so that day is the last
    complete one; a clock set by hand to mid-day leaves that day incomplete."""
    last_day = as_of.astimezone(UTC).date() - timedelta(days=1)
    week_end = last_day - timedelta(days=last_day.isoweekday() % 7)  # Sunday on or before
    week_start = week_end - timedelta(days=6)
    return Window(
        as_of=as_of,
        last_day=last_day,
        week_start=week_start,
        previous_week_start=week_start - timedelta(days=7),
        first_day=week_start - timedelta(weeks=WEEKS_CHARTED - 1),
    )


def week_figures(con: duckdb.DuckDBPyConnection, start: date) -> dict[str, float | None]:
    """The headline figures of the ISO week starting `start`, summed from the marts' counts."""
    end = start + timedelta(days=6)
    (contacts, automated, savings, achieved, breached, rated, satisfied) = con.execute(
        "select sum(contacts_created), sum(automated_resolutions), sum(estimated_savings), "
        "sum(sla_achieved), sum(sla_breached), sum(csat_responses), sum(csat_satisfied) "
        "from kpi_support_daily where date_day between ? and ?",
        [start, end],
    ).fetchone()
    (frt_median,) = con.execute(
        "select quantile_cont(first_response_time_business_minutes, 0.5) from fct_contacts "
        "where created_date between ? and ? and first_response_time_business_minutes is not null",
        [start, end],
    ).fetchone()
    (responses, promoters, detractors) = con.execute(
        "select sum(responses), sum(promoters), sum(detractors) from kpi_feedback_daily "
        "where survey_type = 'nps' and date_day between ? and ?",
        [start, end],
    ).fetchone()
    (backlog,) = con.execute(
        "select coalesce(sum(open_tickets), 0) from kpi_backlog_daily where date_day = ?", [end]
    ).fetchone()
    return {
        "contacts": float(contacts or 0),
        "first_response_median": frt_median,
        "sla_attainment": ratio(achieved, (achieved or 0) + (breached or 0)),
        "csat": ratio(satisfied, rated),
        "nps": ratio((promoters or 0) - (detractors or 0), responses),
        "automated_rate": ratio(automated, contacts),
        "savings": savings,
        "backlog": float(backlog),
    }


def headline_tiles(con: duckdb.DuckDBPyConnection, window: Window) -> list[Tile]:
    now = week_figures(con, window.week_start)
    before = week_figures(con, window.previous_week_start)
    automated_note = (
        f"estimated savings {now['savings']:,.0f} (week before {before['savings'] or 0:,.0f})"
        if now["savings"] is not None
        else "set CSOPS_COST_PER_HUMAN_CONTACT to estimate savings"
    )
    return [
        Tile("Contacts created", now["contacts"], before["contacts"], ""),
        Tile(
            "First response, median",
            now["first_response_median"],
            before["first_response_median"],
            "business min",
            lower_is_better=True,
        ),
        Tile("SLA attainment", now["sla_attainment"], before["sla_attainment"], "%"),
        Tile("CSAT", now["csat"], before["csat"], "%"),
        Tile("NPS", now["nps"], before["nps"], ""),
        Tile(
            "Automated resolution rate",
            now["automated_rate"],
            before["automated_rate"],
            "%",
            note=automated_note,
        ),
        Tile(
            "Backlog at week's end",
            now["backlog"],
            before["backlog"],
            "",
            lower_is_better=True,
            note="open tickets at the end of Sunday",
        ),
    ]


# ---- chart data ------------------------------------------------------------------------------


def _days(window: Window) -> list[date]:
    count = (window.week_end - window.first_day).days + 1
    return [window.first_day + timedelta(days=i) for i in range(count)]


def _weeks(window: Window) -> list[date]:
    return [window.first_day + timedelta(weeks=i) for i in range(WEEKS_CHARTED)]


def _pivot(rows, xs: list, fill: float | None = None) -> dict[str, list[float | None]]:
    """Rows of (x, series, value) into one list per series over xs, in the series' order."""
    index = {x: i for i, x in enumerate(xs)}
    series: dict[str, list[float | None]] = {}
    for x, name, value in rows:
        if x not in index:
            continue
        values = series.setdefault(str(name), [fill] * len(xs))
        values[index[x]] = None if value is None else float(value)
    return series


def charts(con: duckdb.DuckDBPyConnection, window: Window) -> list[Chart]:
    days, weeks = _days(window), _weeks(window)
    span = [window.first_day, window.week_end]
    week_of = "date_trunc('week', {col})::date"

    volume = con.execute(
        "select date_day, coalesce(channel, 'unknown'), sum(contacts_created) "
        "from kpi_support_daily where date_day between ? and ? group by all "
        "order by 2, 1",
        span,
    ).fetchall()
    frt = []
    for week, median, p90 in con.execute(
        f"select {week_of.format(col='created_date')}, "
        "quantile_cont(first_response_time_business_minutes, 0.5), "
        "quantile_cont(first_response_time_business_minutes, 0.9) "
        "from fct_contacts where created_date between ? and ? "
        "and first_response_time_business_minutes is not null group by all",
        span,
    ).fetchall():
        frt += [(week, "median", median), (week, "p90", p90)]
    sla = con.execute(
        f"select {week_of.format(col='date_day')}, metric, "
        "100.0 * sum(achieved) / nullif(sum(achieved) + sum(breached), 0) "
        "from kpi_sla_daily where date_day between ? and ? group by all order by 2, 1",
        span,
    ).fetchall()
    csat = con.execute(
        f"select {week_of.format(col='date_day')}, 'CSAT %', "
        "100.0 * sum(csat_satisfied) / nullif(sum(csat_responses), 0) "
        "from kpi_support_daily where date_day between ? and ? group by all",
        span,
    ).fetchall()
    nps = con.execute(
        f"select {week_of.format(col='date_day')}, 'NPS', "
        "100.0 * (sum(promoters) - sum(detractors)) / nullif(sum(responses), 0) "
        "from kpi_feedback_daily where survey_type = 'nps' and date_day between ? and ? "
        "group by all",
        span,
    ).fetchall()
    backlog = con.execute(
        "select date_day, age_bucket, sum(open_tickets) from kpi_backlog_daily "
        "where date_day between ? and ? group by all order by 2, 1",
        span,
    ).fetchall()
    automated = con.execute(
        f"select {week_of.format(col='date_day')}, 'automated resolution rate', "
        "100.0 * sum(automated_resolutions) / nullif(sum(contacts_created), 0) "
        "from kpi_support_daily where date_day between ? and ? group by all",
        span,
    ).fetchall()
    return [
        Chart(
            "volume",
            "Contacts created per day, by channel",
            days,
            _pivot(volume, days, fill=0.0),
            stacked=True,
        ),
        Chart(
            "first-response",
            "First response time per week, business minutes",
            weeks,
            _pivot(frt, weeks),
            unit="min",
            note="median and 90th percentile over the week's contacts",
        ),
        Chart(
            "sla",
            "SLA attainment per week, by metric",
            weeks,
            _pivot(sla, weeks),
            unit="%",
            y_range=(0, 100),
            note="achieved ÷ (achieved + breached)",
        ),
        Chart(
            "feedback",
            "CSAT % and NPS per week",
            weeks,
            {**_pivot(csat, weeks), **_pivot(nps, weeks)},
            y_range=(-100, 100),
        ),
        Chart(
            "backlog",
            "Open tickets at the end of each day, by age",
            days,
            _pivot(sorted(backlog, key=lambda r: _age_order(r[1])), days, fill=0.0),
            stacked=True,
        ),
        Chart(
            "automation",
            "Automated resolution rate per week",
            weeks,
            _pivot(automated, weeks),
            unit="%",
            y_range=(0, 100),
            note="contacts resolved without a human ÷ contacts created",
        ),
    ]


def _age_order(bucket: str) -> tuple[float, str]:
    """Age buckets oldest last: by the first number in the name ('1-3d', '8-30d', '30d+')."""
    if str(bucket).startswith("<"):
        return (0.0, str(bucket))
    digits = ""
    for char in str(bucket):
        if char.isdigit():
            digits += char
        elif digits:
            break
    return (float(digits) if digits else float("inf"), str(bucket))


def scorecard(con: duckdb.DuckDBPyConnection, window: Window) -> tuple[list[str], list[list]]:
    columns = [
        "Agent",
        "Source",
        "Team",
        "Replies",
        "Tickets solved",
        "Chats closed",
        "First reply, median (business min)",
        "Resolution, median (business min)",
        "CSAT %",
        "Reopen rate %",
        "One-touch rate %",
    ]
    rows = con.execute(
        "select coalesce(a.agent_name, w.agent_key), a.source, coalesce(t.team_name, ''), "
        "w.replies, "
        "w.tickets_solved, w.conversations_closed, "
        "w.first_reply_time_median_business_minutes, "
        "w.full_resolution_time_median_business_minutes, w.csat_pct, w.reopen_rate, "
        "w.one_touch_rate "
        "from kpi_agent_weekly w "
        "left join dim_agent a on a.agent_key = w.agent_key "
        "left join dim_team t on t.team_key = a.team_key "
        "where w.week_start = ? order by w.replies desc, 1",
        [window.week_start],
    ).fetchall()
    return columns, [list(r) for r in rows]


def render(serving: Path) -> str:
    manifest = read_manifest(serving)
    if manifest is None:
        raise FileNotFoundError(f"no serving copy to report on in {serving}")
    as_of = manifest.as_of
    with read_only(serving) as con:
        if as_of is None:
            window = None
        else:
            window = report_window(as_of)
            tiles = headline_tiles(con, window)
            chart_list = charts(con, window)
            columns, rows = scorecard(con, window)
            targets = targets_html(con, window.week_start)
            qa = qa_html(con, window.week_start)
            workload = workload_html(con, window.week_start)
    title = "csops · support KPI report"
    if window is None:
        body = "<main><p>Nothing has been landed yet: no figures to show.</p></main>"
        clock = "no data landed yet"
    else:
        clock = f"data as of {as_of:%Y-%m-%d %H:%M} UTC"
        week = f"{window.week_start:%a %d %b} – {window.week_end:%a %d %b %Y}"
        before = f"{window.previous_week_start:%d %b} – {window.previous_week_end:%d %b}"
        figures = "".join(
            f'<figure data-chart="{c.chart_id}"><figcaption>{html.escape(c.title)}'
            + (f" <small>({html.escape(c.note)})</small>" if c.note else "")
            + f"</figcaption>{chart_svg(c)}</figure>"
            for c in chart_list
        )
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
        body_rows = "".join("<tr>" + "".join(cell(v) for v in r) + "</tr>" for r in rows)
        if not rows:
            body_rows = f'<tr><td colspan="{len(columns)}">no agent activity that week</td></tr>'
        body = (
            "<main>"
            f"<h2>Last complete week: {week} <small>(against {before})</small></h2>"
            f'<section class="tiles">{"".join(tile_html(t) for t in tiles)}</section>'
            f"<h2>Targets, week of {window.week_start:%d %b %Y} <small>(all teams; what "
            "moved each KPI since the week before, by channel, team or priority)</small></h2>"
            f'<section id="targets-section">{targets}</section>'
            f"<h2>The last {WEEKS_CHARTED} weeks ({window.first_day:%d %b} – "
            f"{window.week_end:%d %b %Y})</h2>"
            f'<section class="charts">{figures}</section>'
            f"<h2>Agent scorecard, week of {window.week_start:%d %b %Y} "
            "<small>(click a column to sort)</small></h2>"
            f'<table class="sortable" id="scorecard"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body_rows}</tbody></table>"
            f"<h2>QA reviews, week of {window.week_start:%d %b %Y} <small>(by review date)"
            f'</small></h2><section id="qa-section">{qa}</section>'
            f"<h2>Workload and shifts, week of {window.week_start:%d %b %Y}</h2>"
            f'<section id="workload-section">{workload}</section>'
            "</main>"
        )
    footer = (
        f"Published {manifest.published_at:%Y-%m-%d %H:%M} UTC by run {html.escape(manifest.run_id)}"
        " from the serving copy beside this file (marts.duckdb, parquet/). Weeks are ISO weeks, "
        "Monday to Sunday, of the marts' reporting dates. Rates are sums of counts divided, "
        "medians are over the week's contacts. Definitions: docs/kpis.md."
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} ({html.escape(clock)})</title><style>{STYLE}</style></head><body>"
        f'<header><h1>Support KPI report</h1><p id="as-of">{html.escape(clock)} · '
        f"{'last complete day ' + format(window.last_day, '%a %d %b %Y') if window else ''}"
        "</p></header>"
        f"{body}<footer>{footer}</footer><script>{SCRIPT}</script></body></html>\n"
    )


def write_report(serving: Path) -> Path:
    """Render the report from the serving copy and rename it into place beside it."""
    page = render(serving)
    target = report_path(serving)
    aside = serving / f"{ASIDE_PREFIX}{os.getpid()}-{target.name}"
    aside.write_text(page, encoding="utf-8")
    os.replace(aside, target)
    return target
