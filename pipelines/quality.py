"""Raw data-quality gates: validate landed batches against their Great Expectations suites.

A suite is plain JSON in `expectations/<source>__<stream>.json`, so an analyst can read and
change the rules without touching Python. This module knows nothing about Dagster: it reads a
range of landed days into a DataFrame and validates it, and `pipelines/defs/raw/checks.py`
turns the result into asset-check results.

Great Expectations is imported lazily and its ephemeral context is built once per process:
the import alone costs several seconds, which the Dagster code location must not pay at load.
"""

import functools
import json
import math
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from connectors.lake import batch_files, day_dir, landed_days, stream_dir
from pipelines.settings import PROJECT_ROOT

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

# Enough failing values to recognise the problem in the UI without bloating the event log.
SAMPLE_SIZE = 5

# Suite kwargs that name the columns an expectation reads.
_COLUMN_KWARGS = ("column", "column_A", "column_B")
_COLUMN_LIST_KWARGS = ("column_list",)


class SuiteError(ValueError):
    """A suite file is missing or malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class FailedExpectation:
    """One expectation the batch did not meet, with enough detail to find the bad rows."""

    expectation_type: str
    column: str
    unexpected_count: int | None
    unexpected_sample: list[Any] = field(default_factory=list)
    failing_ids: list[Any] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form for check metadata and logs."""
        return {
            "expectation": self.expectation_type,
            "column": self.column,
            "unexpected_count": self.unexpected_count,
            "unexpected_sample": self.unexpected_sample,
            "failing_ids": self.failing_ids,
            "error": self.error,
        }


@dataclass(frozen=True)
class QualityResult:
    """The verdict on one stream's landed rows: did they meet every expectation of the suite."""

    source: str
    stream: str
    rows: int
    success: bool
    evaluated_expectations: int
    failed: list[FailedExpectation] = field(default_factory=list)


def suite_path(source: str, stream: str) -> Path:
    """Where the suite guarding the raw asset `source/stream` lives."""
    return EXPECTATIONS_DIR / f"{source}__{stream}.json"


def load_suite(source: str, stream: str) -> dict:
    """The suite of one raw stream as plain data: name, id column and expectations."""
    path = suite_path(source, stream)
    try:
        suite = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise SuiteError(
            f"no expectation suite for {source}/{stream}: create {path} (see the other "
            "suites in expectations/ for the format)"
        ) from exc
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path} is not valid JSON: {exc}") from exc
    expectations = suite.get("expectations")
    if not isinstance(expectations, list) or not all(
        isinstance(e, dict) and isinstance(e.get("type"), str) and isinstance(e.get("kwargs"), dict)
        for e in expectations
    ):
        raise SuiteError(
            f"{path}: 'expectations' must be a list of objects with a 'type' string and a "
            "'kwargs' object"
        )
    return suite


def suite_columns(suite: dict) -> list[str]:
    """Every column the suite's expectations read (plus its id column), in first-use order."""
    columns: list[str] = []
    id_column = suite.get("id_column")
    if id_column:
        columns.append(id_column)
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        columns.extend(kwargs[k] for k in _COLUMN_KWARGS if k in kwargs)
        for key in _COLUMN_LIST_KWARGS:
            columns.extend(kwargs.get(key, []))
    return list(dict.fromkeys(columns))


def landed_files(
    lake: Path, source: str, stream: str, first_day: date, last_day: date
) -> list[Path]:
    """The batch files of the days first_day..last_day (inclusive) of one stream.

    Only the range's day folders are listed: a 90-day lake is never scanned to check one day.
    """
    files: list[Path] = []
    day = first_day
    while day <= last_day:
        files.extend(batch_files(day_dir(lake, source, stream, day)))
        day += timedelta(days=1)
    return files


def latest_landed_day(lake: Path, source: str, stream: str) -> date | None:
    """The most recent day a stream has a batch for, or None when it was never landed."""
    days = [
        day
        for day in landed_days(lake, source, stream)
        if batch_files(day_dir(lake, source, stream, day))
    ]
    return max(days, default=None)


def read_landed(
    lake: Path, source: str, stream: str, first_day: date, last_day: date
) -> pd.DataFrame:
    """The landed rows of one stream for a range of days, with only the suite's columns."""
    columns = suite_columns(load_suite(source, stream))
    files = landed_files(lake, source, stream, first_day, last_day)
    if not files:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    select = ", ".join(f'"{c}"' for c in columns)
    with duckdb.connect() as con:
        # Pin the session zone so timestamps come back in UTC whatever the machine's zone.
        con.execute("set TimeZone = 'UTC'")
        # union_by_name: a batch written before a column was added reads it as null (and the
        # not-null expectation then says so) instead of failing the whole read.
        try:
            relation = con.sql(
                f"select {select} from read_parquet($files, union_by_name = true)",
                params={"files": [str(f) for f in files]},
            )
            # Through Arrow rather than .df(): plain numpy dtypes, which GX handles everywhere.
            return relation.to_arrow_table().to_pandas()
        except duckdb.Error as exc:
            raise RuntimeError(
                f"could not read the landed {source}/{stream} files of {first_day}..{last_day} "
                f"under {stream_dir(lake, source, stream)}: {exc}. The files may not follow "
                "docs/landing.md (a missing column?): re-land those days, or fix the suite "
                f"{suite_path(source, stream).name} if it names a column the stream lacks."
            ) from exc


