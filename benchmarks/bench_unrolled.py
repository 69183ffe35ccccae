"""Cost of the unrolled-network plot on the UI thread at T = 2000, H = 64 (LSTM), 1600×500 pixels.

Two results of the engine (ρ = 1.0 and ρ = 0.9) are computed once; then, alternating between them,
each figure is the median over ``--repeats`` runs of, on the UI thread:

* update:  ``show_fast`` + settle (ranges, layouts) + a synchronous repaint of the panel;
* tick:    one step of Play (reveal one more step) + repaint;
* pan:     the window moved by one step (as a drag does) + repaint;
* switch:  the chooser to ‖∂L_τ/∂h_t‖ and back, each + repaint.

Wall-clock and UI-thread CPU time (``time.thread_time()``; it hardly grows when other processes
share the cores) are printed for each.

Reference measured in the same run: the BPTT panel's update (``show_fast`` + settle + repaint) on
the same results, so the ratio says what the unrolled plot costs beside an existing plot.
Last line: ``unrolled_update_ms=<a> unrolled_tick_ms=<b> unrolled_pan_ms=<c> bptt_update_ms=<d>``.
Run: ``.venv/bin/python benchmarks/bench_unrolled.py [--repeats N] [--seq-len T]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


CPU: dict[str, list[float]] = {}


def _timed(action, panel, name: str = "") -> float:
    """Wall-clock ms of ``action`` + settle + repaint; its UI-thread CPU ms go to CPU[name]."""
    start, cpu = time.perf_counter(), time.thread_time()
    action()
    panel.settle()
    panel.graphics.viewport().repaint()
    CPU.setdefault(name, []).append((time.thread_time() - cpu) * 1000.0)
    return (time.perf_counter() - start) * 1000.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--seq-len", type=int, default=2000)
    args = parser.parse_args(argv)

    from rnnviz.app.main import ensure_application
    from rnnviz.app.plots.base import configure_pyqtgraph
    from rnnviz.app.plots.bptt import BpttPanel
    from rnnviz.app.plots.unrolled import UnrolledPanel
    from rnnviz.core.analysis import ExperimentConfig, run_fast

    app = ensure_application(["bench-unrolled"])
    configure_pyqtgraph()
    base = ExperimentConfig(cell="lstm", hidden_size=64, seq_len=args.seq_len, loss_placement="all")
    start = time.perf_counter()
    results = [run_fast(base), run_fast(base.replace(radius=0.9))]
    print(f"engine: two results at T = {args.seq_len}, H = 64 in {time.perf_counter() - start:.1f} s")

    unrolled, bptt = UnrolledPanel(), BpttPanel()
    for panel in (unrolled, bptt):
        panel.resize(1600, 500)
        panel.show()
    unrolled.show_fast(results[0])
    bptt.show_fast(results[0])
    for _ in range(5):
        app.processEvents()

    update, reference, tick, pan, switch = [], [], [], [], []
    for index in range(args.repeats):
        fast = results[(index + 1) % 2]
        reference.append(_timed(lambda: bptt.show_fast(fast), bptt, "bptt panel update (ref.)"))
        update.append(_timed(lambda: unrolled.show_fast(fast), unrolled, "unrolled update"))
    unrolled.speed.setCurrentIndex(0)
    unrolled.play()
    for _ in range(args.repeats):
        tick.append(_timed(unrolled._tick, unrolled, "unrolled Play tick"))
    unrolled.show_all()
    for index in range(args.repeats):
        low, high = unrolled.window()
        shift = -1.0 if index % 2 == 0 else 1.0
        pan.append(_timed(lambda: unrolled.plot.setXRange(low + shift, high + shift, padding=0), unrolled,
                          "unrolled pan one step"))
    for index in range(args.repeats):
        target = "itemized" if index % 2 == 0 else "total"
        switch.append(_timed(lambda: unrolled.quantity.setCurrentIndex(unrolled.quantity.findData(target)),
                             unrolled, "unrolled chooser switch"))

    def report(name: str, values: list[float]) -> float:
        median = statistics.median(values)
        cpu = statistics.median(CPU[name])
        print(f"{name:<28} median {median:6.2f} ms   max {max(values):6.2f} ms   UI-thread CPU {cpu:6.2f} ms"
              f"   (n = {len(values)})")
        return median

    print(f"load: {os.getloadavg()[0]:.2f} (1-minute load average, {os.cpu_count()} cores)")
    reference_ms = report("bptt panel update (ref.)", reference)
    update_ms = report("unrolled update", update)
    tick_ms = report("unrolled Play tick", tick)
    pan_ms = report("unrolled pan one step", pan)
    report("unrolled chooser switch", switch)
    print(f"ratio unrolled update / bptt update: {update_ms / reference_ms:.2f}")
    print(f"unrolled_update_ms={update_ms:.2f} unrolled_tick_ms={tick_ms:.2f} unrolled_pan_ms={pan_ms:.2f} "
          f"bptt_update_ms={reference_ms:.2f}")
    for panel in (unrolled, bptt):
        panel.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
