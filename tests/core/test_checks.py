"""Checks of the engine's arguments."""

import numpy as np
import pytest

from rnnviz.core.checks import as_jacobian_stack
from rnnviz.core.products import anchor_curve, norm_map


def random_stack(T, S, seed=0):
    return np.random.default_rng(seed).standard_normal((T, S, S)) / np.sqrt(S)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_finite_check_takes_huge_finite_jacobians_and_rejects_nan_inf(dtype):
    big = np.full((3, 4, 4), np.finfo(dtype).max / 2, dtype=dtype)   # the sum overflows
    assert as_jacobian_stack(big) is big
    for bad_value in (np.nan, np.inf, -np.inf):
        bad = big.copy()
        bad[2, 1, 3] = bad_value
        with pytest.raises(ValueError, match=r"J\[2\]"):
            as_jacobian_stack(bad)


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
