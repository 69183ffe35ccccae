"""The (t0, k) map on worker processes: same numbers as in threads, progress, cancel, fallback;
the pool and its shared files."""

import os
from pathlib import Path

import numpy as np
import pytest

from rnnviz.core.normmap import make_engine
from rnnviz.core.options import DEFAULT_OPTIONS, EngineOptions
from rnnviz.core.parallel import schedule
from rnnviz.core.parallel import pool as process_pool
from rnnviz.core.parallel.map_processes import SharedRun, share_rows, want_processes
from rnnviz.core.products import Cancelled, iter_norm_map, norm_map, prepare_map_workers


def lstm_like_stack(T, S, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T, S, S)) / np.sqrt(S)


def leftover_runs() -> set[str]:
    """This process's shared folders (other processes on the machine may have their own)."""
    mine = f"{process_pool.RUN_PREFIX}{os.getpid()}-*"
    return {p.name for d in process_pool.shared_dirs() for p in Path(d).glob(mine)}


@pytest.fixture(scope="module")
def pool():
    if not process_pool.wait_ready(2):
        pytest.fail("worker processes could not be started on this machine")
    return process_pool.get_pool(2)


@pytest.fixture
def in_processes(pool, monkeypatch):
    """Two workers by default (the suite runs with one BLAS thread, which would mean one worker
    and no processes); returns the list of process runs started."""
    monkeypatch.setattr(schedule, "configured_threads", lambda: 2)
    runs = []
    real = schedule.process_steps

    def counting(engine, workers, interval, should_stop, options):
        runs.append(workers)
        return real(engine, workers, interval, should_stop, options)

    monkeypatch.setattr(schedule, "process_steps", counting)
    return runs


@pytest.mark.parametrize("dtype, multi_from", [(np.float64, 256), (np.float64, 1),
                                               (np.float32, 1)])
def test_processes_give_the_threaded_engines_numbers_bit_for_bit(in_processes, dtype,
                                                                 multi_from):
    # multi_from 1: whole chunks take a block of steps in one GEMM (by default from S = 256);
    # the workers follow the parent's choice and its grid of blocks.
    options = EngineOptions(multi_step_min_s=multi_from)
    J = lstm_like_stack(30, 8, seed=1).astype(dtype)
    blocks = {"hidden": slice(0, 4), "cell": slice(4, 8)}
    before = leftover_runs()
    for kwargs in ({}, {"starts": [0, 3, 4, 9, 17, 20, 21, 29], "max_k": 7}):
        threads = norm_map(J, blocks=blocks, chunk_blocks=3, processes=False, options=options,
                           **kwargs)
        procs = norm_map(J, blocks=blocks, chunk_blocks=3, processes=True, options=options,
                         **kwargs)
        for a, b in [(threads.log10_spectral, procs.log10_spectral),
                     (threads.log10_frobenius, procs.log10_frobenius)] + [
                (threads.blocks[n][i], procs.blocks[n][i]) for n in blocks for i in (0, 1)]:
            np.testing.assert_array_equal(a, b)
        assert np.isfinite(procs.log10_spectral).sum() == np.isfinite(threads.log10_spectral).sum() > 0
    assert in_processes == [2, 2]
    assert leftover_runs() == before  # the shared files are removed


def test_progressive_snapshots_from_processes_end_with_the_full_map(in_processes):
    J = lstm_like_stack(60, 24, seed=2)
    snaps = list(iter_norm_map(J, chunk_blocks=4, interval=0.0, processes=True,
                               options=EngineOptions(publish_s=0.0)))
    assert snaps[-1].complete and all(not s.complete for s in snaps[:-1])
    steps = [s.steps_done for s in snaps]
    assert steps == sorted(steps)
    for s in snaps[:-1]:
        # Every product that ends at a step the snapshot claims is there.
        rows, cols = np.nonzero(~np.isnan(norm_map(J, processes=False).log10_frobenius))
        ends = s.starts[rows] + cols + 1
        covered = ~np.isnan(s.log10_frobenius[rows, cols])
        assert covered[ends <= s.steps_done].all()
    final = norm_map(J, chunk_blocks=4, processes=False)
    np.testing.assert_array_equal(snaps[-1].log10_spectral, final.log10_spectral)
    assert in_processes == [2] and len(snaps) > 1


