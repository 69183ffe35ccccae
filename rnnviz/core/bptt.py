"""Backpropagation through time: full and truncated, with per-step and itemized gradient norms.

Loss: o_t = V h_t + c (``readout.weight``, ``readout.bias``) on the top layer's output, softmax
cross-entropy against integer targets at the chosen loss steps; L = mean over the batch of the sum over
loss steps.

Truncation (window k, as the classic ``bptt_truncate``): each loss term L_τ sends gradient back at most
k steps, i.e. to the states h_τ … h_{τ−k} (forward direction; the reverse direction of a bidirectional
layer reaches h_τ … h_{τ+k}), and only those steps contribute to the parameter gradients of that term.

How the truncated sweep works: gradients travel as a band of rows, one row per loss term τ with
|τ − t| ≤ k, stored relative to the current step t (row j ↔ τ = t + j − lo). Moving one step back in
time shifts the band by one row and the row that leaves the window is dropped, which is exactly the
truncation. Parameter gradients sum the rows, so the cost is O(T·(k+1)) row-steps, not O(T²).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import fused
from .cells import Activation, make_cell
from .config import ConfigError, NetConfig
from .params import suffix
from .sequence import Trace, forward


@dataclass
class Grads:
    """Gradients of the loss.

    ``params``: name → array like the parameters. ``d_h0``: state name → (L·D, B, H).
    ``d_hidden: (T, B, H·D)`` total ∂L/∂h_t of the top layer; ``grad_norm_per_step: (T,)`` its norm
    over (B, H·D) (None if not asked for). ``itemized: (T, T)`` or None:
    ``C[τ−1, t−1] = ‖∂L_τ/∂h_t‖`` (top layer). ``layer_grad_norms: (L·D, T)`` or None (as
    ``grad_norm_per_step``): ‖∂L/∂h_t‖ over (B, H) of each layer and direction, row ``layer·D + d``
    (the top layer's rows, combined in quadrature, are ``grad_norm_per_step``).
    """

    params: dict
    d_h0: dict
    d_hidden: np.ndarray
    grad_norm_per_step: np.ndarray | None
    itemized: np.ndarray | None = None
    d_input: np.ndarray | None = None   # (T, B, input_size) ∂L/∂x_t, with ``input_grad=True``
    d_projection: np.ndarray | None = None  # (T, B, G·H) ∂L/∂xp_t of layer 0, ``projection_grad=True``
    layer_grad_norms: np.ndarray | None = None


def loss_steps_for(placement: str, T: int, steps=()) -> np.ndarray:
    """Steps (1…T) that carry loss, for the loss placements of ``analysis.LOSS_PLACEMENTS``:
    ``all`` (N→N), ``last`` (N→1) or ``step``: the given ``steps`` (the explorer chooses one)."""
    if placement == "all":
        return np.arange(1, T + 1)
    if placement == "last":
        return np.array([T])
    if placement == "step":
        arr = np.unique(np.asarray(list(steps), dtype=int))
        if arr.size == 0:
            raise ConfigError("loss placement 'step' needs at least one step")
        if arr[0] < 1 or arr[-1] > T:
            raise ConfigError("loss steps must lie in 1..{T}, got {value3}", T=T, value3=arr.tolist())
        return arr
    raise ConfigError("unknown loss placement {placement!r}; choose all, last or step", placement=placement)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def readout_loss(params: dict, output: np.ndarray, targets: np.ndarray, loss_steps: np.ndarray):
    """Softmax cross-entropy of the readout at ``loss_steps``.

    ``output: (T, B, H·D)``, ``targets: (T, B)`` ints. Returns ``(loss, d_output, d_readout)`` with
    ``d_output: (T, B, H·D)`` and ``d_readout`` the gradients of ``readout.weight`` / ``readout.bias``.
    """
    V, c = params["readout.weight"], params["readout.bias"]
    T, B = output.shape[:2]
    targets = np.asarray(targets)
    if targets.shape != (T, B):
        raise ConfigError("targets: expected shape {value1}, got {shape}", value1=(T, B), shape=targets.shape)
    if targets.min() < 0 or targets.max() >= V.shape[0]:
        raise ConfigError("targets must lie in [0, {value1}]", value1=V.shape[0] - 1)
    idx = np.asarray(loss_steps) - 1
    h = output[idx]                                   # (n, B, HD)
    logp = _log_softmax(h @ V.T + c)                  # (n, B, O)
    tgt = targets[idx]
    loss = -np.take_along_axis(logp, tgt[..., None], axis=-1).sum() / B
    d_logits = np.exp(logp)
    np.put_along_axis(d_logits, tgt[..., None], np.take_along_axis(d_logits, tgt[..., None], -1) - 1, -1)
    d_logits /= B
    d_output = np.zeros_like(output)
    d_output[idx] = d_logits @ V
    d_readout = {
        "readout.weight": d_logits.reshape(-1, V.shape[0]).T @ h.reshape(-1, h.shape[-1]),
        "readout.bias": d_logits.reshape(-1, V.shape[0]).sum(axis=0),
    }
    return float(loss), d_output, d_readout


def _shift(rows: np.ndarray, reverse: bool) -> np.ndarray:
    """Move a band of rows one step back in processing order (see module docstring)."""
    out = np.zeros_like(rows)
    if reverse:
        out[:-1] = rows[1:]
    else:
        out[1:] = rows[:-1]
    return out


def _sweep_layer(lt, net: NetConfig, d_out: np.ndarray, band: tuple[int, int] | None,
                 inject: bool, d_final: dict | None, want_input_grad: bool,
                 workspace: fused.Workspace | None = None, fused_loops: bool = False):
    """Backward through one layer and direction.

    ``d_out``: gradient on the layer's output h per step: ``(T, B, H)`` (summed) or, in band mode,
    ``(T, W, B, H)`` rows — unless ``inject``, where it is ``(T, B, H)`` entering row ``lo`` (τ = t).
    Returns ``d_xp, d_hp: (T, B, G·H)`` (rows summed), ``d_in`` (same layout as ``d_out`` with the
    input width, or None), ``d_init`` (state name → (B, H)) and ``dh_seen: (T, B, H)`` (total ∂L/∂h_t).
    """
    w = lt.weights
    if band is None and fused_loops:
        final = None if d_final is None else tuple(d_final.get(n) for n in net.state_names)
        d_xp, d_hp, d_init, dh_seen = fused.backward_layer(
            net.cell, w, lt.cache, d_out, final, lt.reverse, workspace,
            f"backward{suffix(lt.layer, lt.direction)}.")
        d_in = _input_grad(d_xp, w.w_ih) if want_input_grad else None
        return d_xp, d_hp, d_in, dict(zip(net.state_names, d_init)), dh_seen
    cell = make_cell(net.cell)
    act = Activation(net.activation, net.leaky_slope)
    T, B = lt.inputs.shape[:2]
    H = net.hidden_size
    GH = w.w_hh.shape[0]
    dtype = w.w_hh.dtype
    names = net.state_names
    if band is None:
        carry = [np.zeros((B, H), dtype) for _ in names]
        if d_final is not None:
            carry = [carry[i] + d_final.get(n, 0) for i, n in enumerate(names)]
    else:
        lo, hi = band
        W = lo + hi + 1
        carry = [np.zeros((W, B, H), dtype) for _ in names]
    d_xp = np.empty((T, B, GH), dtype)
    d_hp = np.empty((T, B, GH), dtype)
    dh_seen = np.empty((T, B, H), dtype)
    d_in = None
    if want_input_grad and band is not None:
        d_in = np.empty((T, band[0] + band[1] + 1, B, lt.inputs.shape[2]), dtype)
    order = range(T) if lt.reverse else range(T - 1, -1, -1)
    for t in order:
        dh = carry[0]
        if band is None:
            dh = dh + d_out[t]
        elif inject:
            dh = dh.copy()
            dh[band[0]] += d_out[t]
        else:
            dh = dh + d_out[t]
        d_state = (dh,) + tuple(carry[1:])
        cache = lt.step_cache(t)
        prev, dxp, dhp = cell.step_backward(w, act, cache, d_state)
        same = dhp is dxp   # Elman and LSTM: one array serves both projections
        if band is None:
            dh_seen[t] = dh
            d_xp[t] = dxp
            if not same:
                d_hp[t] = dhp
            carry = list(prev)
        else:
            dh_seen[t] = dh.sum(axis=0)
            d_xp[t] = dxp.sum(axis=0)
            if not same:
                d_hp[t] = dhp.sum(axis=0)
            if d_in is not None:
                d_in[t] = dxp @ w.w_ih
            carry = [_shift(p, lt.reverse) for p in prev]
    d_init = {n: (c if band is None else c.sum(axis=0)) for n, c in zip(names, carry)}
    if same:
        d_hp = d_xp
    if want_input_grad and band is None:
        d_in = _input_grad(d_xp, w.w_ih)
    return d_xp, d_hp, d_in, d_init, dh_seen


def _input_grad(d_xp: np.ndarray, w_ih: np.ndarray) -> np.ndarray:
    """∂L/∂x_t for all steps as one GEMM: ``d_xp (T, B, G·H) @ W_ih``.

    Returned as a ``(T, B, In)`` view of an ``(In, T, B)`` array, the layout in which the layer
    below (fused) reads it per step.
    """
    T, B, GH = d_xp.shape
    return np.moveaxis((w_ih.T @ d_xp.reshape(T * B, GH).T).reshape(-1, T, B), 0, -1)


def _layer_param_grads(lt, net: NetConfig, d_xp, d_hp, aux, input_weight: bool = True) -> dict:
    cell = make_cell(net.cell)
    H = net.hidden_size
    s = suffix(lt.layer, lt.direction)
    GH = d_xp.shape[-1]
    flat_xp = d_xp.reshape(-1, GH)
    flat_hp = d_hp.reshape(-1, GH)
    b_ih = flat_xp.sum(axis=0)
    g = {"bias_ih" + s: b_ih, "bias_hh" + s: b_ih.copy() if d_hp is d_xp else flat_hp.sum(axis=0)}
    if input_weight:
        g["weight_ih" + s] = flat_xp.T @ lt.inputs.reshape(-1, lt.inputs.shape[-1])
    dw_hh = np.zeros_like(lt.weights.w_hh)
    for rows, u in cell.recurrent_inputs(lt.cache, H):
        dw_hh[rows] = flat_hp[:, rows].T @ u.reshape(-1, H)
    g["weight_hh" + s] = dw_hh
    if net.cell == "lstm-peephole":
        c_prev, c = lt.cache["c_prev"], lt.cache["c"]
        g["weight_ci" + s] = (d_xp[..., :H] * c_prev).sum(axis=(0, 1))
        g["weight_cf" + s] = (d_xp[..., H:2 * H] * c_prev).sum(axis=(0, 1))
        g["weight_co" + s] = (d_xp[..., 3 * H:] * c).sum(axis=(0, 1))
    if lt.layer == 0 and aux is not None:
        g["weight_aux" + s] = flat_xp.T @ aux.reshape(-1, aux.shape[-1])
    return g


def backward(params: dict, net: NetConfig, trace: Trace, d_output: np.ndarray, *,
             truncate: int | None = None, itemize: bool | np.ndarray = False,
             d_final: dict | None = None, input_grad: bool = False,
             projection_grad: bool = False, step_norms: bool = True,
             workspace: fused.Workspace | None = None) -> Grads:
    """Gradients of a loss whose gradient on the top-layer outputs is ``d_output: (T, B, H·D)``.

    ``projection_grad`` (one direction): the caller owns layer 0's input projection (e.g. it looked
    it up in a table): ``Grads.d_projection`` holds its gradient ``(T, B, G·H)``, and neither
    ``weight_ih_l0`` nor ∂L/∂x is computed. ``step_norms=False`` skips ``grad_norm_per_step``
    (left None). ``workspace``: the fused loops take their arrays from it (see
    :class:`fused.Workspace`).  Full BPTT runs the loops that made ``trace`` (``trace.fused_loops``:
    the fused ones, else the step loop); a truncation window always runs the step loop.

    ``truncate``: window k (None = full BPTT). ``d_final``: gradient on the final state (dict like
    ``h0``; for carried-state truncated training), full BPTT only. ``itemize``: True for the matrix
    ‖∂L_τ/∂h_t‖ over every step τ with a nonzero ``d_output``, or an array of the steps τ (1…T) to
    itemize (rows of the result for other τ are zero).
    """
    T, B = trace.seq_len, trace.batch
    H, L, D = net.hidden_size, net.num_layers, net.num_directions
    if truncate is not None:
        if isinstance(truncate, bool) or int(truncate) != truncate or truncate < 0:
            raise ConfigError("truncation window must be an integer >= 0, got {truncate}", truncate=truncate)
        truncate = int(truncate)
    if truncate is not None and truncate >= T:
        truncate = None  # every loss term reaches every state: identical to full BPTT
    if truncate is not None and d_final is not None:
        raise ConfigError("a final-state gradient cannot be combined with a truncation window")
    band = None if truncate is None else ((truncate if D == 2 else 0), truncate)
    grads: dict[str, np.ndarray] = {}
    d_h0 = {n: np.zeros((L * D, B, H), d_output.dtype) for n in net.state_names}
    upstream = d_output
    dh_top = None
    if projection_grad and D != 1:
        raise ConfigError("a projection gradient needs a one-directional network")
    d_input = d_projection = None
    layer_norms = np.zeros((L * D, T)) if step_norms else None
    for layer in range(L - 1, -1, -1):
        d_in_total = None
        top = layer == L - 1
        for d in range(D):
            lt = trace.layers[layer][d]
            part = upstream[..., d * H:(d + 1) * H]
            row = layer * D + d
            fin = None
            if d_final is not None:
                fin = {n: d_final[n][row] for n in net.state_names if n in d_final}
            d_xp, d_hp, d_in, d_init, seen = _sweep_layer(
                lt, net, part, band, inject=top and band is not None, d_final=fin,
                want_input_grad=layer > 0, workspace=workspace, fused_loops=trace.fused_loops)
            own_projection = layer == 0 and projection_grad
            grads.update(_layer_param_grads(lt, net, d_xp, d_hp, trace.aux,
                                            input_weight=not own_projection))
            if own_projection:
                d_projection = d_xp
            elif layer == 0 and input_grad:
                part_in = _input_grad(d_xp, lt.weights.w_ih)
                d_input = part_in if d_input is None else d_input + part_in
            for n in net.state_names:
                d_h0[n][row] = d_init[n]
            if layer_norms is not None:
                flat = seen.reshape(T, -1).astype(np.float64, copy=False)
                layer_norms[row] = np.sqrt(np.einsum("ti,ti->t", flat, flat))
            if top:
                dh_top = seen if dh_top is None else np.concatenate([dh_top, seen], axis=-1)
            if d_in is not None:
                d_in_total = d_in if d_in_total is None else d_in_total + d_in
        upstream = d_in_total
    for name, value in params.items():
        # tensors that took no part (e.g. auxiliary weights without an auxiliary input)
        if name not in grads and not name.startswith("readout.") and not (
                projection_grad and name == "weight_ih_l0"):
            grads[name] = np.zeros_like(value)
    norms = None
    if step_norms:
        flat_top = dh_top.reshape(T, -1).astype(np.float64, copy=False)
        norms = np.sqrt(np.einsum("ti,ti->t", flat_top, flat_top))
    itemized = None
    if itemize is not False and itemize is not None:
        if itemize is True:
            steps = np.flatnonzero(np.abs(d_output).reshape(T, -1).max(axis=1) > 0) + 1
        else:
            steps = np.asarray(itemize, dtype=int)
        itemized = itemize_top_layer(net, trace, d_output, steps, truncate)
    return Grads(grads, d_h0, dh_top, norms, itemized, d_input, d_projection, layer_norms)


def itemize_top_layer(net: NetConfig, trace: Trace, d_output: np.ndarray, steps: np.ndarray,
                      truncate: int | None) -> np.ndarray:
    """``C[τ−1, t−1] = ‖∂L_τ/∂h_t‖`` for the top layer and the given loss steps τ (other rows zero).

    All chosen loss terms travel through one sweep as rows of a batch (R, B, H), so the cost is one
    matrix product of R rows per step instead of one backward pass per loss term.
    """
    T = trace.seq_len
    H, D = net.hidden_size, net.num_directions
    cell = make_cell(net.cell)
    act = trace.activation
    steps = np.asarray(steps, dtype=int)
    C2 = np.zeros((T, T))
    if steps.size == 0:
        return C2
    R = steps.size
    row_of = {int(tau): r for r, tau in enumerate(steps)}
    for d in range(D):
        lt = trace.layers[-1][d]
        part = d_output[..., d * H:(d + 1) * H]
        B = part.shape[1]
        carry = [np.zeros((R, B, H), part.dtype) for _ in net.state_names]
        order = range(T) if lt.reverse else range(T - 1, -1, -1)
        for t in order:
            step = t + 1
            dh = carry[0]
            r = row_of.get(step)
            if r is not None:
                dh = dh.copy()
                dh[r] += part[t]
            if truncate is not None:
                # rows whose loss step is more than k steps away no longer reach this state
                far = np.abs(steps - step) > truncate
                if far.any():
                    dh = np.where(far[:, None, None], 0, dh)
                    carry = [np.where(far[:, None, None], 0, c) for c in carry]
            C2[steps - 1, t] += (dh.astype(np.float64) ** 2).sum(axis=(1, 2))
            prev, _, _ = cell.step_backward(lt.weights, act, lt.step_cache(t), (dh,) + tuple(carry[1:]))
            carry = list(prev)
    return np.sqrt(C2)


def loss_and_grads(params: dict, net: NetConfig, x: np.ndarray, targets: np.ndarray, loss_steps, *,
                   truncate: int | None = None, h0: dict | None = None, aux: np.ndarray | None = None,
                   itemize: bool = False):
    """Forward, readout loss and BPTT in one call. Returns ``(loss, Grads, Trace)``."""
    trace = forward(params, net, x, h0=h0, aux=aux)
    loss, d_output, d_readout = readout_loss(params, trace.output, targets, loss_steps)
    grads = backward(params, net, trace, d_output, truncate=truncate, itemize=itemize)
    grads.params.update(d_readout)
    return loss, grads, trace
