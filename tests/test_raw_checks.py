"""Raw data-quality gates: the expectation suites, the validator, and the blocking Dagster checks.

Batches are tiny Parquet files written with the landing zone's exact schemas
(tests/landing_fixtures.py), so the checks read them the way they read the landing writer's files.
"""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from landing_fixtures import at, ticket, write_batch, write_empty_streams

from connectors.lake import day_dir
from connectors.registry import CONNECTORS
from pipelines.defs.raw.assets import raw_asset_key
from pipelines.defs.raw.checks import RAW_CHECK_NAME, RAW_CHECKS
from pipelines.defs.resources import CsopsSettings
from pipelines.partitions import daily_partitions
from pipelines.quality import (
    SuiteError,
    latest_landed_day,
    load_suite,
    read_landed,
    suite_columns,
    validate_frame,
)
from pipelines.settings import Settings

DAY = "2024-03-04"
NEXT_DAY = "2024-03-05"


def clean_rows(source: str, stream: str, day: str = DAY) -> list[dict[str, Any]]:
    """Two valid rows of a stream, timed inside the window of `day`."""

    def t(hhmm: str) -> datetime:
        return at(f"{day} {hhmm}")

    rows: dict[tuple[str, str], list[dict[str, Any]]] = {
        ("zendesk", "tickets"): [
            ticket(101, f"{day} 08:00", f"{day} 09:00", "open", "web", 3, 1),
            {
                **ticket(102, "2024-02-01 08:00", f"{day} 23:59", "solved", "email", 4, 1),
                "satisfaction_score": "good",
            },
        ],
        ("zendesk", "ticket_audits"): [
            {"id": 1, "ticket_id": 101, "created_at": t("08:00"), "events": []},
            {"id": 2, "ticket_id": 101, "created_at": t("09:00"), "events": []},
        ],
        ("zendesk", "satisfaction_ratings"): [
            {
                "id": 7,
                "ticket_id": 102,
                "score": "good",
                "created_at": t("10:00"),
                "updated_at": t("10:00"),
            },
            {
                "id": 8,
                "ticket_id": 101,
                "score": "offered",
                "created_at": t("10:00"),
                "updated_at": t("11:00"),
            },
        ],
        ("zendesk", "users"): [
            {"id": 1, "role": "agent", "created_at": t("01:00"), "updated_at": t("02:00")},
            {"id": 3, "role": "end-user", "created_at": None, "updated_at": t("02:00")},
        ],
        ("zendesk", "groups"): [{"id": 10, "name": "Tier 1"}, {"id": 20, "name": "Tier 2"}],
        ("zendesk", "organizations"): [
            {"id": 5, "name": "Acme", "updated_at": t("02:00")},
            {"id": 6, "name": "Globex", "updated_at": t("02:00")},
        ],
        ("zendesk", "schedules"): [{"id": 1, "time_zone": "UTC"}, {"id": 2, "time_zone": "UTC"}],
        ("zendesk", "holidays"): [
            {
                "id": 1,
                "schedule_id": 1,
                "start_date": date(2024, 12, 25),
                "end_date": date(2024, 12, 26),
            },
            {
                "id": 2,
                "schedule_id": 1,
                "start_date": date(2024, 1, 1),
                "end_date": date(2024, 1, 1),
            },
        ],
        ("zendesk", "sla_policies"): [{"id": 1, "title": "Urgent"}, {"id": 2, "title": "Rest"}],
        ("intercom", "conversations"): [
            {
                "id": "c1",
                "created_at": t("08:00"),
                "updated_at": t("08:30"),
                "state": "closed",
                "rating": 5,
                "sla_status": "hit",
            },
            {"id": "c2", "created_at": t("09:00"), "updated_at": t("09:00"), "state": "snoozed"},
        ],
        ("intercom", "admins"): [{"id": "a1", "name": "Ann"}, {"id": "a2", "name": "Ben"}],
        ("intercom", "teams"): [{"id": "t1", "name": "Chat"}, {"id": "t2", "name": "Tier 2"}],
        ("typeform", "responses"): [
            {
                "response_id": "r1",
                "form_id": "nps",
                "landed_at": t("10:00"),
                "submitted_at": t("10:02"),
            },
            {"response_id": "r2", "form_id": "nps", "submitted_at": t("11:00")},
        ],
        ("typeform", "forms"): [{"id": "nps", "title": "NPS"}, {"id": "csat", "title": "CSAT"}],
        ("zendesk_qa", "reviews"): [
            {
                "id": "9001",
                "external_id": "101",
                "source_type": "zendesk",
                "created_at": t("09:00"),
                "updated_at": t("09:00"),
                "score": 87.5,
            },
            {
                "id": "9002",
                "external_id": "c1",
                "source_type": "intercom",
                "created_at": at("2024-02-28 10:00"),
                "updated_at": t("12:00"),
                "score": 0.0,
            },
        ],
    }
    return rows[(source, stream)]


ALL_STREAMS = [
    (source, stream)
    for source, connector in CONNECTORS.items()
    for stream in (*connector.event_streams, *connector.reference_streams)
]


