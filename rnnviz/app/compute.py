"""Turns AppState configuration changes into engine jobs and feeds the newest results back.

Two stages per configuration: ``run_fast`` (every cheap plot) then ``iter_map`` (the progressive
(t, k) map). A new configuration supersedes the running job. Results reach AppState on a clock:
at most one redraw per ``redraw_interval_ms`` (20 Hz), always with the newest result, so dragging
a slider neither floods the UI thread nor ever shows an older result after a newer one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from PySide6.QtCore import QObject, QTimer, Signal

from rnnviz.app.i18n import translated
from rnnviz.app.jobs import JobRunner
from rnnviz.app.plots.base import HeatmapImage, downsample_image, image_side, safe_log10
from rnnviz.app.state import AppState
from rnnviz.core.budget import DEFAULT_BUDGET_BYTES, Admission, admit

EXPLORE_LANE = "explore"
GRADCHECK_LANE = "gradcheck"


@dataclass(frozen=True)
class Engine:
    """The engine functions the explorer calls (``rnnviz.core`` by default).

    ``run_fast(config, should_stop=…[, params=…, inputs=…])``, ``iter_map(fast, should_stop=…,
    interval=…)`` and ``iter_fast`` (run_fast's result preceded by its forward part; None: only
    run_fast is called) as in :mod:`rnnviz.core.analysis`.
    """

    run_fast: Callable
    iter_map: Callable
    check_config: Callable | None = None
    iter_fast: Callable | None = None

    @classmethod
    def default(cls) -> "Engine":
        from rnnviz.core import analysis

        try:
            from rnnviz.core.gradcheck import check_config
        except ImportError:  # gradient check not available in this build
            check_config = None
        return cls(run_fast=analysis.run_fast, iter_map=analysis.iter_map, check_config=check_config,
                   iter_fast=analysis.iter_fast)


# How long the map waits for the UI thread to draw the cheap plots before it starts anyway.
DRAW_WAIT_S = 0.25
# Seconds of map work between progressive snapshots. Every snapshot is drawn on the UI thread
# (~15-20 ms of painting that holds the interpreter lock the map's threads need), so 4 Hz:
# measured on the default case, the complete map came 20-25 % sooner than at 20 Hz.
MAP_SNAPSHOT_S = 0.25


#: The map's quantities, each drawn from an image prepared off the UI thread.
MAP_QUANTITIES = ("log10_spectral", "log10_frobenius")


@dataclass(frozen=True)
class SkippedMap:
    """Stands in for the (t, k) map when even its shortest form would not fit the memory budget."""

    reason: str
    complete: bool = True
    fraction: float = 1.0
    max_k: int = 0
    log10_spectral: None = None
    log10_frobenius: None = None


def prepare_map_images(map_result, max_side: int) -> dict:
    """Quantity -> HeatmapImage of the map as drawn (x = t0, y = k), at most ``max_side`` pixels a
    side: the block means and levels of a T = 2000 map cost ~40 ms, here instead of the UI thread."""
    return {name: downsample_image(np.asarray(getattr(map_result, name)).T, max_side) for name in MAP_QUANTITIES}


@dataclass(frozen=True)
class ForwardImages:
    """A ForwardResult's heatmaps as drawn: "gate_<name>", "hidden", "cell" -> HeatmapImage."""

    heatmaps: dict


def forward_heatmaps(fast, max_side: int) -> dict:
    """The heatmaps of the forward pass (gates, states) of a ForwardResult or FastResult, at most
    ``max_side`` pixels a side (x = time, y = unit)."""
    heatmaps: dict[str, HeatmapImage] = {}
    for gate, values in fast.gates.items():
        heatmaps[f"gate_{gate}"] = downsample_image(np.asarray(values).T, max_side)
    heatmaps["hidden"] = downsample_image(np.asarray(fast.hidden).T, max_side)
    if fast.cell is not None:
        heatmaps["cell"] = downsample_image(np.asarray(fast.cell).T, max_side)
    return heatmaps


@dataclass(frozen=True)
class FastImages:
    """The FastResult's heatmaps as drawn, prepared off the UI thread (see :func:`prepare_fast_images`).

    ``heatmaps``: "gate_<name>", "hidden", "cell" (LSTM variants) and "itemized" -> HeatmapImage
    (x = time, y = unit; the itemized matrix's log10 with x = t, y = τ). ``log_itemized``: log10 of
    the whole itemized matrix (NaN where zero), which the hover read-out looks values up in;
    ``itemized_rows``: the row indices (loss steps τ − 1) that hold a finite value.
    """

    heatmaps: dict
    log_itemized: np.ndarray
    itemized_rows: np.ndarray


