"""Exact spectral norms by default in ``rnnviz analyze`` (``--tol`` for the fast estimate)."""
from __future__ import annotations

import numpy as np
import pytest

from rnnviz.core.analysis import ExperimentConfig, run_fast
from tests.test_cli_analyze import SMALL, analyze_json, assert_one_error_line


def _explicit_log10_norms(J: np.ndarray, t0: int) -> np.ndarray:
    """log10 ‖J[t0+k-1] ⋯ J[t0]‖₂ from explicit float64 products and a full SVD."""
    P = np.eye(J.shape[1])
    out = []
    for step in J[t0:]:
        P = step.astype(np.float64) @ P
        out.append(np.log10(np.linalg.svd(P, compute_uv=False)[0]))
    return np.array(out)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_exact_mode_agrees_with_an_svd_of_the_explicit_product(cell):
    config = ExperimentConfig(cell=cell, hidden_size=12, input_size=3, seq_len=30, anchor=2,
                              radius=1.3, seed=5)
    exact = run_fast(config, tol=None)
    fast = run_fast(config)
    expected = _explicit_log10_norms(exact.jacobians, config.anchor - exact.jacobian_start)
    # relative error of the norm itself: |Δ log10| · ln 10
    err_exact = np.max(np.abs(exact.curve["log10_spectral"] - expected)) * np.log(10)
    err_fast = np.max(np.abs(fast.curve["log10_spectral"] - expected)) * np.log(10)
    assert err_exact <= 1e-12
    assert exact.tol is None and fast.tol == pytest.approx(1e-6)
    assert err_fast < 1e-4   # the explorer's estimate: close, not exact
    np.testing.assert_array_equal(exact.curve["k"], fast.curve["k"])


def test_json_records_the_precision_used(capsys):
    exact = analyze_json(capsys, *SMALL)
    assert (exact["config"]["precision"], exact["config"]["tol"]) == ("exact", None)
    fast = analyze_json(capsys, *SMALL, "--tol", "1e-4")
    assert (fast["config"]["precision"], fast["config"]["tol"]) == ("lanczos", 1e-4)
    a = np.array(exact["state_jacobian"]["log10_spectral_norm"])
    b = np.array(fast["state_jacobian"]["log10_spectral_norm"])
    assert np.max(np.abs(a - b)) < 1e-2


@pytest.mark.parametrize("value", ["0", "nan", "0.5", "inf"])
def test_bad_tol_is_one_error_line(capsys, value):
    assert_one_error_line(capsys, [*SMALL, "--tol", value], "--tol must be a number in (0, 0.1]")
