"""The only place the app starts threads: a small job runner that runs plain Python functions off
the UI thread.  (The engine those functions call runs its own helpers: worker threads and processes
for maps and anchor curves in ``rnnviz.core.parallel``, a process pool per sweep in
``rnnviz.core.sweep``; see ARCHITECTURE.md.)

A job is a plain callable ``work(should_stop) -> value | Iterator[event]``. It never touches Qt; it
checks ``should_stop()`` between steps (the engine raises ``rnnviz.core.cancel.Cancelled`` when
asked to stop). Every job gets an increasing id and belongs to a *lane* ("explore", "gradcheck"):
starting a job in a lane supersedes the previous one there (its stop flag is set), and every event
of a superseded job is dropped on arrival, so a late result can never overwrite a newer one.

Events travel to the UI thread through queued Qt signals; receivers see only events of the job that
is current in its lane.
"""

from __future__ import annotations

import inspect
import itertools
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from rnnviz.app.i18n import translated
from rnnviz.core.cancel import Cancelled


class JobCancelled(Exception):
    """Raised inside a job (by ``JobContext.check``) to stop it cooperatively."""


@dataclass
class JobHandle:
    """What the UI thread knows about one job: its id, lane and stop flag."""

    job_id: int
    lane: str
    stop_event: threading.Event = field(default_factory=threading.Event)

    def should_stop(self) -> bool:
        return self.stop_event.is_set()

    def stop(self) -> None:
        self.stop_event.set()


class _JobSignals(QObject):
    """Lives in the UI thread; the worker emits on it, so delivery is queued into the UI thread."""

    event = Signal(int, object)        # job id, event payload (one item yielded by the job)
    finished = Signal(int, object)     # job id, return value (None for generators)
    failed = Signal(int, str)          # job id, one-line message for the user
    cancelled = Signal(int)


class _Runnable(QRunnable):
    def __init__(self, handle: JobHandle, work: Callable, signals: _JobSignals):
        super().__init__()
        self.setAutoDelete(True)
        self._handle = handle
        self._work = work
        self._signals = signals

    def run(self) -> None:  # worker thread: plain Python only, no widgets
        handle = self._handle
        try:
            if handle.should_stop():
                raise JobCancelled()
            result = self._work(handle.should_stop)
            if inspect.isgenerator(result) or isinstance(result, Iterator):
                for item in result:
                    if handle.should_stop():
                        raise JobCancelled()
                    self._signals.event.emit(handle.job_id, item)
                result = None
            if handle.should_stop():
                raise JobCancelled()
            self._signals.finished.emit(handle.job_id, result)
        except BaseException as error:  # noqa: BLE001 - every failure must reach the user
            if handle.should_stop() or _is_cancellation(error):
                self._signals.cancelled.emit(handle.job_id)
            else:
                self._signals.failed.emit(handle.job_id, _one_line(error))


def _is_cancellation(error: BaseException) -> bool:
    if isinstance(error, JobCancelled):
        return True
    return isinstance(error, Cancelled)


def _one_line(error: BaseException) -> str:
    text = translated(error).strip()   # rnnviz's messages in the interface language
    message = text.splitlines()[0] if text else ""
    if type(error).__name__ == "ConfigError":
        return message
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (in {frames[-1].name})" if frames else ""
    return f"{type(error).__name__}: {message}{where}" if message else f"{type(error).__name__}{where}"


class JobRunner(QObject):
    """Runs jobs on a thread pool; one current job per lane; stale events are dropped.

    Signals carry ``(lane, job_id, payload)`` and are emitted in the UI thread only for the job that
    is current in its lane at the moment of delivery.
    """

    job_event = Signal(str, int, object)
    job_finished = Signal(str, int, object)
    job_failed = Signal(str, int, str)
    job_cancelled = Signal(str, int)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._current: dict[str, JobHandle] = {}
        self._signals = _JobSignals(self)
        self._signals.event.connect(self._on_event)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._signals.cancelled.connect(self._on_cancelled)
        self._lane_of: dict[int, str] = {}
        self.dropped_events = 0  # count of events from superseded jobs (tests and benchmarks read it)

    def start(self, lane: str, work: Callable) -> int:
        """Run ``work(should_stop)`` off the UI thread, superseding the lane's current job. Returns the job id."""
        previous = self._current.get(lane)
        if previous is not None:
            previous.stop()
        handle = JobHandle(next(self._ids), lane)
        self._current[lane] = handle
        self._lane_of[handle.job_id] = lane
        self._pool.start(_Runnable(handle, work, self._signals))
        return handle.job_id

    def cancel(self, lane: str) -> None:
        """Stop the lane's current job; its remaining events are dropped."""
        handle = self._current.pop(lane, None)
        if handle is not None:
            handle.stop()

    def current_job_id(self, lane: str) -> int | None:
        handle = self._current.get(lane)
        return None if handle is None else handle.job_id

    def is_running(self, lane: str) -> bool:
        return lane in self._current

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop every job and wait for the threads; True when all finished in time."""
        for handle in self._current.values():
            handle.stop()
        self._current.clear()
        return self._pool.waitForDone(timeout_ms)

    # -- delivery in the UI thread ------------------------------------------------------------
    def _current_lane(self, job_id: int) -> str | None:
        lane = self._lane_of.get(job_id)
        handle = self._current.get(lane) if lane is not None else None
        if handle is None or handle.job_id != job_id:
            return None
        return lane

    @Slot(int, object)
    def _on_event(self, job_id: int, payload: object) -> None:
        lane = self._current_lane(job_id)
        if lane is None:
            self.dropped_events += 1
            return
        self.job_event.emit(lane, job_id, payload)

    def _finish(self, job_id: int) -> str | None:
        lane = self._current_lane(job_id)
        self._lane_of.pop(job_id, None)
        if lane is not None:
            del self._current[lane]
        return lane

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: object) -> None:
        lane = self._finish(job_id)
        if lane is not None:
            self.job_finished.emit(lane, job_id, result)

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        lane = self._finish(job_id)
        if lane is not None:
            self.job_failed.emit(lane, job_id, message)

    @Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        lane = self._finish(job_id)
        if lane is not None:
            self.job_cancelled.emit(lane, job_id)
