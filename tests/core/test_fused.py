"""The fused whole-sequence loops against the generic per-step loop (cells.py step / step_backward)."""
import warnings

import numpy as np
import pytest

from rnnviz.core import fused
from rnnviz.core.bptt import backward, itemize_top_layer, readout_loss
from rnnviz.core.config import NetConfig
from rnnviz.core.params import init_params
from rnnviz.core.sequence import forward, projection_bias, uses_fused_loops

T, B, IN, H, OUT = 6, 3, 4, 5, 3


def _case(cell, layers, bidirectional, dtype=np.float64, seed=0):
    net = NetConfig(cell=cell, activation="tanh", input_size=IN, hidden_size=H, num_layers=layers,
                    bidirectional=bidirectional)
    params = init_params(net, "gaussian", scale=0.9, seed=seed, output_size=OUT, aux_size=2,
                         dtype=dtype)
    rng = np.random.default_rng(seed)
    for name in params:
        if name.startswith("bias"):
            params[name] = rng.normal(0, 0.5, params[name].shape).astype(dtype)
    x = rng.normal(size=(T, B, IN)).astype(dtype)
    aux = rng.normal(size=(T, B, 2)).astype(dtype)
    h0 = {n: rng.normal(0, 0.5, (layers * net.num_directions, B, H)).astype(dtype)
          for n in net.state_names}
    targets = rng.integers(0, OUT, (T, B))
    return net, params, x, aux, h0, targets


@pytest.mark.parametrize("cell", fused.FUSED_CELLS)
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, True)])
def test_fused_loops_match_the_step_loop(cell, layers, bidirectional):
    net, params, x, aux, h0, targets = _case(cell, layers, bidirectional)
    assert fused.supports(cell, "tanh")
    fast = forward(params, net, x, h0=h0, aux=aux)
    slow = forward(params, net, x, h0=h0, aux=aux, fused_loops=False)
    assert fast.fused_loops and not slow.fused_loops
    np.testing.assert_allclose(fast.output, slow.output, rtol=1e-12, atol=1e-13)
    for per_fast, per_slow in zip(fast.layers, slow.layers):
        for a, b in zip(per_fast, per_slow):
            assert set(a.cache) == set(b.cache)
            for key in b.cache:
                assert a.cache[key].shape == b.cache[key].shape, key
                np.testing.assert_allclose(a.cache[key], b.cache[key], rtol=1e-12, atol=1e-13,
                                           err_msg=key)
            for name in net.state_names:
                np.testing.assert_array_equal(a.initial[name], b.initial[name])
                np.testing.assert_allclose(a.outputs[name], b.outputs[name], rtol=1e-12, atol=1e-13)
    for name in net.state_names:
        np.testing.assert_allclose(fast.final_state[name], slow.final_state[name], rtol=1e-12)

    _, d_output, _ = readout_loss(params, fast.output, targets, np.arange(1, T + 1))
    d_final = {n: np.full_like(h0[n], 0.3) for n in net.state_names}
    g_fast = backward(params, net, fast, d_output, d_final=d_final, input_grad=True)
    g_slow = backward(params, net, slow, d_output, d_final=d_final, input_grad=True)
    assert set(g_fast.params) == set(g_slow.params)
    for name in g_slow.params:
        np.testing.assert_allclose(g_fast.params[name], g_slow.params[name], rtol=1e-11, atol=1e-13,
                                   err_msg=name)
    for name in net.state_names:
        np.testing.assert_allclose(g_fast.d_h0[name], g_slow.d_h0[name], rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(g_fast.d_input, g_slow.d_input, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(g_fast.d_hidden, g_slow.d_hidden, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(g_fast.grad_norm_per_step, g_slow.grad_norm_per_step, rtol=1e-11)

    # the step-based consumers (itemize, truncated BPTT) read the fused caches' views correctly
    steps = np.arange(1, T + 1)
    np.testing.assert_allclose(itemize_top_layer(net, fast, d_output, steps, 2),
                               itemize_top_layer(net, slow, d_output, steps, 2), rtol=1e-11)
    trunc_fast = backward(params, net, fast, d_output, truncate=2)
    trunc_slow = backward(params, net, slow, d_output, truncate=2)
    for name in trunc_slow.params:
        np.testing.assert_allclose(trunc_fast.params[name], trunc_slow.params[name], rtol=1e-11,
                                   atol=1e-13)


@pytest.mark.parametrize("cell", fused.FUSED_CELLS)
def test_fused_loops_keep_float32(cell):
    net, params, x, aux, h0, targets = _case(cell, 1, False, dtype=np.float32)
    trace = forward(params, net, x, h0=h0)
    assert trace.output.dtype == np.float32
    assert all(v.dtype == np.float32 for v in trace.layers[0][0].cache.values())
    _, d_output, _ = readout_loss(params, trace.output, targets, np.arange(1, T + 1))
    grads = backward(params, net, trace, d_output.astype(np.float32), input_grad=True)
    assert all(g.dtype == np.float32 for g in grads.params.values())
    assert grads.d_input.dtype == np.float32


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_saturated_gates_give_exact_limits_without_warnings(cell):
    net, params, x, aux, h0, _ = _case(cell, 1, False)
    for name in params:
        if name.startswith("bias"):
            params[name] = np.full_like(params[name], -800.0)   # e^{800} overflows float64
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = forward(params, net, x, h0=h0)
    gates = trace.gates()
    for name in ("i", "f", "o") if cell == "lstm" else ("r", "z"):
        assert np.all(gates[name] == 0.0), name
    assert np.all(np.isfinite(trace.output))


def test_fused_sigmoid_keeps_relative_precision_of_tiny_values():
    a = np.array([-700.0, -300.0, -40.0, -1.0, 0.0, 3.0, 40.0])
    out = np.empty_like(a)
    fused.sigmoid_into(a, out)
    exact = np.exp(a) / (1 + np.exp(a))      # no overflow for these a
    np.testing.assert_allclose(out, exact, rtol=1e-15)


def test_unsupported_configurations_use_the_step_loop():
    net = NetConfig(cell="lstm", activation="relu", input_size=IN, hidden_size=H)
    assert not uses_fused_loops(net) and not forward(*_inputs(net)).fused_loops
    assert not fused.supports("lstm", "relu")
    assert not fused.supports("gru-cho", "tanh")
    assert not fused.supports("lstm-peephole", "tanh")


def _inputs(net):
    params = init_params(net, "gaussian", scale=0.9, seed=1, output_size=OUT)
    return params, net, np.random.default_rng(1).normal(size=(T, B, IN))


@pytest.mark.parametrize("cell", fused.FUSED_CELLS)
def test_the_projection_bias_follows_the_chosen_loops(cell):
    """A caller that projects the inputs itself uses the bias of the loops it asks for."""
    net = NetConfig(cell=cell, activation="tanh", input_size=IN, hidden_size=H)
    params, net, x = _inputs(net)
    params = {k: (v + 0.3 if k.startswith("bias") else v) for k, v in params.items()}
    for fused_loops in (True, False):
        xp = x @ params["weight_ih_l0"].T + projection_bias(params, net, 0, fused_loops=fused_loops)
        own = forward(params, net, x, input_projection=xp, fused_loops=fused_loops)
        plain = forward(params, net, x, fused_loops=fused_loops)
        np.testing.assert_array_equal(own.output, plain.output)
    folded = projection_bias(params, net, 0)
    assert not np.array_equal(folded, projection_bias(params, net, 0, fused_loops=False))