def prepare_fast_images(fast, max_side: int, forward: ForwardImages | None = None) -> FastImages:
    """Block means, bounds and the itemized log10 of a FastResult's heatmaps, at most ``max_side``
    pixels a side: for H = 1024, T = 2000 the gates alone are 8 M values, 100-200 ms per heatmap
    to reduce, here instead of the UI thread. ``forward``: the images of its forward part, made
    already (:func:`forward_heatmaps`), taken as they are."""
    heatmaps = dict(forward.heatmaps) if forward is not None else forward_heatmaps(fast, max_side)
    log_itemized = safe_log10(fast.itemized)
    heatmaps["itemized"] = downsample_image(log_itemized, max_side)
    rows = np.flatnonzero(np.isfinite(log_itemized).any(axis=1)) if log_itemized.ndim == 2 else np.zeros(0, int)
    return FastImages(heatmaps, log_itemized, rows)


def explore(engine: Engine, config, should_stop: Callable[[], bool],
            weights=None, drawn: threading.Event | None = None, map_max_k: int | None = None,
            image_side_px: int | None = None, forward_first: bool = False) -> Iterator[tuple[str, object]]:
    """Plain generator run off the UI thread: ("forward", ForwardResult), ("fast", FastResult),
    then ("map", MapResult) ...

    ``forward_first``: the forward part comes first, as soon as it is computed (when the engine has
    ``iter_fast``): the plots that need no gradient draw it while the rest is computed. False (the
    default, as in ComputeController: on two cores it made the whole result later): the FastResult
    alone (the same numbers).

    ``weights``: a LoadedWeights whose params (and inputs) replace the generated ones.
    ``drawn``: set by the UI thread once the FastResult is drawn; the map waits for it (at most
    ``DRAW_WAIT_S``) so that drawing the cheap plots does not compete with the map for the
    interpreter lock and the cores.
    ``map_max_k``: the map's largest k (the memory budget's; None: the engine's own; 0: no map,
    one SkippedMap instead). ``image_side_px``: the FastResult and each MapResult get ``images``
    (see :func:`prepare_fast_images`, :func:`prepare_map_images`) so that drawing them is cheap.
    """
    loaded = {} if weights is None else {"params": weights.params, "inputs": weights.inputs}
    if forward_first and engine.iter_fast is not None:
        deliveries = engine.iter_fast(config, should_stop=should_stop, **loaded)
    else:
        deliveries = iter([("fast", engine.run_fast(config, should_stop=should_stop, **loaded))])
    forward_images = None
    for kind, result in deliveries:
        if kind == "forward":
            if image_side_px is not None:
                forward_images = result.images = ForwardImages(forward_heatmaps(result, image_side_px))
            result.stage_ends["forward emitted"] = time.perf_counter()
            yield "forward", result
            continue
        fast = result
        if image_side_px is not None:
            fast.images = prepare_fast_images(fast, image_side_px, forward_images)
        fast.stage_ends["emitted"] = time.perf_counter()
        yield "fast", fast
    if drawn is not None:
        deadline = time.perf_counter() + DRAW_WAIT_S
        while not drawn.wait(0.005):
            if should_stop() or time.perf_counter() > deadline:
                break
    if map_max_k == 0:
        yield "map", SkippedMap("it would not fit the memory budget")
        return
    options = {} if map_max_k is None else {"max_k": map_max_k}
    for map_result in engine.iter_map(fast, should_stop=should_stop, interval=MAP_SNAPSHOT_S, **options):
        if image_side_px is not None:
            map_result.images = prepare_map_images(map_result, image_side_px)
        yield "map", map_result


