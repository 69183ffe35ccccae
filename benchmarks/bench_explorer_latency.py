"""Latency of the gradient-flow explorer (issue 3, "Responsiveness").

Opens the real window offscreen with the default configuration (LSTM, hidden 64, T = 100) and
changes the spectral radius through its spin box, one change at a time, >= 30 times. For each change:

(a) update: from the change until every plot but the (t, k) map holds the new data
    (the window's ComputeController reports the FastResult as shown);      goal <= 50 ms
(b) map:    from the change until the complete (t, k) map is drawn;       goal <= 700 ms
Also printed: from the change until the window has repainted those plots (pixels on screen).

Reference measured in the same run: the engine alone (``run_fast``, and ``run_fast`` + the whole
``iter_map``) on the same configurations, so the ratio shows what the window adds (threads, queued
signals, the 20 Hz redraw clock, drawing).

Last line: ``explorer_update_ms=<x> explorer_map_ms=<y>``.
Run: ``.venv/bin/python benchmarks/bench_explorer_latency.py [--changes N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import blas_info  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30, help="number of control changes (>= 30 for the figure)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one change")
    args = parser.parse_args()

    import tempfile

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.main import ensure_application
    from rnnviz.app.main_window import MainWindow
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
    settings = Settings(QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings=settings, restore_session=False, remember=False, config=config)
    window.resize(1600, 1000)
    window.show()
    if not window.wait_for_map(int(args.timeout * 1000)):
        print("the first map did not complete", file=sys.stderr)
        return 1

    marks: dict[str, float] = {}
    wanted: dict[str, object] = {}

    def on_fast(job_id: int) -> None:
        if window.state.fast_result.config == wanted.get("config") and "fast" not in marks:
            marks["fast"] = time.perf_counter()

    # The window runs under a real Qt event loop, as in the app (a polling loop here would take
    # the interpreter lock from the worker threads between events and slow the map down).
    loop = QEventLoop()
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)

    def on_map(job_id: int, complete: bool) -> None:
        if complete and window.state.fast_result.config == wanted.get("config") and "map" not in marks:
            marks["map"] = time.perf_counter()
            loop.quit()

    def on_painted(job_id: int) -> None:
        if window.state.fast_result.config == wanted.get("config") and "painted" not in marks:
            marks["painted"] = time.perf_counter()

    window.compute.fast_shown.connect(on_fast)
    window.compute.fast_painted.connect(on_painted)
    window.compute.map_shown.connect(on_map)
    update_ms, painted_ms, map_ms = [], [], []
    for radius in radii:
        if radius == window.state.config.radius:
            radius = round(radius + 0.005, 3)
        marks.clear()
        wanted["config"] = window.state.config.replace(radius=radius)
        start = time.perf_counter()
        window.controls.radius_spin.setValue(radius)  # exactly what a user's change does
        if "map" not in marks:
            timeout.start(int(args.timeout * 1000))
            loop.exec()
            timeout.stop()
        if "map" not in marks:
            print(f"change to radius {radius} did not complete in {args.timeout} s", file=sys.stderr)
            return 1
        update_ms.append(1e3 * (marks["fast"] - start))
        if "painted" in marks:
            painted_ms.append(1e3 * (marks["painted"] - start))
        map_ms.append(1e3 * (marks["map"] - start))
        # Let the redraw clock settle so every change starts from an idle window.
        timeout.start(60)
        loop.exec()
    window.close()
    QApplication.processEvents()
    scratch.cleanup()

    update = statistics.median(update_ms)
    full = statistics.median(map_ms)
    reference_fast = 1e3 * statistics.median(engine_fast)
    reference_full = 1e3 * statistics.median(engine_full)
    print(f"configuration: LSTM hidden {config.hidden_size}, T = {config.seq_len}; {len(radii)} changes of rho")
    print(blas_info())
    print(f"engine alone:   run_fast {reference_fast:.1f} ms, run_fast + iter_map {reference_full:.1f} ms (median)")
    print(f"explorer:       change -> plots but map {update:.1f} ms (goal <= 50), "
          f"change -> complete map {full:.1f} ms (goal <= 700) (median)")
    if painted_ms:
        print(f"                change -> those plots repainted {statistics.median(painted_ms):.1f} ms (median)")
    print(f"                p90: update {sorted(update_ms)[int(0.9 * len(update_ms)) - 1]:.1f} ms, "
          f"map {sorted(map_ms)[int(0.9 * len(map_ms)) - 1]:.1f} ms")
    print(f"ratio explorer / engine alone: update {update / reference_fast:.2f}, map {full / reference_full:.2f}")
    print(f"explorer_update_ms={update:.1f} explorer_map_ms={full:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
