"""Jacobian products in log space: anchor curves, the (t0, k) map, Lyapunov exponents, bounds."""

import math

import numpy as np
import pytest

from rnnviz.core import products, reference
from rnnviz.core.config import CELLS
from rnnviz.core.products import (
    DEFAULT_MAP_TOL,
    DEFAULT_TOL,
    Cancelled,
    NormMap,
    activation_gamma,
    anchor_curve,
    iter_norm_map,
    lyapunov_exponents,
    norm_map,
    pascanu_bound,
    rho_line,
)

LN10 = math.log(10.0)


def random_stack(T, S, seed=0, scale=1.0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (scale * rng.standard_normal((T, S, S)) / np.sqrt(S)).astype(dtype)


def dead_unit_stack(T, S, seed):
    """Relu-like Jacobians: each step keeps the rows of 3 random alive units, the rest are zero."""
    rng = np.random.default_rng(seed)
    J = np.empty((T, S, S))
    for t in range(T):
        mask = np.zeros(S)
        mask[rng.choice(S, 3, replace=False)] = 1.0
        J[t] = mask[:, None] * rng.standard_normal((S, S))
    return J


def random_orthogonal(rng, S):
    q, r = np.linalg.qr(rng.standard_normal((S, S)))
    return q * np.sign(np.diagonal(r))


def reference_norms(J, t0, sl=None):
    """log10 ‖P(t0, k)‖ (spectral, Frobenius), k = 1..T-t0, of the readable path (the oracle)."""
    curve = reference.anchor_curve(J, t0, blocks=None if sl is None else {"b": sl})
    return curve["blocks"]["b"] if sl is not None else (curve["log10_spectral"],
                                                         curve["log10_frobenius"])


def spectral_tolerance(tol):
    """The documented worst-case bound 3·sqrt(tol) on the relative error, in log10, + rounding."""
    return 3.0 * math.sqrt(tol) / LN10 + 1e-12


# --------------------------------------------------------------------------- anchor curve


@pytest.mark.parametrize("t0", [0, 7, 29])
def test_anchor_curve_matches_the_reference(t0):
    J = random_stack(30, 10, seed=1, scale=1.1)
    curve = anchor_curve(J, t0, tol=1e-10)
    spec, fro = reference_norms(J, t0)
    np.testing.assert_array_equal(curve.k, np.arange(1, 31 - t0))
    assert curve.log10_frobenius.dtype == np.float64
    np.testing.assert_allclose(curve.log10_frobenius, fro, rtol=0, atol=1e-12)
    np.testing.assert_allclose(curve.log10_spectral, spec, rtol=0, atol=spectral_tolerance(1e-10))
    # Power-iteration estimates are lower bounds of the spectral norm.
    assert np.all(curve.log10_spectral <= spec + 1e-12)


def test_default_tolerance_meets_its_documented_accuracy():
    J = random_stack(40, 16, seed=21)
    curve = anchor_curve(J, 0)
    spec, _ = reference_norms(J, 0)
    np.testing.assert_allclose(curve.log10_spectral, spec, rtol=0,
                               atol=spectral_tolerance(DEFAULT_TOL))
    assert np.all(curve.log10_spectral <= spec + 1e-12)


def test_anchor_curve_blocks_are_the_diagonal_sub_blocks():
    H = 5
    J = random_stack(20, 2 * H, seed=2)
    blocks = {"hidden": slice(0, H), "cell": slice(H, 2 * H)}
    curve = anchor_curve(J, 3, blocks=blocks, tol=1e-10)
    for name, sl in blocks.items():
        spec, fro = reference_norms(J, 3, sl)
        got_spec, got_fro = curve.blocks[name]
        np.testing.assert_allclose(got_fro, fro, rtol=0, atol=1e-12)
        np.testing.assert_allclose(got_spec, spec, rtol=0, atol=spectral_tolerance(1e-10))
    # The whole product dominates each of its blocks.
    assert np.all(curve.blocks["cell"][0] <= curve.log10_spectral + 1e-12)


def test_spectral_norm_with_nearly_degenerate_top_singular_values():
    rng = np.random.default_rng(3)
    S, T = 12, 6
    J = np.empty((T, S, S))
    for t in range(T):
        s = np.linspace(0.5, 1.0, S)[::-1].copy()
        s[1] = s[0] * (1.0 - 1e-9)  # top pair degenerate to 1e-9
        s[2] = s[0] * (1.0 - 1e-6)
        J[t] = random_orthogonal(rng, S) @ np.diag(s) @ random_orthogonal(rng, S)
    for krylov in (2, 8):
        curve = anchor_curve(J, 0, krylov=krylov, max_iter=5000, tol=1e-10)
        spec, _ = reference_norms(J, 0)
        np.testing.assert_allclose(
            curve.log10_spectral, spec, rtol=0, atol=spectral_tolerance(1e-10)
        )
    # A single step: the known singular values.
    last = anchor_curve(J, T - 1, tol=1e-10)
    assert last.log10_spectral[0] == pytest.approx(0.0, abs=spectral_tolerance(1e-10))


def test_short_lanczos_restarts_with_a_small_gap_meet_the_documented_bound():
    rng = np.random.default_rng(4)
    S = 16
    s = np.geomspace(1.0, 0.3, S)
    s[1] = 1.0 - 1e-3
    J = (random_orthogonal(rng, S) @ np.diag(s) @ random_orthogonal(rng, S))[None]
    for tol in (1e-6, 1e-10):
        curve = anchor_curve(J, 0, tol=tol, krylov=2, max_iter=100000)
        err = abs(curve.log10_spectral[0] - 0.0)
        assert err <= spectral_tolerance(tol)


class _FlagRaisingMatmul:
    """NumPy as the products module sees it, with a matmul that also raises the floating-point
    "invalid" flag, as some OpenBLAS kernels do on finite input (NumPy issues #13173, #24067)."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def matmul(*args, **kwargs):
        np.multiply(np.float64(np.inf), np.float64(0.0))  # sets FE_INVALID, result unused
        return np.matmul(*args, **kwargs)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_spurious_invalid_flag_in_blas_does_not_abort_the_norms(monkeypatch, dtype):
    J = random_stack(30, 10, seed=24, dtype=dtype)
    blocks = {"a": slice(0, 5), "b": slice(5, 10)}
    clean = anchor_curve(J, 2, blocks=blocks)
    clean_map = norm_map(J, blocks=blocks)
    monkeypatch.setattr(products, "np", _FlagRaisingMatmul())
    with np.errstate(invalid="raise"):  # as strict as the test suite's warnings-as-errors
        flagged = anchor_curve(J, 2, blocks=blocks)
        flagged_map = norm_map(J, blocks=blocks)
    np.testing.assert_array_equal(flagged.log10_spectral, clean.log10_spectral)
    np.testing.assert_array_equal(flagged.blocks["a"][0], clean.blocks["a"][0])
    np.testing.assert_array_equal(flagged_map.log10_spectral, clean_map.log10_spectral)


@pytest.mark.parametrize("m", [1, 4])
def test_a_non_finite_lanczos_result_is_recomputed_by_svd(monkeypatch, m):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((m, 6, 6))
    fro_sq = np.einsum("mij,mij->m", X, X)
    real_batch, real_single = products._lanczos_batch, products._lanczos_single

    def broken_batch(X, V, fro_sq, *args):
        sigma, steps = real_batch(X, V, fro_sq, *args)
        sigma[1] = np.nan
        V[1] = np.nan
        return sigma, steps

    def broken_single(X, v, fro_sq, *args):
        real_single(X, v, fro_sq, *args)
        v[:] = np.inf
        return np.inf, 1

    monkeypatch.setattr(products, "_lanczos_batch", broken_batch)
    monkeypatch.setattr(products, "_lanczos_single", broken_single)
    V = np.tile(np.ones(6) / np.sqrt(6), (m, 1))
    sigma, _ = products._lanczos_iteration(X, V, fro_sq, 1e-12, 100, 8)
    exact = np.linalg.norm(X, 2, axis=(1, 2))
    np.testing.assert_allclose(sigma, exact, rtol=1e-9)
    assert np.isfinite(V).all()
    j = 1 if m > 1 else 0
    # The repaired start vector is P's top right singular vector: ‖P v‖ = σ_max.
    assert np.linalg.norm(V[j] @ X[j]) == pytest.approx(exact[j], rel=1e-12)


@pytest.mark.parametrize("factor, slope", [(0.01, -2.0), (100.0, 2.0)])
def test_log_space_extremes_are_exact(factor, slope):
    S, T = 4, 300
    J = np.tile(factor * np.eye(S), (T, 1, 1))
    curve = anchor_curve(J, 0)
    k = curve.k
    # 1e-600 and 1e+600 at k = 300: far outside float64, still exact in log space.
    np.testing.assert_allclose(curve.log10_spectral, slope * k, rtol=0, atol=1e-11)
    np.testing.assert_allclose(curve.log10_frobenius, slope * k + 0.5 * np.log10(S), atol=1e-11)


def test_log_space_extremes_with_rotations():
    rng = np.random.default_rng(5)
    S, T = 6, 400
    J = np.stack([1e-3 * random_orthogonal(rng, S) for _ in range(T)])
    curve = anchor_curve(J, 0)
    np.testing.assert_allclose(curve.log10_spectral, -3.0 * curve.k, rtol=0, atol=1e-10)
    nm = norm_map(J[:50] * 1e6)  # growth 1e+3 per step
    assert nm.log10_spectral[0, 49] == pytest.approx(150.0, abs=1e-10)


def test_zero_products_give_minus_infinity_without_warnings():
    J = random_stack(12, 6, seed=6)
    J[5] = 0.0
    curve = anchor_curve(J, 2)  # warnings are errors in this suite
    assert np.all(np.isfinite(curve.log10_spectral[:3]))
    assert np.all(curve.log10_spectral[3:] == -np.inf)
    assert np.all(curve.log10_frobenius[3:] == -np.inf)
    nm = norm_map(J, blocks={"a": slice(0, 3)})
    assert not np.isnan(nm.log10_spectral[np.triu(np.ones((12, 12), bool))[:, ::-1]]).any()
    assert nm.log10_spectral[5, 0] == -np.inf
    assert nm.log10_spectral[6, 0] > -np.inf


def test_dead_units_turn_the_warm_start_into_a_null_vector():
    # Relu-like Jacobians whose alive units change: the right singular vector of one product
    # can lie in the null space of the next one.  The estimate must recover.
    S, T = 8, 10
    J = dead_unit_stack(T, S, seed=7)
    J[1] = np.diag([1.0] + [0.0] * (S - 1)) @ J[1]
    J[2] = np.diag([0.0] + [1.0] * (S - 1)) @ J[2]
    spec, fro = reference_norms(J, 0)
    finite = np.isfinite(spec)
    for krylov in (2, 3, 8):
        curve = anchor_curve(J, 0, krylov=krylov, tol=1e-10)  # one product: the 1-D path
        # The same products side by side with others: the batched path.
        row = norm_map(J, krylov=krylov, tol=1e-10, chunk_blocks=4).log10_spectral[0]
        for got in (curve.log10_spectral, row):
            np.testing.assert_array_equal(np.isfinite(got), finite)
            np.testing.assert_allclose(got[finite], spec[finite], atol=spectral_tolerance(1e-10))


def test_anchor_curve_rejects_bad_input():
    J = random_stack(5, 3)
    with pytest.raises(ValueError, match="t0"):
        anchor_curve(J, 5)
    with pytest.raises(ValueError, match="t0"):
        anchor_curve(J, -1)
    with pytest.raises(ValueError, match=r"\(T, S, S\)"):
        anchor_curve(J[:, :2], 0)
    bad = J.copy()
    bad[3, 1, 1] = np.nan
    with pytest.raises(ValueError, match=r"J\[3\]"):
        anchor_curve(bad, 0)
    with pytest.raises(ValueError, match="block"):
        anchor_curve(J, 0, blocks={"x": slice(2, 2)})


# --------------------------------------------------------------------------- the curve's chunks


@pytest.fixture
def small_curve_chunks(monkeypatch):
    """Make the anchor curve form and measure its products three at a time."""

    def use(S, itemsize=8, count=3):
        monkeypatch.setattr(products, "_CURVE_CHUNK_BYTES", count * S * S * itemsize)

    return use


@pytest.mark.parametrize("cell", CELLS)
def test_anchor_curve_of_every_cell_matches_the_reference(cell, small_curve_chunks):
    from rnnviz.core.analysis import ExperimentConfig, run_fast

    J = run_fast(ExperimentConfig(cell=cell, hidden_size=6, input_size=3, seq_len=23)).jacobians
    S = J.shape[1]
    H = S // 2 if S == 12 else S
    blocks = {"hidden": slice(0, H), "cell": slice(H, S)} if S == 12 else {"top": slice(0, 4)}
    for chunk_products in (3, 1000):  # chunk boundaries everywhere / one chunk
        small_curve_chunks(S, count=chunk_products)
        for t0 in (0, 9):
            for tol in (DEFAULT_TOL, 1e-10):
                curve = anchor_curve(J, t0, blocks=blocks, tol=tol)
                spec, fro = reference_norms(J, t0)
                np.testing.assert_allclose(curve.log10_frobenius, fro, rtol=0, atol=1e-12)
                np.testing.assert_allclose(curve.log10_spectral, spec, rtol=0,
                                           atol=spectral_tolerance(tol))
                assert np.all(curve.log10_spectral <= spec + 1e-12)
                for name, sl in blocks.items():
                    bspec, bfro = reference_norms(J, t0, sl)
                    np.testing.assert_allclose(curve.blocks[name][1], bfro, rtol=0, atol=1e-12)
                    np.testing.assert_allclose(curve.blocks[name][0], bspec, rtol=0,
                                               atol=spectral_tolerance(tol))


def test_anchor_curve_blocks_of_different_sizes_and_overlapping_blocks(small_curve_chunks):
    J = random_stack(17, 9, seed=21)
    blocks = {"a": slice(0, 4), "b": slice(4, 9), "c": slice(2, 6), "d": slice(5, 9)}
    small_curve_chunks(9)
    curve = anchor_curve(J, 1, blocks=blocks, tol=1e-10)
    for name, sl in blocks.items():
        bspec, bfro = reference_norms(J, 1, sl)
        np.testing.assert_allclose(curve.blocks[name][1], bfro, rtol=0, atol=1e-12)
        np.testing.assert_allclose(curve.blocks[name][0], bspec, rtol=0,
                                   atol=spectral_tolerance(1e-10))


def test_anchor_curve_chunks_with_zero_products_and_dead_units(small_curve_chunks):
    S, T = 8, 14
    J = dead_unit_stack(T, S, seed=22)
    small_curve_chunks(S)
    curve = anchor_curve(J, 0, blocks={"a": slice(0, 4)}, tol=1e-10)
    spec, _ = reference_norms(J, 0)
    finite = np.isfinite(spec)
    np.testing.assert_array_equal(np.isfinite(curve.log10_spectral), finite)
    np.testing.assert_allclose(curve.log10_spectral[finite], spec[finite],
                               atol=spectral_tolerance(1e-10))
    J[4] = 0.0  # zero from the middle of the second chunk on
    curve = anchor_curve(J, 0, blocks={"a": slice(0, 4)})
    assert np.all(np.isfinite(curve.log10_frobenius[:4]))
    assert np.all(curve.log10_spectral[4:] == -np.inf)
    assert np.all(curve.log10_frobenius[4:] == -np.inf)
    assert np.all(curve.blocks["a"][0][4:] == -np.inf)


@pytest.mark.parametrize("factor", [1e-30, 1e-3, 1e3, 1e30])
def test_anchor_curve_chunks_stay_exact_in_log_space(factor, small_curve_chunks):
    # Rotations scaled by a huge or tiny factor: P(0, k) = factor^k Q, log10 ‖P‖ = k log10 factor
    # far beyond float64 (1e±9000 at k = 300); float32 only to its tolerance.
    rng = np.random.default_rng(23)
    S, T = 5, 300
    J = np.stack([factor * random_orthogonal(rng, S) for _ in range(T)])
    slope = np.log10(factor)
    for dtype, atol in ((np.float64, 1e-9), (np.float32, 2e-3)):
        small_curve_chunks(S, np.dtype(dtype).itemsize, count=7)
        curve = anchor_curve(J.astype(dtype), 0, blocks={"a": slice(0, 2)})
        k = curve.k
        np.testing.assert_allclose(curve.log10_spectral, slope * k, rtol=0, atol=atol)
        np.testing.assert_allclose(curve.log10_frobenius, slope * k + 0.5 * np.log10(S),
                                   rtol=0, atol=atol)
        assert np.all(curve.blocks["a"][0] <= curve.log10_spectral + atol)


def test_anchor_curve_in_float32_matches_float64(small_curve_chunks):
    J64 = random_stack(40, 10, seed=24)
    small_curve_chunks(10, 4)
    c32 = anchor_curve(J64.astype(np.float32), 2, blocks={"a": slice(0, 5), "b": slice(5, 10)})
    small_curve_chunks(10, 8)
    c64 = anchor_curve(J64, 2, blocks={"a": slice(0, 5), "b": slice(5, 10)})
    np.testing.assert_allclose(c32.log10_frobenius, c64.log10_frobenius, atol=2e-5)
    np.testing.assert_allclose(c32.log10_spectral, c64.log10_spectral, atol=2e-5)
    for name in ("a", "b"):
        np.testing.assert_allclose(c32.blocks[name][0], c64.blocks[name][0], atol=2e-5)


def test_anchor_curve_rejects_bad_iteration_settings():
    J = random_stack(5, 3)
    with pytest.raises(ValueError, match="tol"):
        anchor_curve(J, 0, tol=0.0)
    with pytest.raises(ValueError, match="max_iter"):
        anchor_curve(J, 0, max_iter=0)
    with pytest.raises(ValueError, match="krylov"):
        anchor_curve(J, 0, krylov=1)


# --------------------------------------------------------------------------- the map


def test_norm_map_matches_the_reference_everywhere():
    T, S = 14, 7
    J = random_stack(T, S, seed=8, scale=1.2)
    blocks = {"top": slice(0, 3), "rest": slice(3, 7)}
    nm = norm_map(J, blocks=blocks, tol=1e-12)
    ref = reference.norm_map(J, blocks=blocks)
    assert nm.log10_spectral.shape == (T, T) and nm.complete
    np.testing.assert_array_equal(nm.starts, np.arange(T))
    np.testing.assert_array_equal(np.isnan(nm.log10_spectral), np.isnan(ref["log10_spectral"]))
    np.testing.assert_allclose(nm.log10_frobenius, ref["log10_frobenius"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(nm.log10_spectral, ref["log10_spectral"], rtol=0,
                               atol=spectral_tolerance(1e-12))
    for name in blocks:
        np.testing.assert_allclose(nm.blocks[name][1], ref["blocks"][name][1], rtol=0, atol=1e-12)
        np.testing.assert_allclose(nm.blocks[name][0], ref["blocks"][name][0], rtol=0,
                                   atol=spectral_tolerance(1e-12))
    assert np.isnan(nm.log10_spectral[np.tril(np.ones((T, T), bool), -1)[:, ::-1]]).all()


def test_frobenius_only_map_skips_the_spectral_norms():
    J = random_stack(10, 5, seed=17)
    full = norm_map(J, blocks={"a": slice(0, 2)})
    fro_only = norm_map(J, blocks={"a": slice(0, 2)}, spectral=False)
    np.testing.assert_array_equal(fro_only.log10_frobenius, full.log10_frobenius)
    np.testing.assert_array_equal(fro_only.blocks["a"][1], full.blocks["a"][1])
    assert np.isnan(fro_only.log10_spectral).all() and np.isnan(fro_only.blocks["a"][0]).all()


def test_default_map_tolerance_meets_its_documented_accuracy():
    J = random_stack(12, 16, seed=22)
    nm = norm_map(J)
    for t0 in (0, 6):
        spec, _ = reference_norms(J, t0)
        np.testing.assert_allclose(nm.log10_spectral[t0, : 12 - t0], spec, rtol=0,
                                   atol=spectral_tolerance(DEFAULT_MAP_TOL))


def test_map_rows_equal_anchor_curves():
    J = random_stack(20, 9, seed=9)
    nm = norm_map(J, tol=1e-10)
    for t0 in (0, 11, 19):
        curve = anchor_curve(J, t0, tol=1e-10)
        np.testing.assert_allclose(nm.log10_frobenius[t0, : 20 - t0], curve.log10_frobenius,
                                   rtol=0, atol=1e-12)
        np.testing.assert_allclose(nm.log10_spectral[t0, : 20 - t0], curve.log10_spectral,
                                   rtol=0, atol=2 * spectral_tolerance(1e-10))


@pytest.mark.parametrize("chunk_blocks, workers", [(1, 1), (1, 3), (2, 2), (3, 1), (50, 2)])
def test_chunking_and_workers_do_not_change_the_result(chunk_blocks, workers):
    J = random_stack(17, 6, seed=10)
    reference = norm_map(J, chunk_blocks=4, tol=1e-10, workers=1)
    nm = norm_map(J, chunk_blocks=chunk_blocks, blocks={"a": slice(1, 4)}, tol=1e-10,
                  workers=workers)
    np.testing.assert_allclose(nm.log10_frobenius, reference.log10_frobenius, rtol=0, atol=1e-12)
    np.testing.assert_allclose(nm.log10_spectral, reference.log10_spectral, rtol=0,
                               atol=2 * spectral_tolerance(1e-10))
    np.testing.assert_array_equal(np.isnan(nm.log10_spectral), np.isnan(reference.log10_spectral))


@pytest.mark.parametrize("chunk_blocks", [1, 2, None])
def test_starts_and_max_k_select_rows_and_columns(chunk_blocks):
    T = 25
    J = random_stack(T, 5, seed=11)
    full = norm_map(J, tol=1e-10)
    starts = [20, 3, 7, 8, 3]
    nm = norm_map(J, starts=starts, max_k=6, chunk_blocks=chunk_blocks, tol=1e-10)
    np.testing.assert_array_equal(nm.starts, [3, 7, 8, 20])
    assert nm.log10_spectral.shape == (4, 6) and nm.max_k == 6
    for i, t0 in enumerate(nm.starts):
        K = min(6, T - t0)
        np.testing.assert_allclose(nm.log10_frobenius[i, :K], full.log10_frobenius[t0, :K],
                                   rtol=0, atol=1e-12)
        np.testing.assert_allclose(nm.log10_spectral[i, :K], full.log10_spectral[t0, :K],
                                   rtol=0, atol=2 * spectral_tolerance(1e-10))
        assert np.isnan(nm.log10_spectral[i, K:]).all()
    capped = norm_map(J, max_k=4, chunk_blocks=chunk_blocks)
    assert capped.log10_spectral.shape == (T, 4)
    np.testing.assert_allclose(capped.log10_frobenius, full.log10_frobenius[:, :4], atol=1e-12)
    with pytest.raises(ValueError, match="starts"):
        norm_map(J, starts=[25])
    with pytest.raises(ValueError, match="max_k"):
        norm_map(J, max_k=0)
    with pytest.raises(ValueError, match="workers"):
        norm_map(J, workers=0)


def test_should_stop_cancels_and_progress_is_reported():
    J = random_stack(30, 6, seed=12)
    calls = []

    def stop_after_three():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        norm_map(J, should_stop=stop_after_three)
    assert len(calls) == 4  # stopped at the first True

    # Within a block of steps: before every chunk this thread takes (the pool's threads stop
    # at their next chunk without asking).
    calls.clear()
    with pytest.raises(Cancelled):
        norm_map(J, chunk_blocks=2, workers=2, should_stop=stop_after_three)
    assert len(calls) == 4
    engine = products._make_engine(J, None, None, {}, 1e-6, 100, 2, 8)
    for e in range(12):  # twelve anchors: six full chunks
        engine.steps(e, 1)
    calls.clear()
    with pytest.raises(Cancelled):
        engine.steps(12, products._TIME_BLOCK, should_stop=stop_after_three)
    assert len(calls) == 4
    # Three chunks (anchors 0-5) went through the block, the other three not at all.
    reached = np.isfinite(engine.log10_frobenius[np.arange(12), 12 - np.arange(12)])
    assert reached.tolist() == [True] * 6 + [False] * 6

    fractions = []
    norm_map(J, progress=fractions.append)
    assert fractions[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions == sorted(fractions)

    with pytest.raises(Cancelled):
        for _ in iter_norm_map(J, should_stop=lambda: True):
            pass


@pytest.mark.parametrize("block", [1, 4])
def test_generator_fills_the_map_progressively_and_ends_with_norm_map(block, monkeypatch):
    monkeypatch.setattr(products, "_TIME_BLOCK", block)
    T = 16
    J = random_stack(T, 5, seed=13)
    snapshots = list(iter_norm_map(J, interval=0.0))
    assert all(isinstance(s, NormMap) for s in snapshots)
    steps = [s.steps_done for s in snapshots]
    assert steps == list(range(block, T + 1, block))  # one per block of steps
    coverage = [int(np.isfinite(s.log10_frobenius).sum()) for s in snapshots]
    # Snapshot after e steps: exactly the products ending at states s_1..s_e.
    assert coverage == [sum(range(1, e + 1)) for e in steps]
    assert not snapshots[-2].complete and snapshots[-1].complete
    final = norm_map(J)
    np.testing.assert_array_equal(snapshots[-1].log10_spectral, final.log10_spectral)
    np.testing.assert_array_equal(snapshots[-1].log10_frobenius, final.log10_frobenius)
    # Earlier snapshots are copies, not views that keep changing.
    assert np.isnan(snapshots[0].log10_frobenius[steps[0], 0])
    # With an infinite interval only the final snapshot comes.
    only = list(iter_norm_map(J, interval=float("inf")))
    assert len(only) == 1 and only[0].complete


def test_float32_input_is_computed_in_float32_with_float64_logs():
    J64 = random_stack(20, 8, seed=14)
    J32 = J64.astype(np.float32)
    nm32 = norm_map(J32, blocks={"a": slice(0, 4)})
    nm64 = norm_map(J64, blocks={"a": slice(0, 4)})
    assert nm32.log10_spectral.dtype == np.float64
    np.testing.assert_allclose(nm32.log10_frobenius, nm64.log10_frobenius, atol=2e-5)
    np.testing.assert_allclose(nm32.log10_spectral, nm64.log10_spectral, atol=2e-5)
    np.testing.assert_allclose(nm32.blocks["a"][0], nm64.blocks["a"][0], atol=2e-5)
    curve = anchor_curve(np.tile(np.float32(0.01) * np.eye(3, dtype=np.float32), (200, 1, 1)), 0)
    np.testing.assert_allclose(curve.log10_spectral, -2.0 * curve.k, atol=1e-4)


# --------------------------------------------------------------------------- Lyapunov exponents


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


# --------------------------------------------------------------------------- bounds


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


def test_blas_threads_are_limited_only_while_steps_run():
    import threadpoolctl  # a runtime dependency of rnnviz

    def blas_threads():
        return [p["num_threads"] for p in threadpoolctl.threadpool_info()
                if p["user_api"] == "blas"]

    before = blas_threads()
    seen = []
    J = random_stack(12, 5, seed=16)
    norm_map(J, progress=lambda f: seen.append(blas_threads()))
    assert blas_threads() == before
    assert all(s == before for s in seen)  # callbacks run with the caller's settings
    for _ in iter_norm_map(J, interval=0.0):
        assert blas_threads() == before  # the consumer runs between steps


def test_overlapping_maps_restore_the_blas_threads_once_all_are_done():
    import threading

    import threadpoolctl  # a runtime dependency of rnnviz

    def blas_threads():
        return [p["num_threads"] for p in threadpoolctl.threadpool_info()
                if p["user_api"] == "blas"]

    before = blas_threads()
    J = random_stack(20, 8, seed=18)
    reference = norm_map(J, workers=1)
    a_inside, b_inside, a_done = threading.Event(), threading.Event(), threading.Event()
    results, errors = {}, []

    def hook(mine: threading.Event, wait_for: threading.Event):
        def should_stop():
            if not mine.is_set():
                mine.set()
                assert wait_for.wait(10.0)
            return False
        return should_stop

    def run(name, should_stop, before_start=None):
        try:
            if before_start is not None:
                assert before_start.wait(10.0)
            results[name] = norm_map(J, workers=2, should_stop=should_stop)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            if name == "a":
                a_done.set()

    # Non-nested order: A starts, B starts, A finishes, B finishes.
    ta = threading.Thread(target=run, args=("a", hook(a_inside, b_inside)))
    tb = threading.Thread(target=run, args=("b", hook(b_inside, a_done), a_inside))
    ta.start()
    tb.start()
    ta.join()
    tb.join()
    assert not errors
    assert blas_threads() == before
    for nm in results.values():
        np.testing.assert_allclose(nm.log10_frobenius, reference.log10_frobenius, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_finite_check_takes_huge_finite_jacobians_and_rejects_nan_inf(dtype):
    from rnnviz.core.products import _as_jacobian_stack

    big = np.full((3, 4, 4), np.finfo(dtype).max / 2, dtype=dtype)   # the sum overflows
    assert _as_jacobian_stack(big) is big
    for bad_value in (np.nan, np.inf, -np.inf):
        bad = big.copy()
        bad[2, 1, 3] = bad_value
        with pytest.raises(ValueError, match=r"J\[2\]"):
            _as_jacobian_stack(bad)


def test_closed_form_2x2_eigenpair_matches_eigh():
    rng = np.random.default_rng(11)
    m = 500
    for scale in (1.0, 1e-150, 1e150):
        a, d = rng.random(m) * scale, rng.random(m) * scale
        b = rng.standard_normal(m) * scale * rng.choice([1.0, 1e-9, 0.0], m)
        a[:5], d[:5], b[:5] = scale, scale, 0.0  # multiples of I
        lam, y = products._top_eigenpair_2x2(a, d, b)
        T = np.stack([np.stack([a, b], -1), np.stack([b, d], -1)], -2)
        ref, vecs = np.linalg.eigh(T)
        np.testing.assert_allclose(lam, ref[:, -1], rtol=1e-14, atol=0)
        np.testing.assert_allclose(np.linalg.norm(y, axis=1), 1.0, rtol=1e-15)
        residual = np.einsum("mij,mj->mi", T, y) - lam[:, None] * y
        assert np.abs(residual).max() <= 1e-14 * scale
        distinct = np.abs(ref[:, 1] - ref[:, 0]) > 1e-6 * scale
        np.testing.assert_allclose(np.abs(y[distinct, 1]), np.abs(vecs[distinct, 1, -1]), atol=1e-12)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [0, 3, 7])
def test_non_finite_jacobians_are_rejected_with_the_step(bad, where):
    J = random_stack(8, 4, seed=2)
    J[where, 1, 2] = bad
    for call in (lambda: anchor_curve(J, 2), lambda: norm_map(J)):
        with pytest.raises(ValueError, match=rf"finite, found NaN or inf in J\[{where}\]"):
            call()


def test_huge_finite_jacobians_whose_sums_overflow_are_accepted():
    J = np.tile(1e200 * np.eye(4), (6, 1, 1))  # Σ entries² overflows float64; the entries do not
    curve = anchor_curve(J, 0)
    np.testing.assert_allclose(curve.log10_spectral, 200.0 * curve.k, rtol=0, atol=1e-9)
    assert norm_map(J).complete


def test_a_later_first_test_only_skips_tests():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((6, 12, 12))
    fro_sq = np.einsum("mij,mij->m", X, X)
    exact = np.linalg.norm(X, 2, axis=(1, 2))
    for first_test in (1, 2, 4, 6):
        V = np.tile(np.ones(12) / np.sqrt(12), (6, 1))
        sigma, work = products._lanczos_iteration(X, V, fro_sq, 1e-10, 100, 8, first_test)
        assert work >= min(first_test, 8) * 6  # no item stopped before the first test
        np.testing.assert_allclose(sigma, exact, rtol=1e-5)


def test_first_test_hint_follows_the_previous_chunk():
    # one point of the test schedule (1, 2, 4, 6, 8) before the steps the last batch needed
    assert products._first_test({}, None) == 1
    assert products._first_test({None: 2.0}, None) == 1
    assert products._first_test({None: 4.0}, None) == 2
    assert products._first_test({None: 2.0, 64: 6.0}, 64) == 4
    assert products._first_test({None: 11.25}, None) == 10


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
    sigma, work = products._lanczos_iteration(X, V, fro_sq, 1e-13, 5000, 2)
    exact = np.linalg.norm(X, 2, axis=(1, 2))
    assert work > 3 * 2 * 3  # the neighbours did restart
    assert sigma[1] <= exact[1] * (1 + 1e-14)
    np.testing.assert_allclose(sigma[1], exact[1], rtol=1e-12)
    np.testing.assert_allclose(np.abs(V[1] @ np.linalg.svd(X[1])[0][:, 0]), 1.0, rtol=1e-10)


def test_no_snapshot_comes_just_before_the_end(monkeypatch):
    """A snapshot is skipped when the rest of the map, at the rate so far, takes < interval/2."""
    clock = [0.0]
    monkeypatch.setattr(products.time, "perf_counter", lambda: clock[0])

    class Engine:  # ten equal steps of 0.1 s each, in blocks of one
        first_step, last_step, total_work, work_done = 0, 9, 10, 0

        def block_steps(self, e):
            return 1

        def steps(self, e, n, pool, workers, should_stop):
            clock[0] += 0.1 * n
            self.work_done += n

    # After 9 of 10 steps the last one is expected to take 0.1 s < 0.25/2: no snapshot at 9.
    assert list(products._run_steps(Engine(), None, 0.25, 1)) == [3, 6, 10]
    # A longer rest is not skipped: with interval 0.15 every ~2 steps come, up to 8 (rest 0.2 s).
    assert list(products._run_steps(Engine(), None, 0.15, 1)) == [2, 4, 6, 8, 10]
    # interval 0 keeps every step (a rest is never shorter than 0).
    assert list(products._run_steps(Engine(), None, 0.0, 1)) == list(range(1, 11))


def _run_in_blocks(J, starts, max_k, blocks, cap, block, tol=1e-6, multi_step=None):
    engine = products._make_engine(
        products._as_jacobian_stack(J), starts, max_k, blocks, tol, 100, cap, 8
    )
    engine.time_block = block
    if multi_step is not None:
        engine.multi_step = multi_step
    e = engine.first_step
    while e <= engine.last_step:
        n = engine.block_steps(e)
        assert n == min(block - e % block, engine.last_step - e + 1)
        engine.steps(e, n)
        e += n
    return engine


_BLOCK_CASES = [(None, None, 3), ([0, 1, 2, 5, 6, 11, 12, 13, 20, 27], 9, 2),
                (list(range(3, 29)), 5, 4), ([0, 1, 2, 3, 4, 5], None, 3)]


@pytest.mark.parametrize("block", [2, 3, 4, 7])
def test_steps_chunk_by_chunk_give_the_same_map_as_step_by_step(block):
    """engine.steps(e, n) without the n-step GEMM (float32's way) reorders the work
    (chunk-major) without changing a single number."""
    J = random_stack(29, 6, seed=21)
    blocks = {"a": slice(0, 3), "b": slice(3, 6)}
    for starts, max_k, cap in _BLOCK_CASES:
        one = _run_in_blocks(J, starts, max_k, blocks, cap, 1)
        many = _run_in_blocks(J, starts, max_k, blocks, cap, block, multi_step=False)
        np.testing.assert_array_equal(one.log10_spectral, many.log10_spectral)
        np.testing.assert_array_equal(one.log10_frobenius, many.log10_frobenius)
        for name in blocks:
            for i in (0, 1):
                np.testing.assert_array_equal(one.block_maps[name][i], many.block_maps[name][i])
        assert one.work_done == many.work_done == one.total_work
        assert one.iterations == many.iterations
        assert [(c.lo, c.count) for c in many.chunks] == [(c.lo, c.count) for c in one.chunks]
        assert np.isfinite(many.log10_frobenius).sum() == one.total_work


@pytest.mark.parametrize("block", [2, 3, 4, 7])
def test_whole_chunks_take_a_block_in_one_gemm_with_the_same_norms(block, monkeypatch):
    """Full chunks whose products all live through a block are extended by all its steps in
    one GEMM (float64): the same products up to rounding, so the same norms to ~1e-12."""
    calls = []
    real = products._ProductEngine._advance_block

    def counting(self, chunk, B, cum, e0, w):
        calls.append(B.shape[1] // self.S)
        return real(self, chunk, B, cum, e0, w)

    monkeypatch.setattr(products._ProductEngine, "_advance_block", counting)
    monkeypatch.setattr(products, "_MULTI_STEP_MIN_S", 1)  # by default only for S >= 256
    # Strongly contracting and expanding steps: the exponents of a block are carried exactly.
    J = random_stack(29, 6, seed=21) * np.exp(np.linspace(-60, 60, 29))[:, None, None]
    blocks = {"a": slice(0, 3), "b": slice(3, 6)}
    for starts, max_k, cap in _BLOCK_CASES:
        one = _run_in_blocks(J, starts, max_k, blocks, cap, 1, tol=1e-13)
        calls.clear()
        many = _run_in_blocks(J, starts, max_k, blocks, cap, block, tol=1e-13)
        assert many.multi_step
        assert set(calls) <= set(range(2, block + 1))
        if max_k is None:  # every chain runs to the end: whole chunks from the second block on
            assert calls
        for a, b in [(one.log10_spectral, many.log10_spectral),
                     (one.log10_frobenius, many.log10_frobenius)] + [
                (one.block_maps[n][i], many.block_maps[n][i]) for n in blocks for i in (0, 1)]:
            assert np.array_equal(np.isnan(a), np.isnan(b))
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
        assert one.work_done == many.work_done == one.total_work
        assert [(c.lo, c.count) for c in many.chunks] == [(c.lo, c.count) for c in one.chunks]
    # The map spans hundreds of decades: the block's exponents were applied.
    assert np.nanmax(many.log10_frobenius) - np.nanmin(many.log10_frobenius) > 300
    # float32 products are rescaled at every step: never n steps in one GEMM.
    calls.clear()
    products.norm_map(J[:12].astype(np.float32), processes=False)
    assert calls == []


def test_the_n_step_gemm_is_the_default_from_s_256_in_float64():
    """Measured: it pays for S = 256 (the benchmark's map) and costs for S = 128."""
    def engine(S, dtype):
        return products._make_engine(np.zeros((3, S, S), dtype=dtype), None, None, {},
                                     1e-6, 100, None, 8)
    assert engine(256, np.float64).multi_step
    assert not engine(128, np.float64).multi_step
    assert not engine(256, np.float32).multi_step


def test_blocks_that_shrink_a_product_by_far_go_step_by_step(monkeypatch):
    """Diagonal steps: 12 that keep e1 and shrink the rest by ``small``, then steps that keep e2
    and shrink e1 (as far as float64 holds both directions of one product: small**12 >= 1e-240).  A block's multiplied-out Jacobians C_q shrink by small**(q+1) (they are kept
    at norm ~1 by powers of two), and products concentrated on e1 shrink with them; when a
    block would take them below 2**-500 at their stored scale (small = 1e-20: 1e-240), the chunk
    goes step by step instead, so no entry underflows.  Exact values either way."""
    monkeypatch.setattr(products, "_MULTI_STEP_MIN_S", 1)
    monkeypatch.setattr(products, "_TIME_BLOCK", 12)
    fallbacks = []
    real = products._ProductEngine._advance_block

    def watching(self, chunk, B, cum, e0, w):
        its, done = real(self, chunk, B, cum, e0, w)
        fallbacks.append(not done)
        return its, done

    monkeypatch.setattr(products._ProductEngine, "_advance_block", watching)
    T = 36
    for small, falls_back in ((1e-5, False), (1e-20, True)):
        fallbacks.clear()
        keep1 = np.diag([1.0, small, small, small])
        keep2 = np.diag([small, 1.0, small, small])
        J = np.stack([keep1 if t < 12 else keep2 for t in range(T)])
        nm = norm_map(J, processes=False, tol=1e-12, chunk_blocks=2)
        logs = np.log10(np.stack([np.diag(j) for j in J]))
        exact, exact_fro = np.full((T, T), np.nan), np.full((T, T), np.nan)
        for t0 in range(T):
            diag = np.cumsum(logs[t0:], axis=0)  # log10 of the product's diagonal, per k
            top = diag.max(axis=1)
            exact[t0, : T - t0] = top
            exact_fro[t0, : T - t0] = top + 0.5 * np.log10(
                (10.0 ** (2 * (diag - top[:, None]))).sum(axis=1))
        np.testing.assert_allclose(nm.log10_spectral, exact, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(nm.log10_frobenius, exact_fro, rtol=1e-12, atol=1e-9)
        assert fallbacks and (True in fallbacks) == falls_back


def test_a_blocks_multiplied_out_jacobians_are_kept_in_range(monkeypatch):
    """Alternating diagonal steps that shrink all but one direction by 1e-60: twelve of them
    multiplied out are ~1e-360 (below float64) unless rescaled as they are formed."""
    monkeypatch.setattr(products, "_MULTI_STEP_MIN_S", 1)
    monkeypatch.setattr(products, "_TIME_BLOCK", 12)
    T = 40
    a, b = np.diag([1.0, 1e-60, 1e-60, 1e-60]), np.diag([1e-60, 1.0, 1e-60, 1e-60])
    J = np.stack([a if t % 2 == 0 else b for t in range(T)])
    nm = norm_map(J, processes=False, tol=1e-12, chunk_blocks=2)
    diag_logs = np.log10(np.stack([np.diag(j) for j in J]))
    for t0 in range(T):
        exact = np.cumsum(diag_logs[t0:], axis=0).max(axis=1)
        np.testing.assert_allclose(nm.log10_spectral[t0, : T - t0], exact, rtol=0, atol=1e-9)
