"""The bulk path lands exactly what the connectors land over HTTP from the same simulator."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from connectors.lake import day_folder, manifest_dir
from connectors.landing import LandingWriter
from connectors.registry import CONNECTORS
from pipelines.landing import land_source_range
from simulator.bulk import _stretches, land_history, land_spool, spool_history
from simulator.clock import MAX_LIFE_DAYS
from simulator.org import SimConfig, SupportOrg
from simulator.server import SimulatorServer

START = date(2024, 3, 1)
# Ranges start well after history_start, so tickets created before them (the lead-in) and
# updated inside them must land too. LONG is landed in stretches by two workers, SHORT (one
# day, like a nightly run) by workers sharing out its creation days.
LONG = (date(2024, 3, 7), date(2024, 3, 14))
SHORT = (date(2024, 3, 14), date(2024, 3, 14))
# `now` is the end of the ranges, as on the morning after the last day.
CONFIG = SimConfig(
    seed=5,
    tickets_per_day=14,
    chats_per_day=10,
    agents=8,
    history_start=START,
    now=datetime(2024, 3, 15, tzinfo=UTC),
)
# Columns that record when and by which batch a row landed, not what landed.
RUN_COLUMNS = ["_batch_id", "_extracted_at"]
WINDOW_RUN_COLUMNS = ["batch_id", "extracted_at"]
# Throttling is the API's business; the simulator sends no rate-limit headers anyway.
NO_THROTTLE = {"rate_limit": None, "min_interval": 0.0}


def landed(lake: Path) -> dict[str, list[dict]]:
    """Every landed Parquet file's rows (run columns dropped), by its partition folder."""
    found: dict[str, list[dict]] = {}
    for path in sorted(lake.rglob("*.parquet")):
        if path.is_relative_to(manifest_dir(lake)):
            # The manifest of landed windows: a file per stream in each day's folder.
            table = pq.read_table(path).drop_columns(WINDOW_RUN_COLUMNS)
            found[str(path.relative_to(lake))] = table.to_pylist()
            continue
        table = pq.read_table(path).drop_columns(RUN_COLUMNS)
        found[str(path.parent.relative_to(lake))] = table.to_pylist()
    return found


def land_over_http(lake: Path, first: date, last: date) -> None:
    writer = LandingWriter(lake)
    with SimulatorServer(SupportOrg(CONFIG)) as server:
        for connector_class in CONNECTORS.values():
            connector = connector_class.from_env(server.env(), NO_THROTTLE)
            try:
                land_source_range(connector, writer, first, last)
            finally:
                connector.close()


@pytest.fixture(scope="module")
def http_lakes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[date, date], Path]:
    lakes = {}
    for days in (LONG, SHORT):
        lakes[days] = tmp_path_factory.mktemp("http") / "lake"
        land_over_http(lakes[days], *days)
    return lakes


def assert_same_files(expected_lake: Path, lake: Path) -> None:
    """The same partitions, each holding the same rows (run columns aside)."""
    expected, found = landed(expected_lake), landed(lake)
    assert sorted(found) == sorted(expected)
    for partition, rows in expected.items():
        assert found[partition] == rows, partition


@pytest.mark.parametrize(("days", "workers"), [(LONG, 1), (LONG, 2), (SHORT, 2)])
def test_bulk_path_lands_what_the_http_path_lands(
    http_lakes: dict[tuple[date, date], Path],
    tmp_path: Path,
    days: tuple[date, date],
    workers: int,
) -> None:
    lake = tmp_path / "lake"
    summary = land_history(CONFIG, lake, *days, datetime.now(UTC), workers=workers)
    assert_same_files(http_lakes[days], lake)
    assert summary.days == (days[1] - days[0]).days + 1
    assert summary.rows["zendesk/ticket_audits"] > summary.rows["zendesk/tickets"] > 0
    assert summary.rows["intercom/conversations"] > 0
    assert summary.rows["typeform/responses"] > 0


@pytest.mark.parametrize(("days", "workers"), [(LONG, 2), (SHORT, 2)])
def test_a_spooled_history_lands_what_the_http_path_lands(
    http_lakes: dict[tuple[date, date], Path],
    tmp_path: Path,
    days: tuple[date, date],
    workers: int,
) -> None:
    """Generating into a spool, then landing it, is the bulk path in two timed halves."""
    spool, lake = tmp_path / "spool", tmp_path / "lake"
    spooled = spool_history(CONFIG, spool, *days, workers=workers)
    summary = land_spool(spool, lake, datetime.now(UTC), workers=workers)
    assert_same_files(http_lakes[days], lake)
    assert dict(summary.rows) == dict(spooled.rows)
    assert summary.days == spooled.days == (days[1] - days[0]).days + 1


def test_a_day_on_top_lands_only_the_changed_users_on_both_paths(tmp_path: Path) -> None:
    """The next night on top of a history: users and organizations come from their
    incremental exports (from the latest change already landed), on both paths alike."""
    history, extra = (LONG[0], LONG[1] - timedelta(days=1)), (LONG[1], LONG[1])
    http_lake, bulk_lake = tmp_path / "http", tmp_path / "bulk"
    for days in (history, extra):
        land_over_http(http_lake, *days)
        land_history(CONFIG, bulk_lake, *days, datetime.now(UTC), workers=1)
    assert_same_files(http_lake, bulk_lake)
    files = landed(bulk_lake)
    all_users = files[f"zendesk/users/{day_folder(history[1])}"]
    changed = files[f"zendesk/users/{day_folder(extra[1])}"]
    # The history's snapshot holds every user; the night on top only those changed in the
    # hour of overlap before the latest change landed (the simulator's `now` did not move).
    assert len(changed) < len(all_users)
    assert {row["id"] for row in changed} <= {row["id"] for row in all_users}


def test_landing_an_empty_spool_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="holds no day"):
        land_spool(tmp_path, tmp_path / "lake", datetime.now(UTC))


def test_bulk_path_refuses_a_range_that_ends_after_now(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="after the simulated now"):
        land_history(CONFIG, tmp_path, LONG[0], date(2024, 3, 15), datetime.now(UTC))


def test_stretches_cover_the_range_once_and_balance_the_lead_in() -> None:
    first, last = date(2024, 1, 1), date(2024, 12, 30)
    stretches = _stretches(first, first, last, 2)
    assert stretches[0][0] == first and stretches[-1][1] == last
    assert stretches[1][0] == stretches[0][1] + timedelta(days=1)
    # The first stretch has no lead-in, so it takes about MAX_LIFE_DAYS more landing days.
    first_days = (stretches[0][1] - stretches[0][0]).days + 1
    second_days = (stretches[1][1] - stretches[1][0]).days + 1
    assert abs(first_days - (second_days + MAX_LIFE_DAYS)) <= 1
