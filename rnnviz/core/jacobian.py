"""State Jacobians ∂s_t/∂s_{t−1} of whole (stacked) networks, the LSTM/GRU highway, gate statistics.

The analysed state s_t of one direction stacks every layer's state: [h¹; c¹; h²; c²; …] (c only for
LSTM variants). Layer l ≥ 1 reads h^{l−1}_t, so its rows of J_t chain through the layer below:
∂s^l_t/∂s_{t−1} = ∂s^l_t/∂x^l_t · ∂h^{l−1}_t/∂s_{t−1} + [∂s^l_t/∂s^l_{t−1} on the diagonal block].
For a bidirectional network the other direction's half of each layer input is held fixed (it does not
depend on this direction's past), so each direction is a recurrence of its own. For the reverse
direction J_t = ∂s_t/∂s_{t+1}, in its processing order.

Products, norms in log space and the (t, k) map (:mod:`.products`, readable in :mod:`.reference`)
work on the stack returned by :func:`step_jacobians`.
"""
from __future__ import annotations

import numpy as np

from .cells import make_cell
from .config import NetConfig
from .halfdiag import diagonal_positions, half_diagonal_steps, rows_times
from .logscale import sum_squares
from .sequence import Trace


def state_blocks(net: NetConfig) -> dict[str, slice]:
    """Name → slice of the analysed state, e.g. ``{"h_l0": slice(0, H), "c_l0": slice(H, 2H)}``."""
    H = net.hidden_size
    out, pos = {}, 0
    for layer in range(net.num_layers):
        for name in net.state_names:
            out[f"{name}_l{layer}"] = slice(pos, pos + H)
            pos += H
    return out


def half_diagonal_by_construction(net: NetConfig) -> bool:
    """Whether every step of :func:`step_jacobians` for ``net`` is half-diagonal
    (:mod:`.halfdiag`) by the way it is written, so that no scan of the stack is needed: a
    one-layer LSTM's, peepholes and CIFG included. ``LSTMCell.step_jacobian`` zeroes the c columns
    and writes only their two diagonals, ∂h_t/∂c_{t−1} = diag(κ ⊙ ∂c_t/∂c_{t−1}) and
    ∂c_t/∂c_{t−1} = diag(f + peephole terms), one direction at a time. Deeper stacks chain the
    layer below into these columns (dense), GRUs and Elman RNNs have no c. The scan it saves
    (:func:`.halfdiag.half_diagonal_steps`: every entry of half the stack, 6.5 MB at the
    explorer's default) took 1.4-1.8 ms of each change's 23 ms in the engine; the tests check
    the claim against the scan for every cell and shape."""
    return net.num_layers == 1 and net.is_lstm


# Steps per chunk of step_jacobians: about this many bytes of Jacobians at a time.
_CHUNK_BYTES = 1 << 21


