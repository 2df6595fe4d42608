"""Run a command as a child process and measure its wall time and peak memory (its own, not the caller's)."""

from __future__ import annotations

import os
import subprocess
import sys
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
    # wait4 gives the rusage of this child alone, so each step's peak memory is its own.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{step} failed (exit {os.waitstatus_to_exitcode(status)}): {' '.join(command)}")
    # Peak memory: the largest single process (a JVM, DuckDB); CPU: the child and every process it waited for.
    return Measurement(step, seconds, usage.ru_maxrss / 1024, rows, usage.ru_utime + usage.ru_stime)


def generated_csv(work: Path, events: int) -> tuple[Path, Measurement | None]:
    """The benchmarks' input: `events` generated rows in the real format, made once and reused."""
    csv = work / f"generated-{events}.csv"
    if csv.exists():
        return csv, None
    work.mkdir(parents=True, exist_ok=True)
    return csv, measure("generate (ingest generate)", [sys.executable, "-m", "ingest", "generate", "--events",
                                                      str(events), "--seed", "7", "--out", str(csv)], events)
