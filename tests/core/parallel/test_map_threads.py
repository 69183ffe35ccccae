"""The map on threads: when snapshots come."""

from rnnviz.core.normmap import MapEngine
from rnnviz.core.parallel import map_threads
from rnnviz.core.parallel.map_threads import run_steps


def test_no_snapshot_comes_just_before_the_end(monkeypatch):
    """A snapshot is skipped when the rest of the map, at the rate so far, takes < interval/2."""
    clock = [0.0]
    monkeypatch.setattr(map_threads.time, "perf_counter", lambda: clock[0])

    class Engine:  # ten equal steps of 0.1 s each, in blocks of one
        first_step, last_step, total_work, work_done = 0, 9, 10, 0
        nearly_done = MapEngine.nearly_done

        def block_steps(self, e):
            return 1

        def steps(self, e, n, pool, workers, should_stop):
            clock[0] += 0.1 * n
            self.work_done += n

    # After 9 of 10 steps the last one is expected to take 0.1 s < 0.25/2: no snapshot at 9.
    assert list(run_steps(Engine(), None, 0.25, 1)) == [3, 6, 10]
    # A longer rest is not skipped: with interval 0.15 every ~2 steps come, up to 8 (rest 0.2 s).
    assert list(run_steps(Engine(), None, 0.15, 1)) == [2, 4, 6, 8, 10]
    # interval 0 keeps every step (a rest is never shorter than 0).
    assert list(run_steps(Engine(), None, 0.0, 1)) == list(range(1, 11))
