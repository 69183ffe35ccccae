"""Dynamics of the step Jacobians beside the products: Lyapunov exponents, and the reference
lines of the gradient-decay plot (the Pascanu et al. bound (γ·σ_max)^k and ρ^k, with γ = sup |φ'|).
"""

from __future__ import annotations

import numpy as np

from . import reference
from .checks import as_jacobian_stack

__all__ = ["activation_gamma", "lyapunov_exponents", "pascanu_bound", "rho_line"]


def lyapunov_exponents(J, m: int = 1, discard: int = 0, seed: int = 0) -> np.ndarray:
    """The m leading Lyapunov exponents of the tangent product, natural log per step: the
    arguments checked, then :func:`.reference.lyapunov_exponents` (already the fast way).

    QR method: Q <- qr(J[t] Q), exponents = Σ log|diag R| / (T - discard) over t >= discard.
    J: (T, S, S); 1 <= m <= S; the first ``discard`` steps only align the frame (transient).
    The start frame is a seeded random orthonormal (S, m) matrix.  Returns (m,) float64,
    -inf for a direction that a zero Jacobian annihilates.
    """
    J = as_jacobian_stack(J)
    T, S = J.shape[0], J.shape[1]
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or not 1 <= m <= S:
        raise ValueError(f"m must be an integer in 1..{S}, got {m!r}")
    if isinstance(discard, bool) or not isinstance(discard, (int, np.integer)) or not (
        0 <= discard < T
    ):
        raise ValueError(f"discard must be an integer in 0..{T - 1}, got {discard!r}")
    return reference.lyapunov_exponents(J, m, discard, seed)


def activation_gamma(activation: str, leaky_slope: float = 0.01) -> float:
    """γ = sup |φ'| for the Pascanu bound: 1 tanh, ¼ sigmoid, 1 relu/linear, max(1, α) leaky."""
    table = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}
    if activation == "leaky-relu":
        return max(1.0, abs(float(leaky_slope)))
    if activation not in table:
        raise ValueError(
            f"unknown activation {activation!r}, expected one of "
            f"{sorted([*table, 'leaky-relu'])}"
        )
    return table[activation]


def pascanu_bound(sigma_max: float, gamma: float, k) -> np.ndarray:
    """log10 of the Pascanu et al. 2013 bound (γ·σ_max(W_hh))^k: k · log10(γ σ_max).

    k: scalar or array of step counts.  Returns float64 of k's shape (-inf when γσ = 0).
    """
    if not (np.isfinite(float(sigma_max)) and float(sigma_max) >= 0.0):
        raise ValueError(f"sigma_max must be finite and >= 0, got {sigma_max}")
    if not (np.isfinite(float(gamma)) and float(gamma) >= 0.0):
        raise ValueError(f"gamma must be finite and >= 0, got {gamma}")
    # In the precision of the arguments (a float32 network's σ_max is float32); the sum of the
    # logs where the product underflows (1e-200 · 1e-200).
    with np.errstate(divide="ignore", under="ignore"):
        product = gamma * sigma_max
        slope = np.log10(product) if product > 0.0 or gamma == 0.0 or sigma_max == 0.0 else \
            np.log10(gamma) + np.log10(sigma_max)
    return _log_line(slope, k)


def rho_line(rho: float, k) -> np.ndarray:
    """log10 of ρ^k (the spectral-radius line): k · log10 ρ, float64 of k's shape."""
    if not (np.isfinite(float(rho)) and float(rho) >= 0.0):
        raise ValueError(f"rho must be finite and >= 0, got {rho}")
    with np.errstate(divide="ignore"):
        slope = np.log10(rho)
    return _log_line(slope, k)


def _log_line(slope: float, k) -> np.ndarray:
    k = np.asarray(k, dtype=np.float64)
    if np.any(k < 0):
        raise ValueError("k must be >= 0")
    with np.errstate(invalid="ignore"):
        out = k * slope
    # 0 · log10(0): the empty product is 1.
    return np.where(k == 0, 0.0, out)

