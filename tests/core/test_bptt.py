"""BPTT against central finite differences over the whole grid of the engine, and its bookkeeping."""
import itertools

import numpy as np
import pytest

from rnnviz.core.bptt import backward, loss_and_grads, loss_steps_for, readout_loss
from rnnviz.core.config import ACTIVATIONS, CELLS, ConfigError, NetConfig
from rnnviz.core.gradcheck import check_gradients, numerical_gradient
from rnnviz.core.params import init_params
from rnnviz.core.sequence import forward

T, B, IN, H, OUT = 5, 2, 2, 3, 4


def make_case(cell, activation, layers, bidirectional, seed=1):
    net = NetConfig(cell=cell, activation=activation, input_size=IN, hidden_size=H,
                    num_layers=layers, bidirectional=bidirectional)
    p = init_params(net, "gaussian", scale=0.8, seed=seed, output_size=OUT, aux_size=2)
    rng = np.random.default_rng(seed)
    for k in p:  # nonzero biases and peepholes so that every term of the backward pass is exercised
        if k.startswith(("bias", "weight_c")):
            p[k] = rng.normal(0, 0.5, p[k].shape)
    x = rng.normal(size=(T, B, IN))
    aux = rng.normal(size=(T, B, 2))
    y = rng.integers(0, OUT, (T, B))
    h0 = {n: rng.normal(0, 0.5, (layers * net.num_directions, B, H)) for n in net.state_names}
    return net, p, x, aux, y, h0


GRID = list(itertools.product(CELLS, ACTIVATIONS, [1, 2], [False, True], [None, 2]))


@pytest.mark.parametrize("cell,activation,layers,bidirectional,truncate", GRID)
def test_gradients_match_finite_differences(cell, activation, layers, bidirectional, truncate):
    net, p, x, aux, y, h0 = make_case(cell, activation, layers, bidirectional)
    report = check_gradients(p, net, x, y, loss_steps_for("all", T), truncate=truncate, h0=h0, aux=aux)
    names = {k.split(" ")[0] for k in report.errors}
    assert set(p) | {f"h0.{n}" for n in net.state_names} == names  # every tensor was checked
    assert report.passed, report.summary()


@pytest.mark.parametrize("cell", CELLS)
def test_entrywise_gradient_of_recurrent_weights(cell):
    net, p, x, aux, y, h0 = make_case(cell, "tanh", 1, False, seed=4)
    steps = loss_steps_for("all", T)
    _, grads, _ = loss_and_grads(p, net, x, y, steps, h0=h0, aux=aux)

    def loss():
        return readout_loss(p, forward(p, net, x, h0=h0, aux=aux).output, y, steps)[0]

    for name in ("weight_hh_l0", "bias_ih_l0"):
        num = numerical_gradient(loss, p[name])
        np.testing.assert_allclose(grads.params[name], num, rtol=1e-6, atol=1e-9)


def test_truncation_window_zero_and_large_limits():
    net, p, x, aux, y, h0 = make_case("lstm", "tanh", 1, False)
    steps = loss_steps_for("all", T)
    tr = forward(p, net, x, h0=h0)
    _, d_out, _ = readout_loss(p, tr.output, y, steps)
    full = backward(p, net, tr, d_out)
    big = backward(p, net, tr, d_out, truncate=T)
    for k in full.params:
        np.testing.assert_allclose(big.params[k], full.params[k])
    k0 = backward(p, net, tr, d_out, truncate=0)
    # with k = 0 each loss term only reaches its own step: dL/dh_t is the direct readout gradient
    np.testing.assert_allclose(k0.d_hidden, d_out, atol=1e-15)
    assert np.all(k0.d_h0["h"] == 0)


