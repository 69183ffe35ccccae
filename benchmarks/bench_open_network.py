"""The UI thread while File → Open network… reads a large file: the longest gap between the ticks of a
5 ms QTimer, from the call to the summary dialog shown, then through Analyse to the first plots.

    python benchmarks/bench_open_network.py [--mb 100] [--format safetensors|npz]

Writes an LSTM whose float32 weights take about --mb megabytes (a temporary folder), opens it
through the window's open path, and prints the time to the summary dialog, the longest UI gap while
reading, and the longest gap from Analyse to the first plots (T = 4: the analysis of a network of
this size is heavy in itself, and over the default 2 GB budget it is refused at once). Reference in the same run: the longest gap of the same timer while
the window is idle for as long as the reading took.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

TICK_MS = 5


def write_network(folder: Path, megabytes: float, fmt: str) -> Path:
    """An LSTM of input = hidden = H, float32, about ``megabytes`` MB of weights."""
    # 4H·(H + H) + 8H floats ≈ 8H² · 4 bytes
    H = int((megabytes * 1024**2 / 32) ** 0.5)
    rng = np.random.default_rng(0)
    scale = 1 / np.sqrt(H)
    params = {"weight_ih_l0": rng.uniform(-scale, scale, (4 * H, H)).astype(np.float32),
              "weight_hh_l0": rng.uniform(-scale, scale, (4 * H, H)).astype(np.float32),
              "bias_ih_l0": np.zeros(4 * H, np.float32), "bias_hh_l0": np.zeros(4 * H, np.float32)}
    if fmt == "safetensors":
        from safetensors.numpy import save_file

        path = folder / "big.safetensors"
        save_file(params, str(path))
    else:
        path = folder / "big.npz"
        np.savez(path, **params)
    return path


class GapMeter:
    """Longest interval between ticks of a 5 ms timer (the UI thread's longest stall)."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self._last = None

    def _tick(self):
        now = time.perf_counter()
        if self._last is not None:
            self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self):
        self.longest, self._last = 0.0, None
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0)
    try:
        import safetensors  # noqa: F401  (the formats extra; a plain install reads .npz)
        default_format = "safetensors"
    except ImportError:
        default_format = "npz"
    parser.add_argument("--format", choices=("safetensors", "npz"), default=default_format)
    parser.add_argument("--analyse-timeout", type=float, default=300.0, metavar="S",
                        help="give up waiting for the first plots after S seconds (default 300)")
    args = parser.parse_args(argv)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from rnnviz.app.main_window import MainWindow
    from rnnviz.app.settings import Settings
    from rnnviz.core.analysis import ExperimentConfig

    with tempfile.TemporaryDirectory() as folder:
        path = write_network(Path(folder), args.mb, args.format)
        size = path.stat().st_size
        settings = Settings(QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(settings=settings, restore_session=False, remember=False,
                            config=ExperimentConfig(cell="lstm", hidden_size=8, input_size=3, seq_len=4))
        window.show()
        meter = GapMeter()

        def pump_until(done, timeout=600.0):
            deadline = time.perf_counter() + timeout
            while not done() and time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.001)

        pump_until(lambda: window.state.fast_result is not None)
        pump_until(lambda: window.state.map_result is not None and window.state.map_result.complete)
        meter.start()
        started = time.perf_counter()
        window.opener.open_network(path)
        pump_until(lambda: window.opener.summary is not None and window.opener.summary.isVisible())
        to_dialog = time.perf_counter() - started
        reading_gap = meter.stop()
        hidden = window.opener.summary.opened.net.hidden_size

        meter.start()
        idle_until = time.perf_counter() + to_dialog
        pump_until(lambda: time.perf_counter() > idle_until)
        idle_gap = meter.stop()

        meter.start()
        started = time.perf_counter()
        window.opener.summary.analyse_button.click()
        config = window.state.config
        pump_until(lambda: window.state.fast_result is not None and window.state.fast_result.config == config,
                   timeout=args.analyse_timeout)
        finished = window.state.fast_result is not None and window.state.fast_result.config == config
        refused = window.last_error if window.state.weights is None else None
        to_plots = time.perf_counter() - started
        analyse_gap = meter.stop()
        window.close()
        window.runner.shutdown(60000)
    print(f"file: {args.format}, {size / 1024**2:.1f} MB (LSTM H = {hidden}, float32)")
    print(f"open → summary dialog: {to_dialog:.2f} s; longest UI gap {reading_gap * 1000:.0f} ms")
    print(f"idle window, same time: longest UI gap {idle_gap * 1000:.0f} ms (reference)")
    outcome = f"{to_plots:.2f} s" if finished else f"not within {args.analyse_timeout:.0f} s"
    if refused:
        outcome = f"refused at once: {refused}"
    print(f"Analyse → first plots (T = {config.seq_len}): {outcome}; longest UI gap {analyse_gap * 1000:.0f} ms")
    print(f"ratio reading / idle: {reading_gap / max(idle_gap, 1e-9):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
