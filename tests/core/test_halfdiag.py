"""Half-diagonal step Jacobians (rnnviz.core.halfdiag): which are, and products equal to the dense ones."""

import numpy as np
import pytest

from rnnviz.core import analysis, curve, jacobian, normmap
from rnnviz.core.analysis import ExperimentConfig, build
from rnnviz.core.bptt import readout_loss
from rnnviz.core.halfdiag import half_diagonal, half_diagonal_steps, rows_times, times_transpose
from rnnviz.core.jacobian import step_jacobians
from rnnviz.core.products import anchor_curve, norm_map
from rnnviz.core.reference import anchor_curve as reference_curve
from rnnviz.core.reference import norm_map as reference_map
from rnnviz.core.sequence import forward


def jacobians(**changes):
    config = ExperimentConfig(seq_len=40, hidden_size=12, **changes)
    net, params, x, _ = build(config)
    return step_jacobians(params, net, forward(params, net, x))


@pytest.mark.parametrize("cell", ["lstm", "lstm-peephole", "lstm-cifg"])
def test_one_layer_lstm_jacobians_are_half_diagonal(cell):
    J = jacobians(cell=cell)
    assert half_diagonal_steps(J).all()
    H = J.shape[1] // 2
    d = half_diagonal(J[3])
    rebuilt = J[3].copy()
    rebuilt[:, H:] = 0.0
    rebuilt[np.arange(2 * H), H + np.arange(2 * H) % H] = d
    np.testing.assert_array_equal(rebuilt, J[3])


@pytest.mark.parametrize("changes", [dict(cell="gru"), dict(cell="rnn"), dict(num_layers=2)])
def test_other_jacobians_are_not(changes):
    J = jacobians(**changes)
    assert not half_diagonal_steps(J).any()
    assert half_diagonal(J[0]) is None


def test_one_stray_entry_is_seen():
    J = jacobians()
    H = J.shape[1] // 2
    J[5, 0, H + 1] = 1e-300       # off the diagonal of the right half
    J[9, 2 * H - 1, H] = -2.0
    flags = half_diagonal_steps(J)
    assert not flags[5] and not flags[9] and flags[np.r_[0:5, 6:9, 10:40]].all()
    assert half_diagonal_steps(np.zeros((2, 5, 5))).tolist() == [False, False]   # odd size


def test_products_equal_the_dense_ones():
    rng = np.random.default_rng(3)
    J = jacobians()[7]
    d = half_diagonal(J)
    X = rng.standard_normal((50, J.shape[0]))
    out = np.empty_like(X)
    times_transpose(X, J, d, out)
    np.testing.assert_allclose(out, X @ J.T, rtol=0, atol=1e-14 * np.abs(X @ J.T).max())


