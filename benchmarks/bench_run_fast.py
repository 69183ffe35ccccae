"""The explorer's worker alone: ``run_fast`` on the default configuration, stage by stage.

For ``--changes`` changes of the spectral radius (as the explorer's ρ spin box makes them), with
the map's worker processes up as in the window (one of them measures the anchor curve's norms
while BPTT runs): the median moment each stage of ``FastResult.stage_ends`` ended (ms after the
start) and the median CPU time of the calling thread (``time.thread_time()``: it hardly grows when
other processes share the cores; the worker process's share is not in it).

``--map complete`` computes the (t, k) map after each change as the explorer does (the worker
processes measure it), ``--map dragged`` stops each map at its first snapshot, as a dragged slider
does (the next change then finds the processes finishing their chunks).

``--against REV`` measures a second tree in the same process, alternating change by change
(A B B A ...), so that both see the same load: the git revision is exported (``git archive``) to
a temporary folder and imported as a package of another name. Then each line gives both medians
and the median of the paired ratios (this tree / REV).

Last line: ``run_fast_done_ms=<a> run_fast_thread_cpu_ms=<b>`` (with ``--against``, also
``ratio_done=<c> ratio_cpu=<d>``).

Run: ``.venv/bin/python benchmarks/bench_run_fast.py [--changes N] [--against REV] [--map M]``.
"""

from __future__ import annotations

import argparse
import importlib
import io
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _common import blas_info  # noqa: E402

OTHER = "rnnviz_against"


def export_tree(rev: str, folder: Path) -> None:
    """``rnnviz/`` of git revision ``rev`` as package :data:`OTHER` in ``folder`` (its absolute
    imports of rnnviz renamed, so that both trees can be imported side by side)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "rnnviz"], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # (the "data" filter where this Python has it: 3.11.4 and later)
        tar.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    (folder / "rnnviz").rename(folder / OTHER)
    name = re.compile(r"\brnnviz(?=\.|\s+import\b)")
    for path in (folder / OTHER).rglob("*.py"):
        path.write_text(name.sub(OTHER, path.read_text(encoding="utf-8")), encoding="utf-8")


def start_pool(package: str) -> None:
    schedule = importlib.import_module(f"{package}.core.parallel.schedule")
    pool = importlib.import_module(f"{package}.core.parallel.pool")
    schedule.prepare_map_workers()
    pool.wait_ready(2)


def one_change(analysis, radius: float, then_map: str) -> tuple[dict, float]:
    config = analysis.ExperimentConfig(radius=radius)
    cpu = time.thread_time()
    result = analysis.run_fast(config)
    cpu = (time.thread_time() - cpu) * 1e3
    start = result.stage_ends["start"]
    if then_map == "complete":  # as the explorer: the (t, k) map follows (the pool's processes)
        for _ in analysis.iter_map(result):
            pass
    elif then_map == "dragged":  # a slider dragged on: the map is stopped at its first snapshot
        snapshots = []
        try:
            for snapshot in analysis.iter_map(result, should_stop=lambda: bool(snapshots)):
                snapshots.append(snapshot)
        except analysis.Cancelled:
            pass
    return {stage: (t - start) * 1e3 for stage, t in result.stage_ends.items()}, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=50, help="changes of ρ measured (after 5 unmeasured)")
    parser.add_argument("--against", metavar="REV", help="a git revision to measure beside this tree")
    parser.add_argument("--map", choices=("none", "complete", "dragged"), default="none",
                        help="after each change: no map (default), the whole (t, k) map as the "
                             "explorer computes it, or a map stopped at its first snapshot (the "
                             "next change then finds the worker processes still stopping)")
    args = parser.parse_args(argv)
    print(blas_info())
    trees = {"this tree": "rnnviz"}
    with tempfile.TemporaryDirectory(prefix="rnnviz-bench-") as folder:
        if args.against:
            export_tree(args.against, Path(folder))
            sys.path.insert(0, folder)
            trees[args.against] = OTHER
        modules = {}
        for label, package in trees.items():
            start_pool(package)
            modules[label] = importlib.import_module(f"{package}.core.analysis")
        ends = {label: {} for label in trees}
        cpus = {label: [] for label in trees}
        order = list(trees)
        for i in range(args.changes + 5):
            radius = 0.9 + 0.01 * (i % 20)
            for label in (order if i % 2 == 0 else order[::-1]):
                stages, cpu = one_change(modules[label], radius, args.map)
                if i >= 5:
                    cpus[label].append(cpu)
                    for stage, ms in stages.items():
                        ends[label].setdefault(stage, []).append(ms)
    print(f"run_fast(ExperimentConfig(radius=...)), {args.changes} changes, map after each: "
          f"{args.map}; medians, ms after the start:")
    mine = ends["this tree"]
    for stage in sorted(mine, key=lambda name: statistics.median(mine[name])):
        line = f"  {stage:26s} {statistics.median(mine[stage]):7.1f}"
        if args.against and stage in ends[args.against]:
            other = ends[args.against][stage]
            paired = [a / b for a, b in zip(mine[stage], other) if b > 0]
            line += f"   {args.against}: {statistics.median(other):7.1f}"
            if paired:
                line += f"   paired ratio {statistics.median(paired):.3f}"
        print(line)
    cpu = statistics.median(cpus["this tree"])
    line = f"  {'thread CPU':26s} {cpu:7.1f}"
    last = f"run_fast_done_ms={statistics.median(mine['done']):.1f} run_fast_thread_cpu_ms={cpu:.1f}"
    if args.against:
        other_cpu = statistics.median(cpus[args.against])
        done = statistics.median([a / b for a, b in zip(mine["done"], ends[args.against]["done"])])
        line += f"   {args.against}: {other_cpu:7.1f}   ratio {cpu / other_cpu:.3f}"
        last += f" ratio_done={done:.3f} ratio_cpu={cpu / other_cpu:.3f}"
    print(line)
    print(last)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
