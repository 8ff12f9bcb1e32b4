"""Landing files dropped in a folder (the shift CSVs): one batch per version of a file.

The API streams land one batch per day and stream, and landing a day again replaces it. A
folder of exports has no day windows: its unit is the file. So each new or changed file is
landed as its own batch into the run's day folder, beside the other files landed that day:

    shifts/activities/date=YYYY-MM-DD/<batch_id>.parquet   the file's usable rows
    shifts/files/date=YYYY-MM-DD/<batch_id>.parquet        one row: the version landed
    _rejected/shifts__activities/date=YYYY-MM-DD/<batch_id>.parquet   its rows set aside

The ``files`` record (name, size, modification time, SHA-256) is what makes reading
incremental: a file whose size and mtime are those of its latest landed version is not even
opened, and one whose content hashes the same (touched, not changed) is not landed again. A
changed file lands whole as a new version; the staging model keeps each file's latest
version only, so a corrected re-export replaces its earlier rows instead of adding to them.
The version's record is written last: a landing stopped half-way leaves a batch no record
points to (ignored by the models, landed again by the next run), never a record without its
rows. Files are never removed from the lake; a file deleted from the folder keeps its rows.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from connectors.lake import (
    EMPTY_DAY,
    EMPTY_FILE,
    batch_files,
    batch_name,
    day_dir,
    landed_days,
    rejected_dir,
    write_atomically,
)
from connectors.schemas import META_FIELDS, REJECTED_SCHEMA, TS
from connectors.shifts import ACTIVITIES, FILES, SOURCE, FileVersion, parse_csv

S, I32, I64 = pa.string(), pa.int32(), pa.int64()

# The landed columns (docs/landing.md): the CSV row's text as written, plus the two times
# read from it; `_raw` is the row's CSV text itself.
ACTIVITIES_SCHEMA = pa.schema(
    [
        pa.field("file", S),
        pa.field("line", I32),
        pa.field("agent_email", S),
        pa.field("start_text", S),
        pa.field("end_text", S),
        pa.field("activity_type", S),
        pa.field("start_at", TS),
        pa.field("end_at", TS),
        pa.field("file_sha256", S),
        *META_FIELDS,
    ]
)
FILES_SCHEMA = pa.schema(
    [
        pa.field("file", S),
        pa.field("size", I64),
        pa.field("modified_at", TS),
        pa.field("sha256", S),
        pa.field("rows", I64),
        pa.field("rejected", I64),
        *META_FIELDS,
    ]
)
FILE_STREAMS: dict[tuple[str, str], pa.Schema] = {
    (SOURCE, ACTIVITIES): ACTIVITIES_SCHEMA,
    (SOURCE, FILES): FILES_SCHEMA,
}


@dataclass(frozen=True)
class LandedVersion:
    file: str
    size: int
    modified_at: datetime
    sha256: str


@dataclass
class FileLandingSummary:
    """What one landing of the folder did, file by file."""

    landed: list[str] = field(default_factory=list)  # new or changed files landed
    unchanged: list[str] = field(default_factory=list)
    rows: int = 0
    rejected: int = 0


def write_placeholders(lake: Path) -> None:
    """Give each file stream its zero-row ``empty.parquet`` (dbt reads an empty table)."""
    for (source, stream), schema in FILE_STREAMS.items():
        folder = day_dir(lake, source, stream, EMPTY_DAY)
        if not (folder / EMPTY_FILE).exists():
            write_atomically(folder, EMPTY_FILE, schema.empty_table())


def latest_versions(lake: Path) -> dict[str, LandedVersion]:
    """Each file's latest landed version, from the ``files`` record."""
    latest: dict[str, tuple[tuple[datetime, str], LandedVersion]] = {}
    columns = ["file", "size", "modified_at", "sha256", "_extracted_at", "_batch_id"]
    for day in landed_days(lake, SOURCE, FILES):
        for path in batch_files(day_dir(lake, SOURCE, FILES, day)):
            for row in pq.read_table(path, columns=columns).to_pylist():
                order = (row["_extracted_at"], row["_batch_id"])
                kept = latest.get(row["file"])
                if kept is None or order > kept[0]:
                    version = LandedVersion(
                        row["file"], row["size"], row["modified_at"], row["sha256"]
                    )
                    latest[row["file"]] = (order, version)
    return {name: version for name, (_, version) in latest.items()}


