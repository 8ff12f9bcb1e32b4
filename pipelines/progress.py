"""Progress output for long runs: a live bar on a terminal, plain lines in logs.

A 90-day backfill lands hundreds of (day, stream) batches; on a terminal one line per batch
would scroll the useful summary away, so the bar redraws in place. When stderr is not a
terminal (CI, cron, `dagster dev` logs) every batch is one plain, greppable line.
"""

import sys
import threading
import time
from datetime import date
from typing import TextIO


class Progress:
    """Counts landed batches of one source against the number expected."""

    def __init__(self, source: str, total: int, stream: TextIO | None = None) -> None:
        self.source = source
        self.total = max(total, 1)
        self.done = 0
        self.records = 0
        self._out = stream or sys.stderr
        self._tty = bool(getattr(self._out, "isatty", lambda: False)())
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

    def finish(self) -> str:
        seconds = time.monotonic() - self._started
        if self._tty and self.done < self.total:
            self._out.write("\n")
        return f"{self.source}: {self.records:,} records in {self.done} batches, {seconds:.1f} s"
