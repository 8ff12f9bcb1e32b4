"""The serving copy: published whole or not at all, gated by the run's checks, and never
blocked by (nor blocking) a BI reader. Real DuckDB files, real processes, real Dagster runs."""

import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from serving_fixtures import AS_OF, fingerprint, make_warehouse
from warehouse_snapshot import query

from pipelines.defs.resources import CsopsSettings
from pipelines.defs.serving.assets import serving_marts
from pipelines.serving import publish, read_manifest

MARTS = [
    "dim_agent",
    "dim_team",
    "fct_contacts",
    "kpi_agent_weekly",
    "kpi_agent_workload_weekly",
    "kpi_backlog_daily",
    "kpi_change_drivers_weekly",
    "kpi_feedback_daily",
    "kpi_qa_category_weekly",
    "kpi_qa_weekly",
    "kpi_shift_fairness_weekly",
    "kpi_sla_daily",
    "kpi_support_daily",
    "kpi_target_attainment_weekly",
]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return make_warehouse(tmp_path / "warehouse.duckdb")


def test_publish_copies_every_mart_to_duckdb_and_parquet_with_a_manifest(warehouse, tmp_path):
    serving = tmp_path / "serving"
    manifest = publish(warehouse, serving, "run-1")

    # fct_contacts has 9 hand-made rows, kpi_support_daily 7 (tests/serving_fixtures.py).
    assert sorted(manifest.row_counts) == MARTS
    assert manifest.row_counts["fct_contacts"] == 9
    assert manifest.row_counts["kpi_support_daily"] == 7
    assert manifest.as_of == AS_OF and manifest.run_id == "run-1"
    with duckdb.connect(str(serving / "marts.duckdb"), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        # The same names as in the warehouse: the file is the catalog `marts`.
        assert con.execute("select count(*) from marts.fct_contacts").fetchone() == (9,)
        rows = con.execute(
            "select mart, row_count, as_of, run_id from marts.serving_manifest order by mart"
        ).fetchall()
        assert [(m, n) for m, n, _, _ in rows] == [(m, manifest.row_counts[m]) for m in MARTS]
        assert {(a, r) for _, _, a, r in rows} == {(AS_OF, "run-1")}
        # Descriptions reach SQL clients of the copy too.
        assert con.execute(
            "select comment from duckdb_columns() where table_name = 'fct_contacts' "
            "and column_name = 'created_date'"
        ).fetchone() == ("UTC date the contact was created.",)
    parquet = serving / "parquet"
    assert sorted(p.stem for p in parquet.glob("*.parquet")) == sorted([*MARTS, "serving_manifest"])
    with duckdb.connect() as con:
        path = parquet / "kpi_support_daily.parquet"
        assert con.execute(f"select count(*) from read_parquet('{path}')").fetchone() == (7,)
        meta = dict(con.execute(f"select key, value from parquet_kv_metadata('{path}')").fetchall())
        assert meta[b"csops_run_id"] == b"run-1"
        assert meta[b"csops_as_of"] == b"2026-03-09T00:00:00+00:00"
    assert not [p for p in serving.rglob(".publishing-*")], "nothing left aside"
    assert read_manifest(serving) == manifest


def test_a_republish_replaces_the_copy_and_drops_marts_that_are_gone(warehouse, tmp_path):
    serving = tmp_path / "serving"
    publish(warehouse, serving, "run-1")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table marts.kpi_sla_daily")
        con.execute("insert into marts.fct_contacts values ('c-new', '2026-03-08', 5.0)")
    # A publish that died half-way left a file aside: the next publish removes it.
    (serving / ".publishing-dead-marts.duckdb").write_bytes(b"half a file")

    manifest = publish(warehouse, serving, "run-2")

    assert manifest.row_counts["fct_contacts"] == 10
    assert "kpi_sla_daily" not in manifest.row_counts
    assert not (serving / "parquet" / "kpi_sla_daily.parquet").exists()
    assert not (serving / ".publishing-dead-marts.duckdb").exists()
    assert read_manifest(serving).run_id == "run-2"


def _rows(database: Path, table: str, catalog: str = "marts") -> list[tuple]:
    return sorted(query(database, f"select * from {catalog}.{table}"), key=repr)


def test_a_republish_updates_the_changed_rows_in_place_and_equals_a_copy_from_scratch(
    warehouse, tmp_path
):
    serving = tmp_path / "serving"
    first = publish(warehouse, serving, "run-1")
    assert first.updated_in_place == ()  # nothing to start from: every mart copied whole
    with duckdb.connect(str(warehouse)) as con:
        # fct_contacts: one row changed, one gone, one new, and one under a null first column
        # (a group of its own, compared like any other).
        con.execute(
            "update marts.fct_contacts set created_date = '2026-03-01' where contact_key = 'c1'"
        )
        con.execute("delete from marts.fct_contacts where contact_key = 'c2'")
        con.execute("insert into marts.fct_contacts values ('c-new', '2026-03-08', 5.0)")
        con.execute("insert into marts.fct_contacts values (null, '2026-03-08', 7.5)")
        # kpi_backlog_daily: a new column, so its rows cannot be compared: copied whole.
        con.execute("alter table marts.kpi_backlog_daily add column note varchar default 'x'")
    second = publish(warehouse, serving, "run-2")
    fresh = publish(warehouse, tmp_path / "fresh", "run-2")

    assert "fct_contacts" in second.updated_in_place
    assert "kpi_support_daily" in second.updated_in_place  # unchanged: nothing replaced
    assert "kpi_backlog_daily" not in second.updated_in_place
    assert fresh.updated_in_place == ()
    assert second.row_counts == fresh.row_counts
    for mart in second.row_counts:
        expected = _rows(warehouse, mart)
        assert _rows(serving / "marts.duckdb", mart, "main") == expected, mart
        assert _rows(tmp_path / "fresh" / "marts.duckdb", mart, "main") == expected, mart
    assert sorted(
        c for c, *_ in _rows(serving / "marts.duckdb", "fct_contacts", "main") if c is not None
    ) == ["c-new", "c0", "c1", "c3", "c4", "c5", "c6", "c7", "c8"]
    assert read_manifest(serving).run_id == "run-2"


def test_a_copy_that_cannot_be_opened_is_replaced_by_a_copy_from_scratch(warehouse, tmp_path):
    serving = tmp_path / "serving"
    publish(warehouse, serving, "run-1")
    (serving / "marts.duckdb").write_bytes(b"not a database")
    manifest = publish(warehouse, serving, "run-2")
    assert manifest.updated_in_place == ()
    assert _rows(serving / "marts.duckdb", "fct_contacts", "main") == _rows(
        warehouse, "fct_contacts"
    )


# A BI client in its own process: opens the copy read-only, answers, and keeps it open
# until told to read again.
READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    def answer():
        run, = con.execute("select distinct run_id from marts.serving_manifest").fetchone()
        n, = con.execute("select count(*) from marts.fct_contacts").fetchone()
        print(run, n, flush=True)
    answer()
    sys.stdin.readline()
    answer()
    """
)


def test_a_reader_holding_the_copy_open_does_not_block_the_next_publish(warehouse, tmp_path):
    serving = tmp_path / "serving"
    publish(warehouse, serving, "run-1")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving / "marts.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().split() == ["run-1", "9"]
        with duckdb.connect(str(warehouse)) as con:
            con.execute("insert into marts.fct_contacts values ('c-new', '2026-03-08', 5.0)")

        manifest = publish(warehouse, serving, "run-2")  # the reader still holds run-1 open

        assert manifest.row_counts["fct_contacts"] == 10
        out, err = reader.communicate("\n", timeout=60)
    finally:
        reader.kill()
    # The open reader kept reading the copy it opened, whole; a new reader sees the new one.
    assert out.split() == ["run-1", "9"], err
    assert reader.returncode == 0, err
    with duckdb.connect(str(serving / "marts.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_contacts").fetchone() == (10,)


# A build in its own process: holds the warehouse open for writing, mid-transaction, as dbt
# does while it builds, until told to stop.
WRITER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("begin")
    con.execute("insert into marts.fct_contacts values ('c-w', '2026-03-08', 1.0)")
    print("writing", flush=True)
    sys.stdin.readline()
    con.execute("commit")
    """
)