class ComputeController(QObject):
    """Runs the explorer's computation for every configuration AppState accepts.

    Signals:
        forward_shown(int): job id whose ForwardResult the plots that need no gradient now hold
            (before its FastResult; the other plots still show the previous one).
        fast_shown(int): job id whose FastResult the plots now hold.
        before_repaint(int): right after fast_shown: views may bring their ranges up to date now,
            so that the repaint that follows is the only one.
        before_map_repaint(int): the same right after every map_shown (only the map changed).
        fast_painted(int): the window has repainted after that FastResult (every panel, when
            ``repaints_pending`` says which are still waiting for their turn).
        map_shown(int, bool): job id and completeness of the map the plots now hold.
        gradcheck_done(object): the GradcheckReport of the newest gradient check.
        notice(str): what was cut to fit the memory budget for the configuration just started
            ("" when nothing was).

    ``budget_bytes``: the memory budget (rnnviz.core.budget): a configuration whose first stage
    would not fit is refused before anything changes (AppState.admit); a map that would not fit
    is computed for fewer distances k, or left out.
    """

    forward_shown = Signal(int)
    fast_shown = Signal(int)
    before_repaint = Signal(int)
    before_map_repaint = Signal(int)
    fast_painted = Signal(int)
    map_shown = Signal(int, bool)
    gradcheck_done = Signal(object)
    gradcheck_failed = Signal(str)
    notice = Signal(str)

    def __init__(self, state: AppState, runner: JobRunner, engine: Engine | None = None,
                 redraw_interval_ms: int = 50, parent: QObject | None = None,
                 budget_bytes: int = DEFAULT_BUDGET_BYTES):
        super().__init__(parent)
        self.state = state
        self.budget_bytes = int(budget_bytes)
        self.admission: Admission | None = None  # of the configuration started last
        self._admissions: dict = {}  # config -> Admission (the hook and start() ask for the same one)
        self.runner = runner
        self.engine = engine if engine is not None else Engine.default()
        self.redraw_interval_ms = redraw_interval_ms
        #: show the forward part of each result first (see :func:`explore`). Off: on the default
        #: case it did not pay (2 cores: the worker's BLAS, the anchor curve's worker process and
        #: the UI thread's paints compete for them; painted 48.6 -> 50.5 ms, the plots' data 28 -> 41 ms)
        self.forward_first = False
        self._pending_forward: tuple[int, object] | None = None
        self.shown_forward_job_id: int | None = None
        self._pending_fast: tuple[int, object] | None = None
        self._pending_map: tuple[int, object] | None = None
        self._last_flush = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)
        self.shown_job_id: int | None = None
        self.last_compute_seconds: float | None = None   # change -> FastResult received
        self.last_map_seconds: float | None = None       # change -> complete map drawn
        self._job_started: dict[int, float] = {}
        self._drawn: dict[int, threading.Event] = {}   # job id -> "its FastResult is drawn"
        #: True while panels still wait to repaint a FastResult (set by the window, app/repaint.py)
        self.repaints_pending: Callable[[], bool] = lambda: False
        state.admit = self.refusal
        state.config_changed.connect(self.start)
        runner.job_event.connect(self._on_event)
        runner.job_finished.connect(self._on_finished)
        runner.job_failed.connect(self._on_failed)
        runner.job_cancelled.connect(self._on_cancelled)

    def admission_for(self, config) -> Admission:
        """The memory budget's verdict on ``config`` (arithmetic only: nothing is allocated)."""
        key = (config, self.budget_bytes)
        found = self._admissions.get(key)
        if found is None:
            found = admit(config, self.budget_bytes)
            self._admissions = {key: found}  # the last one: asked by the hook, then by start()
        return found

    def refusal(self, config) -> str | None:
        """Why ``config`` cannot run within the budget (None: it can); AppState asks before accepting."""
        return self.admission_for(config).refusal

    def start(self, config=None) -> int | None:
        """Compute for ``config`` (default: the state's); supersedes the running job.

        None (and a message) when the configuration does not fit the memory budget."""
        config = self.state.config if config is None else config
        admission = self.admission_for(config)
        if admission.refusal is not None:
            self.runner.cancel(EXPLORE_LANE)
            self.state.set_busy(False)
            self.state.message.emit(self.tr("Not computed: {0}").format(translated(admission.refusal)))
            return None
        self.admission = admission
        engine = self.engine
        weights = self.state.weights
        # Results queued for an older configuration must not be drawn after this point.
        self._pending_forward = None
        self._pending_fast = None
        self._pending_map = None
        drawn = threading.Event()
        map_max_k, side, forward_first = admission.map_max_k, image_side(), self.forward_first
        job_id = self.runner.start(EXPLORE_LANE,
                                   lambda should_stop: explore(engine, config, should_stop, weights, drawn,
                                                               map_max_k, side, forward_first))
        self.notice.emit(translated(admission.notice) if admission.notice else "")
        self._job_started = {job_id: time.perf_counter()}
        self._drawn = {job_id: drawn}
        self.state.set_busy(True)
        return job_id

    def check_gradients(self) -> int | None:
        """Run the finite-difference gradient check of the current configuration off-thread."""
        check = self.engine.check_config
        if check is None:
            self.state.message.emit(self.tr("Gradient check is not available in this build."))
            return None
        config = self.state.config
        return self.runner.start(GRADCHECK_LANE, lambda should_stop: check(config))

    # -- delivery ----------------------------------------------------------------------------
    def _on_event(self, lane: str, job_id: int, payload) -> None:
        if lane != EXPLORE_LANE:
            return
        kind, result = payload
        if kind == "forward":
            self._pending_forward = (job_id, result)
        elif kind == "fast":
            started = self._job_started.get(job_id)
            if started is not None:
                self.last_compute_seconds = time.perf_counter() - started
            self._pending_forward = None   # the whole result is drawn instead
            self._pending_fast = (job_id, result)
            self._pending_map = None
            if job_id == self.shown_forward_job_id and not self._timer.isActive():
                # The rest of a result whose forward part is on screen: no clock tick in between
                # (the clock paces results of different configurations).
                self._flush()
                return
        else:
            self._pending_map = (job_id, result)
        self._schedule()

    def _schedule(self) -> None:
        elapsed_ms = (time.perf_counter() - self._last_flush) * 1000.0
        if elapsed_ms >= self.redraw_interval_ms and not self._timer.isActive():
            self._flush()
        elif not self._timer.isActive():
            self._timer.start(max(1, int(self.redraw_interval_ms - elapsed_ms)))

    def _flush(self) -> None:
        self._last_flush = time.perf_counter()
        if self._pending_forward is not None and self._pending_fast is None:
            job_id, part = self._pending_forward
            self._pending_forward = None
            self.shown_forward_job_id = job_id
            self.state.set_forward_result(part)
            self.forward_shown.emit(job_id)
        if self._pending_fast is not None:
            job_id, fast = self._pending_fast
            self._pending_fast = None
            self.shown_job_id = job_id
            self.state.set_fast_result(fast)
            self.fast_shown.emit(job_id)
            self.before_repaint.emit(job_id)
            drawn = self._drawn.pop(job_id, None)
            if drawn is not None:
                # after the repaint the new data queued (a zero timer runs after posted events)
                QTimer.singleShot(0, self, lambda: self._painted(job_id, drawn))  # dropped with self
        if self._pending_map is not None:
            job_id, map_result = self._pending_map
            self._pending_map = None
            if job_id == self.shown_job_id:
                if map_result.complete and job_id in self._job_started:
                    self.last_map_seconds = time.perf_counter() - self._job_started[job_id]
                self.state.set_map_result(map_result)
                self.map_shown.emit(job_id, bool(map_result.complete))
                self.before_map_repaint.emit(job_id)
        if self.runner.current_job_id(EXPLORE_LANE) is None and self._pending_fast is None \
                and self._pending_forward is None:
            self.state.set_busy(False)

    def _painted(self, job_id: int, drawn: threading.Event) -> None:
        if self.repaints_pending():
            # Panels repainted one per turn (app/repaint.py): the map waits for the last of them,
            # or it starts while six of seven panels still have to paint and slows them down
            # (measured on the default case, 3 paired runs: painted 110 -> 74 ms, UI-thread CPU
            # to painted 43 -> 36 ms, the complete map unchanged at ~580 ms).
            QTimer.singleShot(1, self, lambda: self._painted(job_id, drawn))   # (1 ms: no busy loop)
            return
        drawn.set()
        self.fast_painted.emit(job_id)

    def _on_finished(self, lane: str, job_id: int, result) -> None:
        if lane == GRADCHECK_LANE:
            self.gradcheck_done.emit(result)
            return
        if self._pending_fast is None and self._pending_map is None:
            self.state.set_busy(False)
        else:
            self._schedule()

    def _on_failed(self, lane: str, job_id: int, message: str) -> None:
        if lane == GRADCHECK_LANE:
            self.gradcheck_failed.emit(message)
            self.state.message.emit(self.tr("Gradient check failed: {0}").format(message))
            return
        if lane != EXPLORE_LANE:
            return   # another part of the window (a sweep, a file being read) reports its own failures
        self.state.set_busy(False)
        self.state.message.emit(self.tr("Computation failed: {0}").format(message))

    def _on_cancelled(self, lane: str, job_id: int) -> None:
        if lane == EXPLORE_LANE and self.runner.current_job_id(EXPLORE_LANE) is None:
            self.state.set_busy(False)

    def has_pending(self) -> bool:
        """Results received but not drawn yet (waiting for the redraw clock)."""
        return self._pending_fast is not None or self._pending_map is not None or self._pending_forward is not None

    def shutdown(self) -> None:
        self._timer.stop()
        self.runner.shutdown()
