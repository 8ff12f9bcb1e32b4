"""KPI targets (docs/kpis.md "Targets and what moved a KPI") on the support scenario of
tests/landing_fixtures.py: one ISO week (Monday 2024-03-04 to Wednesday 03-06 landed, as_of
03-07 00:00), seven Zendesk tickets in Tier 1, conversation c1 with no team and c2 in the chat
team. The account has no business-hours schedule, so business minutes equal calendar minutes.

dbt builds the scenario once with the seed's targets, then rebuilds the targets and the mart
with a file of our own (CSOPS_KPI_TARGETS). Precedence, weeks without a denominator, lower
KPIs and the change drivers' arithmetic are dbt unit tests beside the models
(dbt_project/models/**/_*targets*unit_tests.yml, run by tests/test_dbt_docs.py).
"""

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from dbt_runner import PROJECT_DIR, build_warehouse, rows, run_dbt
from landing_fixtures import write_support_scenario

from pipelines.defs.resources import CsopsSettings
from pipelines.settings import Settings, SettingsError

WEEK = date(2024, 3, 4)

# Our own targets: two KPIs only, so every other KPI of the seed must be gone.
OWN_TARGETS = """kpi,team_name,target,direction,valid_from,note
reopen_rate,*,25,lower,2024-01-01,in force
reopen_rate,*,30,lower,2024-03-05,starts after the week's Monday: not in force yet

escalation_rate,Tier 1,20,lower,2024-01-01,Tier 1's own
escalation_rate,*,50,lower,2024-02-01,every other team and all teams
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("targets")
    lake = root / "lake"
    write_support_scenario(lake)
    built = build_warehouse(root, lake, team_subjects=True)
    seeded = {
        "attainment": rows(built, "select * from marts.kpi_target_attainment_weekly"),
        "drivers": rows(built, "select * from marts.kpi_change_drivers_weekly"),
        "support": rows(built, "select * from marts.kpi_support_daily"),
        "teams": {
            r["team_key"]: r["team_name"] for r in rows(built, "select * from marts.dim_team")
        },
    }
    built.close()
    yield {"root": root, "lake": lake, **seeded}


def targets_file(scenario: dict[str, Any], text: str | None) -> Path:
    """The one targets file of these tests, holding `text` (absent when None).

    Every dbt run here with CSOPS_KPI_TARGETS names this same path: the var is then the same
    in each, so dbt reuses the parse of the run before instead of parsing the project again.
    """
    path = scenario["root"] / "our targets.csv"
    if text is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(text)
    return path


@pytest.fixture(scope="module")
def own_targets(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    """kpi_target_attainment_weekly rebuilt with CSOPS_KPI_TARGETS pointing at our file."""
    path = targets_file(scenario, OWN_TARGETS)
    connection = build_warehouse(
        scenario["root"],
        scenario["lake"],
        "--select",
        "int_targets__kpi_targets+",
        env={"CSOPS_KPI_TARGETS": str(path)},
        team_subjects=True,
    )
    try:
        return rows(connection, "select * from marts.kpi_target_attainment_weekly")
    finally:
        connection.close()


def by_team(attainment: list[dict], teams: dict, kpi: str) -> dict[str, dict]:
    """The week's rows of one KPI keyed by team name ('*' for all teams)."""
    return {
        ("*" if r["team_key"] is None else teams[r["team_key"]]): r
        for r in attainment
        if r["kpi"] == kpi and r["week_start"] == WEEK
    }


def test_the_seed_gives_every_kpi_of_all_teams_its_latest_target_in_force(scenario):
    with (PROJECT_DIR / "seeds" / "kpi_targets.csv").open() as f:
        seed = list(csv.DictReader(f))
    # The '*' row with the latest valid_from on or before Monday 2024-03-04 of each KPI (the
    # seed's 2026 SLA target is not in force in 2024).
    expected = {}
    for row in sorted(seed, key=lambda r: r["valid_from"]):
        if row["team_name"] == "*" and date.fromisoformat(row["valid_from"]) <= WEEK:
            expected[row["kpi"]] = float(row["target"])
    all_teams = {r["kpi"]: r["target"] for r in scenario["attainment"] if r["team_key"] is None}
    assert len(expected) == 9
    assert all_teams == expected
    assert expected["sla_attainment_pct"] == 80.0
    # One week only: no previous week, so no change to explain.
    assert scenario["drivers"] == []


