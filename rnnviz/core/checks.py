"""Checks of the engine's arguments: Jacobian stacks, anchors, blocks, Lanczos settings.

Every check raises ValueError with the expected and the actual value, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["as_jacobian_stack", "block_slices", "check_iteration", "require_finite",
           "resolve_starts"]


def as_jacobian_stack(J, check_finite: bool = True) -> np.ndarray:
    """J as a float32/float64 (T, S, S) array; ValueError for a wrong shape or (unless
    ``check_finite`` is False, for callers that check it on the way) a NaN or inf entry."""
    J = np.asarray(J)
    if J.ndim != 3 or J.shape[1] != J.shape[2]:
        raise ValueError(f"J must have shape (T, S, S), got {J.shape}")
    if J.shape[0] < 1 or J.shape[1] < 1:
        raise ValueError(f"J must hold at least one non-empty Jacobian, got shape {J.shape}")
    if J.dtype not in (np.float32, np.float64):
        J = J.astype(np.float64)
    if check_finite:
        # One summing pass answers "all finite?" unless NaN/inf or an overflowing sum says
        # otherwise (a finite J whose sum overflows passes the exact check).
        with np.errstate(over="ignore", invalid="ignore"):
            quick = bool(np.isfinite(np.sum(J)))
        if not quick:
            require_finite(J)
    return J


def require_finite(J: np.ndarray) -> None:
    """ValueError naming the first step whose Jacobian holds NaN or inf (entry by entry)."""
    if not np.isfinite(J).all():
        bad = int(np.argwhere(~np.isfinite(J))[0, 0])
        raise ValueError(f"J must be finite, found NaN or inf in J[{bad}]")


def block_slices(blocks, size: int) -> dict[str, slice]:
    if blocks is None:
        return {}
    if not isinstance(blocks, Mapping):
        raise ValueError("blocks must be a dict name -> slice, e.g. {'hidden': slice(0, 64)}")
    out = {}
    for name, sl in blocks.items():
        if not isinstance(sl, slice):
            raise ValueError(f"block {name!r} must be a slice, got {type(sl).__name__}")
        start, stop, step = sl.indices(size)
        if step != 1 or stop <= start:
            raise ValueError(
                f"block {name!r} must be a non-empty contiguous slice of 0..{size}, got {sl}"
            )
        out[str(name)] = slice(start, stop)
    return out


def resolve_starts(starts, T: int) -> np.ndarray:
    if starts is None:
        return np.arange(T)
    arr = np.unique(np.asarray(starts).reshape(-1))
    if arr.size == 0:
        raise ValueError("starts must hold at least one anchor")
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"starts must be integers, got {arr[:5]}")
        arr = arr.astype(np.int64)
    if arr[0] < 0 or arr[-1] > T - 1:
        raise ValueError(f"starts must lie in 0..{T - 1} (T = {T}), got {arr[0]}..{arr[-1]}")
    return arr.astype(np.int64)


def check_iteration(tol, max_iter, krylov) -> None:
    """ValueError unless tol > 0, max_iter >= 1 and krylov >= 2 (the Lanczos settings)."""
    if not tol > 0.0:
        raise ValueError(f"tol must be > 0, got {tol}")
    if int(max_iter) < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")
    if int(krylov) < 2:
        raise ValueError(f"krylov must be >= 2, got {krylov}")

