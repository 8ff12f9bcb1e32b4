"""Crash safety: a landing process killed with SIGKILL mid-day leaves nothing half-written
where dbt looks (`<lake>/<source>/<stream>/*/*.parquet`), and the next run of that day lands
exactly what a run that never crashed lands."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from fakes.zendesk import FakeZendesk, iso

from connectors.lake import day_dir, is_temp, manifest_dir
from connectors.landing import STREAMS, LandingWriter
from connectors.zendesk import ZendeskConnector
from pipelines.landing import land_source_range

REPO = Path(__file__).resolve().parents[1]
FIRST, LAST = date(2026, 3, 2), date(2026, 3, 3)
S = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp())
EMAIL, TOKEN = "ops@example.com", "zd-crash-token-7777"
# Columns that record when and in which batch a row was read: a re-run differs there only.
RUN_COLUMNS = ("_extracted_at", "_batch_id")

CHILD = textwrap.dedent(
    """
    import sys
    import time
    from datetime import date
    from pathlib import Path

    import connectors.landing as landing
    from connectors.zendesk import ZendeskConnector
    from pipelines.landing import land_source_range

    url, lake, first, last, hang_on_write = sys.argv[1:6]
    if hang_on_write != "-":
        # Die in the middle of writing the Nth Parquet file: half of it is on disk.
        real_write, calls = landing.pq.write_table, []

        def write_then_hang(table, where, *args, **kwargs):
            calls.append(where)
            real_write(table, where, *args, **kwargs)
            if len(calls) == int(hang_on_write):
                size = Path(where).stat().st_size
                with open(where, "r+b") as half:
                    half.truncate(size // 2)
                Path(lake, "writing").write_text(str(where))
                time.sleep(120)

        landing.pq.write_table = write_then_hang
    connector = ZendeskConnector(url, "ops@example.com", "zd-crash-token-7777", page_size=2)
    land_source_range(
        connector, landing.LandingWriter(Path(lake)), date.fromisoformat(first),
        date.fromisoformat(last),
    )
    """
)


@pytest.fixture
def zendesk_api() -> Iterator[FakeZendesk]:
    fake = FakeZendesk(EMAIL, TOKEN, page_size=2).start()
    fake.tickets = [
        {
            "id": i,
            "created_at": iso(S - 3600),
            "updated_at": iso(S + i * 3600 * 7),
            "status": "open",
        }
        for i in range(1, 7)
    ]
    fake.audits = {
        i: [{"id": 100 + i, "ticket_id": i, "created_at": iso(S), "events": []}] for i in (1, 4)
    }
    fake.groups = [{"id": 1, "name": "Tier 1"}]
    fake.users = [{"id": 9, "updated_at": iso(S), "name": "Ann"}]
    yield fake
    fake.stop()


def start_child(tmp_path: Path, fake: FakeZendesk, lake: Path, hang_on_write: str):
    script = tmp_path / "land_child.py"
    script.write_text(CHILD)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    args = [str(fake.url), str(lake), FIRST.isoformat(), LAST.isoformat(), hang_on_write]
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, what: str, child: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if child.poll() is not None:
            raise AssertionError(f"child exited before {what}: {child.stderr.read().decode()}")
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def kill(child: subprocess.Popen) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL


def assert_dbt_globs_read_cleanly(lake: Path) -> None:
    """Read every stream as the dbt sources do; a partial file would make this fail."""
    con = duckdb.connect()
    for source, stream in STREAMS:
        if source != "zendesk" or not (lake / source / stream).is_dir():
            continue
        pattern = f"{lake}/{source}/{stream}/*/*.parquet"
        con.execute(f"select count(*) from read_parquet('{pattern}', union_by_name = true)")
    con.close()


def landed_rows(lake: Path) -> dict[str, list]:
    """Every landed partition's rows, without the columns that record the run itself."""
    out = {}
    for path in sorted(lake.rglob("*.parquet")):
        if path.is_relative_to(manifest_dir(lake)):
            # The manifest of landed windows: a file per stream in each day's folder.
            window = pq.read_table(path).drop_columns(["batch_id", "extracted_at"])
            out[str(path.relative_to(lake))] = window.to_pylist()
            continue
        rows = pq.read_table(path).drop_columns(list(RUN_COLUMNS)).to_pylist()
        out[str(path.parent.relative_to(lake))] = sorted(rows, key=lambda r: str(r.get("id")))
    return out


def clean_run(fake: FakeZendesk, lake: Path) -> dict[str, list]:
    land_source_range(
        ZendeskConnector(fake.url, EMAIL, TOKEN, page_size=2), LandingWriter(lake), FIRST, LAST
    )
    return landed_rows(lake)


def test_killed_while_the_api_stalls_a_page_then_the_rerun_matches_a_clean_run(
    zendesk_api, tmp_path
):
    lake = tmp_path / "lake"
    expected = clean_run(zendesk_api, tmp_path / "clean")
    # The groups page is the last read of the run: the kill comes after every event stream
    # was read, but (every stream is read before anything lands) before any day is landed.
    zendesk_api.stall_next("/api/v2/groups.json")
    child = start_child(tmp_path, zendesk_api, lake, "-")
    wait_for(zendesk_api.stalled.is_set, "the stalled page", child)
    kill(child)

    assert list(lake.rglob("*.tmp")) == []
    assert not day_dir(lake, "zendesk", "tickets", FIRST).exists()  # nothing half-landed
    assert_dbt_globs_read_cleanly(lake)

    zendesk_api.stalls.clear()
    land_source_range(
        ZendeskConnector(zendesk_api.url, EMAIL, TOKEN, page_size=2),
        LandingWriter(lake),
        FIRST,
        LAST,
    )
    assert landed_rows(lake) == expected


def test_killed_in_the_middle_of_writing_a_file_leaves_it_invisible_to_dbt(zendesk_api, tmp_path):
    lake = tmp_path / "lake"
    # Landed once before, with an older state of the tickets: that day must survive intact.
    older = clean_run(zendesk_api, lake)
    zendesk_api.tickets[0] = {**zendesk_api.tickets[0], "status": "pending"}
    expected = clean_run(zendesk_api, tmp_path / "clean-after")

    child = start_child(tmp_path, zendesk_api, lake, "3")
    wait_for((lake / "writing").exists, "the half-written file", child)
    kill(child)

    half_written = Path((lake / "writing").read_text())
    (lake / "writing").unlink()
    assert half_written.exists() and is_temp(half_written)
    assert_dbt_globs_read_cleanly(lake)
    visible = landed_rows(lake)
    assert set(visible) == set(older)  # each day holds one complete file: old or new
    for partition, rows in visible.items():
        assert rows in (older[partition], expected[partition])

    land_source_range(
        ZendeskConnector(zendesk_api.url, EMAIL, TOKEN, page_size=2),
        LandingWriter(lake),
        FIRST,
        LAST,
    )
    assert landed_rows(lake) == expected
    assert list(lake.rglob("*.tmp")) == []  # the rerun swept the stale temporary file
