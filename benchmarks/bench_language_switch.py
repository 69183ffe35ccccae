"""View → Language: what a switch costs, against its reference, opening a window.

    python benchmarks/bench_language_switch.py [--pairs 6]

A window analysing a network from a file (a stacked GRU, T = 100) with a sweep's result and two
pins switches en ↔ zh_CN (rnnviz.app.language_switch: the window is rebuilt and takes the live
state over). The reference, measured in the same run and alternating with it (A B A B), builds and
shows a new window of the same configuration. Prints the medians of the wall time until the new
window is shown and of the UI thread's CPU time (less sensitive to the machine's load), and their
ratios to the reference.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def settle(app, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=6, help="switches, each paired with a new window")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("rnnviz-bench-language")
    QCoreApplication.setApplicationName("rnnviz-bench-language")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp(prefix="rnnviz-bench-"))
    from rnnviz.app.gallery import opened_network, run_gallery_sweep
    from rnnviz.app.i18n import ENGLISH, install_language
    from rnnviz.app.main_window import MainWindow
    from rnnviz.core.analysis import ExperimentConfig

    install_language(ENGLISH, app)
    window = MainWindow(restore_session=False, remember=False, config=ExperimentConfig())
    window.resize(1600, 1000)
    window.show()
    window.wait_for_map()
    window.opener.analyse_network(opened_network())
    window.wait_for_map()
    run_gallery_sweep(window)
    window.compare.add_pin(window.state.config)
    window.compare.add_pin(window.state.config.replace(radius=None))
    config = window.state.config

    switch_wall, switch_cpu, new_wall, new_cpu = [], [], [], []
    for pair in range(args.pairs):
        start, cpu = time.perf_counter(), time.thread_time()
        window = window.switch_language("zh_CN" if pair % 2 == 0 else ENGLISH)
        settle(app)
        switch_wall.append(time.perf_counter() - start)
        switch_cpu.append(time.thread_time() - cpu)
        window.wait_for_map()
        start, cpu = time.perf_counter(), time.thread_time()
        plain = MainWindow(restore_session=False, remember=False, config=window.state.config)
        plain.resize(1600, 1000)
        plain.show()
        settle(app)
        new_wall.append(time.perf_counter() - start)
        new_cpu.append(time.thread_time() - cpu)
        plain.close()
        plain.runner.shutdown(10000)

    def ms(values) -> float:
        return 1000 * statistics.median(values)

    print(f"window: {config.cell} H={config.hidden_size} T={config.seq_len} from a network file, a sweep, 2 pins; "
          f"{args.pairs} pairs, alternating; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"language switch  median {ms(switch_wall):6.0f} ms wall  {ms(switch_cpu):6.0f} ms UI-thread CPU")
    print(f"new window (ref) median {ms(new_wall):6.0f} ms wall  {ms(new_cpu):6.0f} ms UI-thread CPU")
    print(f"ratio to the reference: wall {ms(switch_wall) / ms(new_wall):.2f}, CPU {ms(switch_cpu) / ms(new_cpu):.2f}")
    window.close()
    window.runner.shutdown(10000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
