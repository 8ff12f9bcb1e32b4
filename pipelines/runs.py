"""Runs on the project's Dagster instance: who holds the warehouse, and runs left for dead.

A run killed mid-way (kill -9, a machine that stopped) cannot record its own end, so the
instance would show it "Started" forever, and its slot in the warehouse pool would stay
taken, making every later run wait. Each run started by the `csops` CLI therefore carries its
host and process id as tags; at the next start, `reap_dead_runs` marks the runs of this host
whose process is gone as failed, says why, and frees their slots. Runs the daemon or the UI
launched with the default run launcher are found by the pid their process records, and the
sensor `csops_dead_runs` reaps them every minute while the daemon runs.
"""

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import RunsFilter

# The code location as workspace.yaml names it: runs started by the CLI carry it in their
# origin, so the UI lists them under the job and can re-execute them. `defs` is loaded lazily:
# the settings are read from the environment when the location loads, not at import.
LOCATION_NAME = "csops"
DEFINITIONS_MODULE = "pipelines.definitions"
DEFINITIONS_ATTRIBUTE = "defs"
PROJECT_ROOT = Path(__file__).resolve().parents[1]

HOST_TAG = "csops/host"
PID_TAG = "csops/pid"
ACTIVE = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def process_tags() -> dict[str, str]:
    """Tags that let a later start tell whether this run's process is still alive."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


@dataclass(frozen=True)
class Reaped:
    run_id: str
    pid: int


def reap_dead_runs(instance: dg.DagsterInstance) -> list[Reaped]:
    """Mark failed every active run of this host whose process no longer exists, and free the
    concurrency slots it held. Runs of other hosts, and runs without the tags, are left alone."""
    reaped = []
    host = socket.gethostname()
    for run in instance.get_runs(filters=RunsFilter(statuses=ACTIVE)):
        pid = _process_of(instance, run, host)
        if pid is None or _alive(pid):
            continue
        instance.report_run_failed(
            run,
            message=(
                f"The process that ran this run (pid {pid} on {host}) is gone: it was killed or "
                "the machine stopped. Marked failed by csops at the next start; re-run its "
                "days (docs/operations.md)."
            ),
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(Reaped(run.run_id, pid))
    return reaped


def _process_of(instance: dg.DagsterInstance, run: dg.DagsterRun, host: str) -> int | None:
    """The id of the process on this host that executes the run, when it can be known: a run
    of the CLI carries it as tags; a run launched by the default run launcher (the daemon, the
    UI, a re-execution of a CLI run) runs in a process on this machine that records its pid in
    the run's "Started process for run" event. Runs of other hosts or other launchers: None
    (left alone)."""
    from dagster._core.events import DagsterEventType
    from dagster._core.launcher import DefaultRunLauncher
    from dagster._core.storage.tags import PARENT_RUN_ID_TAG

    # A re-execution from the UI copies its parent's tags, the CLI's pid among them: its own
    # process is the one its launcher recorded.
    if HOST_TAG in run.tags and PARENT_RUN_ID_TAG not in run.tags:
        pid = run.tags.get(PID_TAG, "")
        return int(pid) if run.tags[HOST_TAG] == host and pid.isdigit() else None
    if not isinstance(instance.run_launcher, DefaultRunLauncher):
        return None
    records = instance.get_records_for_run(
        run.run_id, of_type=DagsterEventType.ENGINE_EVENT, limit=50
    ).records
    for record in records:
        event = record.event_log_entry.dagster_event
        if not (event.message or "").startswith("Started process for run"):
            continue
        pid = (event.event_specific_data.metadata or {}).get("pid")
        if pid is not None and str(pid.value).isdigit():
            return int(pid.value)
    return None


def failed_checks(
    instance: dg.DagsterInstance, run_id: str, severity: dg.AssetCheckSeverity
) -> list[str]:
    """The checks of this severity that failed in the run, as sorted `asset:check` names."""
    from dagster._core.events import DagsterEventType

    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    return sorted(
        {
            f"{e.asset_key.to_user_string()}:{e.check_name}"
            for e in (r.event_log_entry.dagster_event.event_specific_data for r in records)
            if not e.passed and e.severity == severity
        }
    )


def active_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    """Runs in progress on the instance: the ones a new run queues behind."""
    return list(instance.get_runs(filters=RunsFilter(statuses=ACTIVE)))


def create_job_run(
    instance: dg.DagsterInstance,
    job_name: str,
    tags: dict[str, str],
    run_config: dict,
):
    """Create a run of the job as the UI would: with the origin of the `csops` code location of
    workspace.yaml, so the run appears under the job (its page, the overview timeline) and the
    UI can re-execute it. Returns the reconstructable job and the run, for `execute_run` in this
    process (the CLI shows its progress in the terminal)."""
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    origin = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(
            executable_path=sys.executable,
            module_name=DEFINITIONS_MODULE,
            attribute=DEFINITIONS_ATTRIBUTE,
            working_directory=str(PROJECT_ROOT),
        ),
        location_name=LOCATION_NAME,
    )
    location = origin.create_location(instance)
    (repository,) = location.get_repositories().values()
    remote_job = repository.get_full_job(job_name)
    plan = location.get_execution_plan(
        remote_job, run_config, step_keys_to_execute=None, known_state=None, instance=instance
    ).execution_plan_snapshot
    run = instance.create_run(
        job_name=job_name,
        run_id=None,
        run_config=run_config,
        resolved_op_selection=None,
        step_keys_to_execute=plan.step_keys_to_execute,
        op_selection=None,
        status=None,
        root_run_id=None,
        parent_run_id=None,
        tags=tags,
        job_snapshot=remote_job.job_snapshot,
        execution_plan_snapshot=plan,
        parent_job_snapshot=remote_job.parent_job_snapshot,
        remote_job_origin=remote_job.get_remote_origin(),
        job_code_origin=remote_job.get_python_origin(),
        asset_selection=None,
        asset_check_selection=None,
        asset_graph=repository.asset_graph,
    )
    return location.get_reconstructable_job(repository.name, job_name), run
