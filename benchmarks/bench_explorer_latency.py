"""Latency of the gradient-flow explorer as the user sees it (issue 12, "Speed").

Opens the real window offscreen at 1600×1000 with the default configuration (LSTM, hidden 64,
T = 100) and changes the spectral radius through its spin box, one change at a time, >= 30 times.
For each change:

(a) update:  from the change until every plot but the (t, k) map holds the new data;  (reported)
(b) painted: from the change until every visible plot but the map has painted its pixels
             (a paint of each panel's viewport that ended after the data arrived);  goal <= 50 ms
(c) map:     from the change until the complete (t, k) map is drawn and painted;   goal <= 700 ms

Throughout, a 5 ms QTimer on the UI thread records the longest gap between its ticks: the longest
time the window could not react to the user. Besides the default changes it runs over the heavy
set (T = 2000; hidden 1024 with T = 2000; an Elman RNN with hidden 2048, T = 1000 (beyond the
controls, set as a session would); 8 bidirectional LSTM layers of 512 with T = 2000), while a
10 MB session file opens and while the Trainer starts on a 100 MB corpus (both files are made in a
temporary folder).                                                   goal: every gap <= 100 ms

UI-thread CPU time (``time.thread_time()`` of the UI thread, from the change until (b) and until
(c)) is printed too: unlike the wall-clock figures it hardly grows when other processes share the
cores, so it shows what the window itself costs per change.

Reference measured in the same run: the engine alone (``run_fast``, and ``run_fast`` + the whole
``iter_map``) on the default configurations, so the ratios show what the window adds.

``--profile`` prints, for each heavy setting, the functions that held the UI thread longest
(cProfile profiles only the thread that enables it: here the UI thread). ``--probe`` prints, for
every gap over 80 ms, what the UI thread was doing (``_stall_probe.py``: a watchdog thread samples
its stack and CPU clock).

Last line: ``explorer_update_ms=<a> explorer_painted_ms=<b> explorer_map_ms=<c> max_stall_ms=<d>``.
``--timeline`` prints, for the default changes, the median moment (ms after the change; UI-thread
CPU ms beside the UI thread's moments) of: the job sent to the worker, each stage of ``run_fast`` in
the worker (``FastResult.stage_ends``), the result emitted, received on the UI thread, each panel's
data set, every panel's data held, each panel's paint begun and done. ``--forward-first`` shows the
forward part of each result first (``ComputeController.forward_first``).

Run: ``.venv/bin/python benchmarks/bench_explorer_latency.py [--changes N] [--quick] [--profile] [--probe]
[--controls] [--timeline] [--forward-first]``. ``--controls`` walks the controls (``_controls_walk.py``)
after the default changes and skips the heavy set and the files; the full run (neither ``--quick`` nor
``--controls``) walks them too.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import blas_info  # noqa: E402
from _stall_probe import StallProbe  # noqa: E402

TICK_MS = 5
HEAVY = (
    ("T=2000", dict(seq_len=2000)),
    ("H=1024, T=2000", dict(hidden_size=1024, seq_len=2000)),
    ("Elman RNN H=2048, T=1000", dict(cell="rnn", hidden_size=2048, seq_len=1000)),
    ("8 bidirectional LSTM layers of 512, T=2000", dict(num_layers=8, bidirectional=True, hidden_size=512,
                                                        seq_len=2000)),
)
SESSION_BYTES = 10 << 20
CORPUS_BYTES = 100 << 20


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1)))))]


def print_timeline(timelines: list[dict]) -> None:
    """Median moment of each event over the changes (ms after the change), in the order of those
    medians; UI-thread CPU ms since the change beside the UI thread's events."""
    names = {name for timeline in timelines for name in timeline}
    rows = []
    for name in names:
        walls = [t[name][0] for t in timelines if name in t]
        cpus = [t[name][1] for t in timelines if name in t and t[name][1] is not None]
        rows.append((statistics.median(walls), statistics.median(cpus) if cpus else None, len(walls), name))
    print(f"timeline of a median change ({len(timelines)} changes; medians of each moment, ms after the change):")
    for wall, cpu, count, name in sorted(rows):
        cpu_text = f"  UI CPU {cpu:5.1f}" if cpu is not None else " " * 14
        seen = "" if count == len(timelines) else f"  (in {count} changes)"
        print(f"    {wall:6.1f}{cpu_text}  {name}{seen}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30, help="number of control changes (>= 30 for the figure)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for one change")
    parser.add_argument("--quick", action="store_true", help="default changes only (no heavy set, no files)")
    parser.add_argument("--profile", action="store_true", help="profile the UI thread at each heavy setting")
    parser.add_argument("--probe", action="store_true", help="sample the UI thread's stack in every gap > 80 ms")
    parser.add_argument("--forward-first", action="store_true",
                        help="the forward part of each result first: the plots that need no gradient draw it "
                             "while the rest is computed (ComputeController.forward_first)")
    parser.add_argument("--timeline", action="store_true",
                        help="print the moments of a median change (worker stages, delivery, each panel's data and paint)")
    parser.add_argument("--controls", nargs="?", const="all", default=None, metavar="PARTS",
                        help="walk the controls (every entry, each spin box's minimum and maximum, presets, "
                             "presentation, focus, tabs) after the default changes, without the heavy set and "
                             "files; PARTS: all (default) or some of cells,combos,checks,spins,presets,views")
    args = parser.parse_args()

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.main import ensure_application, freeze_startup_objects
    from rnnviz.app.main_window import MainWindow
    from rnnviz.app.session import write_session
    from rnnviz.app.settings import Settings
    from rnnviz.core.analysis import ExperimentConfig, iter_map, run_fast

    app = ensure_application(["bench_explorer_latency"])
    config = ExperimentConfig()
    radii = [round(0.8 + 0.01 * index, 2) for index in range(args.changes)]

    # Reference: the engine alone on the same configurations.
    engine_fast, engine_full = [], []
    for radius in radii[: max(5, args.changes // 3)]:
        start = time.perf_counter()
        fast = run_fast(config.replace(radius=radius))
        engine_fast.append(time.perf_counter() - start)
        for _snapshot in iter_map(fast):
            pass
        engine_full.append(time.perf_counter() - start)

    scratch = tempfile.TemporaryDirectory(prefix="rnnviz-bench-")
    folder = Path(scratch.name)
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings=settings, restore_session=False, remember=False, config=config)
    freeze_startup_objects()   # as run_app does
    window.resize(1600, 1000)
    if args.forward_first:
        window.compute.forward_first = True
    window.show()
    if not window.wait_for_map(int(args.timeout * 1000)):
        print("the first map did not complete", file=sys.stderr)
        return 1

    # -- the UI thread's longest gap ------------------------------------------------------------
    class StallMeter:
        def __init__(self):
            self.timer = QTimer()
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(TICK_MS)
            self.timer.timeout.connect(self._tick)
            self.last = time.perf_counter()
            self.longest = 0.0

        def _tick(self):
            now = time.perf_counter()
            self.longest = max(self.longest, now - self.last)
            self.last = now

        def start(self):
            self.last = time.perf_counter()
            self.longest = 0.0
            self.timer.start()

        def stop(self) -> float:
            self._tick()
            self.timer.stop()
            return 1e3 * self.longest

    meter = StallMeter()
    probe = StallProbe().start() if args.probe else None

    # -- paints: an event filter sees each viewport's paint begin; a zero timer started there runs
    # once that repaint of the window is over (the offscreen backing store paints every dirty widget
    # of the window in one event).
    painted_at: dict[str, float] = {}
    data_set: dict[str, float] = {}     # panel -> when it got the data of the change under way
    painted_cpu: dict[str, float] = {}  # the same moments in UI-thread CPU time

    class PaintWatch(QObject):
        def __init__(self, name: str):
            super().__init__()
            self.name = name

        def eventFilter(self, watched, event):  # noqa: N802 - Qt name
            if event.type() == QEvent.Type.Paint:
                name = self.name
                if name in data_set:   # (the map's first paint, and the one of its complete map)
                    moment(f"{name} paint begun{complete_map(name)}", cpu=True)

                def done():
                    if name in data_set and name not in painted_at:   # its first paint of the new data
                        painted_at[name] = time.perf_counter()
                        painted_cpu[name] = time.thread_time()
                    if name in data_set:
                        moment(f"{name} paint done{complete_map(name)}", cpu=True)

                QTimer.singleShot(0, done)
            return False

    watches = []
    for panel in window.panels:
        watch = PaintWatch(panel.name)
        panel.graphics.viewport().installEventFilter(watch)
        watches.append(watch)

    loop = QEventLoop()
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)

    def spin(milliseconds: int) -> None:
        timeout.start(milliseconds)
        loop.exec()

    marks: dict[str, float] = {}
    wanted: dict[str, object] = {}
    # --timeline: name -> (perf_counter, UI-thread thread_time or None) of the change under way
    moments: dict[str, tuple[float, float | None]] = {}

    def complete_map(name: str) -> str:
        return " (complete map)" if name == "map" and "map_data" in marks else ""

    def moment(name: str, cpu: bool = False, at: float | None = None) -> None:
        """The first time ``name`` happened in the change under way."""
        if args.timeline and name not in moments:
            moments[name] = (time.perf_counter() if at is None else at, time.thread_time() if cpu else None)

    if args.timeline:
        window.state.config_changed.connect(lambda _config: moment("job sent to the worker", cpu=True))
        if hasattr(window.compute, "forward_shown"):
            window.compute.forward_shown.connect(lambda _job_id: moment("forward plots hold the forward part", cpu=True))
    for panel in window.panels:
        # the panel's data of this change: its paints from here on count (a forward-only panel
        # gets it from the forward part, before the whole result)
        def timed_show_fast(fast, name=panel.name, show=panel.show_fast):
            show(fast)
            if fast.config == wanted.get("config") and name not in data_set:
                data_set[name] = time.perf_counter()
                painted_at.pop(name, None)
                painted_cpu.pop(name, None)
                moment(f"{name} data set", cpu=True)
        panel.show_fast = timed_show_fast

    def current() -> bool:
        fast = window.state.fast_result
        return fast is not None and fast.config == wanted.get("config")

    def on_fast(job_id: int) -> None:
        if current() and "fast" not in marks:
            marks["fast"] = time.perf_counter()
            if args.timeline:
                moment("every panel holds its data", cpu=True)
                fast = window.state.fast_result
                for stage, at in getattr(fast, "stage_ends", {}).items():
                    moment(f"worker: {'run_fast ' if stage in ('start', 'done') else ''}{stage}", at=at)
                sent = moments.get("job sent to the worker")
                if sent is not None and window.compute.last_compute_seconds is not None:
                    moment("result received on the UI thread", at=sent[0] + window.compute.last_compute_seconds)

    def on_map(job_id: int, complete: bool) -> None:
        if complete and current() and "map" not in marks:
            marks["map_data"] = time.perf_counter()
            painted_at.pop("map", None)
            painted_cpu.pop("map", None)

    def on_message(text: str) -> None:
        marks.setdefault("message", time.perf_counter())
        marks.setdefault("message_text", text)

    window.compute.fast_shown.connect(on_fast)
    window.compute.map_shown.connect(on_map)
    window.state.message.connect(on_message)

    def non_map_painted() -> float | None:
        names = [p.name for p in window.panels if p.name != "map" and p.isVisible()]
        if "fast" not in marks or any(name not in painted_at for name in names):
            return None
        return max(painted_at[name] for name in names)

    def wait_for(condition, limit_s: float) -> bool:
        deadline = time.perf_counter() + limit_s
        while not condition():
            if time.perf_counter() > deadline:
                return False
            spin(10)
        return True

    def map_done() -> bool:
        if "map_data" in marks and "map" in painted_at:
            marks.setdefault("map", painted_at["map"])
            marks.setdefault("map_cpu", painted_cpu["map"])
        return "map" in marks or "message" in marks

    def change(action, expected) -> dict:
        """Apply ``action()`` and wait until its map is complete and painted (or a message came)."""
        marks.clear()
        painted_at.clear()
        painted_cpu.clear()
        data_set.clear()
        moments.clear()
        wanted["config"] = expected
        if probe is not None:
            probe.take()
        meter.start()
        start = time.perf_counter()
        start_cpu = time.thread_time()
        action()
        finished = wait_for(map_done, args.timeout)
        spin(80)  # the redraw clock settles; gaps until then count
        stall = meter.stop()
        painted = non_map_painted()
        names = [p.name for p in window.panels if p.name != "map" and p.isVisible()]
        cpu = max((painted_cpu[name] for name in names if name in painted_cpu), default=None)
        timeline = {name: (1e3 * (at - start), None if cpu is None else 1e3 * (cpu - start_cpu))
                    for name, (at, cpu) in moments.items()}
        return {"gaps": probe.take() if probe is not None else [], "timeline": timeline,
                "painted_cpu": 1e3 * (cpu - start_cpu) if painted is not None and cpu is not None else None,
                "map_cpu": 1e3 * (marks["map_cpu"] - start_cpu) if "map_cpu" in marks else None,
                "ok": finished, "start": start, "stall": stall,
                "update": 1e3 * (marks["fast"] - start) if "fast" in marks else None,
                "painted": 1e3 * (painted - start) if painted is not None else None,
                "map": 1e3 * (marks["map"] - start) if "map" in marks else None,
                "message": marks.get("message_text")}

    # -- (1) the default case, changed through the radius spin box -----------------------------
    update_ms, painted_ms, map_ms, stalls = [], [], [], []
    painted_cpu_ms, map_cpu_ms = [], []
    default_gaps = []
    timelines = []
    for radius in radii:
        if radius == window.state.config.radius:
            radius = round(radius + 0.005, 3)
        expected = window.state.config.replace(radius=radius)
        result = change(lambda r=radius: window.controls.radius_spin.setValue(r), expected)
        if not result["ok"] or result["map"] is None:
            print(f"change to radius {radius} did not complete in {args.timeout} s", file=sys.stderr)
            return 1
        update_ms.append(result["update"])
        if result["painted"] is not None:
            painted_ms.append(result["painted"])
        map_ms.append(result["map"])
        stalls.append(result["stall"])
        default_gaps.extend(result["gaps"])
        timelines.append(result["timeline"])
        if result["painted_cpu"] is not None:
            painted_cpu_ms.append(result["painted_cpu"])
        if result["map_cpu"] is not None:
            map_cpu_ms.append(result["map_cpu"])

    # -- (2) the walk of the controls, (3) the heavy set, (4) a 10 MB session, (5) the Trainer -------
    heavy_rows = []
    walk_rows = []
    if args.controls or not args.quick:
        from _controls_walk import walk_controls

        parts = "all" if args.controls is None else args.controls
        walk_rows = walk_controls(window, config, meter, probe, spin, args.timeout, parts)
        heavy_rows.extend((f"controls: {row.label}", {"gaps": [], "ok": row.ok, "stall": row.stall_ms,
                                                       "message": None}, None)
                          for row in walk_rows)   # (counted in max_stall_ms, printed with the walk)
    if not args.quick and not args.controls:
        for label, changes in HEAVY:
            expected = config.replace(**changes)
            profiler = cProfile.Profile() if args.profile else None
            if profiler is not None:
                profiler.enable()
            result = change(lambda e=expected: window.state.set_config(e), expected)
            if profiler is not None:
                profiler.disable()
            heavy_rows.append((label, result, profiler))
            if window.state.config != config:  # (a refused configuration changed nothing)
                back = change(lambda: window.state.set_config(config), config)
                heavy_rows.append((f"back to the default from {label}", back, None))

        session_path = folder / "big-session.json"
        filler = "the gradient of a recurrent network flows back through time. "
        text = (filler * (SESSION_BYTES // len(filler) + 1))[:SESSION_BYTES]
        session_config = config.replace(input_signal="text", input_text=text, seed=7)
        write_session(session_path, session_config, {})
        result = change(lambda: window.start_open_session(session_path), session_config)
        heavy_rows.append((f"open a {session_path.stat().st_size / 1e6:.1f} MB session", result, None))
        change(lambda: window.state.set_config(config), config)

        corpus_path = folder / "corpus.txt"
        source = Path(__file__).resolve().parents[1] / "resources"
        sample = next(source.rglob("*.txt")).read_text(encoding="utf-8")
        with open(corpus_path, "w", encoding="utf-8") as handle:
            written = 0
            while written < CORPUS_BYTES:
                handle.write(sample)
                written += len(sample.encode("utf-8"))
        trainer = window.trainer
        window.tabs.setCurrentWidget(trainer)
        spin(200)
        trainer.corpus_edit.setCurrentText(str(corpus_path))
        if probe is not None:
            probe.take()
        meter.start()
        start = time.perf_counter()
        started = trainer.start()
        ok = started and wait_for(lambda: trainer.last_event is not None or not trainer.running, args.timeout)
        first_step = time.perf_counter() - start
        spin(500)  # the first steps are drawn
        stall = meter.stop()
        trainer.stop()
        wait_for(lambda: not trainer.running, 30)
        heavy_rows.append((f"start training on a {corpus_path.stat().st_size / 1e6:.0f} MB corpus "
                           f"(first step after {first_step:.1f} s)",
                           {"gaps": probe.take() if probe is not None else [], "ok": ok, "stall": stall, "update": None, "painted": None, "map": None,
                            "message": None if ok else "training did not start"}, None))
        window.tabs.setCurrentWidget(window.explorer)

    if probe is not None:
        probe.stop()
    window.close()
    QApplication.processEvents()
    scratch.cleanup()

    update = statistics.median(update_ms)
    painted = statistics.median(painted_ms) if painted_ms else float("nan")
    full = statistics.median(map_ms)
    reference_fast = 1e3 * statistics.median(engine_fast)
    reference_full = 1e3 * statistics.median(engine_full)
    max_stall = max(stalls + [row[1]["stall"] for row in heavy_rows])
    print(f"configuration: LSTM hidden {config.hidden_size}, T = {config.seq_len}, window 1600x1000 offscreen; "
          f"{len(radii)} changes of rho")
    print(blas_info())
    print(f"engine alone:   run_fast {reference_fast:.1f} ms, run_fast + iter_map {reference_full:.1f} ms (median)")
    print(f"explorer:       change -> plots but map hold data {update:.1f} ms, painted {painted:.1f} ms "
          f"(goal <= 50); change -> complete map painted {full:.1f} ms (goal <= 700) (medians)")
    print(f"                p90: update {percentile(update_ms, 0.9):.1f} ms, painted "
          f"{percentile(painted_ms, 0.9) if painted_ms else float('nan'):.1f} ms, map {percentile(map_ms, 0.9):.1f} ms")
    print(f"                longest UI-thread gap during the changes: {max(stalls):.0f} ms "
          f"(median per change {statistics.median(stalls):.0f} ms; {TICK_MS} ms timer)")
    for gap in sorted(default_gaps, key=lambda g: -g.length_ms)[:3]:
        print("    " + gap.describe().replace("\n", "\n    "))
    if args.timeline:
        print_timeline(timelines)
    if walk_rows:
        print(f"walk of the controls: {len(walk_rows)} steps, longest gap per step (UI-thread CPU of the step):")
        for row in walk_rows:
            print("    " + row.describe().replace("\n", "\n    "))
    for label, result, profiler in heavy_rows:
        if label.startswith("controls: "):
            continue   # printed with the walk
        figures = [f"longest gap {result['stall']:.0f} ms"]
        if result.get("update") is not None:
            figures.append(f"plots {result['update']:.0f} ms")
        if result.get("map") is not None:
            figures.append(f"map {result['map']:.0f} ms")
        if result.get("map_cpu") is not None:
            figures.append(f"UI-thread CPU {result['map_cpu']:.0f} ms")
        if result.get("message"):
            figures.append(f"message: {result['message'][:110]}")
        if not result["ok"]:
            figures.append("DID NOT COMPLETE")
        print(f"heavy: {label}: " + ", ".join(figures))
        for gap in result.get("gaps", []):
            print("    " + gap.describe().replace("\n", "\n    "))
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
            print("\n".join("    " + line for line in out.getvalue().splitlines()[6:24] if line.strip()))
    print(f"ratio explorer / engine alone: update {update / reference_fast:.2f}, painted {painted / reference_fast:.2f}, "
          f"map {full / reference_full:.2f}")
    print(json.dumps({"stalls_ms": [round(s) for s in stalls]}))
    print(f"UI-thread CPU per change (median): change -> plots but map painted "
          f"{statistics.median(painted_cpu_ms) if painted_cpu_ms else float('nan'):.1f} ms, "
          f"change -> complete map painted {statistics.median(map_cpu_ms) if map_cpu_ms else float('nan'):.1f} ms")
    print(f"explorer_update_ms={update:.1f} explorer_painted_ms={painted:.1f} explorer_map_ms={full:.1f} "
          f"max_stall_ms={max_stall:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
