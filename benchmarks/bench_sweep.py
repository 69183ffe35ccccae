"""Sweep throughput: 3 cells x 21 spectral radii x 3 seeds (hidden 64, T = 200) on 1 and on 2 workers.

The reference is the same sweep on one worker (in this process, one BLAS thread), measured in the
same run; the goal is a speed-up of at least 1.8 on two workers. The two results must be
byte-identical. Prints the machine load too: on a shared machine the speed-up says little.

    python benchmarks/bench_sweep.py [--workers N] [--radii 21] [--seeds 3]

Last line: ``sweep_speedup=<x> sweep_s=<y>`` (y = seconds on the most workers).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import blas_info  # noqa: E402

from rnnviz.core.analysis import ExperimentConfig  # noqa: E402
from rnnviz.core.sweep import SweepAxis, SweepSpec, _limit_blas_threads, measure, run_sweep  # noqa: E402


def load_text() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average: unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="parallel worker count to compare (default 2)")
    parser.add_argument("--radii", type=int, default=21)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--seq-len", type=int, default=200)
    args = parser.parse_args()

    spec = SweepSpec(base=ExperimentConfig(hidden_size=args.hidden, seq_len=args.seq_len),
                     axes=(SweepAxis("cell", ("rnn", "lstm", "gru")),
                           SweepAxis.parse("radius", f"0.5:1.5:{args.radii}")),
                     seeds=args.seeds).validate()
    print(f"sweep: {spec.num_runs} runs (3 cells x {args.radii} radii x {args.seeds} seeds), hidden "
          f"{args.hidden}, T = {args.seq_len}, metrics {', '.join(spec.metrics)}")
    print(blas_info() + " (sweeps limit every worker to 1 BLAS thread)")
    print("before: " + load_text())

    timings = {}
    csv_text = {}
    for workers in (1, args.workers):
        start = time.perf_counter()
        result = run_sweep(spec, workers=workers)
        timings[workers] = time.perf_counter() - start
        csv_text[workers] = result.rows_csv()
        print(f"workers={workers}: {timings[workers]:.2f} s ({1e3 * timings[workers] / spec.num_runs:.1f} ms "
              f"per run, including process start-up)")
    per_cell = {}
    limits = _limit_blas_threads()  # as in a worker
    for cell in ("rnn", "lstm", "gru"):
        config = spec.base.replace(cell=cell)
        start = time.perf_counter()
        measure(config, spec.metrics)
        per_cell[cell] = time.perf_counter() - start
    limits.restore_original_limits()
    print("one run (this process, 1 BLAS thread, rho = 1): " + ", ".join(f"{c} {1e3 * s:.0f} ms" for c, s in per_cell.items()))
    print("after: " + load_text())
    identical = csv_text[1] == csv_text[args.workers]
    print(f"results identical on 1 and {args.workers} workers: {identical}")
    speedup = timings[1] / timings[args.workers]
    print(f"speed-up on {args.workers} workers: {speedup:.2f}x (goal >= 1.8x on 2 workers)")
    print(f"sweep_speedup={speedup:.2f} sweep_s={timings[args.workers]:.2f}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
