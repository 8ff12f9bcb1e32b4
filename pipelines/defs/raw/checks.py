"""Raw asset checks: every landed stream validated with its Great Expectations suite.

One multi-asset check per source, so the Great Expectations import and context are paid once
per source step, not once per stream. The checks are blocking: a stream that fails its suite
stops the dbt models downstream in the same run, so bad raw data never reaches the marts.
"""

from datetime import date
from pathlib import Path

import dagster as dg

from connectors.lake import REJECTED_DIR
from connectors.registry import SOURCES
from pipelines.defs.raw.assets import raw_asset_key
from pipelines.defs.resources import CsopsSettings
from pipelines.gates import (
    DEFAULT_MAX_REJECTED_PCT,
    MAX_REJECTED_ENV,
    Finding,
    percent_setting,
    rejected_share,
)
from pipelines.quality import (
    QualityResult,
    latest_landed_day,
    read_landed,
    suite_path,
    validate_frame,
)
from pipelines.settings import KNOWN_SOURCES

RAW_CHECK_NAME = "raw_expectations"
REJECTED_CHECK_NAME = "rejected_share"


def build_raw_checks(source: str) -> dg.AssetChecksDefinition:
    """The blocking expectation checks of every stream of one source."""
    connector = SOURCES[source]
    streams = (*connector.event_streams, *connector.reference_streams)
    specs = [
        dg.AssetCheckSpec(
            name=RAW_CHECK_NAME,
            asset=raw_asset_key(source, stream),
            blocking=True,
            description=(
                f"The landed {source}/{stream} rows of the run's days meet the suite "
                f"expectations/{suite_path(source, stream).name}: required fields, id unique "
                "within the batch, allowed values and timestamp sanity."
            ),
        )
        for stream in streams
    ] + [
        dg.AssetCheckSpec(
            name=REJECTED_CHECK_NAME,
            asset=raw_asset_key(source, stream),
            blocking=True,
            description=(
                f"The share of {source}/{stream} records of the run's days that could not be "
                f"parsed (kept in {REJECTED_DIR}/ with the reason): a warning when any, an error "
                f"above {MAX_REJECTED_ENV} (default {DEFAULT_MAX_REJECTED_PCT:g} %)."
            ),
        )
        for stream in connector.event_streams
    ]

    # Unpartitioned specs on partitioned assets on purpose: a partitioned check cannot record
    # an evaluation for a range of partitions (single-run backfills), so the range is read
    # from the run instead, and the result metadata says which days were validated.
    @dg.multi_asset_check(name=f"raw_{source}_expectations", specs=specs, can_subset=True)
    def _checks(context: dg.AssetCheckExecutionContext, settings: CsopsSettings):
        lake = settings.resolved.lake
        run_range = _run_range(context)
        for check_key in sorted(
            context.selected_asset_check_keys, key=lambda k: k.to_user_string()
        ):
            stream = check_key.asset_key.path[-1]
            days = _days_to_validate(lake, source, stream, run_range, connector.event_streams)
            if check_key.name == REJECTED_CHECK_NAME:
                yield _rejected_result(check_key, lake, source, stream, days)
                continue
            if days is None:
                result = QualityResult(source, stream, 0, True, 0)
            else:
                result = validate_frame(source, stream, read_landed(lake, source, stream, *days))
            summary = _summary(result, days)
            context.log.info(summary)
            yield dg.AssetCheckResult(
                asset_key=check_key.asset_key,
                check_name=check_key.name,
                passed=result.success,
                severity=dg.AssetCheckSeverity.ERROR,
                description=summary,
                metadata=_metadata(result, days),
            )

    return _checks


def _rejected_result(
    check_key: dg.AssetCheckKey, lake: Path, source: str, stream: str, days
) -> dg.AssetCheckResult:
    if days is None:
        finding = Finding(True, "warn", f"{source}/{stream}: never landed")
    else:
        max_pct = percent_setting(MAX_REJECTED_ENV, DEFAULT_MAX_REJECTED_PCT)
        finding = rejected_share(lake, source, stream, *days, max_pct)
    return check_result(check_key, finding)


