"""The marts are BI's contract: every mart declares and enforces its columns, every model and
column is described, and `dbt docs generate` works offline."""

import json

import pytest
from dbt_runner import run_dbt
from landing_fixtures import write_empty_streams

from pipelines.report import MARTS_READ

# The tables and columns the marts promise BI (docs/kpis.md, docs/bi.md; names only).
CONTRACT = {
    "fct_tickets": "ticket_key ticket_id source created_at channel priority status team_key "
    "agent_key customer_key first_reply_at first_solved_at last_solved_at "
    "first_reply_time_calendar_minutes first_resolution_time_calendar_minutes "
    "full_resolution_time_calendar_minutes agent_wait_time_calendar_minutes "
    "on_hold_time_calendar_minutes public_agent_replies reopens is_agent_initiated is_solved "
    "is_one_touch_resolution is_escalated is_automated_resolution csat_rating is_csat_satisfied",
    "fct_conversations": "conversation_key conversation_id created_at channel team_key agent_key "
    "customer_key first_admin_reply_at first_response_time_calendar_minutes "
    "handle_time_calendar_minutes resolution_time_calendar_minutes is_closed "
    "is_automated_resolution is_bot_involved reopens rating is_csat_satisfied sla_status",
    "fct_contacts": "contact_key contact_id contact_type source created_at created_date channel "
    "team_key agent_key customer_key first_response_time_calendar_minutes "
    "resolution_time_calendar_minutes is_resolved resolved_at reopens is_one_touch_resolution "
    "is_escalated is_automated_resolution",
    "kpi_support_daily": "date_day channel team_key contacts_created contacts_resolved "
    "automated_resolutions automated_resolution_rate resolution_time_median_calendar_minutes "
    "csat_responses csat_satisfied csat_pct reopened reopen_rate one_touch_resolutions "
    "one_touch_rate escalated escalation_rate backlog_open_end_of_day",
    "kpi_target_attainment_weekly": "week_start team_key kpi numerator denominator actual target "
    "direction is_met gap",
    "kpi_change_drivers_weekly": "week_start kpi dimension segment numerator denominator "
    "previous_numerator previous_denominator mix_effect rate_effect",
    "fct_agent_shifts": "shift_key agent_key source activity_type category start_at end_at "
    "local_date work_minutes night_work_minutes is_weekend",
    "kpi_agent_workload_weekly": "week_start agent_key scheduled_work_minutes night_work_minutes "
    "weekend_shifts active_minutes active_outside_shift_minutes max_consecutive_days "
    "is_overworked",
    "kpi_shift_fairness_weekly": "week_start team_key agents weekend_shifts_min "
    "weekend_shifts_max night_work_minutes_min night_work_minutes_max scheduled_work_minutes_cv",
    "fct_qa_reviews": "review_key review_id source reviewed_at contact_key agent_key "
    "reviewer_agent_key scorecard_name score_pct has_critical_failure is_self_review",
    "fct_qa_ratings": "review_key category_name score_pct weight is_critical is_na",
    "kpi_qa_weekly": "week_start agent_key reviews score_pct_sum qa_score_pct critical_failures "
    "resolved_contacts reviewed_contacts review_coverage_pct",
    "kpi_qa_category_weekly": "week_start team_key category_name ratings score_pct_sum "
    "avg_score_pct critical_failures",
}


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> tuple[dict, dict]:
    root = tmp_path_factory.mktemp("docs")
    write_empty_streams(root / "lake")
    # The one build of the suite that runs dbt's unit tests (tests/dbt_runner.py).
    built = run_dbt(root, root / "lake", "build")
    assert built.returncode == 0, built.stdout[-6000:]
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    # The build compiled every node: the catalog needs no second compilation.
    generated = run_dbt(root, root / "lake", "docs", "generate", "--no-compile")
    assert generated.returncode == 0, generated.stdout[-6000:]
    manifest = json.loads((root / "target" / "manifest.json").read_text())
    catalog = json.loads((root / "target" / "catalog.json").read_text())
    manifest["csops_unit_test_results"] = [
        r for r in results if r["unique_id"].startswith("unit_test.")
    ]
    return manifest, catalog


