"""Lyapunov exponents and the reference lines of the gradient-decay plot."""

import numpy as np
import pytest

from rnnviz.core.dynamics import activation_gamma, lyapunov_exponents, pascanu_bound, rho_line


def random_orthogonal(rng, S):
    q, r = np.linalg.qr(rng.standard_normal((S, S)))
    return q * np.sign(np.diagonal(r))


@pytest.mark.parametrize("rho", [0.9, 1.0, 1.3])
def test_lyapunov_exponents_of_a_scaled_orthogonal_map(rho):
    rng = np.random.default_rng(15)
    S = 6
    W = rho * random_orthogonal(rng, S)
    J = np.tile(W, (40, 1, 1))
    for m in (1, 3, S):
        exps = lyapunov_exponents(J, m=m)
        assert exps.shape == (m,)
        np.testing.assert_allclose(exps, np.log(rho), rtol=0, atol=1e-12)


def test_lyapunov_exponents_of_a_diagonal_map_are_exact():
    d = np.array([0.5, -2.0, 1.5, 0.1, 0.9])
    J = np.tile(np.diag(d), (200, 1, 1))
    expected = np.sort(np.log(np.abs(d)))[::-1]
    exps = lyapunov_exponents(J, m=3, discard=100)
    np.testing.assert_allclose(exps, expected[:3], rtol=0, atol=1e-12)
    # All five: their sum is log|det| every step, exactly, transient or not.
    assert lyapunov_exponents(J, m=5).sum() == pytest.approx(np.log(np.abs(d)).sum(), abs=1e-12)
    with pytest.raises(ValueError, match="m must"):
        lyapunov_exponents(J, m=6)
    with pytest.raises(ValueError, match="discard"):
        lyapunov_exponents(J, discard=200)


def test_lyapunov_exponent_of_a_zero_map_is_minus_infinity():
    J = np.zeros((5, 3, 3))
    assert lyapunov_exponents(J)[0] == -np.inf


def test_pascanu_bound_and_rho_line():
    k = np.arange(0, 6)
    np.testing.assert_allclose(pascanu_bound(2.0, 0.25, k), k * np.log10(0.5))
    np.testing.assert_allclose(rho_line(10.0, k), k.astype(float))
    assert pascanu_bound(3.0, 1.0, 4) == pytest.approx(4 * np.log10(3.0))
    assert rho_line(0.0, np.array([0, 2]))[0] == 0.0
    assert rho_line(0.0, np.array([0, 2]))[1] == -np.inf
    assert pascanu_bound(1e-200, 1e-200, 10) == pytest.approx(-4000.0)
    with pytest.raises(ValueError, match="rho"):
        rho_line(-1.0, k)
    with pytest.raises(ValueError, match="gamma"):
        pascanu_bound(1.0, float("nan"), k)
    assert activation_gamma("sigmoid") == 0.25
    assert activation_gamma("tanh") == 1.0
    assert activation_gamma("leaky-relu", 2.0) == 2.0
    with pytest.raises(ValueError, match="activation"):
        activation_gamma("swish")
