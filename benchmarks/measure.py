"""Run a command as a child process and measure its wall time and peak memory (its own, not the caller's)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measurement:
    step: str
    seconds: float
    peak_mib: float
    rows: int
    cpu_seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (f"{self.step:<34} {self.seconds:8.1f} s {self.cpu_seconds:8.1f} CPU-s "
                f"{self.rows_per_second:13,.0f} rows/s {self.peak_mib:9,.0f} MiB peak")


def measure(step: str, command: list[str], rows: int, env: dict | None = None) -> Measurement:
    print(f"... {step}", file=sys.stderr, flush=True)
    started = time.monotonic()
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    tree = _ProcessTree(process.pid)
    tree.start()
    # wait4 gives the rusage of this child and of what it waited for, so each step's figures are its own.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    tree.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{step} failed (exit {os.waitstatus_to_exitcode(status)}): {' '.join(command)}")
    # A process the child never waits for (PySpark's JVM) is seen only by sampling the tree.
    peak = max(usage.ru_maxrss * 1024, tree.peak_bytes) / 2**20
    return Measurement(step, seconds, peak, rows, max(usage.ru_utime + usage.ru_stime, tree.cpu_seconds))


_PAGE = os.sysconf("SC_PAGE_SIZE")


class _ProcessTree(threading.Thread):
    """Samples a process and its descendants from /proc: the peak of their summed memory, and their CPU time."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak_bytes, self._cpu_ticks, self._done = root, 0, {}, threading.Event()

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(0.25):
            parents, stats = {}, {}
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except (OSError, IndexError):
                    continue
                parents[int(entry.name)] = int(fields[1])
                # utime + stime (clock ticks), resident pages
                stats[int(entry.name)] = (int(fields[11]) + int(fields[12]), int(fields[21]) * _PAGE)
            tree, grew = {self.root}, True
            while grew:
                found = {pid for pid, parent in parents.items() if parent in tree} - tree
                tree |= found
                grew = bool(found)
            self.peak_bytes = max(self.peak_bytes, sum(stats[pid][1] for pid in tree if pid in stats))
            for pid in tree & stats.keys():
                self._cpu_ticks[pid] = stats[pid][0]


def generated_csv(work: Path, events: int) -> tuple[Path, Measurement | None]:
    """The benchmarks' input: `events` generated rows in the real format, made once and reused."""
    csv = work / f"generated-{events}.csv"
    if csv.exists():
        return csv, None
    work.mkdir(parents=True, exist_ok=True)
    return csv, measure("generate (ingest generate)", [sys.executable, "-m", "ingest", "generate", "--events",
                                                      str(events), "--seed", "7", "--out", str(csv)], events)


def dbt_parse(env: dict) -> Measurement:
    """Parse the project for the warehouse in `env`, untimed by the build that follows: dbt parses once per change
    of the code or the profile (a new warehouse path is one) and reuses the parse after that, as every daily run
    does. The benchmarks print this step apart and count the builds without it."""
    dbt = Path(sys.executable).parent / "dbt"
    return measure("dbt parse (once per code change)", [str(dbt), "parse", "--quiet"], 0, env)