def step_jacobians(params: dict, net: NetConfig, trace: Trace, batch_index: int = 0,
                   direction: int = 0) -> np.ndarray:
    """Closed-form step Jacobians ``J: (T, S, S)`` with ``J[t−1] = ∂s_t/∂s_{t−1}`` (processing order).

    ``S = net.state_size``; batch element ``batch_index``; ``direction`` 1 for the reverse direction.
    """
    T = trace.seq_len
    H, L = net.hidden_size, net.num_layers
    Sl = net.layer_state_size
    S = Sl * L
    cell = make_cell(net.cell)
    dtype = trace.output.dtype
    # every entry of a one-layer stack is written below; deeper stacks have zero blocks above the diagonal
    J = np.empty((T, S, S), dtype=dtype) if L == 1 else np.zeros((T, S, S), dtype=dtype)
    b = batch_index
    lts = [trace.layers[layer][direction] for layer in range(L)]
    # columns of W_ih that read this direction's half of the layer below (none for the first layer:
    # its input Jacobian is not needed)
    w_in = [None if layer == 0 else
            lt.weights.w_ih[:, direction * H:(direction + 1) * H] for layer, lt in enumerate(lts)]
    # Many steps per call (the caches are (T, B, ...) arrays; the Jacobians come out (n, Sl, ·)),
    # in chunks of steps small enough that the temporaries stay in cache.
    caches = [{k: v[:, b] if direction == 0 else v[::-1, b] for k, v in lt.cache.items()}
              for lt in lts]
    chunk = max(1, _CHUNK_BYTES // (S * S * J.itemsize))
    for lo in range(0, T, chunk):
        hi = min(T, lo + chunk)
        for layer, lt in enumerate(lts):
            cache = {k: v[lo:hi] for k, v in caches[layer].items()}
            if L == 1:  # written in place: no second pass over the chunk
                cell.step_jacobian(lt.weights, trace.activation, cache, Ellipsis, None, out=J[lo:hi])
                continue
            jss, jsx = cell.step_jacobian(lt.weights, trace.activation, cache, Ellipsis, w_in[layer])
            rows = slice(layer * Sl, (layer + 1) * Sl)
            J[lo:hi, rows, rows] = jss
            if layer > 0:
                below_h = slice((layer - 1) * Sl, (layer - 1) * Sl + H)
                J[lo:hi, rows, :layer * Sl] += np.matmul(jsx, J[lo:hi, below_h, :layer * Sl])
    return J


def highway_log10(trace: Trace, t0: int, batch_index: int = 0, layer: int = 0) -> np.ndarray | None:
    """log10 ‖Π diag(f)‖₂ for k = 1 … T − t0 (CIFG: Π diag(1 − i); GRU: Π diag(z)); None for Elman.

    The direct path c_{t0} → c_{t0+k} of an LSTM (h_{t0} → h_{t0+k} of a GRU) with all other paths cut.
    """
    net = trace.net
    cache = trace.layers[layer][0].cache
    if net.is_lstm:
        gate = cache["f"]
    elif net.is_gru:
        gate = cache["z"]
    else:
        return None
    g = np.abs(gate[t0:, batch_index].astype(np.float64))
    with np.errstate(divide="ignore"):
        logs = np.cumsum(np.log10(g), axis=0)
    return logs.max(axis=1)


def gate_statistics(trace: Trace, layer: int = 0, direction: int = 0, batch_index: int | None = None):
    """Per gate: mean over units per step ``(T,)`` and saturation fraction ``(T,)``.

    Saturated = a sigmoid gate below 0.1 or above 0.9 (candidate gates g/n are not sigmoid and get no
    saturation entry). ``batch_index`` None averages over the batch.
    """
    gates = trace.gates(layer, direction)
    means, saturation = {}, {}
    for name, values in gates.items():
        v = values if batch_index is None else values[:, batch_index:batch_index + 1]
        means[name] = v.mean(axis=(1, 2))
        if name not in ("g", "n"):
            saturation[name] = ((v < 0.1) | (v > 0.9)).mean(axis=(1, 2))
    return means, saturation


def itemized_from_jacobians(J: np.ndarray, d_top: np.ndarray, steps, truncate: int | None = None,
                            rows: slice | None = None, kappa: np.ndarray | None = None,
                            half: np.ndarray | None = None, totals: dict | None = None):
    """``C[τ−1, t−1] = ‖∂L_τ/∂h_t‖`` from the step Jacobians of one sequence (batch element, direction).

    J: (T, S, S) with J[t−1] = ∂s_t/∂s_{t−1} (all of it, from t = 1). d_top: (T, H) the direct
    ∂L_τ/∂h_τ of the readout at every step. ``rows`` is the slice of s holding the readout layer's
    state (default: all of s; h comes first in it). Loss steps τ (1…T) in ``steps``; ``truncate`` k
    lets each term reach back at most k steps.

    Every loss term's gradient travels as one row g_τ(t) = ∂L_τ/∂s_t, and g_τ(t−1) = g_τ(t) J[t−1],
    so one step back is one (rows × S)·(S × S) product for all the terms still in reach (over
    S × S/2 for a one-layer LSTM's half-diagonal steps, :mod:`.halfdiag`). This is the
    itemized matrix of ``bptt.backward(itemize=…)`` for a unidirectional net and batch of one, at a
    fraction of its cost (the loss terms share the Jacobians instead of each running a cell backward).

    ``kappa: (T, H)`` (LSTMs, state [h; c]): κ_t = ∂h_t/∂c_t (:meth:`cells.LSTMCell.output_slope`);
    then ``(C, C_c)`` is returned with ``C_c[τ−1, t−1] = ‖∂L_τ/∂c_t‖``. The c part of g_τ(t) holds
    h_t fixed (the path through step t + 1 only); c_t's total gradient adds the path through h_t:
    ∂L_τ/∂c_t = g_τ(t)_c + g_τ(t)_h ⊙ κ_t.

    ``half``: (T,) bool, which steps of the readout block are half-diagonal, when the caller has
    :func:`.halfdiag.half_diagonal_steps` of it at hand (else it is found here).

    ``totals``: a dict that receives (T,) float64 ‖Σ_τ ∂L_τ/∂h_t‖ under ``"h"`` (and, with
    ``kappa``, ‖Σ_τ ∂L_τ/∂c_t‖ under ``"c"``), the sums over the loss terms in reach: with every
    loss step in ``steps`` these are the norms of BPTT's total gradients (``bptt.backward``'s
    ``layer_grad_norms`` and ``layer_cell_grad_norms`` of a one-layer net), truncated or not.
    Untruncated, the sum travels as one more row (as BPTT's single gradient does); truncated, the
    rows in reach are summed at every step.
    """
    J, steps, C, C_cell = _itemize_start(J, steps, rows, kappa)
    if steps.size == 0:
        if totals is not None:
            totals.update({"h": np.zeros(J.shape[0])} if kappa is None else
                          {"h": np.zeros(J.shape[0]), "c": np.zeros(J.shape[0])})
        return C if kappa is None else (C, C_cell)
    T, S, H = J.shape[0], J.shape[1], d_top.shape[1]
    dtype = np.result_type(J.dtype, d_top.dtype)
    window = T if truncate is None else int(truncate)
    # Untruncated, the sum of the rows is itself a row that goes back through the Jacobians (BPTT's
    # one gradient): carried as one more row, after the loss terms' (truncated, rows leave the sum).
    carry = totals is not None and window >= T
    rows_total = steps.size + carry
    # g_τ(t) of every loss term in reach, one row each; the step back writes the other buffer
    G, G_next = np.zeros((rows_total, S), dtype=dtype), np.zeros((rows_total, S), dtype=dtype)
    new = {int(tau): r for r, tau in enumerate(steps)}
    # rows in reach at step t: lo[t−1] <= r < hi[t−1], i.e. t <= τ_r <= t + k (steps are sorted)
    t_all = np.arange(1, T + 1)
    lo_all = np.searchsorted(steps, t_all).tolist()
    hi_all = np.searchsorted(steps, t_all + window, side="right").tolist()
    # a one-layer LSTM's steps are [dense | diag; diag]: g J at half a GEMM (halfdiag)
    half = (half_diagonal_steps(J) if half is None else np.asarray(half, dtype=bool)).tolist()
    d_all = J[(slice(None),) + diagonal_positions(S)] if any(half) else None   # (T, S)
    # squared norms [r, t−1], square-rooted at the end
    sq = np.zeros((steps.size, T))
    sq_cell = None if kappa is None else np.zeros((steps.size, T))
    # Σ_τ of the rows at each step, when asked for
    total_h = None if totals is None else np.zeros((T, H), dtype=dtype)
    total_c = None if totals is None or kappa is None else np.zeros((T, H), dtype=dtype)
    for t in range(T, 0, -1):
        r = new.get(t)
        if r is not None:
            G[r, :H] += d_top[t - 1]
            if carry:
                G[-1, :H] += d_top[t - 1]
        lo, hi = lo_all[t - 1], hi_all[t - 1]
        if lo >= hi:
            continue
        n = hi - lo
        block = G[lo:hi + carry]   # (untruncated, hi is the last loss term's row + 1)
        g = block[:n]
        sq[lo:hi, t - 1] = _sum_squares64(g[:, :H])
        if total_h is not None:
            if carry:
                total_h[t - 1] = block[n, :H]
            else:
                g[:, :H].sum(axis=0, out=total_h[t - 1])
        if sq_cell is not None:
            dc = block[:, H:2 * H] + block[:, :H] * kappa[t - 1]
            sq_cell[lo:hi, t - 1] = _sum_squares64(dc[:n])
            if total_c is not None:
                if carry:
                    total_c[t - 1] = dc[n]
                else:
                    dc.sum(axis=0, out=total_c[t - 1])
        if t > 1:
            Js = J[t - 1]
            if half[t - 1]:
                rows_times(block, Js, d_all[t - 1], out=G_next[lo:hi + carry])
            else:
                np.matmul(block, Js, out=G_next[lo:hi + carry])
            G, G_next = G_next, G
    C[steps - 1] = np.sqrt(sq)
    if totals is not None:
        totals["h"] = np.sqrt(_sum_squares64(total_h))
        if total_c is not None:
            totals["c"] = np.sqrt(_sum_squares64(total_c))
    if C_cell is None:
        return C
    C_cell[steps - 1] = np.sqrt(sq_cell)
    return C, C_cell


def itemized_from_jacobians_reference(J: np.ndarray, d_top: np.ndarray, steps,
                                      truncate: int | None = None, rows: slice | None = None,
                                      kappa: np.ndarray | None = None):
    """:func:`itemized_from_jacobians` in its plain form (dense products, one row update per step):
    the tests' oracle for it."""
    J, steps, C, C_cell = _itemize_start(J, steps, rows, kappa)
    if steps.size == 0:
        return C if kappa is None else (C, C_cell)
    T, S, H = J.shape[0], J.shape[1], d_top.shape[1]
    G = np.zeros((steps.size, S), dtype=np.result_type(J.dtype, d_top.dtype))
    new = {int(tau): r for r, tau in enumerate(steps)}
    window = T if truncate is None else int(truncate)
    for t in range(T, 0, -1):
        r = new.get(t)
        if r is not None:
            G[r, :H] += d_top[t - 1]
        # rows still in reach: t <= τ <= t + k (steps are sorted)
        lo = int(np.searchsorted(steps, t))
        hi = int(np.searchsorted(steps, t + window, side="right"))
        if lo >= hi:
            continue
        g = G[lo:hi]
        C[steps[lo:hi] - 1, t - 1] = np.sqrt(np.einsum("ij,ij->i", g[:, :H], g[:, :H], dtype=np.float64))
        if C_cell is not None:
            dc = g[:, H:2 * H] + g[:, :H] * kappa[t - 1]
            C_cell[steps[lo:hi] - 1, t - 1] = np.sqrt(np.einsum("ij,ij->i", dc, dc, dtype=np.float64))
        if t > 1:
            np.matmul(g, J[t - 1], out=g)
    return C if kappa is None else (C, C_cell)


def _itemize_start(J, steps, rows, kappa):
    """The readout layer's block of J, the sorted loss steps and the zero matrices to fill."""
    T = J.shape[0]
    if rows is not None:
        J = J[:, rows, rows]
    C = np.zeros((T, T))
    return J, np.unique(np.asarray(steps, dtype=int)), C, None if kappa is None else np.zeros((T, T))


def _sum_squares64(rows: np.ndarray) -> np.ndarray:
    """Σ row² per row, accumulated in float64 (a BLAS dot per row for float64 input)."""
    if rows.dtype == np.float64:
        return sum_squares(rows)
    return np.einsum("ij,ij->i", rows, rows, dtype=np.float64)
