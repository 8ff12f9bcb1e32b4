"""Progress output for long runs: a live bar on a terminal, plain lines in logs.

A 90-day backfill lands hundreds of (day, stream) batches; on a terminal one line per batch
would scroll the useful summary away, so the bar redraws in place. When stderr is not a
terminal (CI, cron, `dagster dev` logs) every batch is one plain, greppable line.
"""

import os
import sys
import threading
import time
from datetime import date
from typing import TextIO

PROGRESS_FD_ENV = "CSOPS_PROGRESS_FD"


def keep_terminal_for_progress() -> None:
    """Called by the CLI before a run: remember stderr's terminal for the progress bars."""
    if sys.stderr.isatty() and PROGRESS_FD_ENV not in os.environ:
        os.environ[PROGRESS_FD_ENV] = str(os.dup(sys.stderr.fileno()))


def _terminal() -> TextIO | None:
    fd = os.environ.get(PROGRESS_FD_ENV)
    if not fd:
        return None
    try:
        return os.fdopen(int(fd), "w", closefd=False)
    except (OSError, ValueError):
        return None


class Progress:
    """Counts landed batches of one source against the number expected."""

    def __init__(self, source: str, total: int, stream: TextIO | None = None) -> None:
        self.source = source
        self.total = max(total, 1)
        self.done = 0
        self.records = 0
        # Inside a Dagster step stderr (even the file descriptor) is the compute-log capture,
        # never a terminal. The CLI, when it runs on a terminal, keeps a duplicate of the
        # terminal's descriptor in CSOPS_PROGRESS_FD for the bar; otherwise plain lines go to
        # stderr, which the run's logs in the UI capture.
        terminal = _terminal() if stream is None else None
        self._tty = terminal is not None
        self._out = stream or terminal or sys.stderr
        self._started = time.monotonic()
        self._lock = threading.Lock()

    def __call__(self, source: str, stream: str, day: date, rows: int) -> None:
        with self._lock:
            self.done += 1
            self.records += rows
            if self._tty:
                width = 30
                filled = int(width * min(self.done, self.total) / self.total)
                bar = "#" * filled + "-" * (width - filled)
                line = (
                    f"\r{source:<9} [{bar}] {self.done}/{self.total} batches  "
                    f"{self.records:>9,} records  {day.isoformat()} {stream:<22}"
                )
                self._out.write(line)
                if self.done >= self.total:
                    self._out.write("\n")
            else:
                self._out.write(f"landed {source}/{stream} {day.isoformat()}: {rows} records\n")
            self._out.flush()

    def extracted(self, source: str, counts: dict[str, int]) -> None:
        """Running record counts while the source is read, before anything is landed."""
        with self._lock:
            detail = ", ".join(f"{stream} {n:,}" for stream, n in sorted(counts.items()))
            if self._tty:
                self._out.write(f"\r{source:<9} reading: {detail}\033[K")
            else:
                self._out.write(f"reading {source}: {detail}\n")
            self._out.flush()

    def finish(self) -> str:
        seconds = time.monotonic() - self._started
        if self._tty and self.done < self.total:
            self._out.write("\n")
        return f"{self.source}: {self.records:,} records in {self.done} batches, {seconds:.1f} s"