def test_a_build_writing_the_warehouse_does_not_block_a_reader_of_the_copy(warehouse, tmp_path):
    serving = tmp_path / "serving"
    publish(warehouse, serving, "run-1")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        # The warehouse is locked by the build: a BI tool pointed at it would fail here ...
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(warehouse), read_only=True)
        # ... while a reader of the serving copy, in another process, reads as usual.
        proc = subprocess.run(
            [sys.executable, "-c", READER, str(serving / "marts.duckdb")],
            input="\n",
            capture_output=True,
            check=False,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["run-1", "9", "run-1", "9"]
        writer.communicate("\n", timeout=60)
    finally:
        writer.kill()
    assert writer.returncode == 0


# ---- the gate, in a real Dagster run --------------------------------------------------------


def stand_in_mart(severity: dg.AssetCheckSeverity, passed: bool, blocking: bool = False):
    """Stands in for a mart the dbt build made, with one check on it (a dbt test, a mart
    check) that passes or fails at the given severity."""

    @dg.asset(
        key=dg.AssetKey(["marts", "fct_contacts"]),
        check_specs=[
            dg.AssetCheckSpec("rows_are_sane", asset=["marts", "fct_contacts"], blocking=blocking)
        ],
    )
    def fct_contacts():
        yield dg.MaterializeResult()
        yield dg.AssetCheckResult(check_name="rows_are_sane", passed=passed, severity=severity)

    return fct_contacts


@pytest.fixture
def serving_env(warehouse, tmp_path, monkeypatch) -> Path:
    serving = tmp_path / "serving"
    monkeypatch.setenv("CSOPS_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("CSOPS_SERVING", str(serving))
    monkeypatch.setenv("CSOPS_LAKE", str(tmp_path / "lake"))
    publish(warehouse, serving, "previous-run")
    with duckdb.connect(str(warehouse)) as con:  # what a new publish would show
        con.execute("insert into marts.fct_contacts values ('c-new', '2026-03-08', 5.0)")
    return serving


def run_with(mart) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [mart, serving_marts],
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        selection=[mart.key, serving_marts.key],
        resources={"settings": CsopsSettings.from_env()},  # the paths of `serving_env`
    )


def test_a_run_whose_checks_passed_publishes(serving_env):
    result = run_with(stand_in_mart(dg.AssetCheckSeverity.ERROR, passed=True))
    assert result.success
    manifest = read_manifest(serving_env)
    assert manifest.run_id == result.run_id
    assert manifest.row_counts["fct_contacts"] == 10
    # The copy published before the run was there: every mart took only its changes.
    (published,) = result.asset_materializations_for_node(serving_marts.op.name)
    assert published.metadata["marts_updated_in_place"].value == len(MARTS)


def test_a_failed_error_check_stops_the_publish_and_leaves_the_copy_as_it_was(serving_env):
    before = fingerprint(serving_env)

    result = run_with(stand_in_mart(dg.AssetCheckSeverity.ERROR, passed=False))

    assert not result.success
    assert fingerprint(serving_env) == before
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.user_failure_data.description
    assert "not published" in message
    assert "marts/fct_contacts:rows_are_sane" in message
    assert "as_of 2026-03-09 00:00 UTC" in message and "previous-run" in message


def test_a_failed_blocking_check_skips_the_publish_and_leaves_the_copy_as_it_was(serving_env):
    before = fingerprint(serving_env)
    result = run_with(stand_in_mart(dg.AssetCheckSeverity.ERROR, passed=False, blocking=True))
    assert not result.success
    assert serving_marts.key not in {e.asset_key for e in result.get_asset_materialization_events()}
    assert fingerprint(serving_env) == before


def test_a_failed_warning_check_does_not_stop_the_publish(serving_env):
    result = run_with(stand_in_mart(dg.AssetCheckSeverity.WARN, passed=False))
    assert result.success
    assert read_manifest(serving_env).run_id == result.run_id
