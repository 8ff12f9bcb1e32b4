"""Where things are in the landing zone: every path the writer and its readers use.

The layout itself is documented in docs/landing.md ("Layout"); this module is its one spelling
in code. A stream's day is a folder ``date=YYYY-MM-DD`` holding one ``<batch_id>.parquet``;
the placeholder day 1970-01-01 holds the stream's zero-row ``empty.parquet``; records that
could not be typed sit under ``_rejected/<source>__<stream>/``, the manifest of landed windows
under ``_windows/``. A file is written under a hidden temporary name and renamed when complete
(``write_atomically``, the one place that writes a landed file); everything else here is paths.
"""

import os
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

EMPTY_DAY = date(1970, 1, 1)  # the placeholder day: holds only EMPTY_FILE
# Zero rows with the full schema, so a glob never comes up empty. Its name starts with no
# underscore: Spark skips such files as hidden, and could not read the stream's schema
# (a lake landed before kept its ``_empty.parquet`` too, which DuckDB reads as zero rows).
EMPTY_FILE = "empty.parquet"
WINDOWS_DIR = "_windows"  # the manifest of landed windows
REJECTED_DIR = "_rejected"  # records that could not be typed, with the reason
DAY_PREFIX = "date="
DAY_PATTERN = f"{DAY_PREFIX}YYYY-MM-DD"  # how a day folder is named, for people to read


def day_folder(day: date) -> str:
    """The name of a day's folder: ``date=YYYY-MM-DD``."""
    return f"{DAY_PREFIX}{day.isoformat()}"


def day_of(folder: Path | str) -> date | None:
    """The day a ``date=YYYY-MM-DD`` folder holds; None for any other name."""
    name = Path(folder).name
    if not name.startswith(DAY_PREFIX):
        return None
    text = name.removeprefix(DAY_PREFIX)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.isoformat() == text else None


def stream_dir(lake: Path, source: str, stream: str) -> Path:
    """The folder of every landed day of one stream."""
    return Path(lake) / source / stream


def day_dir(lake: Path, source: str, stream: str, day: date) -> Path:
    """The folder of one landed day of one stream."""
    return stream_dir(lake, source, stream) / day_folder(day)


def rejected_stream_dir(lake: Path, source: str, stream: str) -> Path:
    """The folder of the rejected records of one stream, all days."""
    return Path(lake) / REJECTED_DIR / f"{source}__{stream}"


def rejected_dir(lake: Path, source: str, stream: str, day: date) -> Path:
    """The folder of the records of one stream's day that could not be typed."""
    return rejected_stream_dir(lake, source, stream) / day_folder(day)


def manifest_dir(lake: Path) -> Path:
    """The folder of the manifest of landed windows."""
    return Path(lake) / WINDOWS_DIR


def manifest_glob(lake: Path) -> str:
    """Every file of the manifest, placeholder included, as a DuckDB ``read_parquet`` glob."""
    return f"{manifest_dir(lake)}/*/*.parquet"


def window_name(source: str, stream: str) -> str:
    """The name of the manifest's file for one stream in a day's folder."""
    return f"{source}__{stream}.parquet"


def window_file(lake: Path, source: str, stream: str, day: date) -> Path:
    """Where the manifest records the landed window of one event stream's day."""
    return manifest_dir(lake) / day_folder(day) / window_name(source, stream)


def batch_name(batch_id: str) -> str:
    """The file name of one batch."""
    return f"{batch_id}.parquet"


def temp_name(name: str) -> str:
    """The hidden name a file is written under before it is renamed to ``name``."""
    return f".{name}.tmp"


def write_atomically(directory: Path, name: str, table: pa.Table) -> Path:
    """Write a Parquet file under a hidden temporary name and rename it into place, so no
    reader (dbt's globs skip hidden files) ever sees it half-written."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / name
    temporary = directory / temp_name(name)
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    return final


def is_temp(path: Path) -> bool:
    """Whether a file is a hidden in-flight (or abandoned) temporary Parquet file."""
    return path.name.startswith(".") and path.name.endswith(".parquet.tmp")


def batch_files(folder: Path) -> list[Path]:
    """The batch files of a day's folder, by name: not the placeholder, not hidden files."""
    if not folder.is_dir():
        return []
    return [
        p
        for p in sorted(folder.glob("*.parquet"))
        if p.name != EMPTY_FILE and not p.name.startswith(("_", "."))
    ]


def _days(folder: Path) -> list[date]:
    days = {day_of(child) for child in folder.glob(f"{DAY_PREFIX}*") if child.is_dir()}
    return sorted(day for day in days if day is not None and day != EMPTY_DAY)


def landed_days(lake: Path, source: str, stream: str) -> list[date]:
    """The days that have a folder for one stream, in order, the placeholder day left out."""
    return _days(stream_dir(lake, source, stream))


def manifest_days(lake: Path) -> list[date]:
    """The days the manifest of landed windows has a folder for, in order, without the
    placeholder day."""
    return _days(manifest_dir(lake))
