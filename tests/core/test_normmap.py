"""The map engine: blocks of steps, whole chunks in one GEMM, the underflow guard, cancelling."""

import numpy as np
import pytest

from rnnviz.core.cancel import Cancelled
from rnnviz.core.checks import as_jacobian_stack
from rnnviz.core.normmap import make_engine, run_in_this_thread
from rnnviz.core.options import EngineOptions
from rnnviz.core.products import norm_map


def random_stack(T, S, seed=0, scale=1.0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (scale * rng.standard_normal((T, S, S)) / np.sqrt(S)).astype(dtype)


def _run_in_blocks(J, starts, max_k, blocks, cap, block, tol=1e-6, multi_step=None):
    """The map in blocks of ``block`` steps, the n-step GEMM from S = 1 unless ``multi_step`` is
    False."""
    options = EngineOptions(time_block=block,
                            multi_step_min_s=1 if multi_step is not False else 1 << 30)
    engine = make_engine(as_jacobian_stack(J), starts, max_k, blocks, tol, 100, cap, 8, options)
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
def test_whole_chunks_take_a_block_in_one_gemm_with_the_same_norms(block):
    """Full chunks whose products all live through a block are extended by all its steps in
    one GEMM (float64): the same products up to rounding, so the same norms to ~1e-12."""
    # Strongly contracting and expanding steps: the exponents of a block are carried exactly.
    J = random_stack(29, 6, seed=21) * np.exp(np.linspace(-60, 60, 29))[:, None, None]
    blocks = {"a": slice(0, 3), "b": slice(3, 6)}
    for starts, max_k, cap in _BLOCK_CASES:
        one = _run_in_blocks(J, starts, max_k, blocks, cap, 1, tol=1e-13)
        many = _run_in_blocks(J, starts, max_k, blocks, cap, block, tol=1e-13)
        assert many.multi_step and one.block_gemms == 0
        assert many.block_fallbacks == 0
        if max_k is None:  # every chain runs to the end: whole chunks from the second block on
            assert many.block_gemms > 0
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
    options = EngineOptions(multi_step_min_s=1)
    J32 = J[:12].astype(np.float32)
    engine = run_in_this_thread(make_engine(J32, None, None, {}, 1e-6, 100, 2, 8, options))
    assert not engine.multi_step and engine.block_gemms == 0


def test_the_n_step_gemm_is_the_default_from_s_256_in_float64():
    """Measured: it pays for S = 256 (the benchmark's map) and costs for S = 128."""
    def engine(S, dtype):
        return make_engine(np.zeros((3, S, S), dtype=dtype), None, None, {}, 1e-6, 100, None, 8)
    assert engine(256, np.float64).multi_step
    assert not engine(128, np.float64).multi_step
    assert not engine(256, np.float32).multi_step


def test_blocks_that_shrink_a_product_by_far_go_step_by_step():
    """Diagonal steps: 12 that keep e1 and shrink the rest by ``small``, then steps that keep e2
    and shrink e1 (as far as float64 holds both directions of one product: small**12 >= 1e-240).  A block's multiplied-out Jacobians C_q shrink by small**(q+1) (they are kept
    at norm ~1 by powers of two), and products concentrated on e1 shrink with them; when a
    block would take them below 2**-500 at their stored scale (small = 1e-20: 1e-240), the chunk
    goes step by step instead, so no entry underflows.  Exact values either way."""
    # (diagonal steps are half-diagonal too: the block GEMMs are what is tested here)
    options = EngineOptions(multi_step_min_s=1, time_block=12, half_diagonal=False)
    T = 36
    for small, falls_back in ((1e-5, False), (1e-20, True)):
        keep1 = np.diag([1.0, small, small, small])
        keep2 = np.diag([small, 1.0, small, small])
        J = np.stack([keep1 if t < 12 else keep2 for t in range(T)])
        nm = run_in_this_thread(make_engine(J, None, None, {}, 1e-12, 100, 2, 8, options))
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
        assert nm.block_gemms + nm.block_fallbacks > 0
        assert (nm.block_fallbacks > 0) == falls_back


def test_a_blocks_multiplied_out_jacobians_are_kept_in_range():
    """Alternating diagonal steps that shrink all but one direction by 1e-60: twelve of them
    multiplied out are ~1e-360 (below float64) unless rescaled as they are formed."""
    options = EngineOptions(multi_step_min_s=1, time_block=12)
    T = 40
    a, b = np.diag([1.0, 1e-60, 1e-60, 1e-60]), np.diag([1e-60, 1.0, 1e-60, 1e-60])
    J = np.stack([a if t % 2 == 0 else b for t in range(T)])
    nm = norm_map(J, processes=False, tol=1e-12, chunk_blocks=2, options=options)
    diag_logs = np.log10(np.stack([np.diag(j) for j in J]))
    for t0 in range(T):
        exact = np.cumsum(diag_logs[t0:], axis=0).max(axis=1)
        np.testing.assert_allclose(nm.log10_spectral[t0, : T - t0], exact, rtol=0, atol=1e-9)


def test_the_plain_driver_stops_when_asked():
    J = random_stack(20, 4, seed=3)
    engine = make_engine(J, None, None, {}, 1e-6, 100, 2, 8)
    with pytest.raises(Cancelled):
        run_in_this_thread(engine, should_stop=lambda: engine.work_done > 10)
    assert 10 < engine.work_done < engine.total_work
