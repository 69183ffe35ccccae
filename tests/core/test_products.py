"""Jacobian products in log space through the public entry: anchor curves and the (t0, k) map,
held to the readable path (rnnviz.core.reference)."""

import math

import numpy as np
import pytest

from rnnviz.core import curve as curve_module
from rnnviz.core import normmap, reference, spectral_norm
from rnnviz.core.config import CELLS
from rnnviz.core.normmap import make_engine
from rnnviz.core.products import (
    DEFAULT_MAP_TOL,
    DEFAULT_TOL,
    Cancelled,
    EngineOptions,
    NormMap,
    anchor_curve,
    iter_norm_map,
    norm_map,
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
    """NumPy as the engine's modules see it, with a matmul that also raises the floating-point
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
    for module in (spectral_norm, curve_module, normmap):  # where the engine multiplies
        monkeypatch.setattr(module, "np", _FlagRaisingMatmul())
    with np.errstate(invalid="raise"):  # as strict as the test suite's warnings-as-errors
        flagged = anchor_curve(J, 2, blocks=blocks)
        flagged_map = norm_map(J, blocks=blocks)
    np.testing.assert_array_equal(flagged.log10_spectral, clean.log10_spectral)
    np.testing.assert_array_equal(flagged.blocks["a"][0], clean.blocks["a"][0])
    np.testing.assert_array_equal(flagged_map.log10_spectral, clean_map.log10_spectral)


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

def chunk_options(S, itemsize=8, count=3):
    """Options that make the anchor curve form and measure its products three at a time."""
    return EngineOptions(curve_chunk_bytes=count * S * S * itemsize)


@pytest.mark.parametrize("cell", CELLS)
def test_anchor_curve_of_every_cell_matches_the_reference(cell):
    from rnnviz.core.analysis import ExperimentConfig, run_fast

    J = run_fast(ExperimentConfig(cell=cell, hidden_size=6, input_size=3, seq_len=23)).jacobians
    S = J.shape[1]
    H = S // 2 if S == 12 else S
    blocks = {"hidden": slice(0, H), "cell": slice(H, S)} if S == 12 else {"top": slice(0, 4)}
    for chunk_products in (3, 1000):  # chunk boundaries everywhere / one chunk
        opts = chunk_options(S, count=chunk_products)
        for t0 in (0, 9):
            for tol in (DEFAULT_TOL, 1e-10):
                curve = anchor_curve(J, t0, blocks=blocks, tol=tol, options=opts)
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


def test_anchor_curve_blocks_of_different_sizes_and_overlapping_blocks():
    J = random_stack(17, 9, seed=21)
    blocks = {"a": slice(0, 4), "b": slice(4, 9), "c": slice(2, 6), "d": slice(5, 9)}
    curve = anchor_curve(J, 1, blocks=blocks, tol=1e-10, options=chunk_options(9))
    for name, sl in blocks.items():
        bspec, bfro = reference_norms(J, 1, sl)
        np.testing.assert_allclose(curve.blocks[name][1], bfro, rtol=0, atol=1e-12)
        np.testing.assert_allclose(curve.blocks[name][0], bspec, rtol=0,
                                   atol=spectral_tolerance(1e-10))


def test_anchor_curve_chunks_with_zero_products_and_dead_units():
    S, T = 8, 14
    J = dead_unit_stack(T, S, seed=22)
    opts = chunk_options(S)
    curve = anchor_curve(J, 0, blocks={"a": slice(0, 4)}, tol=1e-10, options=opts)
    spec, _ = reference_norms(J, 0)
    finite = np.isfinite(spec)
    np.testing.assert_array_equal(np.isfinite(curve.log10_spectral), finite)
    np.testing.assert_allclose(curve.log10_spectral[finite], spec[finite],
                               atol=spectral_tolerance(1e-10))
    J[4] = 0.0  # zero from the middle of the second chunk on
    curve = anchor_curve(J, 0, blocks={"a": slice(0, 4)}, options=opts)
    assert np.all(np.isfinite(curve.log10_frobenius[:4]))
    assert np.all(curve.log10_spectral[4:] == -np.inf)
    assert np.all(curve.log10_frobenius[4:] == -np.inf)
    assert np.all(curve.blocks["a"][0][4:] == -np.inf)


@pytest.mark.parametrize("factor", [1e-30, 1e-3, 1e3, 1e30])
def test_anchor_curve_chunks_stay_exact_in_log_space(factor):
    # Rotations scaled by a huge or tiny factor: P(0, k) = factor^k Q, log10 ‖P‖ = k log10 factor
    # far beyond float64 (1e±9000 at k = 300); float32 only to its tolerance.
    rng = np.random.default_rng(23)
    S, T = 5, 300
    J = np.stack([factor * random_orthogonal(rng, S) for _ in range(T)])
    slope = np.log10(factor)
    for dtype, atol in ((np.float64, 1e-9), (np.float32, 2e-3)):
        opts = chunk_options(S, np.dtype(dtype).itemsize, count=7)
        curve = anchor_curve(J.astype(dtype), 0, blocks={"a": slice(0, 2)}, options=opts)
        k = curve.k
        np.testing.assert_allclose(curve.log10_spectral, slope * k, rtol=0, atol=atol)
        np.testing.assert_allclose(curve.log10_frobenius, slope * k + 0.5 * np.log10(S),
                                   rtol=0, atol=atol)
        assert np.all(curve.blocks["a"][0] <= curve.log10_spectral + atol)


def test_anchor_curve_in_float32_matches_float64():
    J64 = random_stack(40, 10, seed=24)
    blocks = {"a": slice(0, 5), "b": slice(5, 10)}
    c32 = anchor_curve(J64.astype(np.float32), 2, blocks=blocks, options=chunk_options(10, 4))
    c64 = anchor_curve(J64, 2, blocks=blocks, options=chunk_options(10, 8))
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
    engine = make_engine(J, None, None, {}, 1e-6, 100, 2, 8)
    for e in range(12):  # twelve anchors: six full chunks
        engine.steps(e, 1)
    calls.clear()
    with pytest.raises(Cancelled):
        engine.steps(12, engine.time_block, should_stop=stop_after_three)
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
def test_generator_fills_the_map_progressively_and_ends_with_norm_map(block):
    T = 16
    J = random_stack(T, 5, seed=13)
    snapshots = list(iter_norm_map(J, interval=0.0, options=EngineOptions(time_block=block)))
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
