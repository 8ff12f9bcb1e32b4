"""The Dagster code location loads, and its graph wires raw → staging → marts."""

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg

ROOT = Path(__file__).resolve().parents[1]


def test_dagster_definitions_validate_passes():
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.run(
        [
            str(dagster if dagster.exists() else shutil.which("dagster")),
            "definitions",
            "validate",
            "-w",
            "workspace.yaml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# Imports every module of pipelines/, then builds the definitions: the first must succeed
# whatever the environment says, the second must refuse a bad setting, naming it.
IMPORT_THEN_BUILD = """
import importlib, pkgutil, sys
from pathlib import Path
import pipelines
for module in pkgutil.walk_packages(pipelines.__path__, "pipelines."):
    importlib.import_module(module.name)
untouched = [p for p in sys.argv[1:] if Path(p).exists()]
assert not untouched, f"importing pipelines created {untouched}"
from pipelines.definitions import defs
from pipelines.settings import SettingsError
try:
    defs()
except SettingsError as exc:
    print(f"SettingsError: {exc}")
else:
    print("built")
"""


def test_importing_reads_no_settings_building_the_definitions_does(tmp_path):
    """Settings are read when the code location's definitions are built, not when a module
    is imported: a bad CSOPS_SOURCES lets every module import (and creates no folder), then
    stops the build with an error that names the variable."""
    lake, home = tmp_path / "lake", tmp_path / "dagster_home"
    env = {
        **os.environ,
        "CSOPS_SOURCES": "nope",
        "CSOPS_LAKE": str(lake),
        "CSOPS_WAREHOUSE": str(tmp_path / "warehouse" / "warehouse.duckdb"),
        "CSOPS_SERVING": str(tmp_path / "serving"),
        "DAGSTER_HOME": str(home),
    }
    env.pop("CSOPS_START_DATE", None)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            IMPORT_THEN_BUILD,
            str(lake),
            str(home),
            str(tmp_path / "warehouse"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().startswith(
        "SettingsError: CSOPS_SOURCES names unknown source(s) nope"
    )


def test_the_definitions_carry_the_settings_they_were_built_with(tmp_path, monkeypatch):
    from pipelines.definitions import DAILY_JOB_NAME, build_definitions
    from pipelines.settings import Settings

    for name in ("CSOPS_LAKE", "CSOPS_WAREHOUSE", "CSOPS_SERVING", "DAGSTER_HOME"):
        monkeypatch.setenv(name, os.environ[name])  # the build exports its paths: restored after
    monkeypatch.setenv("CSOPS_OWNER", "ops@example.com")  # read by the build, like the settings
    lake = tmp_path / "lake"
    env = {**os.environ, "CSOPS_LAKE": str(lake), "CSOPS_SOURCES": "zendesk"}
    env.pop("CSOPS_START_DATE")
    definitions = build_definitions(Settings.from_env({**env, "CSOPS_START_DATE": "2025-06-01"}))
    job = definitions.resolve_job_def(DAILY_JOB_NAME)
    assert job.partitions_def.get_first_partition_key() == "2025-06-01"
    selected = job.asset_layer.selected_asset_keys
    assert dg.AssetKey(["zendesk", "tickets"]) in selected
    assert dg.AssetKey(["intercom", "conversations"]) not in selected
    assert definitions.resources["settings"].lake == str(lake)
    assert definitions.resources["helpdesk"].settings.sources == ["zendesk"]
    assert os.environ["CSOPS_LAKE"] == str(lake) and lake.is_dir()  # for dbt's subprocesses
    graph = definitions.resolve_asset_graph()
    assert {tuple(graph.get(key).owners) for key in graph.get_all_asset_keys()} == {
        ("ops@example.com",)
    }
    # Without CSOPS_START_DATE, the days start at the first landed day (here none: yesterday).
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    job = build_definitions(Settings.from_env(env)).resolve_job_def(DAILY_JOB_NAME)
    assert job.partitions_def.get_first_partition_key() == yesterday.isoformat()


def test_staging_models_depend_on_raw_assets_and_marts_on_staging():
    from pipelines.definitions import defs

    graph = defs().resolve_asset_graph()
    tickets = dg.AssetKey(["staging", "stg_zendesk__tickets"])
    assert dg.AssetKey(["zendesk", "tickets"]) in graph.get(tickets).parent_keys
    contacts = dg.AssetKey(["marts", "fct_contacts"])
    upstream = graph.get(contacts).parent_keys
    assert dg.AssetKey(["marts", "fct_tickets"]) in upstream
    assert dg.AssetKey(["marts", "fct_conversations"]) in upstream


def test_daily_job_runs_a_range_as_one_run():
    from pipelines.definitions import DAILY_JOB_NAME, defs

    definitions = defs()
    job = definitions.resolve_job_def(DAILY_JOB_NAME)
    assert job.partitions_def is not None
    for assets_def in definitions.resolve_asset_graph().assets_defs:
        if assets_def.partitions_def is not None:
            assert assets_def.backfill_policy == dg.BackfillPolicy.single_run()


def test_the_models_are_one_build_that_a_backfill_cannot_split():
    """A UI backfill runs the models as `csops run` does: all of them, in one dbt build."""
    from pipelines.defs.dbt.assets import csops_dbt_models

    assert not csops_dbt_models.can_subset
    assert len(csops_dbt_models.keys) > 50


def test_the_dbt_build_can_be_launched_as_a_full_refresh():
    """docs/incremental.md: the Launchpad's run config forces a full refresh."""
    from pipelines.defs.dbt.assets import csops_dbt_models

    fields = csops_dbt_models.op.config_schema.as_field().config_type.fields
    assert "full_refresh" in fields
    assert fields["full_refresh"].default_value is False


def test_the_daily_job_ends_by_publishing_every_mart_then_the_report():
    from pipelines.definitions import DAILY_JOB_NAME, defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    serving, report = dg.AssetKey(["serving", "marts"]), dg.AssetKey(["serving", "report"])
    marts = {
        key
        for key in graph.get_all_asset_keys()
        if key.path[0] == "marts" and graph.get(key).group_name in ("marts", "kpi")
    }
    assert dg.AssetKey(["marts", "kpi_support_daily"]) in marts
    assert dg.AssetKey(["marts", "dim_date"]) in marts
    assert graph.get(serving).parent_keys == marts
    assert graph.get(report).parent_keys == {serving}
    job = definitions.resolve_job_def(DAILY_JOB_NAME)
    assert {serving, report} <= job.asset_layer.selected_asset_keys


def test_landing_steps_retry_what_may_pass_by_itself_and_nothing_else():
    from connectors.errors import ConfigError, ConnectorError
    from pipelines.defs.raw.assets import LANDING_RETRY_POLICY, is_transient, raw_assets

    for raw in raw_assets(dg.DailyPartitionsDefinition("2026-01-01")):
        assert raw.op.retry_policy == LANDING_RETRY_POLICY
    assert LANDING_RETRY_POLICY.max_retries == 2
    # The API down or throttled past the connector's own retries, or no network: retried.
    assert is_transient(ConnectorError("503", status=503))
    assert is_transient(ConnectorError("429", status=429))
    assert is_transient(ConnectorError("connection refused", status=None))
    # A bad token, a missing permission, a wrong URL, missing settings, a bug: not retried.
    assert not is_transient(ConnectorError("401", status=401))
    assert not is_transient(ConnectorError("403", status=403))
    assert not is_transient(ConnectorError("404", status=404))
    assert not is_transient(ConfigError("ZENDESK_API_TOKEN is not set"))
    assert not is_transient(ValueError("a bug"))


def test_partitions_start_where_the_landed_history_starts(tmp_path):
    from connectors.landing import LandingWriter
    from pipelines.settings import Settings

    lake = tmp_path / "lake"
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    env = {"CSOPS_LAKE": str(lake)}
    # Nothing landed: one partition, yesterday's (not hundreds of "missing" ones).
    assert Settings.from_env(env).partition_start() == yesterday
    writer = LandingWriter(lake)
    writer.ensure_streams()  # the placeholder day 1970-01-01 is not history
    for day in (date(2026, 2, 11), date(2026, 2, 10)):
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        end = start + timedelta(days=1)
        writer.land("zendesk", "tickets", day, [], start, end, end)
    assert Settings.from_env(env).partition_start() == date(2026, 2, 10)
    # CSOPS_START_DATE, when set, wins.
    explicit = {**env, "CSOPS_START_DATE": "2025-06-01"}
    assert Settings.from_env(explicit).partition_start() == date(2025, 6, 1)


def test_every_asset_has_an_owner_a_named_group_and_every_check_says_what_it_checks():
    from pipelines.definitions import defs

    graph = defs().resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    for key in keys:
        node = graph.get(key)
        assert node.owners == ["team:support-analytics"], key
        assert node.group_name not in (None, "default"), key
    seeds = {k.path[-1] for k in keys if graph.get(k).group_name == "seeds"}
    assert {"sla_targets", "team_schedules", "rails_time_zones"} <= seeds
    specs = [spec for assets_def in graph.assets_defs for spec in assets_def.check_specs]
    assert len(specs) > 250
    assert [s.key.to_user_string() for s in specs if not (s.description or "").strip()] == []
    # A dbt generic test says in words what it checks, and what its failure does.
    by_name = {s.name: s.description for s in specs}
    assert by_name["not_null_fct_tickets"] == (
        "dbt test not_null_columns: every row has a value in each of `ticket_key`, "
        "`ticket_id`, `created_at`. "
        "A failure stops the run before anything is published."
    )
    # Every singular dbt test is a check of the mart it names (none is logged as a bare
    # observation), and says what it asserts from the comment at the top of its SQL.
    singular = sorted(p.stem for p in (ROOT / "dbt_project/tests/singular").glob("*.sql"))
    by_key = {s.name: s for s in specs}
    assert [n for n in singular if n not in by_key] == []
    first_reply = by_key["assert_first_reply_not_before_creation"]
    assert first_reply.asset_key == dg.AssetKey(["marts", "fct_contacts"])
    assert first_reply.description.startswith(
        "dbt test assert_first_reply_not_before_creation: A first response (a ticket's first"
    )
    # Raw assets show the columns they land.
    tickets = graph.get(dg.AssetKey(["zendesk", "tickets"])).metadata["dagster/column_schema"]
    assert {"id", "status", "updated_at", "_raw", "_batch_id"} <= {c.name for c in tickets.columns}


def test_raw_streams_and_kpi_marts_carry_the_daily_freshness_policy():
    from pipelines.definitions import defs

    graph = defs().resolve_asset_graph()
    fresh = {
        k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).freshness_policy
    }
    raw = {
        k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).group_name == "raw"
    }
    kpi = {
        k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).group_name == "kpi"
    }
    # landing/windows is written by the raw steps, not materialized itself: no policy.
    assert raw and kpi and fresh == (raw - {"landing/windows"}) | kpi
    # A night missed warns (26 h after the last success), two fail (50 h).
    policy = graph.get(dg.AssetKey(["marts", "kpi_support_daily"])).freshness_policy
    assert (policy.warn_window.to_timedelta(), policy.fail_window.to_timedelta()) == (
        timedelta(hours=26),
        timedelta(hours=50),
    )