def test_cancel_stops_the_workers_and_removes_the_files(in_processes):
    J = lstm_like_stack(120, 48, seed=3)
    before = leftover_runs()
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        norm_map(J, chunk_blocks=2, processes=True, should_stop=should_stop)
    assert leftover_runs() == before
    # The pool is still usable afterwards.
    small = lstm_like_stack(12, 5, seed=4)
    np.testing.assert_array_equal(norm_map(small, chunk_blocks=2, processes=True).log10_spectral,
                                  norm_map(small, chunk_blocks=2, processes=False).log10_spectral)
    assert in_processes == [2, 2]


def test_rows_are_shared_as_whole_chunks_with_balanced_work():
    T, cap = 100, 8
    starts = np.arange(T)
    shares = share_rows(starts, T, T, cap, 2)
    assert sorted(np.concatenate(shares).tolist()) == list(range(T))
    for share in shares:
        chunks = {int(r) // cap for r in share}
        assert sum(min(cap, T - c * cap) for c in chunks) == len(share)  # whole chunks only
    work = [int(np.minimum(T, T - starts[s]).sum()) for s in shares]
    assert abs(work[0] - work[1]) <= cap * T  # within one chunk's work
    assert abs(work[0] - work[1]) / sum(work) < 0.1


def test_small_maps_stay_in_threads_and_large_ones_wait_for_the_pool(monkeypatch):
    used = []
    monkeypatch.setattr(process_pool, "wait_ready",
                        lambda n, timeout=30.0: used.append("wait") or True)
    monkeypatch.setattr(process_pool, "ready", lambda n: False)
    monkeypatch.setattr(process_pool, "get_pool", lambda n: used.append("start") or None)

    def engine(T, S):
        return make_engine(np.zeros((T, S, S)), None, None, None, 1e-4, 100, 2, 8)

    assert not want_processes(engine(10, 4), 2, None)  # tiny: no pool at all
    assert used == []
    mid = engine(100, 128)  # ~21 GFLOP: runs in threads now, starts the pool for the next map
    assert not want_processes(mid, 2, None) and used == ["start"]
    big = engine(256, 256)
    assert want_processes(big, 2, None) and used[-1] == "wait"
    assert not want_processes(big, 1, None)  # one worker: nothing to share
    assert not want_processes(big, 2, False)
    monkeypatch.setattr(process_pool, "ready", lambda n: True)
    assert want_processes(mid, 2, None)


def test_a_broken_pool_falls_back_to_threads_with_the_same_numbers(monkeypatch):
    discarded = []

    def broken(*args, **kwargs):
        raise process_pool.BrokenProcessPool("worker died")
        yield  # pragma: no cover - a generator

    monkeypatch.setattr(schedule, "want_processes", lambda *a: True)
    monkeypatch.setattr(schedule, "process_steps", broken)
    monkeypatch.setattr(process_pool, "discard_pool", discarded.append)
    J = lstm_like_stack(20, 6, seed=5)
    result = norm_map(J, chunk_blocks=2)
    assert discarded == ["worker died"]
    np.testing.assert_array_equal(result.log10_spectral,
                                  norm_map(J, chunk_blocks=2, processes=False).log10_spectral)


def _pool_inside_a_worker():
    return process_pool.get_pool(2) is None and not process_pool.wait_ready(2)


def test_a_worker_process_does_not_start_a_pool_of_its_own(pool):
    assert pool.submit(_pool_inside_a_worker).result(timeout=60) is True


def test_files_of_a_killed_run_are_removed_and_live_ones_kept(tmp_path):
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(gone.stdout)
    dead = tmp_path / f"{process_pool.RUN_PREFIX}{dead_pid}-abc"
    live = tmp_path / f"{process_pool.RUN_PREFIX}{os.getppid()}-def"
    other = tmp_path / "rnnviz-map-notapid"
    for d in (dead, live, other):
        d.mkdir()
        (d / "J.npy").write_bytes(b"x")
    removed = process_pool.remove_orphaned_runs(str(tmp_path))
    assert removed == [str(dead)]
    assert not dead.exists() and live.exists() and other.exists()


def test_a_worker_ends_when_its_parent_is_killed(tmp_path):
    import subprocess
    import sys
    import time

    script = (
        "import sys; sys.path.insert(0, %r)\n"
        "from rnnviz.core.parallel import pool\n"
        "if __name__ == '__main__':\n"
        "    assert pool.wait_ready(2)\n"
        "    import multiprocessing\n"
        "    print(' '.join(str(p.pid) for p in multiprocessing.active_children()), flush=True)\n"
        "    import time; time.sleep(60)\n"
    ) % str(Path(__file__).resolve().parents[3])
    path = tmp_path / "parent.py"
    path.write_text(script)
    proc = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) >= 2
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    deadline = time.monotonic() + 20
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in pids if Path(f"/proc/{p}").exists()
                 and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]]
    assert alive == [], f"orphaned workers still running: {alive}"


