"""The csops CLI refuses bad input with a clear message before anything runs."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.cli import main


def run_cli(capsys, *args: str) -> tuple[int, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse exits on unknown options and --help
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def complete_day() -> str:
    """A complete UTC day after the first partition: a range the checks before a run pass."""
    return (datetime.now(UTC).date() - timedelta(days=2)).isoformat()


def refused_run(capsys, *extra: str) -> str:
    """`csops run` of one complete day (and `extra` options), refused with exit status 2:
    what it printed."""
    day = complete_day()
    code, out = run_cli(capsys, "run", "--start", day, "--end", day, *extra)
    assert code == 2
    return out


def test_end_before_start_is_refused(capsys):
    code, out = run_cli(capsys, "run", "--start", "2026-03-05", "--end", "2026-03-01")
    assert code == 2
    assert "--end 2026-03-01 is before --start 2026-03-05" in out


def test_malformed_date_is_refused(capsys):
    code, out = run_cli(capsys, "run", "--start", "2026-13-01", "--end", "2026-03-01")
    assert code == 2
    assert "'2026-13-01' is not a date" in out


def test_incomplete_day_is_refused(capsys):
    today = datetime.now(UTC).date().isoformat()
    code, out = run_cli(capsys, "run", "--start", today, "--end", today)
    assert code == 2
    assert "not a complete UTC day" in out


def test_day_before_first_partition_is_refused(capsys, monkeypatch):
    monkeypatch.setenv("CSOPS_START_DATE", "2025-01-01")
    code, out = run_cli(capsys, "run", "--start", "2024-12-31", "--end", "2025-01-02")
    assert code == 2
    assert "CSOPS_START_DATE" in out


def test_unknown_source_is_refused(capsys, monkeypatch):
    monkeypatch.setenv("CSOPS_SOURCES", "zendesk,freshdesk")
    out = refused_run(capsys)
    assert "freshdesk" in out and "zendesk, intercom, typeform" in out


def test_missing_credentials_are_refused_before_running(capsys, monkeypatch):
    monkeypatch.setenv("CSOPS_SOURCES", "zendesk")
    for name in ("ZENDESK_BASE_URL", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    out = refused_run(capsys)
    assert "ZENDESK_API_TOKEN" in out


def test_unknown_engine_is_refused(capsys, monkeypatch):
    monkeypatch.setenv("CSOPS_ENGINE", "snowflake")
    out = refused_run(capsys)
    assert "CSOPS_ENGINE='snowflake'" in out and "duckdb, spark, postgres" in out
    out = refused_run(capsys, "--target", "oracle")
    assert "invalid choice: 'oracle'" in out


@pytest.mark.parametrize(
    ("engine", "missing"),
    [("spark", "dbt.adapters.spark, pyspark"), ("postgres", "dbt.adapters.postgres, psycopg2")],
)
def test_an_engine_without_its_driver_is_refused_before_running(
    capsys, monkeypatch, engine, missing
):
    import pipelines.cli

    monkeypatch.setenv("CSOPS_ENGINE", "duckdb")  # restored after the test, as --target sets it
    monkeypatch.setattr(pipelines.cli, "_importable", lambda module: False)
    out = refused_run(capsys, "--target", engine)
    assert f"the {engine} engine needs {missing}" in out and "make setup-engines" in out


def test_a_targets_file_off_duckdb_is_refused_before_running(capsys, monkeypatch, tmp_path):
    import pipelines.cli

    targets = tmp_path / "targets.csv"
    targets.write_text("kpi,team_name,target,direction,valid_from\n")
    monkeypatch.setenv("CSOPS_KPI_TARGETS", str(targets))
    monkeypatch.setenv("CSOPS_ENGINE", "duckdb")
    monkeypatch.setattr(pipelines.cli, "_importable", lambda module: True)
    out = refused_run(capsys, "--target", "postgres")
    assert "CSOPS_KPI_TARGETS is read by the duckdb engine only, not by postgres" in out


def test_spark_without_java_is_refused_before_running(capsys, monkeypatch):
    import shutil

    import pipelines.cli

    monkeypatch.setenv("CSOPS_ENGINE", "duckdb")
    monkeypatch.setattr(pipelines.cli, "_importable", lambda module: True)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    out = refused_run(capsys, "--target", "spark")
    assert "needs Java 17" in out


def test_a_rate_share_that_is_not_a_percentage_is_refused_before_running(capsys, monkeypatch):
    monkeypatch.setenv("CSOPS_RATE_SHARE", "all of it")
    out = refused_run(capsys)
    assert "CSOPS_RATE_SHARE='all of it' is not a percentage" in out


def test_unknown_option_is_refused(capsys):
    code, out = run_cli(capsys, "run", "--start", "2026-03-01", "--end", "2026-03-02", "--fast")
    assert code == 2
    assert "unrecognized arguments: --fast" in out


@pytest.mark.parametrize("command", [[], ["run"], ["demo"], ["simulate-api"]])
def test_every_command_has_help(command):
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *command, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "usage: csops" in proc.stdout


def test_a_program_holding_the_warehouse_is_named_before_anything_runs(
    capsys, monkeypatch, tmp_path
):
    """A BI tool pointed at the warehouse instead of the serving copy, in its own process."""
    warehouse = tmp_path / "warehouse.duckdb"
    for name, value in {
        "CSOPS_SOURCES": "demo",
        "CSOPS_WAREHOUSE": str(warehouse),
        "CSOPS_LAKE": str(tmp_path / "lake"),
        "CSOPS_SERVING": str(tmp_path / "serving"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }.items():
        monkeypatch.setenv(name, value)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, duckdb; con = duckdb.connect(sys.argv[1]);"
                " print('holding', flush=True); sys.stdin.readline()"
            ),
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        day = complete_day()
        code, out = run_cli(capsys, "run", "--start", day, "--end", day)
    finally:
        holder.communicate("\n", timeout=30)
    assert code == 2
    assert f"the warehouse {warehouse} is held open by another program" in out
    assert f"PID {holder.pid}" in out  # DuckDB names the process holding the lock
    assert str(tmp_path / "serving") in out and "docs/bi.md" in out
    assert not (tmp_path / "lake" / "zendesk").exists(), "nothing was landed"


def test_simulate_api_writes_the_rosters_and_prints_the_shift_folder(tmp_path):
    """`csops simulate-api --shifts-dir` writes the simulated workforce tool's weekly rosters,
    then prints the variable that points the shifts source at them beside the API's."""
    folder = tmp_path / "rosters"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "simulate-api", "--port", "0"]
        + ["--shifts-dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while not any(line.startswith("CSOPS_SHIFTS_DIR=") for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line.strip())
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    assert f"CSOPS_SHIFTS_DIR={folder.resolve()}" in lines
    files = sorted(folder.glob("*.csv"))
    # 90 days touch 13 or 14 ISO weeks: one file each, every one a roster with rows.
    assert 13 <= len(files) <= 14
    assert f"wrote {len(files)} weekly roster file(s) into {folder}" in lines
    for path in files:
        header, *rows = path.read_text().splitlines()
        assert (
            header.replace(" ", "").lower().split(",")
            == [
                "agent_email",
                "start",
                "end",
                "activity_type",
            ]
            and rows
        ), path.name