def test_a_build_starts_from_the_last_builds_parse_state_and_old_builds_are_pruned(tmp_path):
    """dbt's parse state is kept beside the warehouse: the next build's folder starts with it
    (dbt then parses only what changed), and only the last five build folders stay."""
    from pipelines.defs.dbt.assets import KEEP_BUILDS, PARSE_STATE, build_folder, keep_parse_state

    state = tmp_path / "warehouse.dbt"
    first = build_folder(state, "run00001-aaaa")
    assert not (first / PARSE_STATE).exists()  # nothing parsed yet: dbt parses in full
    (first / PARSE_STATE).write_bytes(b"parsed by the first build")
    keep_parse_state(first)
    assert (state / PARSE_STATE).read_bytes() == b"parsed by the first build"

    for n in range(2, 9):
        folder = state / "builds" / f"20260301T0000{n:02d}-run{n:05d}"
        folder.mkdir(parents=True)
    second = build_folder(state, "run99999-bbbb")
    assert (second / PARSE_STATE).read_bytes() == b"parsed by the first build"
    (second / PARSE_STATE).write_bytes(b"parsed by the second build")
    keep_parse_state(second)
    assert (state / PARSE_STATE).read_bytes() == b"parsed by the second build"
    kept = sorted(p.name for p in (state / "builds").iterdir())
    assert len(kept) == KEEP_BUILDS and second.name in kept and first.name in kept