def test_at_most_a_few_processes_unless_asked_for(monkeypatch):
    asked = []
    monkeypatch.setattr(schedule, "configured_threads", lambda: 16)
    monkeypatch.setattr(schedule, "want_processes",
                        lambda engine, n, p, options: asked.append(n) or False)
    J = lstm_like_stack(12, 5, seed=6)
    norm_map(J)
    norm_map(J, workers=6)
    norm_map(J, options=EngineOptions(max_processes=3))
    assert asked == [DEFAULT_OPTIONS.max_processes, 6, 3]


def test_prepare_starts_the_pool_that_maps_use(monkeypatch):
    started = []
    monkeypatch.setattr(process_pool, "get_pool", lambda n: started.append(n) or object())
    monkeypatch.setattr(schedule, "configured_threads", lambda: 8)
    most = DEFAULT_OPTIONS.max_processes
    assert prepare_map_workers() is True and started == [most]
    monkeypatch.setattr(schedule, "configured_threads", lambda: 1)
    assert prepare_map_workers() is False and started == [most]


def test_too_little_space_for_the_shared_files_means_threads(in_processes, monkeypatch):
    import collections
    import shutil as shutil_module

    Usage = collections.namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil_module, "disk_usage", lambda path: Usage(1 << 30, 1 << 30, 1 << 20))
    before = leftover_runs()
    J = lstm_like_stack(30, 8, seed=7)
    result = norm_map(J, chunk_blocks=3, processes=True)  # falls back, same numbers
    np.testing.assert_array_equal(result.log10_spectral,
                                  norm_map(J, chunk_blocks=3, processes=False).log10_spectral)
    assert leftover_runs() == before and in_processes == [2]  # tried, then threads
    with pytest.raises(OSError, match="MB free in"):
        SharedRun(J, np.arange(30), 30, [], 2)


def test_large_jacobian_stacks_stay_in_threads(monkeypatch):
    monkeypatch.setattr(process_pool, "ready", lambda n: True)
    engine = make_engine(np.zeros((100, 128, 128)), None, None, None, 1e-4, 100, 2, 8)
    assert want_processes(engine, 2, None)
    smaller = EngineOptions(process_max_bytes=engine.J.nbytes - 1)
    assert not want_processes(engine, 2, None, smaller)


def test_a_script_without_a_main_guard_runs_once(run_unguarded_script):
    """Spawned workers must not run the user's script again (it has no __main__ guard)."""
    out = run_unguarded_script(
        "import numpy as np\n"
        "from rnnviz.core.parallel import pool\n"
        "from rnnviz.core.products import norm_map\n"
        "J = np.random.default_rng(0).standard_normal((30, 8, 8)) / 3\n"
        "a = norm_map(J, chunk_blocks=3, processes=True, workers=2)\n"
        "b = norm_map(J, chunk_blocks=3, processes=False)\n"
        "assert pool.ready(2)\n"
        "assert np.array_equal(a.log10_spectral, b.log10_spectral, equal_nan=True)\n"
        "print('ok', pool.__name__)\n", timeout=120)
    assert out == "ok rnnviz.core.parallel.pool"
