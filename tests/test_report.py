"""The KPI report: its figures worked out by hand from the marts, and the page as a person
sees it, in headless Chromium from file:// with the network off."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from browser import Page
from serving_fixtures import AGENTS, make_warehouse

from pipelines.cli import main
from pipelines.report import headline_tiles, report_window, write_report
from pipelines.report_team import (
    fairness,
    overworked,
    qa_categories,
    qa_tiles,
    target_lines,
    team_misses,
)
from pipelines.serving import publish, read_only

ROOT = Path(__file__).resolve().parents[1]
# Kept after the run (not in git), to be looked at: what the report looked like.
SCREENSHOT = ROOT / "test-output" / "report.png"


@pytest.fixture(scope="module")
def serving(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report")
    folder = root / "serving"
    publish(make_warehouse(root / "warehouse.duckdb"), folder, "run-report")
    return folder


@pytest.mark.parametrize(
    ("as_of", "week_start", "last_day"),
    [
        # Monday 00:00: Sunday 03-08 is complete, so its week (03-02..03-08) is the last.
        (datetime(2026, 3, 9, tzinfo=UTC), date(2026, 3, 2), date(2026, 3, 8)),
        # Sunday 00:00: Saturday 03-07 is the last complete day; its week is not complete,
        # so the last complete week is the one before (02-23..03-01).
        (datetime(2026, 3, 8, tzinfo=UTC), date(2026, 2, 23), date(2026, 3, 7)),
        # Mid-day Monday 03-09: that day is not complete; Sunday 03-08 is.
        (datetime(2026, 3, 9, 12, tzinfo=UTC), date(2026, 3, 2), date(2026, 3, 8)),
    ],
)
def test_the_report_week_is_the_last_complete_iso_week_before_as_of(as_of, week_start, last_day):
    window = report_window(as_of)
    assert (window.week_start, window.last_day) == (week_start, last_day)
    assert (window.week_start - window.previous_week_start).days == 7
    # 13 weeks charted: the first is 12 weeks before the last.
    assert (window.week_start - window.first_day).days == 84


def test_headline_tiles_re_aggregate_the_week_from_counts(serving):
    """tests/serving_fixtures.py's rows, week 03-02..03-08 against 02-23..03-01."""
    with read_only(serving) as con:
        window = report_window(datetime(2026, 3, 9, tzinfo=UTC))
        tiles = {t.label: t for t in headline_tiles(con, window)}

    def pair(label):
        return tiles[label].current, tiles[label].previous

    # Contacts: 10 + 20 + 10 = 40 (03-09 is after the week); before: 25 + 5 = 30 (02-22 is
    # outside the week before).
    assert pair("Contacts created") == (40, 30)
    # Median first response over the week's contacts with one: 10, 30, 20, 50 -> (20 + 30) / 2
    # = 25; before: 60, 40, 100 -> 60.
    assert pair("First response, median") == (25, 60)
    # SLA: achieved 8 + 9 + 3 = 20, breached 2 + 1 + 0 = 3: 20 / 23 x 100 = 86.957 %;
    # before 5 / (5 + 5) = 50 %. Not the mean of the daily rates (80, 90, 100 -> 90).
    assert tiles["SLA attainment"].current == pytest.approx(100 * 20 / 23)
    assert tiles["SLA attainment"].previous == pytest.approx(50.0)
    # CSAT: satisfied 3 + 6 = 9 of 4 + 6 = 10 rated: 90 %; before 2 of 4: 50 %.
    assert pair("CSAT") == (pytest.approx(90.0), pytest.approx(50.0))
    # NPS: promoters 6 + 3 = 9, detractors 1 + 4 = 5, responses 20: (9 - 5) / 20 x 100 = 20;
    # before (1 - 3) / 5 x 100 = -40. The CSAT survey rows of 03-07 are not NPS responses.
    assert pair("NPS") == (pytest.approx(20.0), pytest.approx(-40.0))
    # Automated: 1 + 5 + 2 = 8 of 40 created: 20 %; before 5 of 30: 16.667 %.
    assert tiles["Automated resolution rate"].current == pytest.approx(20.0)
    assert tiles["Automated resolution rate"].previous == pytest.approx(100 * 5 / 30)
    # Savings: 5 + 25 + 10 = 40, before 25 + 0 = 25.
    assert "estimated savings 40 (week before 25)" in tiles["Automated resolution rate"].note
    # Backlog at the end of Sunday 03-08: 3 + 4 = 7; at the end of Sunday 03-01: 10. The
    # 100 open on Saturday 03-07 is not the week's end.
    assert pair("Backlog at week's end") == (7, 10)
    assert tiles["Backlog at week's end"].change == -3
    assert tiles["Backlog at week's end"].lower_is_better


WEEK = date(2026, 3, 2)


