"""How the KPI report draws: tiles, SVG charts, table cells, the page's style and its one
script. Shared by the report's sections (pipelines/report.py, pipelines/report_team.py);
nothing here reads a mart."""

import html
import math
from dataclasses import dataclass, field
from datetime import date

# Okabe-Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


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


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator ÷ denominator × 100, or None when there is no denominator."""
    if not denominator:
        return None
    return 100.0 * (numerator or 0) / denominator


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


# ---- rendering -------------------------------------------------------------------------------


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "business min" or unit == "min":
        return f"{value:,.0f} min" if value >= 100 else f"{value:.1f} min"
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def tile_html(tile: Tile) -> str:
    change = tile.change
    if change is None:
        delta, tone = "no figure to compare", "flat"
    else:
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        unit = " pp" if tile.unit == "%" else (" min" if "min" in tile.unit else "")
        delta = f"{sign}{fmt(abs(change)).replace(' min', '')}{unit} vs week before"
        better = (change < 0) if tile.lower_is_better else (change > 0)
        tone = "flat" if change == 0 else ("good" if better else "bad")
    unit_label = " (business minutes)" if tile.unit == "business min" else ""
    return (
        f'<div class="tile" data-kpi="{html.escape(tile.label)}">'
        f'<div class="label">{html.escape(tile.label)}{unit_label}</div>'
        f'<div class="value">{html.escape(fmt(tile.current, tile.unit))}</div>'
        f'<div class="delta {tone}">{html.escape(delta)}</div>'
        f'<div class="before">week before: {html.escape(fmt(tile.previous, tile.unit))}</div>'
        + (f'<div class="note">{html.escape(tile.note)}</div>' if tile.note else "")
        + "</div>"
    )


def nice_max(value: float) -> float:
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
        y_min, y_max = 0.0, nice_max(max(totals, default=0))
    elif chart.y_range:
        y_min, y_max = chart.y_range
    else:
        y_min, y_max = 0.0, nice_max(max(values, default=0))
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
            f"{fmt(v).replace(' min', '')}</text>"
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
                    f"{fmt(v, chart.unit)}</title></rect>"
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
                    f"{fmt(v, chart.unit)}</title></circle>"
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


def cell(value) -> str:
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
td.met{color:#0a7a3e;font-weight:600}td.missed{color:#b3261e;font-weight:600}
td.drivers{font-size:12px;color:#3b4350}.empty-section{color:#6b7480}
#qa-tiles{margin-bottom:12px}table+p,table+table{margin-top:12px}
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