def check_result(check_key: dg.AssetCheckKey, finding: Finding) -> dg.AssetCheckResult:
    """A gate's finding as a Dagster check result: its words, figures and severity."""
    return dg.AssetCheckResult(
        asset_key=check_key.asset_key,
        check_name=check_key.name,
        passed=finding.passed,
        severity=(
            dg.AssetCheckSeverity.ERROR
            if finding.severity == "error"
            else dg.AssetCheckSeverity.WARN
        ),
        description=finding.message,
        metadata=finding.metadata,
    )


def _run_range(context: dg.AssetCheckExecutionContext) -> tuple[date, date] | None:
    """The days the run landed, from its partition (or partition range) tags; None if unpartitioned."""
    if not context.op_execution_context.has_partitions:
        return None
    keys = context.partition_key_range
    return date.fromisoformat(keys.start), date.fromisoformat(keys.end)


def _days_to_validate(
    lake: Path,
    source: str,
    stream: str,
    run_range: tuple[date, date] | None,
    event_streams: tuple[str, ...],
) -> tuple[date, date] | None:
    # Reference streams land one snapshot in the range's last day; older days of the range may
    # hold earlier snapshots that this run did not write, so only the last day is validated.
    # A check launched on its own, outside a partitioned run, validates the latest landed day.
    if run_range is None:
        latest = latest_landed_day(lake, source, stream)
        return None if latest is None else (latest, latest)
    last_day = run_range[1]
    return run_range if stream in event_streams else (last_day, last_day)


def _summary(result: QualityResult, days: tuple[date, date] | None) -> str:
    where = f"{result.source}/{result.stream} {_days_label(days)}"
    if result.rows == 0:
        return f"{where}: no rows landed, nothing to validate"
    if result.success:
        return f"{where}: {result.rows} rows meet all {result.evaluated_expectations} expectations"
    failed = ", ".join(f"{f.expectation_type}({f.column})" for f in result.failed)
    return (
        f"{where}: {len(result.failed)} of {result.evaluated_expectations} expectations failed "
        f"on {result.rows} rows: {failed}. Fix the source data or the connector, re-land the "
        "day, then re-run."
    )


def _days_label(days: tuple[date, date] | None) -> str:
    if days is None:
        return "(never landed)"
    first_day, last_day = days
    return first_day.isoformat() if first_day == last_day else f"{first_day}..{last_day}"


def _metadata(result: QualityResult, days: tuple[date, date] | None) -> dict[str, dg.MetadataValue]:
    metadata: dict[str, dg.MetadataValue] = {
        "rows_validated": dg.MetadataValue.int(result.rows),
        "expectations_evaluated": dg.MetadataValue.int(result.evaluated_expectations),
        "expectations_failed": dg.MetadataValue.int(len(result.failed)),
        "days": dg.MetadataValue.text(_days_label(days)),
        "suite": dg.MetadataValue.path(str(suite_path(result.source, result.stream))),
    }
    if result.failed:
        metadata["failed_expectations"] = dg.MetadataValue.json(
            [f.as_dict() for f in result.failed]
        )
        metadata["failures"] = dg.MetadataValue.md(_failures_table(result))
    return metadata


def _failures_table(result: QualityResult) -> str:
    lines = [
        "| expectation | column | unexpected rows | sample values | failing ids |",
        "|---|---|---|---|---|",
    ]
    for failure in result.failed:
        sample = failure.error or ", ".join(map(str, failure.unexpected_sample))
        ids = ", ".join(map(str, failure.failing_ids))
        lines.append(
            f"| {failure.expectation_type} | {failure.column} | {failure.unexpected_count} "
            f"| {_cell(sample)} | {_cell(ids)} |"
        )
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


RAW_CHECKS = [build_raw_checks(source) for source in KNOWN_SOURCES]