def test_itemized_matrix_is_causal_sums_to_total_and_respects_truncation():
    net, p, x, aux, y, h0 = make_case("gru", "tanh", 1, False)
    steps = loss_steps_for("all", T)
    tr = forward(p, net, x, h0=h0)
    _, d_out, _ = readout_loss(p, tr.output, y, steps)
    g = backward(p, net, tr, d_out, itemize=True)
    C = g.itemized
    assert C.shape == (T, T)
    assert np.all(C[np.triu_indices(T, 1)] == 0)        # L_tau does not reach h_t for t > tau
    # a single loss term: its row equals the per-step gradient norm of that term alone
    only = np.zeros_like(d_out)
    only[3] = d_out[3]
    g3 = backward(p, net, tr, only)
    np.testing.assert_allclose(C[3], g3.grad_norm_per_step, rtol=1e-12)
    gt = backward(p, net, tr, d_out, itemize=True, truncate=1)
    Ct = gt.itemized
    for tau in range(T):
        for t in range(T):
            if tau - t > 1 or t > tau:
                assert Ct[tau, t] == 0
            else:
                assert Ct[tau, t] > 0


def test_loss_placement_and_bad_values():
    np.testing.assert_array_equal(loss_steps_for("all", 3), [1, 2, 3])
    np.testing.assert_array_equal(loss_steps_for("last", 3), [3])
    np.testing.assert_array_equal(loss_steps_for("step", 5, [4, 2, 2]), [2, 4])
    with pytest.raises(ConfigError):
        loss_steps_for("step", 5, [6])
    with pytest.raises(ConfigError):
        loss_steps_for("steps", 5, [4])  # the explorer's word is "step"
    with pytest.raises(ConfigError):
        loss_steps_for("middle", 5)
    net, p, x, aux, y, h0 = make_case("rnn", "tanh", 1, False)
    tr = forward(p, net, x)
    _, d_out, _ = readout_loss(p, tr.output, y, loss_steps_for("all", T))
    with pytest.raises(ConfigError):
        backward(p, net, tr, d_out, truncate=-1)


def test_last_step_loss_reaches_earlier_steps_only_through_recurrence():
    net, p, x, aux, y, h0 = make_case("rnn", "tanh", 1, False)
    _, g, _ = loss_and_grads(p, net, x, y, loss_steps_for("last", T))
    assert np.all(g.grad_norm_per_step > 0)
    # loss only at T: the direct readout gradient lands on h_T alone
    tr = forward(p, net, x)
    _, d_out, _ = readout_loss(p, tr.output, y, loss_steps_for("last", T))
    assert np.all(d_out[:-1] == 0) and np.any(d_out[-1] != 0)


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    """The checker must fail when one tensor's gradient is off by 1e-4 relative."""
    import rnnviz.core.gradcheck as gradcheck

    real = gradcheck.backward

    def slightly_wrong(*args, **kwargs):
        g = real(*args, **kwargs)
        g.params["weight_hh_l0"] = g.params["weight_hh_l0"] * (1 + 1e-4)
        return g

    monkeypatch.setattr(gradcheck, "backward", slightly_wrong)
    net, p, x, aux, y, h0 = make_case("lstm", "tanh", 1, False)
    for truncate in (None, 2):
        report = check_gradients(p, net, x, y, loss_steps_for("all", T), truncate=truncate, h0=h0)
        assert not report.passed
        assert report.worst.startswith("weight_hh_l0")


def test_kinks_of_relu_do_not_fool_the_check_but_errors_still_show(monkeypatch):
    """A long IRNN has pre-activations near 0; the check must shrink its step rather than fail."""
    from rnnviz.core.analysis import ExperimentConfig
    from rnnviz.core.gradcheck import check_config
    import rnnviz.core.gradcheck as gradcheck

    cfg = ExperimentConfig(cell="rnn", activation="relu", init="identity", seq_len=300, hidden_size=32)
    assert check_config(cfg).passed
    real = gradcheck.backward

    def slightly_wrong(*args, **kwargs):
        g = real(*args, **kwargs)
        g.params["bias_hh_l0"] = g.params["bias_hh_l0"] * (1 + 1e-4)
        return g

    monkeypatch.setattr(gradcheck, "backward", slightly_wrong)
    report = check_config(cfg)
    assert not report.passed and report.worst == "bias_hh_l0"


