"""Whole-sequence forward and backward loops of the Elman RNN, LSTM and GRU (PyTorch form) with tanh.

The maths is that of the per-step functions in cells.py (``step`` / ``step_backward``); only the
arrangement differs, for speed:

* feature-major steps: each step works on ``(features, B)`` blocks, so the recurrent products are
  ``W_hh h`` and ``W_hh^T d`` (faster in BLAS for these shapes than ``h W_hh^T``) and every gate
  block is contiguous; per-step results go straight into preallocated ``(T, features, B)`` arrays
  with ``out=``, so a step allocates nothing and makes few NumPy calls;
* the recurrent bias is folded into the input projection where it adds to the same pre-activation
  (LSTM and Elman: all of ``b_hh``; GRU: its r and z blocks, see :func:`input_bias`);
* the states live in one ``(T+1)``-step array whose two overlapping views are the outputs and the
  cache's ``h_prev`` (``c`` / ``c_prev`` likewise), so nothing is copied;
* the backward sweep computes every factor that does not depend on the incoming gradient for all
  steps at once before the loop;
* σ(a) = 1 / (1 + e^{−a}) in four in-place passes; e^{−a} may overflow to inf for a very negative
  a, giving exactly 0 where the true value is below the smallest normal float, so the overflow
  warning is silenced for the loop. Above that the result has full relative precision.

The caches have the same keys and (T, B, ...) shapes as the step loop's (views of the
feature-major storage), so everything that reads a :class:`~rnnviz.core.sequence.LayerTrace`
works unchanged. Tests check both loops against each other.
"""
from __future__ import annotations

import numpy as np

from .cells import LayerWeights

FUSED_CELLS = ("rnn", "lstm", "gru")


def supports(cell: str, activation: str) -> bool:
    """Whether the fused loops handle this cell and activation (the choice itself is made once, in
    :func:`rnnviz.core.sequence.uses_fused_loops`)."""
    return cell in FUSED_CELLS and activation == "tanh"


def input_bias(cell: str, b_ih: np.ndarray, b_hh: np.ndarray) -> np.ndarray:
    """The bias the fused forward expects inside the input projection ``x W_ih^T + bias``."""
    if cell == "gru":
        H = b_hh.shape[0] // 3
        bias = b_ih.copy()
        bias[:2 * H] += b_hh[:2 * H]   # the n block's b_hh sits inside r ⊙ (W_hn h + b_hn)
        return bias
    return b_ih + b_hh


def sigmoid_into(a: np.ndarray, out: np.ndarray) -> None:
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


class Workspace:
    """Big arrays kept from one call to the next, by name.

    A training step allocates and frees the same tens of megabytes every step; taking them from
    here instead avoids faulting fresh pages in each time. Arrays handed out are overwritten by the
    next call that asks for the same name, so a workspace suits callers that drop the previous
    call's trace and gradients before the next call (the language-model trainer does).
    """

    def __init__(self):
        self._arrays: dict[str, np.ndarray] = {}

    def empty(self, name: str, shape, dtype) -> np.ndarray:
        shape = tuple(shape)
        array = self._arrays.get(name)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self._arrays[name] = np.empty(shape, dtype)
        return array

    def zeros(self, name: str, shape, dtype) -> np.ndarray:
        array = self.empty(name, shape, dtype)
        array.fill(0)
        return array


def _allocator(workspace: Workspace | None, key: str):
    if workspace is None:
        return lambda name, shape, dtype: np.empty(shape, dtype)
    return lambda name, shape, dtype: workspace.empty(key + name, shape, dtype)


