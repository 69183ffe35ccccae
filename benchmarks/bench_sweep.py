"""Sweep throughput: 3 cells x 21 spectral radii x 3 seeds (hidden 64, T = 200) on 1 and on 2 workers.

The reference is the same sweep on one worker (in this process, one BLAS thread), measured in the
same run; the goal is a speed-up of at least 1.8 on two workers. A second reference, a perfectly
parallel GEMM loop on a warm pool, shows what the machine allows at the moment. The two results must be
byte-identical. Prints the machine load too: on a shared machine the speed-up says little.

    python benchmarks/bench_sweep.py [--workers N] [--radii 21] [--seeds 3]

Last line: ``sweep_speedup=<x> sweep_s=<y>`` (y = seconds on the most workers).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import blas_info  # noqa: E402

from rnnviz.core.analysis import ExperimentConfig  # noqa: E402
from rnnviz.core.parallel.blas import limit_this_process, single_threaded_blas  # noqa: E402
from rnnviz.core.sweep import SweepAxis, SweepSpec, measure, run_sweep  # noqa: E402


def _init_worker() -> None:
    limit_this_process()  # as a sweep's worker does


def load_text() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average: unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _gemm_loop(repeats: int) -> float:
    """CPU-bound stand-in for sweep runs: 128x128 products, one BLAS thread (set by the worker init)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((128, 128)) / 12
    b = np.eye(128)
    for _ in range(repeats):
        b = a @ b
        b /= np.abs(b).max()
    return float(b[0, 0])


def parallel_reference(workers: int, repeats: int = 4000) -> tuple[float, float]:
    """(ideal speed-up, pool start-up seconds) measured now on this machine.

    The same GEMM loop once in this process and split over ``workers`` processes of a warm pool
    built like the sweep's (spawn, one BLAS thread): what a perfectly parallel job gets under the
    current load. Start-up = creating the pool and importing NumPy + rnnviz in every worker.
    """
    with single_threaded_blas():
        start = time.perf_counter()
        _gemm_loop(repeats)
        serial = time.perf_counter() - start
    context = multiprocessing.get_context("spawn")
    start = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker) as pool:
        list(pool.map(time.sleep, [0.05] * workers))  # every worker up
        startup = time.perf_counter() - start
        start = time.perf_counter()
        list(pool.map(_gemm_loop, [repeats // workers] * workers))
        parallel = time.perf_counter() - start
    return serial / parallel, startup


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
    with single_threaded_blas():  # as in a worker
        for cell in ("rnn", "lstm", "gru"):
            config = spec.base.replace(cell=cell)
            start = time.perf_counter()
            measure(config, spec.metrics)
            per_cell[cell] = time.perf_counter() - start
    print("one run (this process, 1 BLAS thread, rho = 1): " + ", ".join(f"{c} {1e3 * s:.0f} ms" for c, s in per_cell.items()))
    print("after: " + load_text())
    identical = csv_text[1] == csv_text[args.workers]
    print(f"results identical on 1 and {args.workers} workers: {identical}")
    ideal, startup = parallel_reference(args.workers)
    print(f"reference: a perfectly parallel GEMM loop gets {ideal:.2f}x on {args.workers} workers right now; "
          f"pool start-up {startup:.2f} s")
    speedup = timings[1] / timings[args.workers]
    print(f"speed-up on {args.workers} workers: {speedup:.2f}x (goal >= 1.8x on 2 workers), "
          f"{speedup / ideal:.0%} of the reference's")
    print(f"sweep_speedup={speedup:.2f} sweep_s={timings[args.workers]:.2f}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
