"""Shifts: CSV exports of a workforce tool (or written by hand) dropped into a folder.

Zendesk WFM, Assembled, Playvox and most rostering tools export schedules as CSV; csops reads
the four columns every one of them can produce: ``agent_email, start, end, activity_type``,
times in ISO 8601 with their UTC offset (docs/connectors.md). The folder is
``CSOPS_SHIFTS_DIR``.

Reading is by file: a file whose size, modification time and content are those of the
version landed last is not read again; a changed file is landed whole as a new version, and
the models keep only each file's latest version (connectors/file_landing.py lands them). A
row that cannot be used (a missing email, a time that is not ISO 8601 or has no offset, an
end not after its start) is set aside with the reason, the file's name and the row's line;
a file whose header is not the four columns is set aside whole. Nothing is dropped silently.
"""

import csv
import hashlib
import io
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.base import Extracted
from connectors.errors import ConfigError, ConnectorError

SOURCE = "shifts"
ACTIVITIES = "activities"  # one row per CSV row of a landed file version
FILES = "files"  # one row per landed file version
SHIFTS_DIR_ENV = "CSOPS_SHIFTS_DIR"
COLUMNS = ("agent_email", "start", "end", "activity_type")


@dataclass(frozen=True)
class FileVersion:
    """One CSV file as found in the folder: its name inside the folder, size and mtime."""

    path: Path
    name: str  # relative to the folder, with forward slashes: the file's identity
    size: int
    mtime: datetime  # UTC

    def read(self) -> tuple[bytes, str]:
        """The file's bytes and their SHA-256 (hex)."""
        content = self.path.read_bytes()
        return content, hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class ShiftRow:
    """One usable CSV row: the text as written, and the two times read from it (UTC)."""

    line: int
    values: dict[str, str]
    start_at: datetime
    end_at: datetime


@dataclass(frozen=True)
class RejectedRow:
    """One CSV row (or a whole file, line 1) that cannot be used, and why."""

    line: int
    reason: str
    text: str


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ShiftRow]
    rejected: list[RejectedRow]


def list_files(folder: Path) -> list[FileVersion]:
    """Every ``*.csv`` file under the folder (sub-folders too), by name.

    Hidden files and folders (a name starting with a dot: editors' and sync tools' temporary
    copies) are left out.
    """
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() != ".csv" or not path.is_file():
            continue
        stat = path.stat()
        found.append(
            FileVersion(
                path,
                relative.as_posix(),
                stat.st_size,
                datetime.fromtimestamp(stat.st_mtime, tz=UTC),
            )
        )
    return found


def parse_time(text: str, column: str) -> datetime:
    """An ISO-8601 time with its UTC offset, as UTC; ValueError saying what is wrong."""
    value = text.strip()
    if not value:
        raise ValueError(f"{column} is empty")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not an ISO-8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(
            f"{column} {value!r} has no UTC offset (write it as e.g. 2026-03-02T09:00:00+01:00 "
            "or ...Z): without one its moment is unknown"
        )
    return moment.astimezone(UTC)


