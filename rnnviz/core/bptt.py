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
from .cancel import Cancelled
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
    LSTMs only (else None): ``layer_cell_grad_norms: (L·D, T)`` the same for the cell state,
    ‖∂L/∂c_t‖ (c_t's total gradient, through h_t and c_{t+1}); ``itemized_cell: (T, T)``
    ``‖∂L_τ/∂c_t‖`` of the top layer beside ``itemized``.
    """

    params: dict
    d_h0: dict
    d_hidden: np.ndarray
    grad_norm_per_step: np.ndarray | None
    itemized: np.ndarray | None = None
    d_input: np.ndarray | None = None   # (T, B, input_size) ∂L/∂x_t, with ``input_grad=True``
    d_projection: np.ndarray | None = None  # (T, B, G·H) ∂L/∂xp_t of layer 0, ``projection_grad=True``
    layer_grad_norms: np.ndarray | None = None
    layer_cell_grad_norms: np.ndarray | None = None
    itemized_cell: np.ndarray | None = None


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
    input width, or None), ``d_init`` (state name → (B, H)), ``dh_seen: (T, B, H)`` (total ∂L/∂h_t)
    and ``dc_seen`` (LSTMs: total ∂L/∂c_t, rows summed, as dh_seen; else None).
    """
    w = lt.weights
    if band is None and fused_loops:
        final = None if d_final is None else tuple(d_final.get(n) for n in net.state_names)
        d_xp, d_hp, d_init, dh_seen, dc_seen = fused.backward_layer(
            net.cell, w, lt.cache, d_out, final, lt.reverse, workspace,
            f"backward{suffix(lt.layer, lt.direction)}.")
        d_in = _input_grad(d_xp, w.w_ih) if want_input_grad else None
        return d_xp, d_hp, d_in, dict(zip(net.state_names, d_init)), dh_seen, dc_seen
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
    dc_seen = np.empty((T, B, H), dtype) if net.is_lstm else None
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
        if dc_seen is None:
            prev, dxp, dhp = cell.step_backward(w, act, cache, d_state)
        else:
            prev, dxp, dhp, dc = cell.step_backward_cell(w, act, cache, d_state)
            dc_seen[t] = dc if band is None else dc.sum(axis=0)
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
    return d_xp, d_hp, d_in, d_init, dh_seen, dc_seen


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
    cell_norms = np.zeros((L * D, T)) if step_norms and net.is_lstm else None
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
            d_xp, d_hp, d_in, d_init, seen, seen_c = _sweep_layer(
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
                layer_norms[row] = _step_norms(seen)
            if cell_norms is not None:
                cell_norms[row] = _step_norms(seen_c)
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
    norms = _step_norms(dh_top) if step_norms else None
    itemized = itemized_cell = None
    if itemize is not False and itemize is not None:
        if itemize is True:
            steps = np.flatnonzero(np.abs(d_output).reshape(T, -1).max(axis=1) > 0) + 1
        else:
            steps = np.asarray(itemize, dtype=int)
        if net.is_lstm:
            itemized, itemized_cell = itemize_top_layer(net, trace, d_output, steps, truncate,
                                                        with_cell=True)
        else:
            itemized = itemize_top_layer(net, trace, d_output, steps, truncate)
    return Grads(grads, d_h0, dh_top, norms, itemized, d_input, d_projection, layer_norms,
                 cell_norms, itemized_cell)


def _step_norms(values: np.ndarray) -> np.ndarray:
    """(T,) Euclidean norm of each step of ``values: (T, …)`` in float64."""
    flat = values.reshape(values.shape[0], -1).astype(np.float64, copy=False)
    return np.sqrt(np.einsum("ti,ti->t", flat, flat))


def itemize_top_layer(net: NetConfig, trace: Trace, d_output: np.ndarray, steps: np.ndarray,
                      truncate: int | None, with_cell: bool = False):
    """``C[τ−1, t−1] = ‖∂L_τ/∂h_t‖`` for the top layer and the given loss steps τ (other rows zero).

    All chosen loss terms travel through one sweep as rows of a batch (R, B, H), so the cost is one
    matrix product of R rows per step instead of one backward pass per loss term.
    ``with_cell`` (LSTMs): returns ``(C, C_c)`` with ``C_c[τ−1, t−1] = ‖∂L_τ/∂c_t‖``, the cell
    state's total gradient that the same sweep forms.
    """
    T = trace.seq_len
    H, D = net.hidden_size, net.num_directions
    cell = make_cell(net.cell)
    act = trace.activation
    steps = np.asarray(steps, dtype=int)
    C2 = np.zeros((T, T))
    C2_cell = np.zeros((T, T)) if with_cell else None
    if steps.size == 0:
        return (C2, C2_cell) if with_cell else C2
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
            d_state = (dh,) + tuple(carry[1:])
            if with_cell:
                prev, _, _, dc = cell.step_backward_cell(lt.weights, act, lt.step_cache(t), d_state)
                C2_cell[steps - 1, t] += (dc.astype(np.float64) ** 2).sum(axis=(1, 2))
            else:
                prev, _, _ = cell.step_backward(lt.weights, act, lt.step_cache(t), d_state)
            carry = list(prev)
    if with_cell:
        return np.sqrt(C2), np.sqrt(C2_cell)
    return np.sqrt(C2)


#: Bytes of gradient rows a chunk of :func:`itemize_layers` holds for the layer below at a time.
ITEMIZE_CHUNK_BYTES = 16 << 20


def itemize_layers(net: NetConfig, trace: Trace, d_output: np.ndarray, steps,
                   truncate: int | None = None, chunk_bytes: int = ITEMIZE_CHUNK_BYTES,
                   should_stop=None):
    """Every layer's and direction's ‖∂L_τ/∂h_t‖ for the loss steps τ in ``steps``.

    Returns ``(norms_h, norms_c)``: ``norms_h[layer·D + d, r, t−1] = ‖∂L_τ/∂h^{layer,d}_t‖`` over
    (B, H) for τ = steps[r], the total gradient of the one loss term L_τ as :func:`backward` of
    L_τ alone gives it (truncated alike); ``norms_c`` the same for an LSTM's c_t (else None).

    As in :func:`itemize_top_layer`, the loss terms travel as rows of one sweep, here from the top
    layer down: a layer's rows ∂L_τ/∂x_t become the rows of the layer below. The rows of the layer
    below are held for the whole sequence, so the terms go in chunks of about ``chunk_bytes``;
    ``should_stop()`` → True raises Cancelled between chunks.
    """
    steps = np.asarray(steps, dtype=int)
    L, D, T = net.num_layers, net.num_directions, trace.seq_len
    norms_h = np.zeros((L * D, steps.size, T))
    norms_c = np.zeros((L * D, steps.size, T)) if net.is_lstm else None
    per_term = T * d_output.shape[1] * net.hidden_size * D * d_output.dtype.itemsize
    chunk = max(1, int(chunk_bytes // max(per_term, 1)))
    for lo in range(0, steps.size, chunk):
        if should_stop is not None and should_stop():
            raise Cancelled("itemizing cancelled")
        part = slice(lo, lo + chunk)
        _itemize_rows(net, trace, d_output, steps[part], truncate, norms_h[:, part],
                      None if norms_c is None else norms_c[:, part])
    return norms_h, norms_c


def _itemize_rows(net, trace, d_output, steps, truncate, out_h, out_c) -> None:
    """:func:`itemize_layers` for one chunk of loss steps, written into ``out_h``/``out_c``."""
    cell = make_cell(net.cell)
    act = trace.activation
    T, B = trace.seq_len, d_output.shape[1]
    H, L, D = net.hidden_size, net.num_layers, net.num_directions
    R = steps.size
    row_of = {int(tau): r for r, tau in enumerate(steps)}
    upstream = None   # below the top: rows of ∂L_τ/∂(layer output) per step, (T, R, B, H·D)
    for layer in range(L - 1, -1, -1):
        below = None
        for d in range(D):
            lt = trace.layers[layer][d]
            row = layer * D + d
            carry = [np.zeros((R, B, H), d_output.dtype) for _ in net.state_names]
            d_in = np.zeros((T, R, B, lt.inputs.shape[2]), d_output.dtype) if layer > 0 else None
            for t in (range(T) if lt.reverse else range(T - 1, -1, -1)):
                step = t + 1
                if upstream is None:
                    dh = carry[0]
                    r = row_of.get(step)
                    if r is not None:
                        dh = dh.copy()
                        dh[r] += d_output[t, :, d * H:(d + 1) * H]
                else:
                    dh = carry[0] + upstream[t][..., d * H:(d + 1) * H]
                if truncate is not None:
                    # rows whose loss step is more than k steps away no longer reach this state
                    far = np.abs(steps - step) > truncate
                    if far.any():
                        dh = np.where(far[:, None, None], 0, dh)
                        carry = [np.where(far[:, None, None], 0, c) for c in carry]
                out_h[row, :, t] = np.sqrt((dh.astype(np.float64) ** 2).sum(axis=(1, 2)))
                d_state = (dh,) + tuple(carry[1:])
                if out_c is None:
                    prev, dxp, _ = cell.step_backward(lt.weights, act, lt.step_cache(t), d_state)
                else:
                    prev, dxp, _, dc = cell.step_backward_cell(lt.weights, act, lt.step_cache(t), d_state)
                    out_c[row, :, t] = np.sqrt((dc.astype(np.float64) ** 2).sum(axis=(1, 2)))
                if d_in is not None:
                    d_in[t] = dxp @ lt.weights.w_ih
                carry = list(prev)
            if d_in is not None:
                below = d_in if below is None else below + d_in
        upstream = below


def loss_and_grads(params: dict, net: NetConfig, x: np.ndarray, targets: np.ndarray, loss_steps, *,
                   truncate: int | None = None, h0: dict | None = None, aux: np.ndarray | None = None,
                   itemize: bool = False):
    """Forward, readout loss and BPTT in one call. Returns ``(loss, Grads, Trace)``."""
    trace = forward(params, net, x, h0=h0, aux=aux)
    loss, d_output, d_readout = readout_loss(params, trace.output, targets, loss_steps)
    grads = backward(params, net, trace, d_output, truncate=truncate, itemize=itemize)
    grads.params.update(d_readout)
    return loss, grads, trace
