"""One writer at a time: steps that write the warehouse share a concurrency pool of one slot,
so a second run queues behind the first instead of failing on DuckDB's lock; a run whose
process was killed is marked failed at the next start and gives its slot back. Real
processes on one Dagster instance on disk."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.runs import PID_TAG, process_tags, reap_dead_runs
from pipelines.settings import ensure_dagster_home

ROOT = Path(__file__).resolve().parents[1]

# A run with one step in the warehouse pool, as the dbt build and the publish are: it says
# when it starts, then holds its slot until told to finish.
RUN = textwrap.dedent(
    """
    import sys, time, pathlib, dagster as dg
    from pipelines.runs import process_tags
    from pipelines.settings import WAREHOUSE_POOL

    folder, name = pathlib.Path(sys.argv[1]), sys.argv[2]

    @dg.asset(pool=WAREHOUSE_POOL)
    def writes_the_warehouse():
        (folder / f"{name}.started").write_text(str(time.time()))
        while not (folder / f"{name}.release").exists():
            time.sleep(0.05)
        (folder / f"{name}.ended").write_text(str(time.time()))

    with dg.DagsterInstance.get() as instance:
        result = dg.materialize([writes_the_warehouse], instance=instance, tags=process_tags())
    print("ok" if result.success else "failed", flush=True)
    """
)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "dagster_home"
    ensure_dagster_home(home)  # the instance config csops writes: one slot per pool
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def start(folder: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", RUN, str(folder), name],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def wait_for_blocked_step(home: Path, timeout: float = 60) -> None:
    """Until a run on the instance logs that a step is blocked by the warehouse pool."""
    deadline = time.monotonic() + timeout
    with dg.DagsterInstance.from_config(str(home)) as instance:
        while True:
            messages = [
                entry.message
                for run in instance.get_runs()
                for entry in instance.all_logs(run.run_id)
            ]
            if any("blocked by limit for pool csops_warehouse" in m for m in messages):
                return
            assert time.monotonic() < deadline, "no step waited for the pool"
            time.sleep(0.2)


def test_a_second_run_queues_behind_the_one_writing_the_warehouse(home, tmp_path):
    first = start(tmp_path, "first")
    wait_for(tmp_path / "first.started")
    second = start(tmp_path, "second")
    try:
        # The second run is up, and Dagster says its step waits for the pool's slot.
        wait_for_blocked_step(home)
        time.sleep(1)
        assert not (tmp_path / "second.started").exists(), "two writers at once"
        (tmp_path / "first.release").touch()
        wait_for(tmp_path / "second.started")
        (tmp_path / "second.release").touch()
        outs = [p.communicate(timeout=60) for p in (first, second)]
    finally:
        for p in (first, second):
            p.kill()
    assert [out.strip() for out, _ in outs] == ["ok", "ok"], outs
    first_ended = float((tmp_path / "first.ended").read_text())
    second_started = float((tmp_path / "second.started").read_text())
    assert second_started >= first_ended


def test_a_killed_run_is_marked_failed_at_the_next_start_and_frees_its_slot(home, tmp_path):
    killed = start(tmp_path, "killed")
    wait_for(tmp_path / "killed.started")
    os.kill(killed.pid, signal.SIGKILL)  # kill -9 in the middle of its step
    killed.wait(timeout=30)

    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.STARTED  # it could not say otherwise
        reaped = reap_dead_runs(instance)
        assert [r.run_id for r in reaped] == [run.run_id]
        after = instance.get_run_by_id(run.run_id)
        assert after.status == dg.DagsterRunStatus.FAILURE
        failure = instance.all_logs(run.run_id)[-1]
        assert "is gone: it was killed or the machine stopped" in failure.message
        assert reap_dead_runs(instance) == []  # once

    # The slot it held is free: the next run starts at once.
    (tmp_path / "next.release").touch()
    nxt = start(tmp_path, "next")
    out, err = nxt.communicate(timeout=120)
    assert out.strip() == "ok", err[-3000:]


def test_the_sensor_marks_failed_a_daemon_launched_run_whose_process_is_gone(home):
    """A run the daemon launched records its worker's pid in a "Started process for run"
    event (no csops tags). Its process killed, the run stays "Started" until the sensor
    `csops_dead_runs` looks; a run whose process lives is left alone, and so is a live
    re-execution of a CLI run whose copied tags name the CLI's dead process."""
    from dagster._core.events import EngineEventData
    from dagster._core.storage.tags import PARENT_RUN_ID_TAG, ROOT_RUN_ID_TAG
    from dagster._core.test_utils import create_run_for_test

    from pipelines.defs.runs.sensors import csops_dead_runs

    gone = subprocess.Popen(["true"])
    gone.wait(timeout=30)
    with dg.DagsterInstance.get() as instance:
        dead = create_run_for_test(
            instance, job_name="csops_daily", status=dg.DagsterRunStatus.STARTED
        )
        alive = create_run_for_test(
            instance, job_name="csops_daily", status=dg.DagsterRunStatus.STARTED
        )
        # The UI's re-execution of a CLI run copies the CLI's tags, the dead CLI process's pid
        # among them; its own (live) worker is the one its launcher recorded.
        reexecution = create_run_for_test(
            instance,
            job_name="csops_daily",
            status=dg.DagsterRunStatus.STARTED,
            tags={
                **process_tags(),
                PID_TAG: str(gone.pid),
                PARENT_RUN_ID_TAG: dead.run_id,
                ROOT_RUN_ID_TAG: dead.run_id,
            },
        )
        for run, pid in ((dead, gone.pid), (alive, os.getpid()), (reexecution, os.getpid())):
            instance.report_engine_event(
                f"Started process for run (pid: {pid}).", run, EngineEventData.in_process(pid)
            )

        result = csops_dead_runs(dg.build_sensor_context(instance=instance))

        assert dead.run_id in result.skip_message
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
        assert "is gone" in instance.all_logs(dead.run_id)[-1].message
        assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
        assert instance.get_run_by_id(reexecution.run_id).status == dg.DagsterRunStatus.STARTED
        again = csops_dead_runs(dg.build_sensor_context(instance=instance))
        assert again.skip_message == "no run left for dead"