@pytest.mark.parametrize("truncate", [None, 1])
@pytest.mark.parametrize("cell,bidirectional", [("lstm", True), ("gru-cho", False)])
def test_input_gradient(cell, bidirectional, truncate):
    """dL/dx against central differences (full); the truncated one against the windowed definition."""
    net, p, x, aux, y, h0 = make_case(cell, "tanh", 2, bidirectional)
    steps = loss_steps_for("all", T)
    tr = forward(p, net, x, h0=h0)
    _, d_out, _ = readout_loss(p, tr.output, y, steps)
    g = backward(p, net, tr, d_out, truncate=truncate, input_grad=True)
    assert g.d_input.shape == x.shape
    if truncate is None:
        num = numerical_gradient(lambda: readout_loss(p, forward(p, net, x, h0=h0).output, y, steps)[0], x)
    else:
        from rnnviz.core.gradcheck import windowed_loss
        num = sum(numerical_gradient(
            lambda tau=tau: windowed_loss(p, tr, net, x, y, tau, truncate, h0, h0), x) for tau in steps)
    np.testing.assert_allclose(g.d_input, num, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("truncate", [None, 2])
def test_per_layer_gradient_norms_follow_the_chain_rule(truncate):
    """‖∂L/∂h_t‖ of each layer of a stacked Elman tanh RNN: the top layer's is grad_norm_per_step,
    the bottom layer's follows ∂L/∂h⁰_t = W_hh⁰ᵀ D⁰_{t+1} ∂L/∂h⁰_{t+1} + W_ih¹ᵀ D¹_t ∂L/∂h¹_t
    (D = diag(1 − h²)), written out here step by step (full BPTT)."""
    net, p, x, aux, y, h0 = make_case("rnn", "tanh", 2, False, seed=3)
    trace = forward(p, net, x, h0=h0)
    _, d_output, _ = readout_loss(p, trace.output, y, loss_steps_for("all", T))
    grads = backward(p, net, trace, d_output, truncate=truncate)
    norms = grads.layer_grad_norms
    assert norms.shape == (2, T)
    np.testing.assert_allclose(norms[1], grads.grad_norm_per_step, rtol=1e-13)
    if truncate is not None:
        assert np.all(norms > 0)
        return
    top = grads.d_hidden                                  # (T, B, H) ∂L/∂h¹_t
    h_bottom = trace.layers[0][0].outputs["h"]
    h_top = trace.layers[1][0].outputs["h"]
    expected = np.zeros((T, B, H))
    carry = np.zeros((B, H))
    for t in range(T - 1, -1, -1):
        from_above = ((1 - h_top[t] ** 2) * top[t]) @ p["weight_ih_l1"]
        expected[t] = from_above + carry
        carry = ((1 - h_bottom[t] ** 2) * expected[t]) @ p["weight_hh_l0"]
    np.testing.assert_allclose(norms[0], np.sqrt((expected ** 2).sum(axis=(1, 2))), rtol=1e-12)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_per_layer_gradient_norms_are_the_same_in_the_fused_and_the_step_loops(bidirectional):
    net, p, x, aux, y, h0 = make_case("lstm", "tanh", 2, bidirectional, seed=5)
    _, d_output, _ = readout_loss(p, forward(p, net, x, h0=h0).output, y, loss_steps_for("all", T))
    fused = backward(p, net, forward(p, net, x, h0=h0), d_output)
    plain = backward(p, net, forward(p, net, x, h0=h0, fused_loops=False), d_output)
    assert fused.layer_grad_norms.shape == (2 * net.num_directions, T)
    np.testing.assert_allclose(fused.layer_grad_norms, plain.layer_grad_norms, rtol=1e-11)
    top = fused.layer_grad_norms[-net.num_directions:]
    np.testing.assert_allclose(np.sqrt((top ** 2).sum(axis=0)), fused.grad_norm_per_step, rtol=1e-12)
