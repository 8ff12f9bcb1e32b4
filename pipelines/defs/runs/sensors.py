"""A sensor that marks runs left for dead as failed, so none stays "Started" forever.

A run whose process was killed (kill -9, a machine that stopped) cannot record its own end.
`csops run` reaps such runs at its next start; this sensor does the same every minute while
the daemon runs, for runs started by the CLI and for runs the daemon or the UI launched with
the default run launcher (pipelines/runs.py says how a run's process is found).
"""

import dagster as dg

from pipelines.runs import reap_dead_runs


@dg.sensor(
    name="csops_dead_runs",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Every minute: marks failed each run still 'Started' whose process on this machine is "
        "gone (killed, or the machine restarted), says why, and frees its warehouse slot."
    ),
)
def csops_dead_runs(context: dg.SensorEvaluationContext):
    reaped = reap_dead_runs(context.instance)
    for run in reaped:
        context.log.warning(f"run {run.run_id} lost its process (pid {run.pid}): marked failed")
    if not reaped:
        return dg.SkipReason("no run left for dead")
    return dg.SkipReason(f"marked failed: {', '.join(r.run_id for r in reaped)}")


RUN_SENSORS = [csops_dead_runs]
