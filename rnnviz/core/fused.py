"""Whole-sequence forward and backward loops of the Elman RNN, LSTM and GRU (PyTorch form) with tanh.

The maths is that of the per-step functions in cells.py (``step`` / ``step_backward``); only the
arrangement differs, for speed:

* every per-step array is written straight into a preallocated ``(T, ...)`` array with ``out=``,
  so a step allocates nothing and makes few NumPy calls;
* the recurrent bias is folded into the input projection where it adds to the same pre-activation
  (LSTM and Elman: all of ``b_hh``; GRU: its r and z blocks, see :func:`input_bias`);
* the states live in one ``(T+1, B, H)`` array whose two overlapping views are the outputs and the
  cache's ``h_prev`` (``c`` / ``c_prev`` likewise), so nothing is copied;
* the recurrent GEMM uses a contiguous ``W_hh^T`` (faster than the transposed view in BLAS);
* σ(a) = 1 / (1 + e^{−a}) in four in-place passes; e^{−a} may overflow to inf for a very negative
  a, giving exactly 0 where the true value is below the smallest normal float, so the overflow
  warning is silenced for the loop. Above that the result has full relative precision.

The caches have the same keys and (T, B, ...) shapes as the step loop's (some are views into a
larger array), so everything that reads a :class:`~rnnviz.core.sequence.LayerTrace` works unchanged.
Tests check both loops against each other.
"""
from __future__ import annotations

import numpy as np

from .cells import LayerWeights

FUSED_CELLS = ("rnn", "lstm", "gru")
#: switch for tests and comparisons: False runs every cell through the generic step loop
enabled = True


def supports(cell: str, activation: str) -> bool:
    """Whether the fused loops handle this cell and activation."""
    return enabled and cell in FUSED_CELLS and activation == "tanh"


def input_bias(cell: str, b_ih: np.ndarray, b_hh: np.ndarray) -> np.ndarray:
    """The bias the fused forward expects inside the input projection ``x W_ih^T + bias``."""
    if cell == "gru":
        H = b_hh.shape[0] // 3
        bias = b_ih.copy()
        bias[:2 * H] += b_hh[:2 * H]   # the n block's b_hh sits inside r ⊙ (W_hn h + b_hn)
        return bias
    return b_ih + b_hh


def _sigmoid_into(a: np.ndarray, out: np.ndarray) -> None:
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


def _state_arrays(T: int, B: int, H: int, dtype, initial, reverse: bool):
    """``(T+1, B, H)`` holder with the initial state in place, the outputs view, the previous view."""
    full = np.empty((T + 1, B, H), dtype)
    if reverse:
        full[T] = initial
        return full, full[:-1], full[1:], full[T]
    full[0] = initial
    return full, full[1:], full[:-1], full[0]


def _order(T: int, reverse: bool):
    return range(T - 1, -1, -1) if reverse else range(T)


def forward_layer(cell: str, w: LayerWeights, xp: np.ndarray, state: tuple, reverse: bool):
    """Run one layer and direction over ``xp: (T, B, G·H)`` (input projection plus
    :func:`input_bias`; overwritten: it becomes the pre-activation cache).

    ``state``: initial state tuple in NetConfig.state_names order. Returns
    ``(outputs, initial, cache)`` like the step loop: dicts of (T, B, H) arrays and (B, H) arrays.
    """
    T, B, _ = xp.shape
    H = w.hidden
    dtype = xp.dtype
    w_hh_t = np.ascontiguousarray(w.w_hh.T)
    _, hs, h_prev, h_init = _state_arrays(T, B, H, dtype, state[0], reverse)
    outputs, initial = {"h": hs}, {"h": h_init}
    with np.errstate(over="ignore"):
        if cell == "rnn":
            cache = _rnn_forward(xp, w_hh_t, hs, h_prev, reverse)
        elif cell == "lstm":
            _, cs, c_prev, c_init = _state_arrays(T, B, H, dtype, state[1], reverse)
            outputs["c"], initial["c"] = cs, c_init
            cache = _lstm_forward(xp, w_hh_t, hs, h_prev, cs, c_prev, reverse)
        elif cell == "gru":
            cache = _gru_forward(xp, w_hh_t, w.b_hh[2 * H:], hs, h_prev, reverse)
        else:
            raise ValueError(f"no fused loop for cell {cell!r}")
    cache["h_prev"] = h_prev
    return outputs, initial, cache


