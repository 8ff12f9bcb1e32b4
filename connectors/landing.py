"""The landing writer: API records to typed Parquet, one file per batch (docs/landing.md).

Files appear atomically (written under a hidden temporary name, then renamed) so a reader
never sees half a file. Nothing is modified in place: landing a day again replaces that
day's files for the stream (the new file first, then the old ones go), which makes re-runs
idempotent. Records that cannot be typed go to ``_rejected`` with the
reason: nothing is dropped silently.

Every landed day of an event stream, an empty one too, is also recorded in the manifest of
landed windows (``_windows/``): the reporting clock ``as_of`` is the end of the latest landed
window, and a quiet day has no row that could carry its window.
"""

import gc
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from connectors.base import Extracted
from connectors.file_landing import FILE_STREAMS
from connectors.lake import (
    EMPTY_DAY,
    EMPTY_FILE,
    WINDOWS_DIR,
    batch_files,
    batch_name,
    day_dir,
    day_folder,
    is_temp,
    landed_days,
    manifest_dir,
    rejected_dir,
    window_file,
    write_atomically,
)
from connectors.schemas import (
    EVENT_STREAMS,
    REJECTED_SCHEMA,
    STREAMS,
    RecordRejected,
    StreamSchema,
    parse_record,
    stream_schema,
)

__all__ = [
    "EMPTY_DAY",
    "EMPTY_FILE",
    "STREAMS",
    "WINDOWS_DIR",
    "LandResult",
    "LandingWriter",
    "RecordRejected",
    "StreamSchema",
    "parse_record",
]

# An incremental reference export restarts this much before the latest change already
# landed: the vendors' exports are inclusive of their start time and leave out the last
# minute before the request, so an hour re-reads a few records and loses none.
REFERENCE_OVERLAP = timedelta(hours=1)

# The manifest of landed windows: one row per landed day of an event stream, in
# `_windows/date=YYYY-MM-DD/<source>__<stream>.parquet`, replaced (renamed into place) right
# after the day's batch. One small file per stream and day, so landing two streams or two
# days at once never rewrites the same file, and reading a year of them reads no data file.
# Where it lives: connectors/lake.py (WINDOWS_DIR, window_file).
WINDOWS_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("stream", pa.string()),
        pa.field("day", pa.date32()),
        pa.field("window_start", pa.timestamp("us", tz="UTC")),
        pa.field("window_end", pa.timestamp("us", tz="UTC")),
        pa.field("batch_id", pa.string()),
        pa.field("rows", pa.int64()),
        pa.field("rejected", pa.int64()),
        pa.field("extracted_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(frozen=True)
class LandResult:
    """What one landing wrote: where, how many rows, how many records were rejected."""

    source: str
    stream: str
    day: date
    path: Path | None
    rows: int
    rejected: int


# Python objects a JSON API never returns are passed to the standard library's encoder.
_PASSTHROUGH = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _raw_text(record: Any) -> str:
    """The record as compact JSON text, non-ASCII kept as is.

    orjson writes what ``json.dumps(ensure_ascii=False, separators=(",", ":"))`` writes for
    a JSON API's records, several times faster; the one difference in spelling, never in
    value, is a float below 1e-4 (0.00001 where the standard library writes 1e-05). What
    orjson refuses (integers beyond 64 bits, lone surrogates, keys that are not strings,
    other Python objects) goes through the standard library, which writes those too.
    """
    try:
        return orjson.dumps(record, option=_PASSTHROUGH).decode()
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)