def test_own_targets_file_replaces_the_seed(scenario, own_targets):
    attainment = own_targets
    # Only our two KPIs: the seed's other seven are not read at all.
    assert {r["kpi"] for r in attainment} == {"reopen_rate", "escalation_rate"}

    reopen = by_team(attainment, scenario["teams"], "reopen_rate")
    # Resolved in the week: 101, 102 (03-04), 103, 104, 105, c1, c2 (03-05) = 7; with a
    # reopen: 102 and c2 = 2. All teams: 2 / 7 = 28.57 % against * 25 (the 30 from 03-05 is
    # not in force on Monday 03-04): lower, so missed by 3.57 points.
    assert (reopen["*"]["numerator"], reopen["*"]["denominator"]) == (2, 7)
    assert reopen["*"]["actual"] == pytest.approx(200 / 7)
    assert (reopen["*"]["target"], reopen["*"]["is_met"]) == (25.0, False)
    assert reopen["*"]["gap"] == pytest.approx(200 / 7 - 25)
    assert reopen["*"]["target_valid_from"] == date(2024, 1, 1)
    # Tier 1: tickets 101..105 resolved, 102 reopened: 1 / 5 = 20 % <= 25: met, gap -5.
    assert (reopen["Tier 1"]["numerator"], reopen["Tier 1"]["denominator"]) == (1, 5)
    assert (reopen["Tier 1"]["actual"], reopen["Tier 1"]["is_met"], reopen["Tier 1"]["gap"]) == (
        20.0,
        True,
        -5.0,
    )
    # The chat team: c2 resolved with a reopen: 1 / 1 = 100 %: missed.
    assert (reopen["Chat"]["actual"], reopen["Chat"]["is_met"]) == (100.0, False)

    escalation = by_team(attainment, scenario["teams"], "escalation_rate")
    # Tier 1 created 101..107 (7), escalated 104 (tag) and 107 (Tier 2 and back): 2 / 7 =
    # 28.57 % against its own 20 (its row wins over '*'): missed.
    assert (escalation["Tier 1"]["numerator"], escalation["Tier 1"]["denominator"]) == (2, 7)
    assert escalation["Tier 1"]["target"] == 20.0
    assert escalation["Tier 1"]["target_team_name"] == "Tier 1"
    assert escalation["Tier 1"]["is_met"] is False
    # All teams: 9 contacts created (c1 and c2 too), 2 escalated: 22.2 % <= * 50: met.
    assert (escalation["*"]["numerator"], escalation["*"]["denominator"]) == (2, 9)
    assert (escalation["*"]["target"], escalation["*"]["is_met"]) == (50.0, True)
    # The chat team has no row of its own: * 50; 0 / 1 escalated = 0 %: met.
    assert (escalation["Chat"]["target_team_name"], escalation["Chat"]["actual"]) == ("*", 0.0)
    # The week 03-04 to 03-10 has not ended at as_of 03-07 00:00.
    assert {r["is_complete_week"] for r in attainment} == {False}


def test_actuals_are_the_weeks_rows_not_averages_of_days(scenario):
    attainment = scenario["attainment"]
    support = scenario["support"]
    # The all-teams ratios are the week's sums of kpi_support_daily's counts, then divided.
    week = {
        column: sum(r[column] for r in support)
        for column in (
            "contacts_created",
            "automated_resolutions",
            "escalated",
            "contacts_resolved",
            "reopened",
            "tickets_resolved",
            "one_touch_resolutions",
            "csat_responses",
            "csat_satisfied",
            "sla_achieved",
            "sla_breached",
        )
    }
    parts = {
        "automated_resolution_rate": ("automated_resolutions", "contacts_created"),
        "escalation_rate": ("escalated", "contacts_created"),
        "reopen_rate": ("reopened", "contacts_resolved"),
        "one_touch_rate": ("one_touch_resolutions", "tickets_resolved"),
        "csat_pct": ("csat_satisfied", "csat_responses"),
    }
    all_teams = {r["kpi"]: r for r in attainment if r["team_key"] is None}
    for kpi, (numerator, denominator) in parts.items():
        row = all_teams[kpi]
        assert (row["numerator"], row["denominator"]) == (week[numerator], week[denominator]), kpi
        assert row["actual"] == pytest.approx(100 * week[numerator] / week[denominator]), kpi
    sla = all_teams["sla_attainment_pct"]
    assert sla["denominator"] == week["sla_achieved"] + week["sla_breached"]
    # Automated: 105 (trigger) and c1 (bot) of 9 created = 22.2 %; created 3 on 03-04 and 6 on
    # 03-05, so the mean of the two daily rates (0 % and 33.3 %) would say 16.7 %.
    assert all_teams["automated_resolution_rate"]["actual"] == pytest.approx(200 / 9)
    # First response (no schedule: business = calendar minutes) of the contacts created in
    # the week: 101 30, 102 20, 104 15, 107 30, c2 10 (103 is agent-initiated, 105, 106 and c1
    # have no human reply): median of 10, 15, 20, 30, 30 = 20 over 5; Tier 1: 15, 20, 30, 30,
    # median (20 + 30) / 2 = 25 over 4.
    frt = "first_response_time_median_business_minutes"
    assert (all_teams[frt]["denominator"], all_teams[frt]["actual"]) == (5, 20.0)
    assert all_teams[frt]["numerator"] is None
    tier_1 = by_team(attainment, scenario["teams"], frt)["Tier 1"]
    assert (tier_1["denominator"], tier_1["actual"]) == (4, 25.0)
    # Backlog at the end of the week's last day so far (Wednesday 03-06, the last day begun by
    # as_of): 106 and 107 open = 2.
    backlog = all_teams["backlog_open_end_of_week"]
    assert (backlog["numerator"], backlog["denominator"], backlog["actual"]) == (2, None, 2.0)
    # NPS: no survey answer in the week: no denominator, no actual, not met.
    nps = all_teams["nps"]
    assert (nps["denominator"], nps["actual"], nps["is_met"], nps["gap"]) == (0, None, False, None)