def _rnn_forward(xp, w_hh_t, hs, h_prev, reverse):
    T, B, _ = xp.shape
    rec = np.empty((B, w_hh_t.shape[1]), xp.dtype)
    for t in _order(T, reverse):
        np.matmul(h_prev[t], w_hh_t, out=rec)
        pre = xp[t]
        pre += rec
        np.tanh(pre, out=hs[t])
    return {"pre": xp, "h": hs}


def _lstm_forward(xp, w_hh_t, hs, h_prev, cs, c_prev, reverse):
    T, B, G = xp.shape
    H = G // 4
    dtype = xp.dtype
    gates = np.empty((T, B, G), dtype)
    phic = np.empty((T, B, H), dtype)
    rec = np.empty((B, G), dtype)
    ig = np.empty((B, H), dtype)
    for t in _order(T, reverse):
        pre = xp[t]
        np.matmul(h_prev[t], w_hh_t, out=rec)
        pre += rec
        gt = gates[t]
        _sigmoid_into(pre, gt)            # one pass over all four blocks; g is overwritten next
        i, f, g, o = gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:3 * H], gt[:, 3 * H:]
        np.tanh(pre[:, 2 * H:3 * H], out=g)
        c = cs[t]
        np.multiply(f, c_prev[t], out=c)
        np.multiply(i, g, out=ig)
        c += ig
        ph = phic[t]
        np.tanh(c, out=ph)
        np.multiply(o, ph, out=hs[t])
    return {"i": gates[..., :H], "f": gates[..., H:2 * H], "g": gates[..., 2 * H:3 * H],
            "o": gates[..., 3 * H:], "pg": xp[..., 2 * H:3 * H], "c": cs, "phic": phic,
            "c_prev": c_prev}


def _gru_forward(xp, w_hh_t, b_hn, hs, h_prev, reverse):
    T, B, G = xp.shape
    H = G // 3
    dtype = xp.dtype
    rz = np.empty((T, B, 2 * H), dtype)
    hn = np.empty((T, B, H), dtype)
    pn = np.empty((T, B, H), dtype)
    n = np.empty((T, B, H), dtype)
    rec = np.empty((B, G), dtype)
    tmp = np.empty((B, H), dtype)
    for t in _order(T, reverse):
        x = xp[t]
        np.matmul(h_prev[t], w_hh_t, out=rec)
        rzt = rz[t]
        np.add(x[:, :2 * H], rec[:, :2 * H], out=rzt)
        _sigmoid_into(rzt, rzt)
        r, z = rzt[:, :H], rzt[:, H:]
        hnt = hn[t]
        np.add(rec[:, 2 * H:], b_hn, out=hnt)
        pnt = pn[t]
        np.multiply(r, hnt, out=pnt)
        pnt += x[:, 2 * H:]
        nt = n[t]
        np.tanh(pnt, out=nt)
        hp = h_prev[t]
        np.subtract(hp, nt, out=tmp)        # h = (1 − z) n + z h_prev = n + z (h_prev − n)
        tmp *= z
        np.add(nt, tmp, out=hs[t])
    return {"r": rz[..., :H], "z": rz[..., H:], "n": n, "pn": pn, "hn": hn}


def backward_layer(cell: str, w: LayerWeights, cache: dict, d_out: np.ndarray | None,
                   d_final: tuple | None, reverse: bool):
    """BPTT through one layer and direction from a cache of :func:`forward_layer` (or the step
    loop). ``d_out: (T, B, H)`` gradient on the outputs; ``d_final``: gradient tuple on the final
    state or None.

    Returns ``(d_xp, d_hp, d_init, dh_seen)``: ``(T, B, G·H)`` gradients of the input and recurrent
    projections (the same array where the cell's two projections share it), the gradient tuple on
    the initial state and ``(T, B, H)`` total ∂L/∂h_t.
    """
    h_prev = cache["h_prev"]
    T, B, H = h_prev.shape
    dtype = w.w_hh.dtype
    carry = [np.zeros((B, H), dtype) for _ in (("h", "c") if cell == "lstm" else ("h",))]
    if d_final is not None:
        for value, extra in zip(carry, d_final):
            if extra is not None:
                value += extra
    dh_seen = np.empty((T, B, H), dtype)
    order = range(T) if reverse else range(T - 1, -1, -1)
    if cell == "rnn":
        d_xp = _rnn_backward(w.w_hh, cache, d_out, carry, dh_seen, order)
        d_hp = d_xp
    elif cell == "lstm":
        d_xp = _lstm_backward(w.w_hh, cache, d_out, carry, dh_seen, order)
        d_hp = d_xp
    elif cell == "gru":
        d_xp, d_hp = _gru_backward(w.w_hh, cache, d_out, carry, dh_seen, order)
    else:
        raise ValueError(f"no fused loop for cell {cell!r}")
    return d_xp, d_hp, tuple(carry), dh_seen