def _state_arrays(new, name: str, T: int, B: int, H: int, dtype, initial, reverse: bool,
                  time_minor: bool):
    """Holder of the states after every step plus the initial one, with the initial state in place.

    Returns the outputs and previous-state views, both ``(T, H, B)`` indexed by time, and the
    initial state ``(H, B)``. ``time_minor``: stored as ``(H, T+1, B)`` so that the ``(T·B, H)``
    batch-major view of every state is a plain transposed matrix (GEMM operand without a copy);
    otherwise ``(T+1, H, B)`` (each step's ``(H, B)`` block contiguous).
    """
    if time_minor:
        full = np.swapaxes(new(name, (H, T + 1, B), dtype), 0, 1)
    else:
        full = new(name, (T + 1, H, B), dtype)
    first = T if reverse else 0
    full[first] = np.asarray(initial).T
    if reverse:
        return full[:-1], full[1:], full[T]
    return full[1:], full[:-1], full[0]


def _order(T: int, reverse: bool):
    return range(T - 1, -1, -1) if reverse else range(T)


def _batch_major(a: np.ndarray) -> np.ndarray:
    """View of a feature-major ``(..., F, B)`` array as ``(..., B, F)``."""
    return np.swapaxes(a, -1, -2)


def _gemm_friendly(a: np.ndarray, new, name: str) -> np.ndarray:
    """``(T, F, B)`` per-step blocks as a ``(T, B, F)`` view of one ``(F, T, B)`` array, whose
    ``(T·B, F)`` reshape is a transposed contiguous matrix (one copy, then no more)."""
    T, F, B = a.shape
    full = new(name, (F, T, B), a.dtype)
    np.copyto(full, np.swapaxes(a, 0, 1))
    return np.moveaxis(full, 0, -1)


def forward_layer(cell: str, w: LayerWeights, xp: np.ndarray, state: tuple, reverse: bool,
                  workspace: Workspace | None = None, key: str = ""):
    """Run one layer and direction over ``xp: (T, B, G·H)`` (input projection plus
    :func:`input_bias`).

    ``state``: initial state tuple in NetConfig.state_names order. Returns
    ``(outputs, initial, cache)`` like the step loop: dicts of (T, B, H) arrays and (B, H) arrays.
    Inside, every per-step array is feature-major ``(F, B)`` (the recurrent GEMM ``W_hh h`` and the
    gate blocks are then contiguous); the returned arrays are ``(T, B, F)`` views of that storage.
    """
    T, B, G = xp.shape
    H = w.hidden
    dtype = xp.dtype
    new = _allocator(workspace, key)
    hs, h_prev, h_init = _state_arrays(new, "h", T, B, H, dtype, state[0], reverse,
                                       time_minor=True)
    outputs, initial = {"h": hs}, {"h": h_init}
    xp_fm = _batch_major(xp)                # (T, G, B) view, read once per step
    with np.errstate(over="ignore"):
        if cell == "rnn":
            cache = _rnn_forward(new, xp_fm, w.w_hh, hs, h_prev, reverse)
        elif cell == "lstm":
            cs, c_prev, c_init = _state_arrays(new, "c", T, B, H, dtype, state[1], reverse,
                                               time_minor=False)
            outputs["c"], initial["c"] = cs, c_init
            cache = _lstm_forward(new, xp_fm, w.w_hh, hs, h_prev, cs, c_prev, reverse)
        elif cell == "gru":
            cache = _gru_forward(new, xp_fm, w.w_hh, w.b_hh[2 * H:, None], hs, h_prev, reverse)
        else:
            raise ValueError(f"no fused loop for cell {cell!r}")
    cache["h_prev"] = h_prev
    return ({k: _batch_major(v) for k, v in outputs.items()},
            {k: v.T for k, v in initial.items()},
            {k: _batch_major(v) for k, v in cache.items()})


def _rnn_forward(new, xp, w_hh, hs, h_prev, reverse):
    T, H, B = hs.shape
    pre = new("pre", (T, H, B), xp.dtype)
    for t in _order(T, reverse):
        p = pre[t]
        np.matmul(w_hh, h_prev[t], out=p)
        np.add(p, xp[t], out=p)
        np.tanh(p, out=hs[t])
    return {"pre": pre, "h": hs}


