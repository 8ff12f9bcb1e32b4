"""Run status sensors that tell a person, through a chat webhook, what needs them.

`csops_run_failure_alert` posts when a run of the daily job fails: the job, the failed step,
the first line of its error, the days of the run and a link to the run in the UI.
`csops_warning_alert` posts when a run published the serving copy although checks of warning
severity failed. Both need the Dagster daemon (`dagster dev` starts one; docs/operations.md)
and do nothing while `CSOPS_ALERT_WEBHOOK` is unset.
"""

import os

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

from pipelines.alerts import (
    UI_URL_ENV,
    WEBHOOK_ENV,
    RunFacts,
    failure_message,
    post,
    warning_message,
)
from pipelines.defs.serving.assets import SERVING_KEY
from pipelines.runs import failed_checks


def run_facts(run: dg.DagsterRun) -> RunFacts:
    tags = run.tags
    first = tags.get(ASSET_PARTITION_RANGE_START_TAG) or tags.get(PARTITION_NAME_TAG)
    last = tags.get(ASSET_PARTITION_RANGE_END_TAG) or tags.get(PARTITION_NAME_TAG)
    return RunFacts(run.job_name, run.run_id, first, last, os.environ.get(UI_URL_ENV))


def _root_error(error) -> str | None:
    if error is None:
        return None
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return error.message


@dg.run_failure_sensor(
    name="csops_run_failure_alert",
    description=(
        f"Posts a short message to {WEBHOOK_ENV} (when set) for every failed run: the job, "
        "the failed step, the first line of its error, the days and a link to the run."
    ),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def csops_run_failure_alert(context: dg.RunFailureSensorContext):
    webhook = os.environ.get(WEBHOOK_ENV)
    if not webhook:
        return dg.SkipReason(f"{WEBHOOK_ENV} is not set: no alert sent")
    failures = context.get_step_failure_events()
    if failures:
        step = failures[0].step_key
        error = _root_error(getattr(failures[0].event_specific_data, "error", None))
    else:
        step, error = None, context.failure_event.message
    sent = post(webhook, failure_message(run_facts(context.dagster_run), step, error))
    context.log.info("failure alert sent" if sent else "failure alert NOT sent (see the log)")
    return None


@dg.run_status_sensor(
    name="csops_warning_alert",
    run_status=dg.DagsterRunStatus.SUCCESS,
    description=(
        f"Posts to {WEBHOOK_ENV} (when set) when a run published the serving copy although "
        "checks of warning severity failed, naming them."
    ),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def csops_warning_alert(context: dg.RunStatusSensorContext):
    webhook = os.environ.get(WEBHOOK_ENV)
    if not webhook:
        return dg.SkipReason(f"{WEBHOOK_ENV} is not set: no alert sent")
    run = context.dagster_run
    instance = context.instance
    published = instance.get_records_for_run(
        run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
    ).records
    if not any(r.event_log_entry.dagster_event.asset_key == SERVING_KEY for r in published):
        return dg.SkipReason("the run did not publish the serving copy")
    warnings = failed_checks(instance, run.run_id, dg.AssetCheckSeverity.WARN)
    if not warnings:
        return dg.SkipReason("no check of warning severity failed")
    sent = post(webhook, warning_message(run_facts(run), warnings))
    context.log.info("warning alert sent" if sent else "warning alert NOT sent (see the log)")
    return None


ALERT_SENSORS = [csops_run_failure_alert, csops_warning_alert]
