"""The auxiliary input W_aux a_t and the encoder–decoder placement of the explorer's configuration."""
import numpy as np
import pytest

from rnnviz.core import analysis
from rnnviz.core.analysis import ExperimentConfig, build, config_loss_steps, make_aux, run_fast
from rnnviz.core.bptt import readout_loss
from rnnviz.core.budget import estimate
from rnnviz.core.config import ConfigError
from rnnviz.core.gradcheck import check_config
from rnnviz.core.sequence import forward

SMALL = dict(hidden_size=5, input_size=3, seq_len=14)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# -- the auxiliary input ---------------------------------------------------------------------------

def test_intent_pattern_is_one_hot_held_for_three_to_eight_steps():
    config = ExperimentConfig(seq_len=200, batch=3, aux_size=5, seed=7)
    a = make_aux(config)
    assert a.shape == (200, 3, 5)
    np.testing.assert_array_equal(a.sum(axis=2), 1.0)
    assert set(np.unique(a)) == {0.0, 1.0}
    for b in range(3):
        classes = a[:, b].argmax(axis=1)
        # segment boundaries: every held class lasts at least 3 steps; a change may repeat a class,
        # so runs of one class are at least 3 long (the last may be cut by T) and the class changes
        runs = np.diff(np.flatnonzero(np.diff(np.r_[-1, classes, -1]) != 0))
        assert runs[:-1].min() >= 3
        assert len(set(classes.tolist())) > 1
    np.testing.assert_array_equal(make_aux(config), a)                     # seeded
    assert not np.array_equal(make_aux(config.replace(seed=8)), a)


def test_constant_and_gaussian_patterns_and_the_scale():
    config = ExperimentConfig(seq_len=50, aux_size=4, aux_pattern="constant", aux_scale=2.5)
    np.testing.assert_array_equal(make_aux(config), 2.5)
    gaussian = make_aux(config.replace(aux_pattern="gaussian", aux_scale=1.0, seq_len=4000))
    assert abs(gaussian.mean()) < 0.05 and abs(gaussian.std() - 1) < 0.05
    assert make_aux(config.replace(aux_size=0)) is None


def test_the_aux_input_leaves_inputs_targets_and_other_weights_as_they_were():
    plain = ExperimentConfig(cell="lstm", **SMALL)
    with_aux = plain.replace(aux_size=4)
    net, p0, x0, y0 = build(plain)
    _, p1, x1, y1 = build(with_aux)
    np.testing.assert_array_equal(x0, x1)
    np.testing.assert_array_equal(y0, y1)
    assert set(p1) - set(p0) == {"weight_aux_l0"}
    for name in p0:
        np.testing.assert_array_equal(p0[name], p1[name])
    assert p1["weight_aux_l0"].shape == (4 * 5, 4)
    bi = build(with_aux.replace(bidirectional=True))[1]
    assert bi["weight_aux_l0_reverse"].shape == (4 * 5, 4)


def test_aux_weights_follow_the_init_scheme():
    # orthogonal: every gate block of W_aux (H × A, A ≤ H) has orthonormal columns
    config = ExperimentConfig(cell="gru", hidden_size=8, input_size=3, seq_len=5, aux_size=6)
    w = build(config)[1]["weight_aux_l0"]
    for g in range(3):
        block = w[g * 8:(g + 1) * 8]
        np.testing.assert_allclose(block.T @ block, np.eye(6), atol=1e-12)
    # gaussian N(0, 1/A), seeded
    wide = config.replace(init="gaussian", hidden_size=200, aux_size=50, radius=None)
    w = build(wide)[1]["weight_aux_l0"]
    assert abs(w.std() * np.sqrt(50) - 1) < 0.05
    np.testing.assert_array_equal(build(wide)[1]["weight_aux_l0"], w)
    assert not np.array_equal(build(wide.replace(seed=1))[1]["weight_aux_l0"], w)


def test_elman_states_follow_the_written_equation():
    config = ExperimentConfig(cell="rnn", activation="tanh", aux_size=3, aux_pattern="gaussian", **SMALL)
    fast = run_fast(config)
    _, p, x, _ = build(config)
    a = make_aux(config)
    h = np.zeros(5)
    for t in range(config.seq_len):
        h = np.tanh(p["weight_ih_l0"] @ x[t, 0] + p["bias_ih_l0"] + p["weight_hh_l0"] @ h + p["bias_hh_l0"]
                    + p["weight_aux_l0"] @ a[t, 0])
        np.testing.assert_allclose(fast.hidden[t + 1], h, atol=1e-13)
    # the term matters: without it the states differ
    assert not np.allclose(run_fast(config.replace(aux_size=0)).hidden, fast.hidden, atol=1e-3)


