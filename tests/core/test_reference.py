"""The readable path against the definitions: explicit matrix products, SVDs, closed forms."""

import math

import numpy as np
import pytest

from rnnviz.core import reference


def random_stack(T, S, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((T, S, S)) / np.sqrt(S)


def random_orthogonal(rng, S):
    q, r = np.linalg.qr(rng.standard_normal((S, S)))
    return q * np.sign(np.diagonal(r))


def explicit_product(J, t0, k):
    return np.linalg.multi_dot([J[t] for t in range(t0 + k - 1, t0 - 1, -1)]) if k > 1 else J[t0]


@pytest.mark.parametrize("t0", [0, 4, 11])
def test_running_products_are_the_explicit_products_up_to_exact_scaling(t0):
    J = random_stack(12, 5, seed=1, scale=1.3)
    for k, (P, e) in enumerate(reference.running_products(J, t0), start=1):
        assert 0.5 <= np.linalg.norm(P) < 1.0
        np.testing.assert_allclose(np.ldexp(P, e), explicit_product(J, t0, k), rtol=1e-12,
                                   atol=1e-14)
    assert k == 12 - t0


def test_curve_norms_are_the_svd_and_frobenius_norms_of_the_explicit_products():
    J = random_stack(10, 6, seed=2)
    blocks = {"a": slice(0, 2), "b": slice(2, 6)}
    curve = reference.anchor_curve(J, 3, blocks)
    np.testing.assert_array_equal(curve["k"], np.arange(1, 8))
    for i, k in enumerate(curve["k"]):
        P = explicit_product(J, 3, k)
        assert curve["log10_spectral"][i] == pytest.approx(np.log10(np.linalg.norm(P, 2)), abs=1e-13)
        assert curve["log10_frobenius"][i] == pytest.approx(np.log10(np.linalg.norm(P)), abs=1e-13)
        for name, sl in blocks.items():
            spec, fro = curve["blocks"][name]
            assert spec[i] == pytest.approx(np.log10(np.linalg.norm(P[sl, sl], 2)), abs=1e-13)
            assert fro[i] == pytest.approx(np.log10(np.linalg.norm(P[sl, sl])), abs=1e-13)


@pytest.mark.parametrize("factor", [1e-30, 1e30, 1e300])
def test_norms_far_outside_float64_are_exact_in_log_space(factor):
    # P(0, k) = factor^k Q: 1e±9000 at k = 300, and entries of 1e300 do not overflow a step.
    rng = np.random.default_rng(3)
    S, T = 4, 300
    J = np.stack([factor * random_orthogonal(rng, S) for _ in range(T)])
    curve = reference.anchor_curve(J, 0)
    slope = math.log10(factor)
    np.testing.assert_allclose(curve["log10_spectral"], slope * curve["k"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(curve["log10_frobenius"], slope * curve["k"] + 0.5 * np.log10(S),
                               rtol=0, atol=1e-9)


def test_a_zero_product_stays_zero_with_minus_infinity():
    J = random_stack(8, 3, seed=4)
    J[3] = 0.0
    curve = reference.anchor_curve(J, 1)
    assert np.isfinite(curve["log10_spectral"][:2]).all()
    assert (curve["log10_spectral"][2:] == -np.inf).all()
    assert (curve["log10_frobenius"][2:] == -np.inf).all()


def test_map_rows_are_anchor_curves_and_nan_beyond_the_sequence():
    J = random_stack(9, 4, seed=5)
    nm = reference.norm_map(J, starts=[2, 0, 5], max_k=6)
    np.testing.assert_array_equal(nm["starts"], [0, 2, 5])
    assert nm["log10_spectral"].shape == (3, 6)
    for row, t0 in enumerate(nm["starts"]):
        curve = reference.anchor_curve(J, int(t0))
        n = min(6, 9 - t0)
        np.testing.assert_array_equal(nm["log10_spectral"][row, :n], curve["log10_spectral"][:n])
        assert np.isnan(nm["log10_frobenius"][row, n:]).all()


def test_lyapunov_exponents_of_a_diagonal_map_are_the_log_moduli():
    d = np.array([0.5, -2.0, 1.5, 0.1])
    J = np.tile(np.diag(d), (150, 1, 1))
    exps = reference.lyapunov_exponents(J, m=4, discard=50)
    np.testing.assert_allclose(exps, np.sort(np.log(np.abs(d)))[::-1], rtol=0, atol=1e-12)
    assert reference.lyapunov_exponents(np.zeros((3, 2, 2)))[0] == -np.inf