def _total_dh(carry_h, d_out, dh_seen, t):
    dh = dh_seen[t]
    if d_out is None:
        dh[...] = carry_h
    else:
        np.add(carry_h, d_out[t], out=dh)
    return dh


def _rnn_backward(w_hh, cache, d_out, carry, dh_seen, order):
    h = cache["h"]
    d_pre = np.empty((h.shape[0], h.shape[1], w_hh.shape[0]), h.dtype)
    (dh_carry,) = carry
    for t in order:
        dh = _total_dh(dh_carry, d_out, dh_seen, t)
        d = d_pre[t]
        ht = h[t]
        np.multiply(ht, ht, out=d)
        np.subtract(1, d, out=d)
        d *= dh
        np.matmul(d, w_hh, out=dh_carry)
    return d_pre


def _lstm_backward(w_hh, cache, d_out, carry, dh_seen, order):
    i, f, g, o = cache["i"], cache["f"], cache["g"], cache["o"]
    phic, c_prev = cache["phic"], cache["c_prev"]
    T, B, H = phic.shape
    d_pre = np.empty((T, B, 4 * H), phic.dtype)
    dh_carry, dc = carry
    dh_o = np.empty((B, H), phic.dtype)
    tmp = np.empty((B, H), phic.dtype)
    for t in order:
        dh = _total_dh(dh_carry, d_out, dh_seen, t)
        d = d_pre[t]
        di, df, dg, do = d[:, :H], d[:, H:2 * H], d[:, 2 * H:3 * H], d[:, 3 * H:]
        it, ft, gt, ot, pt = i[t], f[t], g[t], o[t], phic[t]
        np.multiply(dh, ot, out=dh_o)
        np.multiply(dh_o, pt, out=do)          # d_po = dh φ(c) o (1 − o)
        np.subtract(1, ot, out=tmp)
        do *= tmp
        np.multiply(pt, pt, out=tmp)           # dc_total = dc + dh o (1 − φ(c)²)
        np.subtract(1, tmp, out=tmp)
        tmp *= dh_o
        dc += tmp
        np.multiply(gt, gt, out=dg)            # d_pg = dc_total i (1 − g²)
        np.subtract(1, dg, out=dg)
        dg *= it
        dg *= dc
        np.subtract(1, it, out=di)             # d_pi = dc_total g i (1 − i)
        di *= it
        di *= gt
        di *= dc
        np.subtract(1, ft, out=df)             # d_pf = dc_total c_prev f (1 − f)
        df *= ft
        df *= c_prev[t]
        df *= dc
        dc *= ft                               # dc_prev = dc_total f
        np.matmul(d, w_hh, out=dh_carry)
    return d_pre


def _gru_backward(w_hh, cache, d_out, carry, dh_seen, order):
    r, z, n, hn, h_prev = cache["r"], cache["z"], cache["n"], cache["hn"], cache["h_prev"]
    T, B, H = n.shape
    d_xp = np.empty((T, B, 3 * H), n.dtype)
    d_hp = np.empty((T, B, 3 * H), n.dtype)
    (dh_carry,) = carry
    one_minus_z = np.empty((B, H), n.dtype)
    tmp = np.empty((B, H), n.dtype)
    for t in order:
        dh = _total_dh(dh_carry, d_out, dh_seen, t)
        dx, dhp = d_xp[t], d_hp[t]
        dr, dz, dn = dx[:, :H], dx[:, H:2 * H], dx[:, 2 * H:]
        rt, zt, nt = r[t], z[t], n[t]
        np.subtract(1, zt, out=one_minus_z)
        np.multiply(nt, nt, out=dn)            # d_pn = dh (1 − z)(1 − n²)
        np.subtract(1, dn, out=dn)
        dn *= one_minus_z
        dn *= dh
        np.subtract(h_prev[t], nt, out=dz)     # d_pz = dh (h_prev − n) z (1 − z)
        dz *= dh
        dz *= zt
        dz *= one_minus_z
        np.multiply(dn, rt, out=dhp[:, 2 * H:])  # d_hn = d_pn r
        np.subtract(1, rt, out=dr)             # d_pr = d_pn hn r (1 − r)
        dr *= rt
        dr *= hn[t]
        dr *= dn
        dhp[:, :2 * H] = dx[:, :2 * H]
        np.matmul(dhp, w_hh, out=dh_carry)     # dh_prev = d_hp W_hh + dh z
        np.multiply(dh, zt, out=tmp)
        dh_carry += tmp
    return d_xp, d_hp