def test_targets_met_and_missed_with_the_top_drivers_of_each_change(serving):
    """tests/serving_fixtures.py's TARGET_ATTAINMENT and CHANGE_DRIVERS, week of 03-02."""
    with read_only(serving) as con:
        lines = {t.kpi: t for t in target_lines(con, WEEK)}
        met, measured, misses = team_misses(con, WEEK)
    # The all-teams rows of the week only (the 02-23 CSAT row is the week before), in the
    # report's KPI order.
    assert list(lines) == [
        "first_response_time_median_business_minutes",
        "sla_attainment_pct",
        "csat_pct",
        "nps",
    ]
    assert [lines[k].is_met for k in lines] == [True, False, True, False]
    assert lines["nps"].actual is None  # no answers: not met, and not counted as measured
    sla = lines["sla_attainment_pct"]
    assert (sla.actual, sla.target, sla.gap, sla.change) == (80.0, 85.0, -5.0, -6.0)
    # The segments moving SLA attainment most, over every dimension, by |mix + rate|:
    # team Tier 1 0 - 7 = -7, priority normal -2 - 4 = -6, channel email -1 - 4 = -5
    # (then chat 0.5 - 1.5 = -1 and Chat 0.2 + 0.8 = +1; priority high 0 is no driver).
    assert [(d.dimension, d.segment, d.effect) for d in sla.drivers] == [
        ("team", "Tier 1", -7.0),
        ("priority", "normal", -6.0),
        ("channel", "email", -5.0),
    ]
    # The median first response moved 25 - 30 = -5 minutes; it is explained by the mean's
    # drivers (email 1.5 - 4 = -2.5, the mean's own change).
    frt = lines["first_response_time_median_business_minutes"]
    assert frt.change == -5.0
    assert [(d.segment, d.mix_effect, d.rate_effect) for d in frt.drivers] == [("email", 1.5, -4.0)]
    # CSAT moved 90 - 10 = +80 and has no driver rows this week (only the week before's).
    assert (lines["csat_pct"].change, lines["csat_pct"].drivers) == (80.0, ())
    # NPS has no figure this week: no change.
    assert lines["nps"].change is None
    # Team rows with a figure: Tier 1 SLA 70 (missed), Chat SLA 95 (met), Tier 1 CSAT 60
    # (missed); Chat NPS has none (Tier 1's CSAT of the week before is not this week's).
    # 1 of 3 met; misses by KPI, largest gap first.
    assert (met, measured) == (1, 3)
    assert [(m.team, m.label, m.gap) for m in misses] == [
        ("Tier 1", "CSAT", -15.0),
        ("Tier 1", "SLA attainment", -15.0),
    ]


def test_qa_score_and_coverage_are_re_aggregated_from_the_agents_counts(serving):
    with read_only(serving) as con:
        tiles = {t.label: t for t in qa_tiles(con, WEEK)}
        categories = qa_categories(con, WEEK)
    # Score: (170 + 40 + 0) / (2 + 1 + 0) scored reviews = 70 (a2's second review has no
    # score: not in the mean, though it is a review); before 120 / 2 = 60.
    assert (tiles["QA score"].current, tiles["QA score"].previous) == (70.0, 60.0)
    # Coverage: (2 + 1 + 0) reviewed of (10 + 5 + 5) resolved = 15 %; before 1 / 8 = 12.5 %.
    # a3 resolved 5 and had no review: in the denominator.
    assert tiles["Review coverage"].current == pytest.approx(15.0)
    assert tiles["Review coverage"].previous == pytest.approx(12.5)
    assert (tiles["QA reviews"].current, tiles["QA reviews"].previous) == (2 + 2 + 0, 2)
    assert (tiles["Critical failures"].current, tiles["Critical failures"].change) == (1, 1)
    assert tiles["Critical failures"].lower_is_better
    # Categories over both teams, lowest mean first: Accuracy 50 / 2 = 25 (1 failure);
    # Empathy (150 + 100) / (2 + 1) = 83.3. Tone has only N/A ratings: not listed.
    assert [(c[0], c[1], c[3]) for c in categories] == [("Accuracy", 2, 1), ("Empathy", 3, 0)]
    assert categories[0][2] == pytest.approx(25.0)
    assert categories[1][2] == pytest.approx(250 / 3)


def test_overworked_agents_and_the_fairness_of_shifts(serving):
    with read_only(serving) as con:
        over = overworked(con, WEEK)
        teams = fairness(con, WEEK)
    # a1 by hours (2,520 min = 42 h), a2 by 7 days in a row; a3 not (and its overworked
    # week before is not this week). Most hours first.
    assert [r[:2] for r in over] == [["Ada Stone", "Tier 1"], ["Bo Lind", "Tier 1"]]
    # a1: scheduled 42 h, active 1,800 / 60 = 30 h, outside shift 90 / 60 = 1.5 h, 5 days,
    # night 120 / 60 = 2 h, 1 weekend shift.
    assert over[0][2:] == [42.0, 30.0, 1.5, 5, 2.0, 1]
    assert over[1][5] == 7
    # Chat before Tier 1 (by name). Tier 1: weekend 0 to 1, night 0 to 2 h, CV 210 / 2,310.
    assert [t[0] for t in teams] == ["Chat", "Tier 1"]
    assert teams[1][1:6] == [2, 0, 1, 0.0, 2.0]
    assert teams[1][6] == pytest.approx(0.0909, abs=1e-4)