@contextmanager
def collections_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is typed.

    Typing a batch allocates two dicts and a few strings per record, all freed by reference
    counting when the batch is written; the collector would scan them (and every record the
    caller still holds) again and again for nothing: a quarter of the landing time of a
    year's history. Nothing here forms a reference cycle, so pausing costs no memory. The
    previous state comes back on exit, so pauses nest.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _require_utc(name: str, moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {moment.isoformat()}")


def _table(rows: list[dict], meta: dict[str, Any], schema: pa.Schema) -> pa.Table:
    """The rows (typed columns and ``_raw``) with the batch's constant columns, as a table."""
    typed = [name for name in schema.names if name not in meta]
    table = pa.Table.from_pylist(rows, schema=pa.schema([schema.field(n) for n in typed]))
    columns = {name: table.column(name) for name in typed}
    for name, value in meta.items():
        columns[name] = pa.array([value] * len(rows), schema.field(name).type)
    return pa.table([columns[name] for name in schema.names], schema=schema)


class LandingWriter:
    """Writes batches of records into the landing zone rooted at ``lake``."""

    def __init__(self, lake: Path) -> None:
        self.lake = Path(lake)

    def land(
        self,
        source: str,
        stream: str,
        day: date,
        records: Iterable[Extracted | dict],
        window_start: datetime,
        window_end: datetime,
        extracted_at: datetime,
    ) -> LandResult:
        """Land one day of one stream, replacing whatever that day held before."""
        with collections_paused():
            return self._land(source, stream, day, records, window_start, window_end, extracted_at)

    def _land(
        self,
        source: str,
        stream: str,
        day: date,
        records: Iterable[Extracted | dict],
        window_start: datetime,
        window_end: datetime,
        extracted_at: datetime,
    ) -> LandResult:
        spec = stream_schema(source, stream)
        for name, moment in (
            ("window_start", window_start),
            ("window_end", window_end),
            ("extracted_at", extracted_at),
        ):
            _require_utc(name, moment)
        if window_end <= window_start:
            raise ValueError(
                f"window_end {window_end.isoformat()} is not after window_start "
                f"{window_start.isoformat()}"
            )
        rows: dict[Any, dict] = {}
        rejected: list[dict] = []
        for item in records:
            record, context = (
                (item.record, item.context) if isinstance(item, Extracted) else (item, {})
            )
            raw = _raw_text(record)
            try:
                row = parse_record(source, stream, record, context)
            except RecordRejected as exc:
                rejected.append(
                    {"source": source, "stream": stream, "reason": exc.reason, "_raw": raw}
                )
                continue
            row["_raw"] = raw
            self._keep_latest(spec, rows, row)
        ordered = [rows[key] for key in sorted(rows)]
        batch_id = self._batch_id(
            source, stream, day, ordered, rejected, window_start, window_end, extracted_at
        )
        meta = {
            "_batch_id": batch_id,
            "_extracted_at": extracted_at,
            "_window_start": window_start,
            "_window_end": window_end,
        }
        path = self._replace_day(
            day_dir(self.lake, source, stream, day),
            batch_id,
            _table(ordered, meta, spec.schema),
        )
        rejects = rejected_dir(self.lake, source, stream, day)
        if rejected:
            self._replace_day(
                rejects,
                batch_id,
                pa.Table.from_pylist([{**r, **meta} for r in rejected], schema=REJECTED_SCHEMA),
            )
        else:
            self._remove_other_files(rejects, keep=None)
        if (source, stream) in EVENT_STREAMS:
            # After the batch: a crash in between leaves a batch without its window, which
            # the next run's ensure_streams records; never a window without its batch.
            self.record_window(
                source,
                stream,
                day,
                {
                    "window_start": window_start,
                    "window_end": window_end,
                    "batch_id": batch_id,
                    "rows": len(ordered),
                    "rejected": len(rejected),
                    "extracted_at": extracted_at,
                },
            )
        return LandResult(source, stream, day, path, len(ordered), len(rejected))

    def window_path(self, source: str, stream: str, day: date) -> Path:
        """Where the manifest records the landed window of one event stream's day."""
        return window_file(self.lake, source, stream, day)

    def record_window(self, source: str, stream: str, day: date, window: dict[str, Any]) -> None:
        """Record in the manifest that `day` of an event stream was landed: `window` holds
        window_start, window_end, batch_id, rows, rejected and extracted_at."""
        path = self.window_path(source, stream, day)
        row = {"source": source, "stream": stream, "day": day, **window}
        write_atomically(path.parent, path.name, pa.Table.from_pylist([row], schema=WINDOWS_SCHEMA))

    def record_missing_windows(self) -> int:
        """Record the window of every landed event-stream day the manifest lacks; how many.

        A lake landed before the manifest existed, or a landing stopped between its batch and
        its window, has such days. An event stream's day is the window [day, next day) UTC
        (docs/landing.md); a batch with rows says its own window and extraction time.
        """
        recorded = 0
        for source, stream in sorted(EVENT_STREAMS):
            for day in landed_days(self.lake, source, stream):
                if self.window_path(source, stream, day).exists():
                    continue
                batches = batch_files(day_dir(self.lake, source, stream, day))
                if not batches:
                    continue
                window = self._window_of(batches[-1], day)
                rejects = rejected_dir(self.lake, source, stream, day)
                window["rejected"] = sum(
                    pq.ParquetFile(p).metadata.num_rows for p in rejects.glob("*.parquet")
                )
                self.record_window(source, stream, day, window)
                recorded += 1
        return recorded

    @staticmethod
    def _window_of(batch: Path, day: date) -> dict[str, Any]:
        """The window, batch, row count and extraction time of a landed day's batch."""
        meta = ["_window_start", "_window_end", "_extracted_at"]
        table = pq.read_table(batch, columns=meta)
        first = table.slice(0, 1).to_pylist()
        start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        return {
            "window_start": first[0]["_window_start"] if first else start,
            "window_end": first[0]["_window_end"] if first else start + timedelta(days=1),
            "batch_id": batch.stem,
            "rows": table.num_rows,
            "extracted_at": first[0]["_extracted_at"] if first else None,
        }

    def ensure_streams(self) -> None:
        """Give every stream, and the manifest of landed windows, its zero-row
        ``empty.parquet`` so readers never hit a missing glob; record the windows the
        manifest lacks (``record_missing_windows``)."""
        placeholders = [
            (day_dir(self.lake, s, t, EMPTY_DAY), spec.schema) for (s, t), spec in STREAMS.items()
        ]
        placeholders.append((manifest_dir(self.lake) / day_folder(EMPTY_DAY), WINDOWS_SCHEMA))
        placeholders.extend(
            (day_dir(self.lake, s, t, EMPTY_DAY), schema) for (s, t), schema in FILE_STREAMS.items()
        )
        for directory, schema in placeholders:
            if not (directory / EMPTY_FILE).exists():
                write_atomically(directory, EMPTY_FILE, schema.empty_table())
        self.record_missing_windows()

    def reference_start(self, source: str, stream: str, day: date) -> datetime | None:
        """Where an incremental reference export landing in `day` starts: the latest
        `updated_at` landed on an earlier day, less REFERENCE_OVERLAP; None (from the
        beginning) when no earlier day holds a row.

        Earlier days only: re-landing a day must read at least what that day held before,
        so that replacing its file loses no record.
        """
        spec = stream_schema(source, stream)
        if spec.updated_column is None:
            raise ValueError(f"{source}/{stream} has no update time to export from")
        latest: datetime | None = None
        for landed in landed_days(self.lake, source, stream):
            if landed >= day:
                continue
            for path in batch_files(day_dir(self.lake, source, stream, landed)):
                column = pq.read_table(path, columns=[spec.updated_column]).column(0)
                value = pc.max(column).as_py()
                if value is not None and (latest is None or value > latest):
                    latest = value
        return None if latest is None else latest - REFERENCE_OVERLAP

    def latest_landed(
        self, source: str, stream: str, day: date, ids: Iterable[Any]
    ) -> dict[Any, dict]:
        """The latest version landed on a day before `day` of each record of `ids`, as the
        API returned it (its `_raw` JSON), by id; ids never landed are left out.

        Earlier days only, as for `reference_start`: re-landing a day must not read what
        that day held, so a re-run lands what a clean run lands.
        """
        spec = stream_schema(source, stream)
        wanted = pa.array(sorted({str(i) for i in ids}), pa.string())
        if not len(wanted):
            return {}
        columns = [spec.id_column, "_raw"]
        if spec.updated_column is not None:
            columns.append(spec.updated_column)
        found: dict[Any, tuple[Any, dict]] = {}
        for landed in landed_days(self.lake, source, stream):
            if landed >= day:
                continue
            for path in batch_files(day_dir(self.lake, source, stream, landed)):
                table = pq.read_table(path, columns=[spec.id_column])
                keep = pc.is_in(pc.cast(table.column(0), pa.string()), value_set=wanted)
                if not pc.any(keep).as_py():
                    continue
                rows = pq.read_table(path, columns=columns).filter(keep).to_pylist()
                for row in rows:
                    at = row.get(spec.updated_column) if spec.updated_column else landed
                    kept = found.get(row[spec.id_column])
                    if kept is None or (at is not None and (kept[0] is None or at >= kept[0])):
                        found[row[spec.id_column]] = (at, orjson.loads(row["_raw"]))
        return {key: record for key, (_, record) in found.items()}

    @staticmethod
    def _keep_latest(spec: StreamSchema, rows: dict[Any, dict], row: dict) -> None:
        """Duplicate ids in one batch: the latest updated wins, a tie goes to the later record."""
        key = row[spec.id_column]
        kept = rows.get(key)
        if kept is not None and spec.updated_column is not None:
            new, old = row[spec.updated_column], kept[spec.updated_column]
            if new is not None and old is not None and new < old:
                return
        rows[key] = row

    @staticmethod
    def _batch_id(
        source: str,
        stream: str,
        day: date,
        rows: list[dict],
        rejected: list[dict],
        *moments: datetime,
    ) -> str:
        # Derived from the content, not random: the same input lands byte-identical files.
        digest = hashlib.sha256(f"{source}/{stream}/{day}".encode())
        for moment in moments:
            digest.update(moment.isoformat().encode())
        for row in rows + rejected:
            digest.update(row["_raw"].encode())
        return f"{moments[-1]:%Y%m%dT%H%M%S}Z-{digest.hexdigest()[:16]}"

    def _replace_day(self, directory: Path, batch_id: str, table: pa.Table) -> Path:
        """Rename the new file into place first, then remove the day's older files."""
        path = write_atomically(directory, batch_name(batch_id), table)
        self._remove_other_files(directory, keep=path.name)
        return path

    @staticmethod
    def _remove_other_files(directory: Path, keep: str | None) -> None:
        if not directory.is_dir():
            return
        for old in directory.iterdir():
            is_batch = old.suffix == ".parquet" and old.name not in (keep, EMPTY_FILE)
            if is_batch or is_temp(old):
                old.unlink(missing_ok=True)
