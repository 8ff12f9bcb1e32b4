"""The landing zone's layout (connectors/lake.py): the paths docs/landing.md documents, and
what counts as a landed day and a batch file on a real folder tree."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from connectors.lake import (
    EMPTY_DAY,
    EMPTY_FILE,
    batch_files,
    day_dir,
    day_of,
    is_temp,
    landed_days,
    manifest_days,
    manifest_glob,
    rejected_dir,
    rejected_stream_dir,
    temp_name,
    window_file,
)
from connectors.landing import LandingWriter
from pipelines.settings import first_landed_day

DAY = date(2026, 3, 2)


def touch_parquet(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"id": [1]}), path)
    return path


def test_the_paths_are_the_ones_docs_landing_md_documents(tmp_path: Path):
    # Spelled out by hand on purpose: dbt's sources and people's queries read these paths.
    assert (
        day_dir(tmp_path, "zendesk", "tickets", DAY) == tmp_path / "zendesk/tickets/date=2026-03-02"
    )
    assert day_dir(tmp_path, "zendesk", "tickets", EMPTY_DAY) / EMPTY_FILE == (
        tmp_path / "zendesk/tickets/date=1970-01-01/empty.parquet"
    )
    assert rejected_dir(tmp_path, "zendesk", "tickets", DAY) == (
        tmp_path / "_rejected/zendesk__tickets/date=2026-03-02"
    )
    assert (
        rejected_stream_dir(tmp_path, "zendesk", "tickets")
        == tmp_path / "_rejected/zendesk__tickets"
    )
    assert window_file(tmp_path, "intercom", "conversations", DAY) == (
        tmp_path / "_windows/date=2026-03-02/intercom__conversations.parquet"
    )
    assert manifest_glob(tmp_path) == f"{tmp_path}/_windows/*/*.parquet"
    assert temp_name("b1.parquet") == ".b1.parquet.tmp"


def test_batch_files_are_the_day_s_batches_without_the_placeholder_or_files_in_flight(
    tmp_path: Path,
):
    folder = day_dir(tmp_path, "zendesk", "tickets", DAY)
    later = touch_parquet(folder / "20260303T010000Z-b.parquet")
    earlier = touch_parquet(folder / "20260302T010000Z-a.parquet")
    touch_parquet(folder / EMPTY_FILE)
    touch_parquet(folder / temp_name("20260303T020000Z-c.parquet"))
    (folder / "notes.txt").write_text("not a batch")

    assert batch_files(folder) == [earlier, later]
    assert batch_files(day_dir(tmp_path, "zendesk", "tickets", DAY + timedelta(days=1))) == []


def test_a_temporary_file_is_hidden_and_ends_in_tmp():
    assert is_temp(Path("/lake/x/y/date=2026-03-02") / temp_name("b1.parquet"))
    assert not is_temp(Path("b1.parquet"))
    assert not is_temp(Path(EMPTY_FILE))
    assert not is_temp(Path("b1.parquet.tmp"))  # not hidden: not one of the writer's


def test_day_of_reads_a_day_folder_and_rejects_anything_else():
    assert day_of(Path("/lake/zendesk/tickets/date=2026-03-02")) == DAY
    assert day_of("date=1970-01-01") == EMPTY_DAY
    for name in ("date=2026-02-30", "date=20260302", "date=", "dt=2026-03-02", "2026-03-02"):
        assert day_of(name) is None, name


def test_landed_days_are_in_order_without_the_placeholder_day_or_stray_entries(tmp_path: Path):
    for day in (date(2026, 3, 10), DAY, date(2025, 12, 31), EMPTY_DAY):
        day_dir(tmp_path, "zendesk", "tickets", day).mkdir(parents=True)
    (tmp_path / "zendesk/tickets/date=soon").mkdir()
    (tmp_path / "zendesk/tickets/date=2026-03-05").write_text("a file, not a day's folder")

    assert landed_days(tmp_path, "zendesk", "tickets") == [
        date(2025, 12, 31),
        DAY,
        date(2026, 3, 10),
    ]
    assert landed_days(tmp_path, "zendesk", "users") == []


def test_the_writer_puts_a_day_and_its_window_where_the_layout_says(tmp_path: Path):
    writer = LandingWriter(tmp_path)
    writer.ensure_streams()
    assert manifest_days(tmp_path) == [] and first_landed_day(tmp_path) is None
    start = datetime(2026, 3, 2, tzinfo=UTC)
    ticket = {"id": 1, "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T10:00:00Z"}
    bad = {"id": 2, "updated_at": "yesterday"}
    result = writer.land(
        "zendesk", "tickets", DAY, [ticket, bad], start, start + timedelta(days=1), start
    )

    assert batch_files(day_dir(tmp_path, "zendesk", "tickets", DAY)) == [result.path]
    assert batch_files(rejected_dir(tmp_path, "zendesk", "tickets", DAY)) == [
        rejected_dir(tmp_path, "zendesk", "tickets", DAY) / result.path.name
    ]
    assert window_file(tmp_path, "zendesk", "tickets", DAY).is_file()
    assert landed_days(tmp_path, "zendesk", "tickets") == [DAY]
    assert manifest_days(tmp_path) == [DAY] and first_landed_day(tmp_path) == DAY
