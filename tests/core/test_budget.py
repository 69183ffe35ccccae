"""Memory estimates against measured allocations, and the budget's verdicts."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from rnnviz.core import analysis
from rnnviz.core.analysis import ExperimentConfig, iter_map, run_fast
from rnnviz.core.budget import (DEFAULT_BUDGET_BYTES, admit, estimate, fitted_map_k, format_bytes,
                                parse_budget)

#: The estimate is an upper bound of the measured peak, and not more than this many times it.
UPPER_FACTOR = 4.0

# (configuration, measure the map too): tracemalloc makes the map ~10x slower, so the case whose
# Jacobian window is shorter than T (S = 512) measures stage one only.
CASES = [
    (dict(), True),                                                          # the explorer's default
    (dict(cell="rnn", hidden_size=128, seq_len=150), True),
    (dict(cell="gru", hidden_size=24, num_layers=3, bidirectional=True, seq_len=100, batch=3), True),
    (dict(cell="lstm-peephole", hidden_size=48, seq_len=250, loss_placement="last"), True),
    (dict(cell="rnn", hidden_size=300, seq_len=30, dtype="float32"), True),
    (dict(hidden_size=256, seq_len=200), False),                             # Jacobian window < T
    (dict(cell="rnn", hidden_size=32, seq_len=300, batch=4, aux_size=200,     # a wide aux input
          loss_placement="encoder-decoder"), True),
]


def _measured_peaks(config: ExperimentConfig, with_map: bool) -> tuple[int, int]:
    """tracemalloc peaks (bytes) of run_fast alone and of run_fast + the whole iter_map, in threads."""
    analysis._INIT_CACHE.clear()  # the initial weights are part of what a first run allocates
    analysis._aux_weights.cache_clear()
    tracemalloc.start()
    try:
        fast = run_fast(config, processes=False)
        fast_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        for _snapshot in iter_map(fast) if with_map else ():
            pass
        total_peak = max(fast_peak, tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()
    return fast_peak, total_peak


@pytest.mark.slow
@pytest.mark.parametrize("changes, with_map", CASES,
                         ids=[",".join(f"{k}={v}" for k, v in c.items()) or "default" for c, _ in CASES])
def test_the_estimate_bounds_the_measured_peak(changes, with_map):
    config = ExperimentConfig(**changes)
    fast_peak, total_peak = _measured_peaks(config, with_map)
    guess = estimate(config, processes=False)
    assert fast_peak <= guess.fast_bytes <= UPPER_FACTOR * fast_peak
    if with_map:
        assert total_peak <= guess.total_bytes() <= UPPER_FACTOR * total_peak


def test_nothing_is_allocated_for_an_estimate():
    tracemalloc.start()
    try:
        guess = estimate(ExperimentConfig(hidden_size=100_000, seq_len=20_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert guess.total_bytes() > 1e12 and peak < 5 << 20


def test_the_default_case_fits_and_keeps_the_whole_map():
    verdict = admit(ExperimentConfig())
    assert verdict.refusal is None and verdict.notice is None and verdict.map_max_k is None
    assert verdict.estimate.total_bytes() < 0.1 * DEFAULT_BUDGET_BYTES


@pytest.mark.parametrize("changes, largest", [
    (dict(hidden_size=100_000), "weights"),
    (dict(seq_len=20_000), "itemized matrix"),
    (dict(num_layers=8, bidirectional=True, hidden_size=512, seq_len=2000), "step Jacobians"),
])
def test_what_does_not_fit_is_refused_with_the_estimate(changes, largest):
    verdict = admit(ExperimentConfig(**changes))
    assert verdict.refusal is not None
    assert verdict.refusal.startswith("needs ~") and "(budget 2 GB)" in verdict.refusal
    assert largest in verdict.refusal


def test_a_map_that_does_not_fit_is_shortened_to_what_does():
    config = ExperimentConfig(seq_len=1000)
    whole = estimate(config)
    budget = (estimate(config, map_max_k=1).total_bytes() + whole.total_bytes()) // 2
    verdict = admit(config, budget)
    assert verdict.refusal is None and 1 <= verdict.map_max_k < whole.map_max_k
    assert verdict.estimate.total_bytes() <= budget
    assert estimate(config, map_max_k=verdict.map_max_k + 1).total_bytes() > budget
    assert f"k ≤ {verdict.map_max_k}" in verdict.notice
    # a budget below even the shortest map: the first stage runs, without a map
    tight = admit(config, estimate(config, map_max_k=1).total_bytes() - 1)
    assert tight.refusal is None and tight.map_max_k == 0 and "no (t, k) map" in tight.notice
    assert fitted_map_k(config, whole.total_bytes()) == whole.map_max_k


def test_iter_map_leaves_out_the_distances_beyond_its_limit():
    fast = run_fast(ExperimentConfig(hidden_size=16, seq_len=30), processes=False)
    *_, last = iter_map(fast, max_k=5)
    assert last.complete and last.max_k == 5
    spectral = np.asarray(last.log10_spectral)
    assert np.isfinite(spectral[:20, :5]).all() and np.isnan(spectral[:, 5:]).all()


def test_budget_text():
    assert parse_budget("2") == 2 * 1024**3 == parse_budget("2GB") == parse_budget(" 2 g ")
    assert parse_budget("512MB") == 512 * 1024**2
    for bad in ("", "abc", "-1", "0", "inf", "nan"):
        with pytest.raises(ValueError):
            parse_budget(bad)
    assert format_bytes(3 * 1024**3) == "3.0 GB" and format_bytes(20 * 1024**2) == "20 MB"
    # a small part says how small, not "0 MB"
    assert format_bytes(300 * 1024) == "300 kB" and format_bytes(10) == "1 kB" and format_bytes(0.6 * 1024**2) == "1 MB"


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "gru-cho", "lstm-cifg"])
@pytest.mark.parametrize("layers, bidirectional", [(1, False), (2, True)])
def test_the_bptt_part_bounds_the_backward_sweep(cell, layers, bidirectional):
    """The backward sweep alone, measured: the fused GRU's two (T, B, 3H) pre-activation gradients
    (and the fused LSTM's (T, B, 4H) one) are counted, so BPTT's part bounds its peak."""
    from rnnviz.core.bptt import backward
    from rnnviz.core.sequence import forward

    config = ExperimentConfig(cell=cell, hidden_size=64, seq_len=400, batch=4, num_layers=layers,
                              bidirectional=bidirectional)
    params, _ = analysis._initial_params(config)
    net, params, x, _targets = analysis.build(config, params, None)
    trace = forward(params, net, x)
    d_output = np.ones_like(trace.output)
    tracemalloc.start()
    try:
        backward(params, net, trace, d_output)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    part = estimate(config).fast_parts["BPTT"]
    assert peak <= part <= 3 * peak
