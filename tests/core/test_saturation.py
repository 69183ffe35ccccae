"""Derivatives in deep saturation: step Jacobians and BPTT against a 100-digit oracle.

Every derivative is computed from its pre-activation (tanh′(a) = 4e^{−2|a|}/(1 + e^{−2|a|})²,
σ′(a) = σ(a)σ(−a), CIFG f = σ(−a_i)); the output forms 1 − y², y(1 − y), 1 − i round to 0 once the
true value is below ~1e-16 relative to 1. The oracle runs one step of each cell in ``decimal`` at
100 digits and takes central differences with a step of 1e-40, so it is exact to far more digits
than float64 holds, however saturated the gates are.
"""
from __future__ import annotations

import decimal
import subprocess
import sys

import numpy as np
import pytest

from rnnviz.core.bptt import backward
from rnnviz.core.cells import sigmoid_slope, tanh_slope
from rnnviz.core.config import NetConfig
from rnnviz.core.jacobian import highway_log10, step_jacobians
from rnnviz.core.params import expected_shapes
from rnnviz.core.sequence import forward

D = decimal.Decimal
CTX = decimal.Context(prec=100)
CELLS = ("rnn", "lstm", "lstm-peephole", "lstm-cifg", "gru", "gru-cho")
GATES = {"rnn": "h", "lstm": "ifgo", "lstm-peephole": "ifgo", "lstm-cifg": "igo", "gru": "rzn",
         "gru-cho": "rzn"}


def _phi(name, a):
    with decimal.localcontext(CTX):
        if name == "sigmoid":
            return 1 / (1 + (-a).exp())
        e = (2 * a).exp()
        return (e - 1) / (e + 1)


def _oracle_step(cell, act, p, x, h, c):
    """(h_1, c_1) of one step with H = 1 in 100-digit decimals; p: name -> Decimal per gate."""
    with decimal.localcontext(CTX):
        def pre(k):
            return p["wih"][k] * x + p["bih"][k] + p["whh"][k] * h + p["bhh"][k]

        def sig(a):
            return _phi("sigmoid", a)

        if cell == "rnn":
            return _phi(act, pre(0)), None
        if cell.startswith("lstm"):
            if cell == "lstm-cifg":
                ai, ag, ao = pre(0), pre(1), pre(2)
                i = sig(ai)
                f = sig(-ai)
            else:
                ai, af, ag, ao = pre(0), pre(1), pre(2), pre(3)
                if cell == "lstm-peephole":
                    ai += p["ci"] * c
                    af += p["cf"] * c
                i, f = sig(ai), sig(af)
            c1 = f * c + i * _phi(act, ag)
            if cell == "lstm-peephole":
                ao += p["co"] * c1
            return sig(ao) * _phi(act, c1), c1
        r, z = sig(pre(0)), sig(pre(1))
        xn = p["wih"][2] * x + p["bih"][2]
        if cell == "gru":
            n = _phi(act, xn + r * (p["whh"][2] * h + p["bhh"][2]))
        else:
            n = _phi(act, xn + p["whh"][2] * (r * h) + p["bhh"][2])
        return (1 - z) * n + z * h, None


def _oracle_jacobian(cell, act, p, x, state):
    """∂s_1/∂s_0 by central differences at 100 digits (s = h or [h; c])."""
    step = D("1e-40")
    S = len(state)
    J = np.empty((S, S))
    with decimal.localcontext(CTX):
        for j in range(S):
            up, down = list(state), list(state)
            up[j] += step
            down[j] -= step
            plus = _oracle_step(cell, act, p, x, *up, *([None] if S == 1 else []))
            minus = _oracle_step(cell, act, p, x, *down, *([None] if S == 1 else []))
            for i in range(S):
                J[i, j] = float((plus[i] - minus[i]) / (2 * step))
    return J


def _case(cell, act, sign):
    """A one-unit network whose every pre-activation lies at |a| ≈ 40 (sign ±1 picks the side)."""
    net = NetConfig(cell=cell, activation=act, input_size=1, hidden_size=1)
    gates = GATES[cell]
    magnitudes = np.array([40.0, -38.5, 41.0, 39.0])[:len(gates)] * sign
    params = {name: np.zeros(shape) for name, shape in expected_shapes(net).items()}
    params["weight_ih_l0"][:, 0] = magnitudes
    params["weight_hh_l0"][:, 0] = 0.5
    params["bias_ih_l0"][:] = 0.25
    params["bias_hh_l0"][:] = -0.125
    if cell == "lstm-peephole":
        params["weight_ci_l0"][:] = 0.3
        params["weight_cf_l0"][:] = -0.2
        params["weight_co_l0"][:] = 0.1
    h0 = {"h": np.full((1, 1, 1), 0.375)}
    if net.is_lstm:
        h0["c"] = np.full((1, 1, 1), 39.0 * sign)   # |c| large: φ(c) saturates too
    with decimal.localcontext(CTX):
        p = {"wih": [D(float(v)) for v in params["weight_ih_l0"][:, 0]],
             "whh": [D(float(v)) for v in params["weight_hh_l0"][:, 0]],
             "bih": [D(float(v)) for v in params["bias_ih_l0"]],
             "bhh": [D(float(v)) for v in params["bias_hh_l0"]]}
        for k in ("ci", "cf", "co"):
            if f"weight_{k}_l0" in params:
                p[k] = D(float(params[f"weight_{k}_l0"][0]))
    state = [D(float(h0["h"][0, 0, 0]))] + ([D(float(h0["c"][0, 0, 0]))] if net.is_lstm else [])
    return net, params, h0, p, state


