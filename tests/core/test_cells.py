"""Every cell's forward pass against its written equations, computed here independently."""
import numpy as np
import pytest

from rnnviz.core.cells import _row_mix
from rnnviz.core.config import ACTIVATIONS, CELLS, NetConfig
from rnnviz.core.params import init_params
from rnnviz.core.sequence import forward


def sig(a):
    return 1 / (1 + np.exp(-a))


PHI = {"tanh": np.tanh, "sigmoid": sig, "relu": lambda a: np.maximum(a, 0), "linear": lambda a: a,
       "leaky-relu": lambda a: np.where(a > 0, a, 0.01 * a)}


def reference_step(cell, phi, p, s, x, h, c):
    """One step written straight from the equations, one gate at a time."""
    H = h.shape[-1]
    Wi, Wh, bi, bh = (p[k + s] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def gate(k, inp=None):
        rows = slice(k * H, (k + 1) * H)
        return x @ Wi[rows].T + bi[rows] + (h if inp is None else inp) @ Wh[rows].T + bh[rows]

    if cell == "rnn":
        return phi(gate(0)), None
    if cell in ("lstm", "lstm-peephole"):
        pi, pf = (p["weight_ci" + s], p["weight_cf" + s]) if cell == "lstm-peephole" else (0, 0)
        i = sig(gate(0) + pi * c)
        f = sig(gate(1) + pf * c)
        g = phi(gate(2))
        c_new = f * c + i * g
        po = p["weight_co" + s] if cell == "lstm-peephole" else 0
        o = sig(gate(3) + po * c_new)
        return o * phi(c_new), c_new
    if cell == "lstm-cifg":
        i = sig(gate(0))
        g = phi(gate(1))
        c_new = (1 - i) * c + i * g
        o = sig(gate(2))
        return o * phi(c_new), c_new
    r, z = sig(gate(0)), sig(gate(1))
    rows = slice(2 * H, 3 * H)
    if cell == "gru":
        n = phi(x @ Wi[rows].T + bi[rows] + r * (h @ Wh[rows].T + bh[rows]))
    else:  # Cho et al. 2014: reset before the recurrent product
        n = phi(x @ Wi[rows].T + bi[rows] + (r * h) @ Wh[rows].T + bh[rows])
    return (1 - z) * n + z * h, None


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, True)])
def test_forward_matches_equations(cell, activation, layers, bidirectional):
    net = NetConfig(cell=cell, activation=activation, input_size=3, hidden_size=4,
                    num_layers=layers, bidirectional=bidirectional)
    p = init_params(net, "pytorch", seed=3)
    rng = np.random.default_rng(1)
    T, B = 5, 2
    x = rng.normal(size=(T, B, 3))
    LD = layers * net.num_directions
    h0 = {n: rng.normal(0, 0.5, (LD, B, 4)) for n in net.state_names}
    trace = forward(p, net, x, h0=h0)
    phi = PHI[activation]
    layer_in = x
    for layer in range(layers):
        outs = []
        for d in range(net.num_directions):
            s = f"_l{layer}" + ("_reverse" if d else "")
            row = layer * net.num_directions + d
            h = h0["h"][row]
            c = h0["c"][row] if "c" in h0 else None
            hs = np.zeros((T, B, 4))
            order = range(T - 1, -1, -1) if d else range(T)
            for t in order:
                h, c = reference_step(cell, phi, p, s, layer_in[t], h, c)
                hs[t] = h
            np.testing.assert_allclose(trace.layers[layer][d].outputs["h"], hs, rtol=1e-12, atol=1e-12)
            outs.append(hs)
        layer_in = np.concatenate(outs, axis=-1)
    np.testing.assert_allclose(trace.output, layer_in, rtol=1e-12, atol=1e-12)


def test_final_state_layout_is_pytorch_like():
    net = NetConfig(cell="lstm", input_size=2, hidden_size=3, num_layers=2, bidirectional=True)
    p = init_params(net, seed=0)
    x = np.random.default_rng(0).normal(size=(4, 5, 2))
    tr = forward(p, net, x)
    fs = tr.final_state
    assert fs["h"].shape == (4, 5, 3) and fs["c"].shape == (4, 5, 3)
    np.testing.assert_array_equal(fs["h"][0], tr.layers[0][0].outputs["h"][-1])
    np.testing.assert_array_equal(fs["h"][1], tr.layers[0][1].outputs["h"][0])  # reverse ends at t=1
    np.testing.assert_array_equal(fs["h"][3], tr.output[0, :, 3:])


def test_float32_stays_float32_and_close_to_float64():
    net = NetConfig(cell="gru", input_size=3, hidden_size=8)
    p64 = init_params(net, seed=1)
    p32 = init_params(net, seed=1, dtype=np.float32)
    x = np.random.default_rng(2).normal(size=(20, 2, 3))
    a, b = forward(p64, net, x), forward(p32, net, x)
    assert b.output.dtype == np.float32
    np.testing.assert_allclose(b.output, a.output, atol=1e-5)


def test_sigmoid_does_not_overflow_on_huge_preactivations():
    net = NetConfig(cell="lstm", input_size=1, hidden_size=2)
    p = init_params(net, seed=0)
    x = np.full((3, 1, 1), 1e6)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        tr = forward(p, net, x)
    assert np.all(np.isfinite(tr.output))


@pytest.mark.parametrize("lead", [(), (7,), (3, 2)])
def test_row_mix_into_a_strided_half_equals_the_fresh_product(lead):
    """_row_mix writing straight into the left half of Jacobians gives the numbers of its fresh
    product (one or many steps; deeper leading shapes go through a copy)."""
    rng = np.random.default_rng(8)
    H, K = 5, 4
    U = rng.standard_normal(lead + (2 * H, K))
    W = rng.standard_normal((K * H, H))
    fresh = _row_mix(U, W, H)
    jac = np.full(lead + (2 * H, 2 * H), np.nan)
    assert _row_mix(U, W, H, out=jac[..., :H]) is not None
    np.testing.assert_array_equal(jac[..., :H], fresh)
    assert np.isnan(jac[..., H:]).all()
    # the definition: out[..., r, :] = Σ_k U[..., r, k] W[k·H + r mod H, :]
    r = 2 * H - 1
    want = sum(U[..., r, k, None] * W[k * H + r % H] for k in range(K))
    np.testing.assert_allclose(fresh[..., r, :], want, rtol=1e-13, atol=1e-13)