def _lstm_forward(new, xp, w_hh, hs, h_prev, cs, c_prev, reverse):
    T, G, B = xp.shape
    H = G // 4
    dtype = xp.dtype
    pre = new("pre", (T, G, B), dtype)
    gates = new("gates", (T, G, B), dtype)
    phic = new("phic", (T, H, B), dtype)
    ig = np.empty((H, B), dtype)
    for t in _order(T, reverse):
        p = pre[t]
        np.matmul(w_hh, h_prev[t], out=p)
        np.add(p, xp[t], out=p)
        gt = gates[t]
        sigmoid_into(p, gt)              # one pass over all four blocks; g is overwritten next
        i, f, g, o = gt[:H], gt[H:2 * H], gt[2 * H:3 * H], gt[3 * H:]
        np.tanh(p[2 * H:3 * H], out=g)
        c = cs[t]
        np.multiply(f, c_prev[t], out=c)
        np.multiply(i, g, out=ig)
        c += ig
        ph = phic[t]
        np.tanh(c, out=ph)
        np.multiply(o, ph, out=hs[t])
    return {"i": gates[:, :H], "f": gates[:, H:2 * H], "g": gates[:, 2 * H:3 * H],
            "o": gates[:, 3 * H:], "pi": pre[:, :H], "pf": pre[:, H:2 * H], "pg": pre[:, 2 * H:3 * H],
            "po": pre[:, 3 * H:], "c": cs, "phic": phic, "c_prev": c_prev}


def _gru_forward(new, xp, w_hh, b_hn, hs, h_prev, reverse):
    T, G, B = xp.shape
    H = G // 3
    dtype = xp.dtype
    rz = new("rz", (T, 2 * H, B), dtype)
    prz = new("prz", (T, 2 * H, B), dtype)
    hn = new("hn", (T, H, B), dtype)
    pn = new("pn", (T, H, B), dtype)
    n = new("n", (T, H, B), dtype)
    rec = np.empty((G, B), dtype)
    tmp = np.empty((H, B), dtype)
    for t in _order(T, reverse):
        x = xp[t]
        np.matmul(w_hh, h_prev[t], out=rec)
        rzt, przt = rz[t], prz[t]
        np.add(rec[:2 * H], x[:2 * H], out=przt)
        sigmoid_into(przt, rzt)
        r, z = rzt[:H], rzt[H:]
        hnt = hn[t]
        np.add(rec[2 * H:], b_hn, out=hnt)
        pnt = pn[t]
        np.multiply(r, hnt, out=pnt)
        pnt += x[2 * H:]
        nt = n[t]
        np.tanh(pnt, out=nt)
        np.subtract(h_prev[t], nt, out=tmp)   # h = (1 − z) n + z h_prev = n + z (h_prev − n)
        tmp *= z
        np.add(nt, tmp, out=hs[t])
    return {"r": rz[:, :H], "z": rz[:, H:], "pr": prz[:, :H], "pz": prz[:, H:], "n": n, "pn": pn,
            "hn": hn}