def land_files(
    lake: Path,
    files: list[FileVersion],
    day: date,
    window_start: datetime,
    window_end: datetime,
    extracted_at: datetime,
) -> FileLandingSummary:
    """Land every file of ``files`` that is new or changed since its latest landed version
    into ``day``'s folders; the window is the run's, recorded on every row."""
    for name, moment in (("window_start", window_start), ("extracted_at", extracted_at)):
        if moment.tzinfo is None:
            raise ValueError(f"{name} must be timezone-aware (UTC), got {moment.isoformat()}")
    write_placeholders(lake)
    known = latest_versions(lake)
    summary = FileLandingSummary()
    meta = {"_extracted_at": extracted_at, "_window_start": window_start, "_window_end": window_end}
    for found in files:
        kept = known.get(found.name)
        if kept is not None and (kept.size, kept.modified_at) == (found.size, found.mtime):
            summary.unchanged.append(found.name)
            continue
        content, sha256 = found.read()
        if kept is not None and kept.sha256 == sha256:
            summary.unchanged.append(found.name)  # touched, not changed
            continue
        parsed = parse_csv(content)
        batch_id = _batch_id(found.name, sha256, extracted_at)
        batch = {**meta, "_batch_id": batch_id}
        rows = [
            {
                "file": found.name,
                "line": row.line,
                "agent_email": row.values["agent_email"],
                "start_text": row.values["start"],
                "end_text": row.values["end"],
                "activity_type": row.values["activity_type"],
                "start_at": row.start_at,
                "end_at": row.end_at,
                "file_sha256": sha256,
                "_raw": _row_text(row.values),
                **batch,
            }
            for row in parsed.rows
        ]
        write_atomically(
            day_dir(lake, SOURCE, ACTIVITIES, day),
            batch_name(batch_id),
            pa.Table.from_pylist(rows, schema=ACTIVITIES_SCHEMA),
        )
        if parsed.rejected:
            rejects = [
                {
                    "source": SOURCE,
                    "stream": ACTIVITIES,
                    "reason": f"{found.name} line {r.line}: {r.reason}",
                    "_raw": r.text,
                    **batch,
                }
                for r in parsed.rejected
            ]
            write_atomically(
                rejected_dir(lake, SOURCE, ACTIVITIES, day),
                batch_name(batch_id),
                pa.Table.from_pylist(rejects, schema=REJECTED_SCHEMA),
            )
        version = {
            "file": found.name,
            "size": found.size,
            "modified_at": found.mtime,
            "sha256": sha256,
            "rows": len(rows),
            "rejected": len(parsed.rejected),
        }
        record = {**version, "_raw": json.dumps(version, default=str), **batch}
        # Last: the record says the version is landed only once its rows are.
        write_atomically(
            day_dir(lake, SOURCE, FILES, day),
            batch_name(batch_id),
            pa.Table.from_pylist([record], schema=FILES_SCHEMA),
        )
        summary.landed.append(found.name)
        summary.rows += len(rows)
        summary.rejected += len(parsed.rejected)
    return summary


def _row_text(values: dict[str, str]) -> str:
    """The row as CSV text in the columns' file order (what the file held, re-quoted only
    where CSV needs it)."""
    cells = []
    for value in values.values():
        needs_quotes = any(c in value for c in ',"\n\r')
        cells.append('"' + value.replace('"', '""') + '"' if needs_quotes else value)
    return ",".join(cells)


def _batch_id(name: str, sha256: str, extracted_at: datetime) -> str:
    digest = hashlib.sha256(f"{SOURCE}/{name}/{sha256}".encode()).hexdigest()[:16]
    return f"{extracted_at:%Y%m%dT%H%M%S}Z-{digest}"