def test_the_seed_stays_a_parent_when_a_file_replaces_it(scenario):
    """Dagster's asset graph comes from a manifest parsed once: were the seed a parent only
    without CSOPS_KPI_TARGETS, a run with the variable would build the targets before the
    seed that graph puts first, and Dagster refuses assets out of that order."""
    path = targets_file(scenario, "kpi,team_name,target,direction,valid_from\n")
    listed = run_dbt(
        scenario["root"],
        scenario["lake"],
        "ls",
        "--select",
        "+int_targets__kpi_targets",
        "--resource-type",
        "seed",
        env={"CSOPS_KPI_TARGETS": str(path)},
    )
    assert listed.returncode == 0, listed.stdout[-3000:]
    assert "csops.kpi_targets" in listed.stdout.split()


def failed_run(scenario: dict[str, Any], path: Path) -> str:
    """Build the targets model with CSOPS_KPI_TARGETS=path; it must fail: dbt's output."""
    result = run_dbt(
        scenario["root"],
        scenario["lake"],
        "run",
        "--select",
        "int_targets__kpi_targets",
        env={"CSOPS_KPI_TARGETS": str(path)},
    )
    assert result.returncode != 0, result.stdout[-3000:]
    return " ".join(result.stdout.split())


def test_a_missing_targets_file_fails_naming_it(scenario):
    missing = targets_file(scenario, None)
    output = failed_run(scenario, missing)
    assert f"CSOPS_KPI_TARGETS (dbt var kpi_targets_path) file '{missing}' does not exist" in output


def test_a_targets_file_without_the_columns_fails_naming_it(scenario):
    path = targets_file(scenario, "metric,team,goal\ncsat_pct,*,85\n")
    output = failed_run(scenario, path)
    assert f"file '{path}' is not a targets CSV: its header lacks kpi, team_name" in output


def test_a_targets_file_with_bad_values_fails_naming_the_file_and_the_row(scenario):
    path = targets_file(
        scenario,
        "kpi,team_name,target,direction,valid_from\n"
        "csat_pct,*,85,higher,2024-01-01\n"
        "csat,Tier 1,eighty,up,2024-13-01\n",
    )
    output = failed_run(scenario, path)
    assert f"CSOPS_KPI_TARGETS file '{path}': row (csat, Tier 1, eighty, up, 2024-13-01)" in output
    for problem in (
        "kpi 'csat' is not one of first_response_time_median_business_minutes",
        "target 'eighty' is not a number",
        "direction 'up' is not higher or lower",
        "valid_from '2024-13-01' is not a date (YYYY-MM-DD)",
    ):
        assert problem in output


def test_settings_resolve_the_targets_path_and_refuse_a_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "targets.csv").write_text("kpi,team_name,target,direction,valid_from\n")
    settings = Settings.from_env({"CSOPS_KPI_TARGETS": "targets.csv"})
    # Resolved against the current directory, as every path setting: dbt runs elsewhere.
    assert settings.kpi_targets == tmp_path / "targets.csv"
    assert CsopsSettings.from_settings(settings).resolved == settings
    assert Settings.from_env({}).kpi_targets is None
    with pytest.raises(SettingsError, match="CSOPS_KPI_TARGETS='gone.csv': no file at"):
        Settings.from_env({"CSOPS_KPI_TARGETS": "gone.csv"})