def backward_layer(cell: str, w: LayerWeights, cache: dict, d_out: np.ndarray | None,
                   d_final: tuple | None, reverse: bool, workspace: Workspace | None = None,
                   key: str = ""):
    """BPTT through one layer and direction from a cache of :func:`forward_layer` (or the step
    loop). ``d_out: (T, B, H)`` gradient on the outputs; ``d_final``: gradient tuple on the final
    state or None.

    Returns ``(d_xp, d_hp, d_init, dh_seen, dc_seen)``: ``(T, B, G·H)`` gradients of the input and
    recurrent projections (the same array where the cell's two projections share it; views whose
    ``(T·B, G·H)`` reshape needs no copy), the gradient tuple on the initial state,
    ``(T, B, H)`` total ∂L/∂h_t and, for the LSTM, ``(T, B, H)`` total ∂L/∂c_t (else None). The
    sweep runs feature-major like the forward.
    """
    fm = {k: _batch_major(v) for k, v in cache.items()}   # (T, F, B) per-step blocks
    T, H, B = fm["h_prev"].shape
    dtype = w.w_hh.dtype
    carry = [np.zeros((H, B), dtype) for _ in (("h", "c") if cell == "lstm" else ("h",))]
    if d_final is not None:
        for value, extra in zip(carry, d_final):
            if extra is not None:
                value += np.asarray(extra).T
    new = _allocator(workspace, key)
    # dh_seen[t] starts as the gradient on the output and gets the carried gradient added in the
    # sweep; one bulk copy into per-step blocks, so that the sweep reads contiguous memory
    dh_seen = new("dh_seen", (T, H, B), dtype)
    if d_out is None:
        dh_seen.fill(0)
    else:
        np.copyto(dh_seen, _batch_major(d_out))
    order = range(T) if reverse else range(T - 1, -1, -1)
    w_hh_t = np.ascontiguousarray(w.w_hh.T)
    dc_seen = None
    if cell == "rnn":
        d_xp = _rnn_backward(new, w_hh_t, fm, carry, dh_seen, order)
        d_hp = d_xp = _gemm_friendly(d_xp, new, "d_xp")
    elif cell == "lstm":
        dc_seen = new("dc_seen", (T, H, B), dtype)
        d_xp = _lstm_backward(new, w_hh_t, fm, carry, dh_seen, dc_seen, order)
        d_hp = d_xp = _gemm_friendly(d_xp, new, "d_xp")
        dc_seen = _batch_major(dc_seen)
    elif cell == "gru":
        d_xp, d_hp = _gru_backward(new, w_hh_t, fm, carry, dh_seen, order)
        d_xp, d_hp = _gemm_friendly(d_xp, new, "d_xp"), _gemm_friendly(d_hp, new, "d_hp")
    else:
        raise ValueError(f"no fused loop for cell {cell!r}")
    return d_xp, d_hp, tuple(c.T for c in carry), _batch_major(dh_seen), dc_seen


def _total_dh(carry_h, dh_seen, t):
    dh = dh_seen[t]
    dh += carry_h
    return dh


def _sigmoid_grad(a, out, scale=1):
    """out = σ′(scale·a) = e^{−|sa|} / (1 + e^{−|sa|})² from the pre-activation ``a``, in place
    (the output form s (1 − s) rounds to 0 in saturation; see cells.sigmoid_slope)."""
    np.abs(a, out=out)
    out *= -scale
    np.exp(out, out=out)
    den = out + 1
    den *= den
    out /= den
    return out


def _tanh_grad(a, out):
    """out = tanh′(a) = 4 σ′(2a) from the pre-activation ``a``, in place (cells.tanh_slope)."""
    _sigmoid_grad(a, out, scale=2)
    out *= 4
    return out


def _one_minus_sigmoid(a, out):
    """out = 1 − σ(a) = σ(−a) = 1 / (1 + e^{a}), in place; exact where 1 − σ(a) would round."""
    with np.errstate(over="ignore"):
        np.exp(a, out=out)
    out += 1
    np.reciprocal(out, out=out)
    return out


def _rnn_backward(new, w_hh_t, fm, carry, dh_seen, order):
    pre = fm["pre"]
    d_pre = _tanh_grad(pre, new("d_pre", pre.shape, pre.dtype))  # φ' for every step at once
    (dh_carry,) = carry
    for t in order:
        dh = _total_dh(dh_carry, dh_seen, t)
        d = d_pre[t]
        d *= dh
        np.matmul(w_hh_t, d, out=dh_carry)
    return d_pre