def validate_frame(source: str, stream: str, df: pd.DataFrame) -> QualityResult:
    """Validate a DataFrame of landed rows against the stream's suite.

    A frame with no rows passes without calling GX: there is nothing to be wrong, and the
    stream may simply have had no activity in the range.
    """
    suite = load_suite(source, stream)
    if df.empty:
        return QualityResult(source, stream, rows=0, success=True, evaluated_expectations=0)
    id_column = suite.get("id_column")
    result_format: dict[str, Any] = {
        "result_format": "SUMMARY",
        # More than the sample shows: repeated bad values are collapsed into one.
        "partial_unexpected_count": SAMPLE_SIZE * 4,
    }
    if id_column:
        result_format["unexpected_index_column_names"] = [id_column]
    batch = _batch_definition(_suite_name(source, stream)).get_batch(
        batch_parameters={"dataframe": df}
    )
    with warnings.catch_warnings():
        # GX's column-pair metrics call Series.values on UTC timestamps, which pandas 3 flags
        # as deprecated once per call site; the comparison itself is correct, and the warning
        # would otherwise repeat in every check's log.
        warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning)
        validation = batch.validate(_gx_suite(source, stream), result_format=result_format)
    failed = [_failure(r, id_column) for r in validation.results if not r.success]
    return QualityResult(
        source,
        stream,
        rows=len(df),
        success=bool(validation.success),
        evaluated_expectations=int(validation.statistics["evaluated_expectations"]),
        failed=failed,
    )


def _suite_name(source: str, stream: str) -> str:
    return f"{source}__{stream}"


@functools.cache
def _context() -> Any:
    """The process's ephemeral GX context with one pandas datasource for landed frames."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # Progress bars would write tqdm noise into every Dagster step log.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.data_sources.add_pandas("landed")
    return context


@functools.cache
def _batch_definition(name: str) -> Any:
    datasource = _context().data_sources.get("landed")
    return datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")


@functools.cache
def _gx_suite(source: str, stream: str) -> Any:
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    _context()  # GX objects expect a context to exist in the process
    spec = load_suite(source, stream)
    suite = gx.ExpectationSuite(name=_suite_name(source, stream))
    for index, expectation in enumerate(spec["expectations"]):
        try:
            configuration = ExpectationConfiguration(
                type=expectation["type"],
                kwargs=expectation["kwargs"],
                meta=expectation.get("meta"),
            )
            suite.add_expectation(configuration.to_domain_obj())
        except Exception as exc:  # GX raises several unrelated types for a bad configuration
            raise SuiteError(
                f"{suite_path(source, stream)}: expectation #{index} "
                f"({expectation['type']}) is not valid: {exc}"
            ) from exc
    return suite


def _failure(result: Any, id_column: str | None) -> FailedExpectation:
    config = result.expectation_config
    kwargs = config.kwargs
    columns = [kwargs[k] for k in _COLUMN_KWARGS if k in kwargs] or list(
        kwargs.get("column_list", [])
    )
    details = result.result or {}
    error = None
    if result.exception_info and result.exception_info.get("raised_exception"):
        error = str(result.exception_info.get("exception_message"))
    return FailedExpectation(
        expectation_type=config.type,
        column=", ".join(columns),
        unexpected_count=details.get("unexpected_count"),
        unexpected_sample=_distinct(details.get("partial_unexpected_list") or []),
        failing_ids=_failing_ids(details.get("partial_unexpected_index_list") or [], id_column),
        error=error,
    )


def _failing_ids(index_list: list[Any], id_column: str | None) -> list[Any]:
    # With unexpected_index_column_names GX reports each failing row as {id_column: value}.
    ids = [row.get(id_column) for row in index_list if isinstance(row, dict) and id_column]
    return _distinct(ids)


def _distinct(values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        safe = _jsonable(value)
        if safe not in seen:
            seen.append(safe)
        if len(seen) == SAMPLE_SIZE:
            break
    return seen


def _jsonable(value: Any) -> Any:
    """A JSON-safe copy of a value GX reports (numpy scalars, timestamps, NaN, tuples)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        # Integer ids arrive as floats when the column has nulls: show them as ids.
        return int(value) if value.is_integer() else value
    if isinstance(value, str | int | bool):
        return value
    return str(value)
