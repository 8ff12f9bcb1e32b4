"""What a benchmark run records about the machine and itself: memory, load, disk, time.

Peak memory is taken two ways because neither alone is the whole truth. `getrusage` gives
the high-water mark of this process and of its largest finished child, exactly, but not
of processes running at the same time (bulk workers, dbt and its threads). A sampler
thread sums the resident memory of this process and all its descendants from /proc every
quarter second: that is the whole run's footprint, though a spike shorter than a sample
can slip between two samples.
"""

import os
import platform
import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.25


def machine() -> dict:
    """Cores, memory and CPU model of this machine, as RESULTS.md reports them."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PHYS_PAGES") * PAGE_SIZE
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "cpu_model": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def machine_speed() -> dict[str, float]:
    """Seconds of two fixed workloads, so that runs hours apart can be told apart by the
    machine's own speed (a shared VM here ran the same code a quarter slower in one hour than
    in another): a pure-Python loop, one core, like the landing's typing and dbt's own code;
    and a DuckDB aggregation on every core, like the models."""
    import duckdb

    started = time.perf_counter()
    total = 0
    for value in range(10_000_000):
        total += value ^ (value >> 3)
    python_seconds = time.perf_counter() - started
    with duckdb.connect() as connection:
        connection.execute("set enable_progress_bar = false")
        started = time.perf_counter()
        connection.sql("select sum(hash(range) % 1000) from range(100000000)").fetchall()
        duckdb_seconds = time.perf_counter() - started
    return {"python_seconds": round(python_seconds, 2), "duckdb_seconds": round(duckdb_seconds, 2)}


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: other jobs on a shared machine show up here."""
    return [round(value, 2) for value in os.getloadavg()]


def disk_bytes(path: Path) -> int:
    """Bytes on disk under `path` (a file or a tree), counted in allocated blocks like du."""
    if not path.exists():
        return 0
    if path.is_file():
        return path.stat().st_blocks * 512
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


def _children_of() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # The command name is in parentheses and may contain spaces: split after it.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_rss_bytes(root: int) -> int:
    """Resident bytes of `root` and every process descended from it, right now."""
    children = _children_of()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue
    return total


@dataclass
class MemorySampler:
    """Samples this process tree's resident memory in a thread; keeps the peak per phase."""

    peak_bytes: int = 0
    phase_peaks: dict[str, int] = field(default_factory=dict)
    _phase: str = "start"
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> "MemorySampler":
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def phase(self, name: str) -> None:
        self._phase = name

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.wait(SAMPLE_SECONDS):
            rss = tree_rss_bytes(pid)
            self.peak_bytes = max(self.peak_bytes, rss)
            self.phase_peaks[self._phase] = max(self.phase_peaks.get(self._phase, 0), rss)


def rusage_peaks() -> dict[str, int]:
    """High-water marks from the kernel: this process, and its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"self_bytes": own, "largest_child_bytes": children}


@dataclass
class Timer:
    """Wall seconds of named phases, with the load average when each one started."""

    seconds: dict[str, float] = field(default_factory=dict)
    load_before: dict[str, list[float]] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str, sampler: MemorySampler | None = None) -> Iterator[None]:
        self.load_before[name] = load_average()
        if sampler:
            sampler.phase(name)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(time.perf_counter() - started, 2)
