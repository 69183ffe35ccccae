"""What the UI thread was doing during each long gap: a watchdog thread samples its stack.

A 5 ms QTimer on the UI thread beats a heartbeat; a watchdog thread wakes every few milliseconds
and, once the heartbeat is older than ``threshold_ms``, samples the UI thread's Python stack
(``sys._current_frames``) and its CPU clock. When the heartbeat comes back, the gap is one record:
its length, the UI thread's CPU time within it (close to the length: the UI thread worked; far
below: it waited, for the interpreter lock a worker held or for the kernel) and the stacks seen,
most frequent first. Garbage collections on the UI thread are recorded too (``gc.callbacks``).

The samples need the interpreter lock, so a gap in which a worker holds it shows few samples and
little UI CPU time: that is the sign of a worker's Python loop, not of the UI thread's own work.
"""

from __future__ import annotations

import collections
import gc
import sys
import threading
import time
from dataclasses import dataclass, field

PROJECT_MARK = "rnnviz"


def _schedstat(native_id: int) -> tuple[float, float]:
    """(seconds on a CPU, seconds waiting on a run queue) of thread ``native_id`` (Linux), or (0, 0)."""
    try:
        with open(f"/proc/self/task/{native_id}/schedstat") as handle:
            on_cpu, waiting, _slices = handle.read().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def _stack_key(frame, depth: int = 4) -> str:
    """The innermost frame and the innermost ``depth`` project frames, innermost first."""
    parts, project = [], 0
    innermost = True
    while frame is not None and project < depth:
        code = frame.f_code
        where = f"{code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno} {code.co_name}"
        if innermost or PROJECT_MARK in code.co_filename:
            parts.append(where)
            if PROJECT_MARK in code.co_filename:
                project += 1
        innermost = False
        frame = frame.f_back
    return " < ".join(parts)


@dataclass
class Gap:
    start: float
    length_ms: float = 0.0
    cpu_ms: float = 0.0
    runqueue_ms: float = 0.0
    stacks: collections.Counter = field(default_factory=collections.Counter)
    gc_ms: float = 0.0

    def describe(self, top: int = 3) -> str:
        waited = self.length_ms - self.cpu_ms - self.runqueue_ms
        lines = [f"gap {self.length_ms:.0f} ms: UI thread on a CPU {self.cpu_ms:.0f} ms, ready but not run "
                 f"{self.runqueue_ms:.0f} ms, blocked (lock or idle) {waited:.0f} ms; gc {self.gc_ms:.0f} ms, "
                 f"{sum(self.stacks.values())} samples"]
        for stack, count in self.stacks.most_common(top):
            lines.append(f"    {count:3d}x {stack}")
        return "\n".join(lines)


class StallProbe:
    """Start on the UI thread with a running event loop; ``gaps`` lists the gaps over ``threshold_ms``."""

    def __init__(self, threshold_ms: float = 80.0, sample_ms: float = 5.0):
        from PySide6.QtCore import Qt, QTimer

        self.threshold = threshold_ms / 1e3
        self.sample = sample_ms / 1e3
        self.ui_ident = threading.get_ident()
        self.heartbeat = time.perf_counter()
        self.heartbeat_cpu = time.thread_time()
        self.ui_native = threading.get_native_id()
        self.heartbeat_queue = _schedstat(self.ui_native)[1]
        self.gaps: list[Gap] = []
        self._open: Gap | None = None
        self._gc_started = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)
        self._thread = threading.Thread(target=self._watch, name="stall-probe", daemon=True)

    # -- the UI thread ----------------------------------------------------------------------------
    def _beat(self) -> None:
        now, cpu, queued = time.perf_counter(), time.thread_time(), _schedstat(self.ui_native)[1]
        with self._lock:
            gap = self._open
            if gap is not None:
                gap.length_ms = 1e3 * (now - gap.start)
                gap.cpu_ms = 1e3 * (cpu - self.heartbeat_cpu)
                gap.runqueue_ms = 1e3 * (queued - self.heartbeat_queue)
                self.gaps.append(gap)
                self._open = None
            self.heartbeat, self.heartbeat_cpu, self.heartbeat_queue = now, cpu, queued

    def _on_gc(self, phase: str, info: dict) -> None:
        if threading.get_ident() != self.ui_ident:
            return
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self._gc_started is not None:
            spent = 1e3 * (time.perf_counter() - self._gc_started)
            self._gc_started = None
            with self._lock:
                if self._open is not None:
                    self._open.gc_ms += spent

    def start(self) -> "StallProbe":
        self.heartbeat, self.heartbeat_cpu = time.perf_counter(), time.thread_time()
        gc.callbacks.append(self._on_gc)
        self.timer.start()
        self._thread.start()
        return self

    def stop(self) -> list[Gap]:
        self._stop.set()
        self.timer.stop()
        self._thread.join(1.0)
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        return self.gaps

    def take(self) -> list[Gap]:
        """The gaps recorded since the last call."""
        with self._lock:
            gaps, self.gaps = self.gaps, []
        return gaps

    # -- the watchdog thread ----------------------------------------------------------------------
    def _watch(self) -> None:
        while not self._stop.wait(self.sample):
            now = time.perf_counter()
            with self._lock:
                beat = self.heartbeat
                if now - beat < self.threshold:
                    continue
                if self._open is None or self._open.start != beat:
                    self._open = Gap(start=beat)
                gap = self._open
            frame = sys._current_frames().get(self.ui_ident)
            if frame is not None:
                gap.stacks[_stack_key(frame)] += 1
            del frame
