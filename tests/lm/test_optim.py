"""Optimisers, schedule and clipping against hand-computed values."""
from __future__ import annotations

import math

import numpy as np
import pytest

from rnnviz.core.config import ConfigError
from rnnviz.lm.optim import (Adam, Adagrad, RMSprop, SGD, clip_gradients, global_norm,
                             learning_rate, make_optimizer)


def test_sgd_momentum_two_steps():
    p = {"w": np.array([1.0, -2.0])}
    opt = SGD(momentum=0.9)
    opt.step(p, {"w": np.array([1.0, 1.0])}, 0.1)
    opt.step(p, {"w": np.array([1.0, 1.0])}, 0.1)
    # v1 = g, v2 = 0.9 g + g = 1.9 g; p -= 0.1 (1 + 1.9)
    np.testing.assert_allclose(p["w"], [1.0 - 0.29, -2.0 - 0.29])


def test_adam_first_step_moves_by_lr_times_sign():
    p = {"w": np.array([0.5, 0.5])}
    Adam().step(p, {"w": np.array([3.0, -0.01])}, 0.01)
    np.testing.assert_allclose(p["w"], [0.49, 0.51], rtol=1e-6)


def test_adagrad_and_rmsprop_one_step():
    p = {"w": np.array([1.0])}
    Adagrad().step(p, {"w": np.array([2.0])}, 0.5)
    np.testing.assert_allclose(p["w"], [0.5], rtol=1e-6)
    p = {"w": np.array([1.0])}
    RMSprop(alpha=0.99).step(p, {"w": np.array([2.0])}, 0.1)
    np.testing.assert_allclose(p["w"], [1.0 - 0.1 * 2.0 / math.sqrt(0.01 * 4.0)], atol=1e-6)


def test_optimizer_state_round_trip_gives_identical_updates():
    rng = np.random.default_rng(0)
    grads = [{"w": rng.normal(size=3)} for _ in range(4)]
    a = make_optimizer("adam")
    pa = {"w": np.zeros(3)}
    for g in grads[:2]:
        a.step(pa, g, 0.1)
    b = make_optimizer("adam")
    b.load_state_dict({k: v.copy() for k, v in a.state_dict().items()})
    pb = {"w": pa["w"].copy()}
    for g in grads[2:]:
        a.step(pa, g, 0.1)
        b.step(pb, g, 0.1)
    np.testing.assert_array_equal(pa["w"], pb["w"])
    with pytest.raises(ConfigError, match="unknown optimizer"):
        make_optimizer("lbfgs")


def test_learning_rate_schedule_of_zaremba_small():
    lrs = [learning_rate(1.0, epoch, 0.5, 4) for epoch in range(1, 8)]
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.25, 0.125]


def test_clipping_by_value_then_norm():
    grads = {"a": np.array([3.0, -10.0]), "b": np.array([4.0])}
    before, after = clip_gradients(grads, clip_value=4.0, clip_norm=None)
    assert before == pytest.approx(math.sqrt(9 + 100 + 16))
    np.testing.assert_array_equal(grads["a"], [3.0, -4.0])
    assert after == pytest.approx(math.sqrt(9 + 16 + 16))
    before, after = clip_gradients(grads, clip_norm=1.0)
    assert after == pytest.approx(1.0)
    assert global_norm(grads) == pytest.approx(1.0)
    np.testing.assert_allclose(grads["a"] / grads["b"][0], [0.75, -1.0])
    unclipped = {"a": np.array([0.1])}
    assert clip_gradients(unclipped, clip_norm=5.0) == (pytest.approx(0.1), pytest.approx(0.1))