@pytest.fixture
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty landing zone (placeholders only) that the Dagster checks read too."""
    root = tmp_path / "lake"
    write_empty_streams(root)
    monkeypatch.setenv("CSOPS_LAKE", str(root))
    return root


def validate_day(lake: Path, source: str, stream: str, rows: list[dict[str, Any]]):
    write_batch(lake, source, stream, DAY, rows)
    day = date.fromisoformat(DAY)
    return validate_frame(source, stream, read_landed(lake, source, stream, day, day))


@pytest.mark.parametrize(("source", "stream"), ALL_STREAMS, ids="/".join)
def test_a_clean_batch_of_every_stream_meets_its_suite(lake: Path, source: str, stream: str):
    result = validate_day(lake, source, stream, clean_rows(source, stream))

    assert result.failed == []
    assert result.success
    assert result.rows == 2
    assert result.evaluated_expectations == len(load_suite(source, stream)["expectations"])


def _tickets_with(**changes: Any) -> list[dict[str, Any]]:
    rows = clean_rows("zendesk", "tickets")
    return [rows[0], {**rows[1], **changes}]


@pytest.mark.parametrize(
    ("rows", "expectation", "column", "count", "sample"),
    [
        pytest.param(
            _tickets_with(id=101),
            "expect_compound_columns_to_be_unique",
            "_batch_id, id",
            2,
            {"_batch_id": f"zendesk-tickets-{DAY}", "id": 101},
            id="duplicate id",
        ),
        pytest.param(
            _tickets_with(status=None),
            "expect_column_values_to_not_be_null",
            "status",
            1,
            None,
            id="null required field",
        ),
        pytest.param(
            _tickets_with(status="bogus"),
            "expect_column_values_to_be_in_set",
            "status",
            1,
            "bogus",
            id="unknown status",
        ),
        pytest.param(
            _tickets_with(created_at=at(f"{DAY} 23:59"), updated_at=at(f"{DAY} 12:00")),
            "expect_column_pair_values_a_to_be_greater_than_b",
            "updated_at, created_at",
            1,
            [f"{DAY}T12:00:00", f"{DAY}T23:59:00"],
            id="updated before created",
        ),
        pytest.param(
            _tickets_with(updated_at=at(f"{NEXT_DAY} 00:00")),
            "expect_column_pair_values_a_to_be_greater_than_b",
            "_window_end, updated_at",
            1,
            [f"{NEXT_DAY}T00:00:00", f"{NEXT_DAY}T00:00:00"],
            id="updated at the window end",
        ),
        pytest.param(
            _tickets_with(created_at=datetime(1970, 1, 1, tzinfo=UTC)),
            "expect_column_values_to_be_between",
            "created_at",
            1,
            "1970-01-01T00:00:00+00:00",
            id="epoch timestamp",
        ),
    ],
)
def test_a_bad_ticket_fails_the_expectation_that_guards_it(
    lake: Path, rows: list[dict], expectation: str, column: str, count: int, sample: Any
):
    result = validate_day(lake, "zendesk", "tickets", rows)

    assert not result.success
    assert [(f.expectation_type, f.column) for f in result.failed] == [(expectation, column)]
    failure = result.failed[0]
    assert failure.unexpected_count == count
    assert failure.unexpected_sample[0] == sample
    assert failure.failing_ids == [101] if expectation.endswith("unique") else [102]


@pytest.mark.parametrize(
    ("changes", "expectation", "column"),
    [
        pytest.param({"score": 120.0}, "expect_column_values_to_be_between", "score", id="score"),
        pytest.param(
            {"created_at": at(f"{DAY} 13:00")},  # changed at 12:00
            "expect_column_pair_values_a_to_be_greater_than_b",
            "updated_at, created_at",
            id="changed before created",
        ),
        pytest.param(
            {"updated_at": at(f"{NEXT_DAY} 01:00")},
            "expect_column_pair_values_a_to_be_greater_than_b",
            "_window_end, updated_at",
            id="changed after the window",
        ),
    ],
)
def test_a_bad_qa_review_fails_the_expectation_that_guards_it(
    lake: Path, changes: dict, expectation: str, column: str
):
    rows = clean_rows("zendesk_qa", "reviews")
    result = validate_day(lake, "zendesk_qa", "reviews", [rows[0], {**rows[1], **changes}])

    assert [(f.expectation_type, f.column) for f in result.failed] == [(expectation, column)]
    assert result.failed[0].failing_ids == ["9002"]


def test_reading_a_range_reads_only_its_days_and_the_suite_columns(lake: Path):
    for day in ("2024-03-03", DAY, NEXT_DAY):
        write_batch(lake, "zendesk", "users", day, clean_rows("zendesk", "users", day))
    day = date.fromisoformat(DAY)

    frame = read_landed(lake, "zendesk", "users", day, date.fromisoformat(NEXT_DAY))

    assert len(frame) == 4
    assert set(frame["_batch_id"]) == {f"zendesk-users-{DAY}", f"zendesk-users-{NEXT_DAY}"}
    assert list(frame.columns) == suite_columns(load_suite("zendesk", "users"))
    assert "_raw" not in frame.columns
    assert latest_landed_day(lake, "zendesk", "users") == date.fromisoformat(NEXT_DAY)


def test_a_range_with_nothing_landed_passes_with_zero_rows(lake: Path):
    day = date.fromisoformat(DAY)

    result = validate_frame("zendesk", "tickets", read_landed(lake, "zendesk", "tickets", day, day))

    assert (result.success, result.rows, result.failed) == (True, 0, [])
    assert latest_landed_day(lake, "zendesk", "tickets") is None


def test_a_batch_missing_a_suite_column_fails_with_the_stream_and_the_fix(lake: Path):
    day = date.fromisoformat(DAY)
    folder = day_dir(lake, "zendesk", "tickets", day)
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"id": [1], "_batch_id": ["b1"]}), folder / "b1.parquet")

    with pytest.raises(
        RuntimeError, match=r"(?s)zendesk/tickets .*_window_start.*re-land those days"
    ):
        read_landed(lake, "zendesk", "tickets", day, day)


def test_a_stream_without_a_suite_is_named_in_the_error():
    with pytest.raises(SuiteError, match=r"zendesk/macros: create .*zendesk__macros\.json"):
        load_suite("zendesk", "macros")


# ---- the Dagster checks, executed for real on an ephemeral instance ------------------------

ZENDESK_STREAMS = (*CONNECTORS["zendesk"].event_streams, *CONNECTORS["zendesk"].reference_streams)
# The code location's daily partitions, from the session's settings (tests/conftest.py).
DAILY_PARTITIONS = daily_partitions(Settings.from_env())


@dg.multi_asset(
    name="raw_zendesk",
    specs=[dg.AssetSpec(raw_asset_key("zendesk", s)) for s in ZENDESK_STREAMS],
    partitions_def=DAILY_PARTITIONS,
)
def landed_zendesk():
    """Stands in for the real extraction: the test has already written the lake."""
    for stream in ZENDESK_STREAMS:
        yield dg.MaterializeResult(asset_key=raw_asset_key("zendesk", stream))


@dg.asset(deps=[raw_asset_key("zendesk", "tickets")], partitions_def=DAILY_PARTITIONS)
def ticket_model() -> None:
    """Stands in for the dbt models that read the raw tickets."""


ZENDESK_CHECKS = next(c for c in RAW_CHECKS if c.node_def.name == "raw_zendesk_expectations")


def run_zendesk(**kwargs: Any) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [landed_zendesk, ticket_model, ZENDESK_CHECKS],
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        resources={"settings": CsopsSettings.from_env()},  # the lake of the `lake` fixture
        **kwargs,
    )


def evaluation(result: dg.ExecuteInProcessResult, stream: str) -> dg.AssetCheckEvaluation:
    key = dg.AssetCheckKey(raw_asset_key("zendesk", stream), RAW_CHECK_NAME)
    (found,) = [e for e in result.get_asset_check_evaluations() if e.asset_check_key == key]
    return found


def test_a_failing_raw_check_reports_its_failures_and_blocks_the_models(lake: Path):
    write_batch(lake, "zendesk", "tickets", DAY, _tickets_with(status="bogus"))
    write_batch(lake, "zendesk", "users", DAY, clean_rows("zendesk", "users"))

    result = run_zendesk(partition_key=DAY)

    tickets = evaluation(result, "tickets")
    assert not tickets.passed
    assert tickets.metadata["rows_validated"].value == 2
    assert tickets.metadata["expectations_failed"].value == 1
    (failure,) = tickets.metadata["failed_expectations"].value
    assert failure["expectation"] == "expect_column_values_to_be_in_set"
    assert (failure["unexpected_count"], failure["unexpected_sample"]) == (1, ["bogus"])
    assert "bogus" in tickets.metadata["failures"].value
    assert evaluation(result, "users").passed
    empty = evaluation(result, "ticket_audits")
    assert empty.passed and empty.metadata["rows_validated"].value == 0
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert ticket_model.key not in materialized
    assert not result.success


def test_a_range_run_validates_event_days_and_only_the_last_reference_snapshot(lake: Path):
    for day in (DAY, NEXT_DAY):
        write_batch(lake, "zendesk", "tickets", day, clean_rows("zendesk", "tickets", day))
    # An older snapshot in the range that this run did not write: not this run's to judge.
    write_batch(lake, "zendesk", "groups", DAY, [{"id": 10}, {"id": 10}])
    write_batch(lake, "zendesk", "groups", NEXT_DAY, clean_rows("zendesk", "groups"))

    result = run_zendesk(
        tags={
            "dagster/asset_partition_range_start": DAY,
            "dagster/asset_partition_range_end": NEXT_DAY,
        }
    )

    assert result.success
    tickets = evaluation(result, "tickets")
    assert tickets.passed and tickets.metadata["rows_validated"].value == 4
    assert tickets.metadata["days"].value == f"{DAY}..{NEXT_DAY}"
    groups = evaluation(result, "groups")
    assert groups.passed and groups.metadata["rows_validated"].value == 2
    assert ticket_model.key in {e.asset_key for e in result.get_asset_materialization_events()}