def test_lstm_states_follow_the_written_equation():
    config = ExperimentConfig(cell="lstm", aux_size=4, aux_scale=1.5, **SMALL)
    fast = run_fast(config)
    _, p, x, _ = build(config)
    a = make_aux(config)
    H = 5
    h, c = np.zeros(H), np.zeros(H)
    for t in range(config.seq_len):
        z = (p["weight_ih_l0"] @ x[t, 0] + p["bias_ih_l0"] + p["weight_hh_l0"] @ h + p["bias_hh_l0"]
             + p["weight_aux_l0"] @ a[t, 0])
        i, f, g, o = _sigmoid(z[:H]), _sigmoid(z[H:2 * H]), np.tanh(z[2 * H:3 * H]), _sigmoid(z[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        np.testing.assert_allclose(fast.hidden[t + 1], h, atol=1e-13)
        np.testing.assert_allclose(fast.cell[t + 1], c, atol=1e-13)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_step_jacobians_with_aux_match_finite_differences_of_the_step(cell):
    """a_t enters the pre-activation, so J_t = ∂s_t/∂s_{t−1} holds a_t fixed: it changes only
    through the states and gates the aux input moved."""
    from rnnviz.core.cells import Activation, make_cell
    from rnnviz.core.sequence import layer_weights

    config = ExperimentConfig(cell=cell, aux_size=3, aux_pattern="gaussian", aux_scale=2.0, **SMALL)
    fast = run_fast(config)
    net, p, x, _ = build(config)
    a = make_aux(config)
    w = layer_weights(p, net, 0, 0)
    step = make_cell(cell).step
    activation = Activation(net.activation, net.leaky_slope)
    H = net.hidden_size
    states = np.concatenate([fast.hidden] + ([fast.cell] if fast.cell is not None else []), axis=1)

    def s_next(t, s_prev):
        xp = x[t - 1, 0] @ p["weight_ih_l0"].T + p["bias_ih_l0"] + a[t - 1, 0] @ p["weight_aux_l0"].T
        parts = (s_prev[None, :H],) if cell == "rnn" else (s_prev[None, :H], s_prev[None, H:])
        new, _ = step(w, activation, xp[None], parts)
        return np.concatenate([q[0] for q in new])

    eps = 1e-6
    for t in (1, 5, config.seq_len):
        s_prev = states[t - 1]
        np.testing.assert_allclose(s_next(t, s_prev), states[t], atol=1e-13)
        numeric = np.stack([(s_next(t, s_prev + eps * e) - s_next(t, s_prev - eps * e)) / (2 * eps)
                            for e in np.eye(s_prev.size)], axis=1)
        np.testing.assert_allclose(fast.jacobians[t - 1], numeric, atol=1e-8, rtol=1e-6)
    assert fast.jacobians.shape == (config.seq_len, net.state_size, net.state_size)
    without = run_fast(config.replace(aux_size=0)).jacobians
    assert not np.allclose(without, fast.jacobians, atol=1e-4)


@pytest.mark.parametrize("changes", [
    dict(cell="rnn"),
    dict(cell="lstm", aux_pattern="gaussian"),
    dict(cell="gru", num_layers=2, bidirectional=True, aux_pattern="constant", aux_scale=0.7),
    dict(cell="lstm-peephole", truncate=4),
    dict(cell="lstm", loss_placement="encoder-decoder", encoder_steps=6, decoder_steps=5),
])
def test_gradients_with_aux_against_central_differences(changes):
    config = ExperimentConfig(aux_size=4, **{**SMALL, **changes})
    report = check_config(config)
    assert any(name.startswith("weight_aux_l0") for name in report.errors)
    assert report.passed, report.summary()


def test_loaded_weights_get_aux_weights_when_asked():
    config = ExperimentConfig(cell="rnn", **SMALL)
    params = build(config)[1]
    fast = run_fast(config.replace(aux_size=2), params={k: v for k, v in params.items()
                                                        if not k.startswith("readout")})
    assert fast.params["weight_aux_l0"].shape == (5, 2)
    with pytest.raises(ConfigError, match="auxiliary input"):
        run_fast(config.replace(aux_size=3), params=fast.params)   # W_aux of A = 2 for a_t of A = 3


# -- the encoder–decoder placement ---------------------------------------------------------------

def test_encoder_decoder_defaults_split_the_sequence():
    config = ExperimentConfig(seq_len=101, loss_placement="encoder-decoder")
    assert (config.encoder_length, config.decoder_length) == (51, 50)
    assert config.replace(encoder_steps=30).decoder_length == 71
    assert config.replace(decoder_steps=20).encoder_length == 81
    config = config.replace(encoder_steps=30, decoder_steps=20)
    np.testing.assert_array_equal(config_loss_steps(config), np.arange(82, 102))


@pytest.mark.parametrize("signal", ["gaussian", "onehot", "sine"])
def test_encoder_decoder_inputs_and_loss_steps_are_what_the_config_says(signal):
    config = ExperimentConfig(cell="rnn", input_signal=signal, loss_placement="encoder-decoder",
                              encoder_steps=6, decoder_steps=4, aux_size=2, **SMALL)
    _, _, x, _ = build(config)
    _, _, x_all, _ = build(config.replace(loss_placement="all"))
    np.testing.assert_array_equal(x[:6], x_all[:6])
    assert np.abs(x[:6]).max(axis=(1, 2)).min() > 0
    np.testing.assert_array_equal(x[6:], 0.0)
    fast = run_fast(config)
    np.testing.assert_array_equal(fast.loss_steps, [11, 12, 13, 14])
    # the itemized matrix has rows only for the decoder's losses
    np.testing.assert_array_equal(np.flatnonzero(fast.itemized.any(axis=1)) + 1, [11, 12, 13, 14])
    # the aux input stays on in the decoder
    assert np.abs(make_aux(config)[6:]).sum() > 0


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_encoder_gradient_is_the_full_bptt_of_the_decoder_losses(cell):
    """∂L/∂h_t in the encoder is nonzero and equals Σ_τ ∂L_τ/∂h_τ · J_τ ⋯ J_{t+1} over the
    decoder's loss steps τ, summed along the step Jacobians (a path apart from BPTT)."""
    config = ExperimentConfig(cell=cell, loss_placement="encoder-decoder", encoder_steps=8,
                              decoder_steps=4, aux_size=3, **{**SMALL, "seq_len": 16})
    fast = run_fast(config)
    net, p, x, targets = build(config)
    trace = forward(p, net, x, aux=make_aux(config))
    _, d_out, _ = readout_loss(p, trace.output, targets, config_loss_steps(config))
    H, S = net.hidden_size, net.state_size
    J = fast.jacobians
    g = np.zeros(S)
    reference = np.zeros(config.seq_len)
    for t in range(config.seq_len, 0, -1):
        g[:H] += d_out[t - 1, 0]
        reference[t - 1] = np.linalg.norm(g[:H])
        g = g @ J[t - 1]
    encoder = slice(0, 8)
    assert reference[encoder].min() > 1e-8
    np.testing.assert_allclose(fast.grad_norm_per_step, reference, rtol=1e-9, atol=1e-15)
    # with the losses on the decoder's steps 13…16, steps 9…12 receive gradient only through them too
    assert np.all(fast.grad_norm_per_step[8:12] > 0)


@pytest.mark.parametrize("changes, message", [
    (dict(aux_size=-1), "aux_size"),
    (dict(aux_size=2.5), "aux_size"),
    (dict(aux_pattern="previous"), "auxiliary input pattern"),
    (dict(aux_scale=float("nan")), "aux_scale"),
    (dict(encoder_steps=0), "encoder_steps"),
    (dict(decoder_steps=15), "decoder_steps"),
    (dict(loss_placement="encoder-decoder", encoder_steps=10, decoder_steps=5), "N \\+ M"),
    (dict(loss_placement="encoder-decoder", seq_len=1), "at least 2 steps"),
    (dict(loss_placement="encoder-decoder", encoder_steps=14), "M = 0"),
])
def test_bad_values_give_one_clear_message(changes, message):
    with pytest.raises(ConfigError, match=message):
        ExperimentConfig(**{**SMALL, **changes}).validate()


def test_the_budget_counts_the_aux_arrays():
    config = ExperimentConfig(cell="rnn", hidden_size=16, input_size=2, seq_len=500, batch=8)
    plain = estimate(config)
    with_aux = estimate(config.replace(aux_size=200))
    aux_bytes = 500 * 8 * 200 * 8
    assert with_aux.fast_parts["auxiliary input"] >= 2 * aux_bytes
    assert with_aux.fast_bytes - plain.fast_bytes >= 2 * aux_bytes + 5 * 16 * 200 * 8
    assert "auxiliary input" not in plain.fast_parts


def test_aux_weights_are_cached_apart_from_the_initial_weights():
    config = ExperimentConfig(cell="rnn", **SMALL)
    analysis._aux_weights.cache_clear()
    build(config.replace(aux_size=2))
    build(config.replace(aux_size=2, radius=0.5))
    assert analysis._aux_weights.cache_info().hits >= 1