def test_rows_times_equals_the_dense_product():
    rng = np.random.default_rng(4)
    J = jacobians(cell="lstm-peephole")[11]
    d = half_diagonal(J)
    G = rng.standard_normal((30, J.shape[0]))
    out = np.full_like(G, np.nan)
    assert rows_times(G, J, d, out) is out
    np.testing.assert_allclose(out, G @ J, rtol=0, atol=1e-14 * np.abs(G @ J).max())
    assert not np.array_equal(out[:, J.shape[0] // 2:], 0.0)


def dense_only(monkeypatch):
    """Every engine module on its dense GEMMs (the reference for the half-diagonal path)."""
    monkeypatch.setattr(curve, "half_diagonal_steps", lambda J: np.zeros(J.shape[0], dtype=bool))
    monkeypatch.setattr(normmap, "half_diagonal", lambda Js: None)


def test_curve_and_map_agree_with_dense_and_reference(monkeypatch):
    J = jacobians(radius=1.3)
    fast = (anchor_curve(J, 2, tol=1e-12, processes=False), norm_map(J, processes=False, tol=1e-12))
    dense_only(monkeypatch)
    dense = (anchor_curve(J, 2, tol=1e-12, processes=False), norm_map(J, processes=False, tol=1e-12))
    for a, b in ((fast[0].log10_spectral, dense[0].log10_spectral),
                 (fast[0].log10_frobenius, dense[0].log10_frobenius),
                 (fast[1].log10_spectral, dense[1].log10_spectral),
                 (fast[1].log10_frobenius, dense[1].log10_frobenius)):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    ref = reference_curve(J, 2)
    np.testing.assert_allclose(fast[0].log10_spectral, ref["log10_spectral"], rtol=0, atol=1e-9)
    ref_map = reference_map(J)
    np.testing.assert_allclose(fast[1].log10_frobenius, ref_map["log10_frobenius"], rtol=0, atol=1e-12)


@pytest.mark.parametrize("changes", [
    dict(cell="lstm"), dict(cell="lstm-peephole"), dict(cell="lstm-cifg"),
    dict(cell="lstm", bidirectional=True), dict(cell="lstm-peephole", bidirectional=True),
    dict(cell="lstm", num_layers=2), dict(cell="lstm-cifg", num_layers=3, bidirectional=True),
    dict(cell="gru"), dict(cell="gru-cho"), dict(cell="rnn"), dict(cell="rnn", num_layers=2)])
def test_the_shapes_half_diagonal_by_construction_are_those_the_scan_finds(changes):
    """jacobian.half_diagonal_by_construction spares run_fast the scan: where it says so, every
    step of every direction is half-diagonal; where it does not, none is (random weights)."""
    config = ExperimentConfig(seq_len=30, hidden_size=10, **changes)
    net, params, x, _ = build(config)
    trace = forward(params, net, x)
    claimed = jacobian.half_diagonal_by_construction(net)
    for direction in range(net.num_directions):
        flags = half_diagonal_steps(step_jacobians(params, net, trace, direction=direction))
        assert flags.all() if claimed else not flags.any(), (changes, direction)
    assert claimed == (net.num_layers == 1 and net.is_lstm)


@pytest.mark.parametrize("cell, scans", [("lstm", []), ("gru", [(40, 12, 12)])])
def test_run_fast_finds_the_half_diagonal_steps_once(monkeypatch, cell, scans):
    """run_fast finds the flags once (a one-layer LSTM's by construction, without a scan) and hands
    them to the anchor curve and the itemized matrix; their numbers are those of the engine
    scanning the stack itself."""
    config = ExperimentConfig(seq_len=40, hidden_size=12, truncate=9, anchor=3, cell=cell)
    calls = []
    real = half_diagonal_steps

    def counted(J):
        calls.append(J.shape)
        return real(J)

    for module in (analysis, curve, jacobian):
        monkeypatch.setattr(module, "half_diagonal_steps", counted)
    fast = analysis.run_fast(config, processes=False)
    assert calls == scans
    monkeypatch.undo()
    J, net = fast.jacobians, fast.net
    blocks = analysis.curve_blocks(net, jacobian.state_blocks(net))
    alone = anchor_curve(J, 3, blocks=blocks, processes=False)
    np.testing.assert_array_equal(fast.curve["log10_spectral"], alone.log10_spectral)
    trace = forward(fast.params, net, build(config)[2])
    _, d_out, _ = readout_loss(fast.params, trace.output, build(config)[3], fast.loss_steps)
    if not net.is_lstm:
        item = jacobian.itemized_from_jacobians(J, d_out[:, 0, :12], fast.loss_steps, 9)
        np.testing.assert_array_equal(fast.itemized, item)
        return
    np.testing.assert_array_equal(fast.curve["cell_spectral"], alone.blocks["cell"][0])
    kappa = analysis._top_output_slope(net, trace)
    item, item_cell = jacobian.itemized_from_jacobians(J, d_out[:, 0, :12], fast.loss_steps, 9, kappa=kappa)
    np.testing.assert_array_equal(fast.itemized, item)
    np.testing.assert_array_equal(fast.itemized_cell, item_cell)
