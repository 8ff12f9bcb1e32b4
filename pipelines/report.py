"""The KPI report: one self-contained HTML file a support manager opens from disk.

Built from the serving copy (never the warehouse), so it always shows what BI shows. The
figures are re-aggregated from the marts the way docs/bi.md asks BI to do it: counts summed
over the week, then divided; medians over the week's contacts, never averaged daily medians.

The charts are SVG drawn here, inline in the page; the only script is the scorecard's sort.
Nothing is fetched: no fonts, no scripts, no styles from elsewhere (docs/decisions.md says why
SVG rather than a charting library).
"""

import html
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from pipelines.serving import ASIDE_PREFIX, read_manifest, read_only, report_path

# Every mart the report reads (the dbt exposure `kpi_report` names the same ones).
MARTS_READ = frozenset(
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
WEEKS_CHARTED = 13  # 91 days: the "last 90 days" rounded to whole weeks

# Okabe-Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


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


@dataclass(frozen=True)
class Tile:
    """One headline figure: last complete week against the week before."""

    label: str
    current: float | None
    previous: float | None
    unit: str  # "", "%", "min", or a currency-free "amount"
    lower_is_better: bool = False
    note: str = ""

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator ÷ denominator × 100, or None when there is no denominator."""
    if not denominator:
        return None
    return 100.0 * (numerator or 0) / denominator


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
        "sla_attainment": _ratio(achieved, (achieved or 0) + (breached or 0)),
        "csat": _ratio(satisfied, rated),
        "nps": _ratio((promoters or 0) - (detractors or 0), responses),
        "automated_rate": _ratio(automated, contacts),
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


@dataclass
class Chart:
    """Series over an ordered x axis; `stacked` draws bars, otherwise lines."""

    chart_id: str
    title: str
    x: list[date]
    series: dict[str, list[float | None]] = field(default_factory=dict)
    stacked: bool = False
    unit: str = ""
    y_range: tuple[float, float] | None = None
    note: str = ""


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


# ---- rendering -------------------------------------------------------------------------------


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "business min" or unit == "min":
        return f"{value:,.0f} min" if value >= 100 else f"{value:.1f} min"
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def _tile_html(tile: Tile) -> str:
    change = tile.change
    if change is None:
        delta, tone = "no figure to compare", "flat"
    else:
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        unit = " pp" if tile.unit == "%" else (" min" if "min" in tile.unit else "")
        delta = f"{sign}{_fmt(abs(change)).replace(' min', '')}{unit} vs week before"
        better = (change < 0) if tile.lower_is_better else (change > 0)
        tone = "flat" if change == 0 else ("good" if better else "bad")
    unit_label = " (business minutes)" if tile.unit == "business min" else ""
    return (
        f'<div class="tile" data-kpi="{html.escape(tile.label)}">'
        f'<div class="label">{html.escape(tile.label)}{unit_label}</div>'
        f'<div class="value">{html.escape(_fmt(tile.current, tile.unit))}</div>'
        f'<div class="delta {tone}">{html.escape(delta)}</div>'
        f'<div class="before">week before: {html.escape(_fmt(tile.previous, tile.unit))}</div>'
        + (f'<div class="note">{html.escape(tile.note)}</div>' if tile.note else "")
        + "</div>"
    )


def _nice_max(value: float) -> float:
    """The top of an axis of four equal steps, each a round number (1, 2, 2.5 or 5 × 10^k)."""
    if value <= 0:
        return 1.0
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(f * magnitude for f in (1, 2, 2.5, 5, 10) if f * magnitude >= raw)
    return step * 4


def chart_svg(chart: Chart, width: int = 560, height: int = 240) -> str:
    """One chart as inline SVG: axes, gridlines, a legend, and a tooltip on every mark."""
    left, right, top, bottom = 48, 12, 12, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(chart.x)
    names = list(chart.series)
    values = [v for s in chart.series.values() for v in s if v is not None]
    if chart.stacked:
        totals = [sum((chart.series[s][i] or 0) for s in names) for i in range(n)]
        y_min, y_max = 0.0, _nice_max(max(totals, default=0))
    elif chart.y_range:
        y_min, y_max = chart.y_range
    else:
        y_min, y_max = 0.0, _nice_max(max(values, default=0))
    if y_min < 0 and values and min(values) >= 0:
        y_min = 0.0

    def ypos(v: float) -> float:
        return top + plot_h - (v - y_min) / (y_max - y_min) * plot_h

    def xpos(i: int) -> float:
        return left + (i + 0.5) * plot_w / max(n, 1)

    parts = [
        (
            f'<svg class="chart" id="chart-{chart.chart_id}" role="img" viewBox="0 0 {width} '
            f'{height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{html.escape(chart.title)}</title>"
        )
    ]
    for k in range(5):
        v = y_min + (y_max - y_min) * k / 4
        y = ypos(v)
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_fmt(v).replace(' min', '')}</text>"
        )
    label_every = max(1, -(-n // 7))  # at most 7 labels: ceil(n / 7)
    for i, x in enumerate(chart.x):
        if i % label_every == 0:
            parts.append(
                f'<text class="tick" x="{xpos(i):.1f}" y="{top + plot_h + 16}" '
                f'text-anchor="middle">{x:%d %b}</text>'
            )
    if not values:
        parts.append(
            f'<text class="empty" x="{left + plot_w / 2}" y="{top + plot_h / 2}" '
            'text-anchor="middle">no data in these weeks</text>'
        )
    elif chart.stacked:
        bar_w = max(1.0, plot_w / n - 1)
        base = [0.0] * n
        for s, name in enumerate(names):
            color = PALETTE[s % len(PALETTE)]
            for i, v in enumerate(chart.series[name]):
                if not v:
                    continue
                y0, y1 = ypos(base[i]), ypos(base[i] + v)
                parts.append(
                    f'<rect class="mark" x="{xpos(i) - bar_w / 2:.1f}" y="{y1:.1f}" '
                    f'width="{bar_w:.1f}" height="{y0 - y1:.1f}" fill="{color}">'
                    f"<title>{chart.x[i]:%a %d %b %Y} · {html.escape(name)}: "
                    f"{_fmt(v, chart.unit)}</title></rect>"
                )
                base[i] += v
    else:
        for s, name in enumerate(names):
            color = PALETTE[s % len(PALETTE)]
            points = [(i, v) for i, v in enumerate(chart.series[name]) if v is not None]
            path = " ".join(
                f"{'M' if j == 0 else 'L'}{xpos(i):.1f},{ypos(v):.1f}"
                for j, (i, v) in enumerate(points)
            )
            parts.append(f'<path class="mark" d="{path}" stroke="{color}" fill="none"/>')
            for i, v in points:
                parts.append(
                    f'<circle cx="{xpos(i):.1f}" cy="{ypos(v):.1f}" r="3" fill="{color}">'
                    f"<title>week of {chart.x[i]:%d %b %Y} · {html.escape(name)}: "
                    f"{_fmt(v, chart.unit)}</title></circle>"
                )
    legend_y = height - 8
    x = left
    for s, name in enumerate(names):
        color = PALETTE[s % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{color}"/>'
            f'<text class="legend" x="{x + 14}" y="{legend_y}">{html.escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def _cell(value) -> str:
    if value is None:
        return '<td data-sort="">–</td>'
    if isinstance(value, float):
        return f'<td data-sort="{value:.6f}" class="num">{value:,.1f}</td>'
    if isinstance(value, int):
        return f'<td data-sort="{value}" class="num">{value:,}</td>'
    text = html.escape(str(value))
    return f'<td data-sort="{text}">{text}</td>'


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#1b2a41;color:#fff;padding:16px 28px}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#c9d3e0;font-size:14px}
main{padding:20px 28px;max-width:1240px}
h2{font-size:17px;margin:26px 0 10px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.tile{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:12px 14px}
.tile .label{font-size:13px;color:#4a5563}.tile .value{font-size:28px;font-weight:600;margin:4px 0}
.delta{font-size:13px}.delta.good{color:#0a7a3e}.delta.bad{color:#b3261e}.delta.flat{color:#4a5563}
.before,.note{font-size:12px;color:#6b7480;margin-top:2px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:14px}
figure{background:#fff;border:1px solid #dde2e8;border-radius:8px;margin:0;padding:10px 12px}
figcaption{font-size:14px;font-weight:600;margin-bottom:4px}
figcaption small{font-weight:400;color:#6b7480}
svg .grid{stroke:#e6e9ee}svg .tick,svg .legend{font-size:10px;fill:#4a5563}
svg path.mark{stroke-width:2}svg .empty{font-size:13px;fill:#6b7480}
table{border-collapse:collapse;background:#fff;font-size:13px;width:100%}
th,td{border-bottom:1px solid #e6e9ee;padding:6px 8px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#eef1f5;cursor:pointer;user-select:none;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
footer{font-size:12px;color:#6b7480;padding:10px 28px 24px}
"""

# Sorting the scorecard by a column header; the page reads fine without it.
SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0];
    var dir = th.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      var nx = parseFloat(x), ny = parseFloat(y), c;
      if (x === "" || y === "") { c = (x === "") - (y === ""); return c; }
      c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return dir === "ascending" ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


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
        body_rows = "".join("<tr>" + "".join(_cell(v) for v in r) + "</tr>" for r in rows)
        if not rows:
            body_rows = f'<tr><td colspan="{len(columns)}">no agent activity that week</td></tr>'
        body = (
            "<main>"
            f"<h2>Last complete week: {week} <small>(against {before})</small></h2>"
            f'<section class="tiles">{"".join(_tile_html(t) for t in tiles)}</section>'
            f"<h2>The last {WEEKS_CHARTED} weeks ({window.first_day:%d %b} – "
            f"{window.week_end:%d %b %Y})</h2>"
            f'<section class="charts">{figures}</section>'
            f"<h2>Agent scorecard, week of {window.week_start:%d %b %Y} "
            "<small>(click a column to sort)</small></h2>"
            f'<table class="sortable" id="scorecard"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body_rows}</tbody></table>"
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