def test_slopes_match_closed_forms_where_the_output_forms_round_to_zero():
    a = np.array([-300.0, -60.0, -25.0, -1.0, 0.0, 0.5, 25.0, 60.0, 300.0])
    np.testing.assert_allclose(tanh_slope(a), 1 / np.cosh(a / 2) ** 4 / (1 + np.tanh(a / 2) ** 2) ** 2, rtol=1e-14, atol=0)
    np.testing.assert_allclose(sigmoid_slope(a), 1 / (4 * np.cosh(a / 2) ** 2), rtol=1e-14, atol=0)
    assert 1 - np.tanh(25.0) ** 2 == 0.0 and tanh_slope(np.array(25.0)) > 1e-22
    s = 1 / (1 + np.exp(-60.0))
    assert s * (1 - s) == 0.0 and sigmoid_slope(np.array(60.0)) > 1e-27
    assert tanh_slope(np.float32(12.0)).dtype == np.float32


@pytest.mark.parametrize("fused_loops", [True, False])
@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("act", ["tanh", "sigmoid"])
@pytest.mark.parametrize("cell", CELLS)
def test_saturated_step_jacobian_and_bptt_match_the_oracle(cell, act, sign, fused_loops):
    net, params, h0, p, state = _case(cell, act, sign)
    x = np.ones((1, 1, 1))
    expected = _oracle_jacobian(cell, act, p, D(1), state)
    assert np.all(np.isfinite(expected))
    trace = forward(params, net, x, h0=h0, fused_loops=fused_loops)
    J = step_jacobians(params, net, trace)[0]
    np.testing.assert_allclose(J, expected, rtol=1e-9, atol=0)
    # BPTT: a gradient on the final state only reaches the initial state through Jᵀ.
    d_final = {name: np.zeros_like(v) for name, v in h0.items()}
    d_final["h"][:] = 1.0
    grads = backward(params, net, trace, np.zeros((1, 1, 1)), d_final=d_final)
    got = np.array([grads.d_h0[name][0, 0, 0] for name in net.state_names])
    np.testing.assert_allclose(got, expected[0], rtol=1e-9, atol=0)


def test_cifg_forget_gate_keeps_its_precision_when_the_input_gate_saturates():
    net, params, h0, p, state = _case("lstm-cifg", "tanh", 1.0)
    trace = forward(params, net, np.ones((1, 1, 1)), h0=h0)
    f = trace.layers[0][0].cache["f"][0, 0, 0]
    a_i = 40.0 + 0.25 - 0.125 + 0.5 * 0.375
    assert f == pytest.approx(1 / (1 + np.exp(a_i)), rel=1e-13)
    assert highway_log10(trace, 0)[0] == pytest.approx(-a_i / np.log(10) - np.log10(1 + np.exp(-a_i)),
                                                        rel=1e-13)


def test_issue_example_through_the_command_line(tmp_path):
    """Elman tanh, H = 1, W_ih = [[25]], W_hh = [[0.5]], inputs [[1], [0]]: ∂h₁/∂h₀ = 0.5 sech²(25)."""
    import json

    weights, inputs = tmp_path / "elman.npz", tmp_path / "x.npy"
    np.savez(weights, weight_ih_l0=np.array([[25.0]]), weight_hh_l0=np.array([[0.5]]),
             bias_ih_l0=np.zeros(1), bias_hh_l0=np.zeros(1))
    np.save(inputs, np.array([[1.0], [0.0]]))
    run = subprocess.run([sys.executable, "-m", "rnnviz", "analyze", "--weights", str(weights),
                          "--inputs", str(inputs), "--anchor", "0", "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    curve = json.loads(run.stdout)["state_jacobian"]
    expected = np.log10(0.5 / np.cosh(25.0) ** 2)
    assert round(expected, 3) == -21.414
    assert curve["log10_spectral_norm"][0] == pytest.approx(expected, abs=1e-12)
