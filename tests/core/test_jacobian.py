"""Closed-form step Jacobians against finite differences, and the analytic linear-orthogonal case."""
import itertools

import numpy as np
import pytest

from rnnviz.core.cells import Activation, make_cell
from rnnviz.core.config import ACTIVATIONS, CELLS, NetConfig
from rnnviz.core.jacobian import gate_statistics, highway_log10, state_blocks, step_jacobians
from rnnviz.core.params import init_params, suffix
from rnnviz.core.sequence import forward, layer_weights

T, B = 4, 2


def _one_step(p, net, x, trace, d, t, svec):
    """s_t as a function of s_{t-1} (this direction, all layers), other direction held fixed."""
    cell, act = make_cell(net.cell), Activation(net.activation, net.leaky_slope)
    H, Sl = net.hidden_size, net.layer_state_size
    out, below = [], None
    for layer in range(net.num_layers):
        w = layer_weights(p, net, layer, d)
        if layer == 0:
            inp = x[t - 1, 1]
        else:
            other = trace.layers[layer - 1][1 - d].outputs["h"][t - 1, 1] if net.bidirectional else None
            parts = [below, other] if d == 0 else [other, below]
            inp = np.concatenate([q for q in parts if q is not None])
        xp = inp @ w.w_ih.T + p["bias_ih" + suffix(layer, d)]
        st = tuple(svec[layer * Sl + i * H: layer * Sl + (i + 1) * H][None]
                   for i in range(len(net.state_names)))
        st, _ = cell.step(w, act, xp[None], st)
        below = st[0][0]
        out.extend(s[0] for s in st)
    return np.concatenate(out)


@pytest.mark.parametrize("cell,activation,layers,bidirectional",
                         list(itertools.product(CELLS, ACTIVATIONS, [1, 2], [False, True])))
def test_step_jacobians_match_finite_differences(cell, activation, layers, bidirectional):
    net = NetConfig(cell=cell, activation=activation, input_size=2, hidden_size=3, num_layers=layers,
                    bidirectional=bidirectional)
    p = init_params(net, "gaussian", scale=0.8, seed=1)
    rng = np.random.default_rng(0)
    for k in p:
        if k.startswith(("bias", "weight_c")):
            p[k] = rng.normal(0, 0.5, p[k].shape)
    x = rng.normal(size=(T, B, 2))
    # nonzero initial states keep relu cells away from the kink at exactly 0
    h0 = {n: rng.normal(0, 0.5, (layers * net.num_directions, B, 3)) for n in net.state_names}
    tr = forward(p, net, x, h0=h0)
    for d in range(net.num_directions):
        J = step_jacobians(p, net, tr, batch_index=1, direction=d)
        assert J.shape == (T, net.state_size, net.state_size)
        for i in range(T):
            t = i + 1 if d == 0 else T - i          # forward time of the i-th processed step
            prev = t - 1 if d == 0 else t + 1

            def state_at(time):
                parts = []
                for layer in range(layers):
                    lt = tr.layers[layer][d]
                    for n in net.state_names:
                        initial = (d == 0 and time == 0) or (d == 1 and time == T + 1)
                        parts.append(lt.initial[n][1] if initial else lt.outputs[n][time - 1][1])
                return np.concatenate(parts)

            s_prev = state_at(prev)
            eps = 1e-6
            num = np.stack([(_one_step(p, net, x, tr, d, t, s_prev + eps * e)
                             - _one_step(p, net, x, tr, d, t, s_prev - eps * e)) / (2 * eps)
                            for e in np.eye(s_prev.size)], axis=1)
            np.testing.assert_allclose(_one_step(p, net, x, tr, d, t, s_prev), state_at(t), atol=1e-12)
            np.testing.assert_allclose(J[i], num, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("rho", [0.5, 0.9, 1.0, 1.3])
def test_linear_orthogonal_rnn_has_norm_rho_to_the_k(rho):
    net = NetConfig(cell="rnn", activation="linear", input_size=3, hidden_size=16)
    p = init_params(net, "orthogonal", seed=5, radius=rho)
    x = np.random.default_rng(0).normal(size=(30, 1, 3))
    J = step_jacobians(p, net, forward(p, net, x))
    P = np.eye(16)
    for k in range(1, 31):
        P = J[k - 1] @ P
        assert np.linalg.norm(P, 2) == pytest.approx(rho ** k, rel=1e-9)
        assert np.linalg.norm(P, "fro") == pytest.approx(4 * rho ** k, rel=1e-9)  # sqrt(16) rho^k


def test_state_blocks_and_highway():
    net = NetConfig(cell="lstm", input_size=2, hidden_size=5, num_layers=2)
    blocks = state_blocks(net)
    assert blocks == {"h_l0": slice(0, 5), "c_l0": slice(5, 10), "h_l1": slice(10, 15),
                      "c_l1": slice(15, 20)}
    p = init_params(net, seed=0, forget_bias=2.0)
    tr = forward(p, net, np.random.default_rng(0).normal(size=(10, 1, 2)))
    hw = highway_log10(tr, t0=3)
    f = tr.layers[0][0].cache["f"][3:, 0]
    expected = np.log10(np.cumprod(f, axis=0)).max(axis=1)
    np.testing.assert_allclose(hw, expected)
    # with the recurrent weights cut, the c->c block of the product is exactly the highway
    p["weight_hh_l0"][:] = 0
    tr = forward(p, net, np.random.default_rng(0).normal(size=(10, 1, 2)))
    f = tr.layers[0][0].cache["f"][3:, 0]
    J = step_jacobians(p, net, tr)
    P = np.eye(20)
    for k in range(1, 4):
        P = J[2 + k] @ P
        np.testing.assert_allclose(np.diag(P[5:10, 5:10]), np.prod(f[:k], axis=0))


def test_gate_statistics():
    net = NetConfig(cell="gru", input_size=2, hidden_size=4)
    p = init_params(net, seed=0)
    tr = forward(p, net, np.random.default_rng(0).normal(size=(6, 3, 2)) * 20)
    means, sat = gate_statistics(tr)
    assert set(means) == {"r", "z", "n"} and set(sat) == {"r", "z"}
    z = tr.layers[0][0].cache["z"]
    np.testing.assert_allclose(means["z"], z.mean(axis=(1, 2)))
    np.testing.assert_allclose(sat["z"], ((z < 0.1) | (z > 0.9)).mean(axis=(1, 2)))