def parse_csv(content: bytes) -> ParsedFile:
    """The usable rows and the rejected ones of one file's content; line numbers count from
    the header (line 1), as a spreadsheet shows them."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ParsedFile([], [RejectedRow(1, f"the file is not UTF-8 text ({exc.reason})", "")])
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return ParsedFile([], [RejectedRow(1, f"the header is not CSV ({exc})", "")])
    if not header:
        return ParsedFile([], [])  # an empty file: nothing to land
    names = [name.strip().lower() for name in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n for n in names if n not in COLUMNS]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if missing or unknown or duplicated:
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column(s) {', '.join(repr(n) for n in unknown)}")
        if duplicated:
            problems.append(f"repeated column(s) {', '.join(duplicated)}")
        reason = (
            f"header: {'; '.join(problems)}; the header must name exactly the columns "
            f"{', '.join(COLUMNS)} (any order), so the whole file was set aside"
        )
        return ParsedFile([], [RejectedRow(1, reason, lines[0] if lines else "")])
    rows: list[ShiftRow] = []
    rejected: list[RejectedRow] = []
    first_line = 2
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            reason = f"not CSV ({exc}); the rest of the file was not read"
            rejected.append(RejectedRow(line, reason, _line_text(lines, line)))
            break
        line = reader.line_num
        raw = "\n".join(lines[first_line - 1 : line])
        where, first_line = first_line, line + 1
        if not fields or all(not f.strip() for f in fields):
            continue  # a blank line
        if len(fields) != len(names):
            rejected.append(
                RejectedRow(where, f"{len(fields)} fields, the header has {len(names)}", raw)
            )
            continue
        values = dict(zip(names, fields, strict=True))
        try:
            rows.append(_row(where, values))
        except ValueError as exc:
            rejected.append(RejectedRow(where, str(exc), raw))
    return ParsedFile(rows, rejected)


def _line_text(lines: list[str], line: int) -> str:
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _row(line: int, values: dict[str, str]) -> ShiftRow:
    email = values["agent_email"].strip()
    if not email:
        raise ValueError("agent_email is empty")
    if "@" not in email or any(c.isspace() for c in email):
        raise ValueError(f"agent_email {email!r} is not an email address")
    if not values["activity_type"].strip():
        raise ValueError("activity_type is empty")
    start_at = parse_time(values["start"], "start")
    end_at = parse_time(values["end"], "end")
    if end_at <= start_at:
        raise ValueError(
            f"end {values['end'].strip()!r} is not after start {values['start'].strip()!r}"
        )
    return ShiftRow(line, values, start_at, end_at)


class ShiftsConnector:
    """The folder of shift files, configured like the API sources (``csops check``, the
    registry); it has no HTTP client and no day windows: the files are landed by
    connectors/file_landing.py, one version of a file at a time."""

    source = SOURCE
    event_streams: tuple[str, ...] = ()
    reference_streams: tuple[str, ...] = (ACTIVITIES, FILES)
    incremental_reference_streams: tuple[str, ...] = ()

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @property
    def base_url(self) -> str:
        return str(self.folder)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, http_options: Mapping[str, Any] | None = None
    ) -> "ShiftsConnector":
        env = os.environ if env is None else env
        value = env.get(SHIFTS_DIR_ENV, "").strip()
        if not value:
            raise ConfigError(
                f"{SOURCE}: missing environment variable {SHIFTS_DIR_ENV}; set it to the folder "
                "the workforce tool exports its shift CSV files to (see docs/connectors.md) or "
                "remove the source from CSOPS_SOURCES",
                source=SOURCE,
                variables=(SHIFTS_DIR_ENV,),
            )
        return cls(Path(value).expanduser().resolve())

    def files(self) -> list[FileVersion]:
        """The CSV files in the folder now; ConnectorError when it cannot be read."""
        self.check()
        try:
            return list_files(self.folder)
        except OSError as exc:
            raise self._error(f"cannot be read ({exc.strerror or exc})") from exc

    def check(self) -> str:
        """Raise ConnectorError unless the folder exists and can be listed; say what it holds."""
        if not self.folder.exists():
            raise self._error("does not exist")
        if not self.folder.is_dir():
            raise self._error("is not a folder")
        if not os.access(self.folder, os.R_OK | os.X_OK):
            raise self._error("cannot be read (permission denied)")
        count = len(list_files(self.folder))
        return f"folder {self.folder} is readable and holds {count} CSV file(s)"

    def _error(self, what: str) -> ConnectorError:
        return ConnectorError(
            f"{SOURCE}: the folder {self.folder} ({SHIFTS_DIR_ENV}) {what}",
            source=SOURCE,
            path=str(self.folder),
        )

    def extract_events(self, start: datetime, end: datetime) -> Iterator[Extracted]:
        return iter(())

    def extract_reference(self, since: Mapping[str, datetime] | None = None) -> Iterator[Extracted]:
        return iter(())

    def requests_sent(self) -> dict[str, int]:
        """None: the rosters are files, read from a folder."""
        return {}

    def close(self) -> None:
        return None