def _lstm_backward(new, w_hh_t, fm, carry, dh_seen, dc_seen, order):
    """Everything that does not depend on the incoming gradient is computed for all steps at
    once before the sweep: with κ = o φ′(c),

        d_pi = dc_t · g σ′(a_i),  d_pf = dc_t · c_prev σ′(a_f),  d_pg = dc_t · i φ′(a_g),
        d_po = dh · φ(c) σ′(a_o),  dc_t = dc + dh κ,  dc_prev = dc_t f,

    so that each step is a handful of products with dh and dc_t. ``dc_seen[t]`` keeps each dc_t
    (the total ∂L/∂c_t), one copy of an (H, B) block per step.
    """
    i, f, g = fm["i"], fm["f"], fm["g"]
    phic, c, c_prev = fm["phic"], fm["c"], fm["c_prev"]
    T, H, B = phic.shape
    dtype = phic.dtype
    d_pre = new("d_pre", (T, 4 * H, B), dtype)
    kappa = new("kappa", (T, H, B), dtype)
    di, df, dg, do = d_pre[:, :H], d_pre[:, H:2 * H], d_pre[:, 2 * H:3 * H], d_pre[:, 3 * H:]
    _sigmoid_grad(fm["pi"], di)
    di *= g
    _sigmoid_grad(fm["pf"], df)
    df *= c_prev
    _tanh_grad(fm["pg"], dg)
    dg *= i
    _sigmoid_grad(fm["po"], do)
    do *= phic
    _tanh_grad(c, kappa)
    kappa *= fm["o"]
    by_dc = d_pre[:, :3 * H].reshape(T, 3, H, B)   # the i, f, g blocks scale with dc_t
    dh_carry, dc = carry
    tmp = np.empty((H, B), dtype)
    for t in order:
        dh = _total_dh(dh_carry, dh_seen, t)
        np.multiply(dh, kappa[t], out=tmp)
        dc += tmp
        np.copyto(dc_seen[t], dc)
        by_dc[t] *= dc
        do[t] *= dh
        dc *= f[t]
        np.matmul(w_hh_t, d_pre[t], out=dh_carry)
    return d_pre


def _gru_backward(new, w_hh_t, fm, carry, dh_seen, order):
    """As for the LSTM, the factors that do not depend on the incoming gradient come first: with
    a_n = σ(−a_z) φ′(a_n) (σ(−a_z) = 1 − z without its rounding; every derivative from its
    pre-activation),

        d_pn = dh a_n,  d_pz = dh (h_prev − n) σ′(a_z),  d_pr = dh a_n hn σ′(a_r),
        d_hn = dh a_n r,  dh_prev = W_hh^T d_hp + dh z.
    """
    r, z, n, hn, h_prev = fm["r"], fm["z"], fm["n"], fm["hn"], fm["h_prev"]
    pz = fm["pz"]
    T, H, B = n.shape
    dtype = n.dtype
    d_xp = new("d_pre", (T, 3 * H, B), dtype)
    d_hp = new("d_rec", (T, 3 * H, B), dtype)
    dr, dz, dn = d_xp[:, :H], d_xp[:, H:2 * H], d_xp[:, 2 * H:]
    _tanh_grad(fm["pn"], dn)
    _one_minus_sigmoid(pz, dz)
    dn *= dz
    _sigmoid_grad(pz, dz)
    np.subtract(h_prev, n, out=dr)             # dr as scratch for (h_prev − n)
    dz *= dr
    _sigmoid_grad(fm["pr"], dr)
    dr *= hn
    dr *= dn
    d_hp[:, :2 * H] = d_xp[:, :2 * H]
    np.multiply(dn, r, out=d_hp[:, 2 * H:])
    (dh_carry,) = carry
    tmp = np.empty((H, B), dtype)
    for t in order:
        dh = _total_dh(dh_carry, dh_seen, t)
        by_dh_x, by_dh_h = d_xp[t].reshape(3, H, B), d_hp[t].reshape(3, H, B)
        by_dh_x *= dh
        by_dh_h *= dh
        np.matmul(w_hh_t, d_hp[t], out=dh_carry)
        np.multiply(dh, z[t], out=tmp)
        dh_carry += tmp
    return d_xp, d_hp
