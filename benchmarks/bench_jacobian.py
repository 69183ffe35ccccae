"""Benchmark of the Jacobian-product engine (issue 2, section 6).

* The full (t0, k) norm map of an LSTM with hidden 128 (state S = 256 = [h; c]), T = 256, float64:
  achieved GFLOP/s, counting 2·S³ flops per product extension (T(T+1)/2 of them), against this
  machine's large-GEMM GFLOP/s measured in the same run.  Goal: ratio >= 0.6.
  The map runs as ``norm_map`` chooses (worker processes here); the threaded engine's figure
  is printed beside it.
* The default explorer case (LSTM hidden 64, T = 100): median times of stage (a) forward + BPTT +
  anchor curve + gate statistics (``rnnviz.core.analysis.run_fast``), goal <= 30 ms, and stage (b)
  the full (t0, k) map, goal <= 600 ms; and the anchor curve alone (``anchor_curve(J, 0)`` with
  the hidden and cell blocks: the largest part of stage (a), printed on its own).  Both run as in
  the explorer, with the map's worker processes up: stage (a) has a worker measure the curve's
  norms while it runs BPTT.  The figures with everything in one thread are printed beside them.

Last line: ``jacobian_map_ratio=<x> default_case_ms=<y> default_map_ms=<z>``.
Run: ``.venv/bin/python benchmarks/bench_jacobian.py [--repeats N] [--big-repeats N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import blas_info, gemm_gflops, median_ms  # noqa: E402

from rnnviz.core.parallel import pool  # noqa: E402
from rnnviz.core.parallel.schedule import process_count  # noqa: E402
from rnnviz.core.products import anchor_curve, norm_map  # noqa: E402


def lstm_jacobians(hidden: int, seq_len: int, dtype=np.float64) -> tuple[np.ndarray, str]:
    """Step Jacobians (T, 2H, 2H) of a real LSTM run, or random ones when the engine is missing."""
    try:
        from rnnviz.core.analysis import ExperimentConfig, run_fast

        config = ExperimentConfig(hidden_size=hidden, seq_len=seq_len, dtype=np.dtype(dtype).name)
        return np.ascontiguousarray(run_fast(config).jacobians), "LSTM (run_fast defaults)"
    except ImportError:
        pass
    try:
        from rnnviz.core.config import NetConfig
        from rnnviz.core.jacobian import step_jacobians
        from rnnviz.core.params import init_params
        from rnnviz.core.sequence import forward

        net = NetConfig(cell="lstm", hidden_size=hidden, input_size=8)
        params = init_params(net, "pytorch", seed=0, dtype=dtype)
        x = np.random.default_rng(0).standard_normal((seq_len, 1, 8)).astype(dtype)
        return step_jacobians(params, net, forward(params, net, x)), "LSTM (init_params pytorch)"
    except ImportError:
        S = 2 * hidden
        rng = np.random.default_rng(0)
        J = rng.standard_normal((seq_len, S, S)) / np.sqrt(S)  # spectral radius ~1
        return J.astype(dtype), "random (rnnviz.core cells not available)"


def map_gflops(J: np.ndarray, repeats: int, **options) -> tuple[float, float]:
    T, S = J.shape[0], J.shape[1]
    flops = 2.0 * S**3 * T * (T + 1) / 2
    ms = median_ms(lambda: norm_map(J, **options), repeats=repeats, warmup=0)
    return flops / (ms * 1e-3) / 1e9, ms


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="repeats of the default case")
    parser.add_argument("--big-repeats", type=int, default=3, help="repeats of the H=128 map")
    args = parser.parse_args(argv)

    print(blas_info())
    gemm = gemm_gflops(2048, repeats=5)
    print(f"large GEMM (2048^3, float64, median of 5): {gemm:.1f} GFLOP/s")

    J_big, source = lstm_jacobians(128, 256)
    print(f"map case: {source}, hidden 128, S = {J_big.shape[1]}, T = {J_big.shape[0]}, float64")
    rate, big_ms = map_gflops(J_big, args.big_repeats)
    # The same map without spectral norms: how close the product engine itself gets to GEMM speed.
    fro_rate, fro_ms = map_gflops(J_big, args.big_repeats, spectral=False)
    gemm_after = gemm_gflops(2048, repeats=5)
    gemm_ref = 0.5 * (gemm + gemm_after)  # the machine's rate around the map run
    ratio = rate / gemm_ref
    print(f"  full map: {big_ms:.0f} ms (median of {args.big_repeats}), {rate:.1f} GFLOP/s")
    print(f"  large GEMM after the map: {gemm_after:.1f} GFLOP/s; reference (mean) {gemm_ref:.1f}")
    print(f"  ratio map/GEMM = {ratio:.3f} (goal >= 0.6)")
    print(
        f"  Frobenius-only map: {fro_ms:.0f} ms, {fro_rate:.1f} GFLOP/s, "
        f"ratio {fro_rate / gemm_ref:.3f} (the rest is the spectral-norm iteration)"
    )
    workers = process_count(None)
    mode = f"{workers} worker processes" if pool.ready(workers) else "threads"
    thread_rate, thread_ms = map_gflops(J_big, 1, processes=False)
    print(f"  the engine ran on {mode}; in threads instead (1 run): {thread_ms:.0f} ms, "
          f"ratio {thread_rate / gemm_ref:.3f}")

    try:
        from rnnviz.core.analysis import ExperimentConfig, run_fast
    except ImportError:
        run_fast = None
    if run_fast is None:
        print("default case stage (a): skipped, rnnviz.core.analysis.run_fast is not available")
        case_ms = float("nan")
        J_def, source = lstm_jacobians(64, 100)
    else:
        # As in the explorer, whose window starts the map's worker processes: stage (a) hands
        # the anchor curve's norms to one of them while it runs BPTT.
        pool_up = workers >= 2 and pool.wait_ready(workers)
        config = ExperimentConfig()
        case_ms = median_ms(lambda: run_fast(config), repeats=args.repeats)
        J_def = np.ascontiguousarray(run_fast(config).jacobians)
        source = f"run_fast(ExperimentConfig()): {config.cell}, hidden {config.hidden_size}"
        print(f"default case: {source}, T = {config.seq_len}")
        where = "a worker process" if pool_up else "this thread (no worker processes here)"
        print(f"  stage (a) forward + BPTT + anchor curve + gates: {case_ms:.1f} ms (goal <= 30); "
              f"curve norms measured in {where}")
        here_ms = median_ms(lambda: run_fast(config, processes=False), repeats=args.repeats)
        print(f"  stage (a) with the curve's norms measured in this thread instead: {here_ms:.1f} ms")
    T, S = J_def.shape[0], J_def.shape[1]
    H = S // 2
    blocks = {"hidden": slice(0, H), "cell": slice(H, S)}
    curve_ms = median_ms(lambda: anchor_curve(J_def, 0, blocks=blocks), repeats=5 * args.repeats)
    curve_here_ms = median_ms(lambda: anchor_curve(J_def, 0, blocks=blocks, processes=False),
                              repeats=5 * args.repeats)
    print(f"  anchor curve t0 = 0 with hidden/cell blocks ({T} products): {curve_ms:.1f} ms; "
          f"all in this thread: {curve_here_ms:.1f} ms")
    start = time.perf_counter()
    map_ms = median_ms(lambda: norm_map(J_def), repeats=args.repeats)
    gflop = 2.0 * S**3 * T * (T + 1) / 2 / 1e9
    print(
        f"  stage (b) full map S = {S}, T = {T} ({gflop:.1f} GFLOP): {map_ms:.1f} ms "
        f"(goal <= 600), {gflop / (map_ms * 1e-3):.1f} GFLOP/s"
        f" [{time.perf_counter() - start:.1f} s total]"
    )
    thread_map_ms = median_ms(lambda: norm_map(J_def, processes=False), repeats=args.repeats)
    print(f"  the same map in threads instead of worker processes: {thread_map_ms:.1f} ms")
    print(f"anchor_curve_ms={curve_ms:.1f}")
    print(f"jacobian_map_ratio={ratio:.3f} default_case_ms={case_ms:.1f} default_map_ms={map_ms:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
