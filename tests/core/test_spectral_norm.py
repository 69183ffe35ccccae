"""Batched warm-started Lanczos: the recovery paths, the closed-form 2×2 step, the test schedule."""

import numpy as np
import pytest

from rnnviz.core import spectral_norm
from rnnviz.core.spectral_norm import first_test_from, spectral_norms, top_eigenpair_2x2


def random_orthogonal(rng, S):
    q, r = np.linalg.qr(rng.standard_normal((S, S)))
    return q * np.sign(np.diagonal(r))


@pytest.mark.parametrize("m", [1, 4])
def test_a_non_finite_lanczos_result_is_recomputed_by_svd(monkeypatch, m):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((m, 6, 6))
    fro_sq = np.einsum("mij,mij->m", X, X)
    real_batch, real_single = spectral_norm.lanczos_batch, spectral_norm.lanczos_single

    def broken_batch(X, V, fro_sq, *args):
        sigma, steps = real_batch(X, V, fro_sq, *args)
        sigma[1] = np.nan
        V[1] = np.nan
        return sigma, steps

    def broken_single(X, v, fro_sq, *args):
        real_single(X, v, fro_sq, *args)
        v[:] = np.inf
        return np.inf, 1

    monkeypatch.setattr(spectral_norm, "lanczos_batch", broken_batch)
    monkeypatch.setattr(spectral_norm, "lanczos_single", broken_single)
    V = np.tile(np.ones(6) / np.sqrt(6), (m, 1))
    sigma, _ = spectral_norms(X, V, fro_sq, 1e-12, 100, 8)
    exact = np.linalg.norm(X, 2, axis=(1, 2))
    np.testing.assert_allclose(sigma, exact, rtol=1e-9)
    assert np.isfinite(V).all()
    j = 1 if m > 1 else 0
    # The repaired start vector is P's top right singular vector: ‖P v‖ = σ_max.
    assert np.linalg.norm(V[j] @ X[j]) == pytest.approx(exact[j], rel=1e-12)


def test_closed_form_2x2_eigenpair_matches_eigh():
    rng = np.random.default_rng(11)
    m = 500
    for scale in (1.0, 1e-150, 1e150):
        a, d = rng.random(m) * scale, rng.random(m) * scale
        b = rng.standard_normal(m) * scale * rng.choice([1.0, 1e-9, 0.0], m)
        a[:5], d[:5], b[:5] = scale, scale, 0.0  # multiples of I
        lam, y = top_eigenpair_2x2(a, d, b)
        T = np.stack([np.stack([a, b], -1), np.stack([b, d], -1)], -2)
        ref, vecs = np.linalg.eigh(T)
        np.testing.assert_allclose(lam, ref[:, -1], rtol=1e-14, atol=0)
        np.testing.assert_allclose(np.linalg.norm(y, axis=1), 1.0, rtol=1e-15)
        residual = np.einsum("mij,mj->mi", T, y) - lam[:, None] * y
        assert np.abs(residual).max() <= 1e-14 * scale
        distinct = np.abs(ref[:, 1] - ref[:, 0]) > 1e-6 * scale
        np.testing.assert_allclose(np.abs(y[distinct, 1]), np.abs(vecs[distinct, 1, -1]), atol=1e-12)


def test_a_later_first_test_only_skips_tests():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((6, 12, 12))
    fro_sq = np.einsum("mij,mij->m", X, X)
    exact = np.linalg.norm(X, 2, axis=(1, 2))
    for first_test in (1, 2, 4, 6):
        V = np.tile(np.ones(12) / np.sqrt(12), (6, 1))
        sigma, work = spectral_norms(X, V, fro_sq, 1e-10, 100, 8, first_test)
        assert work >= min(first_test, 8) * 6  # no item stopped before the first test
        np.testing.assert_allclose(sigma, exact, rtol=1e-5)


def test_first_test_hint_follows_the_previous_chunk():
    # one point of the test schedule (1, 2, 4, 6, 8) before the steps the last batch needed
    assert first_test_from({}, None) == 1
    assert first_test_from({None: 2.0}, None) == 1
    assert first_test_from({None: 4.0}, None) == 2
    assert first_test_from({None: 2.0, 64: 6.0}, 64) == 4
    assert first_test_from({None: 11.25}, None) == 10


def test_an_item_done_early_keeps_its_result_while_neighbours_restart():
    # Items 0 and 2 have clustered top singular values and need many short restart cycles;
    # item 1 starts on its exact top singular vector.  Restarting item 1 from that converged
    # vector would divide rounding noise by a rounding-level β; it must keep its first result.
    rng = np.random.default_rng(12)
    S = 10
    X = np.empty((3, S, S))
    for j in range(3):
        s = np.geomspace(1.0, 0.2, S)
        if j != 1:
            s[1] = 1.0 - 1e-4
        X[j] = random_orthogonal(rng, S) @ np.diag(s) @ random_orthogonal(rng, S)
    V = np.tile(np.ones(S) / np.sqrt(S), (3, 1))
    V[1] = np.linalg.svd(X[1])[0][:, 0]  # X = Pᵀ: P's top right singular vector
    fro_sq = np.einsum("mij,mij->m", X, X)
    sigma, work = spectral_norms(X, V, fro_sq, 1e-13, 5000, 2)
    exact = np.linalg.norm(X, 2, axis=(1, 2))
    assert work > 3 * 2 * 3  # the neighbours did restart
    assert sigma[1] <= exact[1] * (1 + 1e-14)
    np.testing.assert_allclose(sigma[1], exact[1], rtol=1e-12)
    np.testing.assert_allclose(np.abs(V[1] @ np.linalg.svd(X[1])[0][:, 0]), 1.0, rtol=1e-10)