def models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]


def test_docs_generate_catalogs_every_mart_offline(docs, netguard_log):
    manifest, catalog = docs
    marts = {n["unique_id"] for n in models(manifest) if n["schema"] == "marts"}
    assert marts and marts <= set(catalog["nodes"])
    assert netguard_log.read_text() == ""


def test_every_model_and_column_is_described(docs):
    manifest, catalog = docs
    for node in models(manifest):
        assert node["description"].strip(), f"{node['name']} has no description"
        documented = {
            c.lower() for c, spec in node["columns"].items() if spec["description"].strip()
        }
        built = {c.lower() for c in catalog["nodes"].get(node["unique_id"], {}).get("columns", {})}
        missing = sorted(built - documented)
        assert not missing, f"{node['name']}: columns without a description: {missing}"


def test_every_mart_enforces_a_contract_with_declared_types(docs):
    manifest, _ = docs
    for node in models(manifest):
        if node["schema"] != "marts":
            continue
        assert node["config"]["contract"]["enforced"], f"{node['name']} contract not enforced"
        untyped = [c for c, spec in node["columns"].items() if not spec.get("data_type")]
        assert not untyped, f"{node['name']}: columns without data_type: {untyped}"


def test_marts_keep_every_contract_column(docs):
    manifest, catalog = docs
    by_name = {n["name"]: n for n in models(manifest)}
    for table, columns in CONTRACT.items():
        node = by_name[table]
        built = set(catalog["nodes"][node["unique_id"]]["columns"])
        missing = sorted(set(columns.split()) - built)
        assert not missing, f"{table} lost contract columns: {missing}"


def test_every_singular_test_over_several_models_names_the_one_it_guards(docs):
    """Otherwise dagster-dbt reports it as an observation, not an asset check in the UI."""
    manifest, _ = docs
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or "singular" not in node["original_file_path"]:
            continue
        models = [d for d in node["depends_on"]["nodes"] if d.startswith("model.")]
        if len(models) > 1:
            ref = node["config"].get("meta", {}).get("dagster", {}).get("ref", {})
            assert ref.get("name"), f"{node['name']} does not name the model it guards"


def test_mart_descriptions_reach_sql_clients_as_database_comments(docs):
    """persist_docs: a SQL client or BI tool reading the database sees each mart's and each
    column's description (the catalog reads them back from DuckDB's comments)."""
    manifest, catalog = docs
    for node in models(manifest):
        if node["schema"] != "marts":
            continue
        stored = catalog["nodes"][node["unique_id"]]
        assert stored["metadata"]["comment"] == node["description"], node["name"]
        for name, column in node["columns"].items():
            assert stored["columns"][name]["comment"] == column["description"], (
                f"{node['name']}.{name}"
            )


def test_exposures_name_the_marts_the_report_and_the_dashboards_read(docs):
    manifest, _ = docs
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert {"kpi_report", "support_overview_dashboard", "agent_scorecard_dashboard"} <= set(
        exposures
    )
    marts = {n["unique_id"] for n in models(manifest) if n["schema"] == "marts"}
    for name, exposure in exposures.items():
        upstream = set(exposure["depends_on"]["nodes"])
        assert upstream and upstream <= marts, f"{name} reads something that is not a mart"
    # The report's own queries (pipelines/report.py) read exactly these marts.
    report = {u.split(".")[-1] for u in exposures["kpi_report"]["depends_on"]["nodes"]}
    assert report == MARTS_READ


def test_every_dbt_unit_test_runs_and_passes_once_in_the_suite(docs):
    manifest, _ = docs
    declared = {u for u in manifest["unit_tests"]}
    ran = {r["unique_id"]: r["status"] for r in manifest["csops_unit_test_results"]}
    assert len(declared) >= 16 and set(ran) == declared
    assert set(ran.values()) == {"pass"}
