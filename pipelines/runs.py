"""Runs on the project's Dagster instance: who holds the warehouse, and runs left for dead.

A run killed mid-way (kill -9, a machine that stopped) cannot record its own end, so the
instance would show it "Started" forever, and its slot in the warehouse pool would stay
taken, making every later run wait. Each run started by the `csops` CLI therefore carries its
host and process id as tags; at the next start, `reap_dead_runs` marks the runs of this host
whose process is gone as failed, says why, and frees their slots. (Runs launched by the
daemon are watched by Dagster's own run monitoring: docs/operations.md.)
"""

import os
import socket
from dataclasses import dataclass

import dagster as dg
from dagster._core.storage.dagster_run import RunsFilter

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
        if run.tags.get(HOST_TAG) != host or not run.tags.get(PID_TAG, "").isdigit():
            continue
        pid = int(run.tags[PID_TAG])
        if _alive(pid):
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