def test_csops_report_rebuilds_the_page_and_prints_its_path(serving, monkeypatch, capsys):
    report = serving / "report.html"
    report.unlink(missing_ok=True)
    monkeypatch.setenv("CSOPS_SERVING", str(serving))
    assert main(["report"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(report)
    assert "as_of 2026-03-09 00:00 UTC" in err
    page = report.read_text()
    assert "data as of 2026-03-09 00:00 UTC" in page
    assert "Mon 02 Mar – Sun 08 Mar 2026" in page
    # Self-contained: nothing that would make the browser fetch (checked for real below).
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "@import" not in page and "<link" not in page


def test_csops_report_without_a_serving_copy_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CSOPS_SERVING", str(tmp_path / "nothing"))
    assert main(["report"]) == 2
    assert "no serving copy" in capsys.readouterr().err


def test_the_report_opens_offline_in_chromium_with_every_chart_drawn(serving):
    report = write_report(serving)
    with Page() as page:
        page.open(report.as_uri())
        charts = page.evaluate(
            """Array.from(document.querySelectorAll("figure[data-chart]")).map(f => ({
                id: f.dataset.chart,
                marks: f.querySelectorAll("svg rect.mark, svg path.mark, svg circle").length,
                width: f.querySelector("svg").getBoundingClientRect().width,
                height: f.querySelector("svg").getBoundingClientRect().height}))"""
        )
        header = page.evaluate("document.getElementById('as-of').textContent")
        tiles = page.evaluate("document.querySelectorAll('.tile').length")
        sections = page.evaluate(
            """['#targets', '#team-misses', '#qa-tiles', '#qa-categories', '#overworked',
                '#fairness'].map(s => {
                  const e = document.querySelector(s);
                  return e === null ? [s, -1, 0] : [s,
                    e.querySelectorAll('tbody tr, .tile').length,
                    e.getBoundingClientRect().height];
                })"""
        )
        statuses = page.evaluate(
            "Array.from(document.querySelectorAll('#targets tbody tr'))"
            ".map(r => r.cells[3].textContent)"
        )
        drivers = page.evaluate(
            "document.querySelector('#targets tr[data-kpi=sla_attainment_pct] td.drivers')"
            ".textContent"
        )

        def column(n):
            return page.evaluate(
                "Array.from(document.querySelectorAll('#scorecard tbody tr'))"
                f".map(r => r.cells[{n}].textContent)"
            )

        first_order = column(0)
        replies = 3  # Agent, Source, Team, Replies
        page.evaluate(f"document.querySelectorAll('#scorecard th')[{replies}].click()")
        descending = column(replies)
        page.evaluate(f"document.querySelectorAll('#scorecard th')[{replies}].click()")
        ascending = column(replies)
        page.screenshot(SCREENSHOT)
        errors = page.errors()
        requested = page.requested_urls()

    assert [c["id"] for c in charts] == [
        "volume",
        "first-response",
        "sla",
        "feedback",
        "backlog",
        "automation",
    ]
    for chart in charts:
        assert chart["marks"] > 0, f"chart {chart['id']} drew nothing"
        assert chart["width"] > 200 and chart["height"] > 80, chart
    assert header.startswith("data as of 2026-03-09 00:00 UTC")
    # 7 headline tiles and 4 QA tiles.
    assert tiles == 11
    # Every team section drawn with its rows (see the tests above for the figures).
    rows = {name: count for name, count, _ in sections}
    assert rows == {
        "#targets": 4,
        "#team-misses": 2,
        "#qa-tiles": 4,
        "#qa-categories": 2,
        "#overworked": 2,
        "#fairness": 2,
    }
    assert all(height > 20 for _, _, height in sections), sections
    assert statuses == ["met", "missed", "met", "–"]
    assert drivers.startswith("team Tier 1: −7 pp (mix ±0 pp, rate −7 pp)")
    # The scorecard lists the week's agents by replies (12, 8, 5); a click sorts by a column.
    by_replies = sorted(AGENTS, key=lambda a: -a[4])
    assert first_order == [a[1] for a in by_replies]
    assert descending == ["12", "8", "5"] and ascending == ["5", "8", "12"]
    assert errors == []
    assert requested == [report.as_uri()], "the page fetched something besides itself"
    assert SCREENSHOT.stat().st_size > 10_000
