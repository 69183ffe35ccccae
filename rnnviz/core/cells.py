"""One recurrent step of every cell: forward, backward and the closed-form state Jacobian.

Symbols (the equations panel of the app uses the same ones). For one layer with hidden size H:

* ``xp = W_ih x_t + b_ih`` (plus ``W_aux a_t`` on layer 0) is the input projection, precomputed for the
  whole sequence with one GEMM; shape ``(B, G·H)`` with the gate blocks in PyTorch order.
* ``hp = W_hh h_{t-1} + b_hh`` is the recurrent projection (Cho's GRU applies the n-block to r ⊙ h).
* φ is the chosen activation (candidate and cell output); gates use σ.

Elman       h_t = φ(xp + hp)
LSTM        i, f, o = σ(xp_· + hp_·), g = φ(xp_g + hp_g), c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ φ(c_t)
peephole    i, f get + p_i ⊙ c_{t-1}, p_f ⊙ c_{t-1}; o gets + p_o ⊙ c_t      (Gers & Schmidhuber 2000)
CIFG        gates i, g, o; f_t = 1 − i_t
GRU         r, z = σ(xp_· + hp_·), n = φ(xp_n + r ⊙ hp_n), h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
GRU (Cho)   r, z as above, n = φ(xp_n + W_hn (r ⊙ h_{t-1}) + b_hn), same update

Derivatives come from the pre-activations kept in the caches (``pre``; ``pi pf pg po`` with the
peepholes included; ``pr pz pn``): σ′(a) = σ(a)σ(−a), tanh′(a) = 4σ′(2a), CIFG f = σ(−a_i) and the
GRU's 1 − z = σ(−a_z), so that saturated units keep their tiny nonzero derivatives (the output forms
y(1 − y), 1 − y², 1 − i round to 0 below ~1e-16).

Every function is pure: caches are returned, never stored. Backward functions accept gradients with any
number of leading dimensions in front of ``(B, H)`` (used to push many loss terms or identity rows
through one step at once); caches broadcast against them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import CELL_GATES


# ----------------------------------------------------------------------------------------------
# Activations
# ----------------------------------------------------------------------------------------------

def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = e^{min(a,0)} / (1 + e^{−|a|}): no exponent is positive, so nothing overflows, and tiny
    values keep full relative precision down to the smallest normal float (unlike 1 − σ(−a))."""
    return np.exp(np.minimum(a, 0)) / (1 + np.exp(-np.abs(a)))


def sigmoid_slope(a: np.ndarray) -> np.ndarray:
    """σ′(a) = σ(a) σ(−a) = e^{−|a|} / (1 + e^{−|a|})², from the pre-activation.

    The output form y (1 − y) rounds to 0 once 1 − y is below the float's resolution (a ≳ 37 in
    float64); this form keeps full relative precision until e^{−|a|} leaves the normal range."""
    e = np.exp(-np.abs(a))
    return e / ((1 + e) * (1 + e))


def tanh_slope(a: np.ndarray) -> np.ndarray:
    """tanh′(a) = sech²(a) = 4 e^{−2|a|} / (1 + e^{−2|a|})² (= 4 σ′(2a)), from the pre-activation.

    1 − tanh(a)² is 0 for |a| ≳ 19 in float64; this form is exact to a few ulp down to ~1e-308."""
    return 4 * sigmoid_slope(2 * a)


@dataclass(frozen=True)
class Activation:
    """φ with its derivative. The derivative uses the pre-activation ``a`` (not the output ``y``)
    wherever the output form loses precision in saturation (tanh, sigmoid)."""

    name: str
    leaky_slope: float = 0.01

    def __call__(self, a: np.ndarray) -> np.ndarray:
        n = self.name
        if n == "tanh":
            return np.tanh(a)
        if n == "sigmoid":
            return sigmoid(a)
        if n == "relu":
            return np.maximum(a, 0)
        if n == "linear":
            return a.copy()
        if n == "leaky-relu":
            return np.where(a > 0, a, a * a.dtype.type(self.leaky_slope))
        raise ValueError(f"unknown activation {n!r}")

    def derivative(self, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        n = self.name
        if n == "tanh":
            return tanh_slope(a)
        if n == "sigmoid":
            return sigmoid_slope(a)
        if n == "relu":
            return (a > 0).astype(a.dtype)
        if n == "linear":
            return np.ones_like(a)
        if n == "leaky-relu":
            return np.where(a > 0, 1, self.leaky_slope).astype(a.dtype)
        raise ValueError(f"unknown activation {n!r}")


# ----------------------------------------------------------------------------------------------
# Per-layer parameters handed to the step functions
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LayerWeights:
    """Weights of one layer and direction. ``w_hh: (G·H, H)``, ``b_hh: (G·H,)``; peepholes ``(H,)``."""

    w_ih: np.ndarray
    w_hh: np.ndarray
    b_hh: np.ndarray
    peep_i: np.ndarray | None = None
    peep_f: np.ndarray | None = None
    peep_o: np.ndarray | None = None

    @property
    def hidden(self) -> int:
        return self.w_hh.shape[1]


def _split(a: np.ndarray, parts: int) -> list[np.ndarray]:
    H = a.shape[-1] // parts
    return [a[..., k * H:(k + 1) * H] for k in range(parts)]


# ----------------------------------------------------------------------------------------------
# Cells. Each has: step(w, act, xp, state) -> (state, cache)
#                  step_backward(w, act, cache, d_state) -> (d_state_prev, d_xp, d_hp)
#                      (LSTMs also step_backward_cell, which returns the cell state's dc_t as well)
#                  step_jacobian(w, act, cache, b, w_in, out=None) -> (ds_t/ds_{t-1}, ds_t/dx_t)
#                      for batch element b of cache; cache arrays may carry leading axes (e.g. time,
#                      with b = Ellipsis), which the Jacobians then carry too: (..., S, S), (..., S, I);
#                      ds_t/ds_{t-1} is written into ``out`` when given; ds_t/dx_t is None when
#                      w_in is None (a first layer, whose input Jacobian nothing uses)
# ``state`` and ``d_state`` are tuples in the order of NetConfig.state_names.
# ``d_hp`` is the gradient w.r.t. the recurrent projection (before b_hh is folded in, which is the
# same thing); recurrent_inputs() says which vector each block of W_hh multiplied.
# ----------------------------------------------------------------------------------------------

def _row_mix(U: np.ndarray, W: np.ndarray, H: int, out: np.ndarray | None = None) -> np.ndarray:
    """out[..., r, :] = Σ_k U[..., r, k] · W[k·H + r mod H, :] — rows of a Jacobian as mixtures of
    the rows of W's gate blocks (W: (K·H, n), U: (..., R, K) with R a multiple of H).

    One batched matrix product over the rows r instead of K broadcast passes over (..., R, n).
    ``out``: an array (view) of shape (N, R, n) or (R, n) to write into, for U of that leading
    shape (the product then goes straight into it, e.g. into the left half of a Jacobian stack).
    """
    R, K = U.shape[-2:]
    lead = U.shape[:-2]
    blocks = W.reshape(K, H, -1).transpose(1, 0, 2)            # (H, K, n)
    blocks = np.concatenate([blocks] * (R // H)) if R > H else blocks
    rows = U.reshape((-1, R, K)).transpose(1, 0, 2)             # (R, N, K)
    if out is not None and out.ndim in (2, 3) and len(lead) == out.ndim - 2:
        view = out if out.ndim == 3 else out[None]
        np.matmul(rows, blocks, out=view.transpose(1, 0, 2))    # (R, N, n) seen through out
        return out
    mixed = np.matmul(rows, blocks).transpose(1, 0, 2).reshape(lead + (R, W.shape[1]))
    if out is None:
        return mixed
    out[...] = mixed
    return out


class ElmanCell:
    gates = CELL_GATES["rnn"]
    states = ("h",)

    @staticmethod
    def step(w: LayerWeights, act: Activation, xp, state):
        (h_prev,) = state
        pre = xp + h_prev @ w.w_hh.T + w.b_hh
        h = act(pre)
        return (h,), {"pre": pre, "h": h, "h_prev": h_prev}

    @staticmethod
    def step_backward(w: LayerWeights, act: Activation, cache, d_state):
        (dh,) = d_state
        d_pre = dh * act.derivative(cache["pre"], cache["h"])
        return (d_pre @ w.w_hh,), d_pre, d_pre

    @staticmethod
    def recurrent_inputs(cache_seq, H):
        return [(slice(0, H), cache_seq["h_prev"])]

    @staticmethod
    def step_jacobian(w: LayerWeights, act: Activation, cache, b, w_in, out=None):
        d = act.derivative(cache["pre"][b], cache["h"][b])[..., None]
        return np.multiply(d, w.w_hh, out=out), None if w_in is None else d * w_in

    @staticmethod
    def gate_values(cache_seq):
        return {}


class LSTMCell:
    """Standard LSTM, with optional peepholes (``peephole=True``) or coupled gates (``cifg=True``)."""

    def __init__(self, peephole: bool = False, cifg: bool = False):
        self.peephole = peephole
        self.cifg = cifg
        self.gates = CELL_GATES["lstm-cifg" if cifg else "lstm"]
        self.states = ("h", "c")

    def step(self, w: LayerWeights, act: Activation, xp, state):
        h_prev, c_prev = state
        pre = xp + h_prev @ w.w_hh.T + w.b_hh
        if self.cifg:
            pi, pg, po = _split(pre, 3)
        else:
            pi, pf, pg, po = _split(pre, 4)
        if self.peephole:
            pi = pi + w.peep_i * c_prev
            pf = pf + w.peep_f * c_prev
            i = sigmoid(pi)
            f = sigmoid(pf)
        else:
            # one σ over every gate block is cheaper than three calls; the g block is ignored
            gates = sigmoid(pre)
            i, o = _split(gates, len(self.gates))[0], _split(gates, len(self.gates))[-1]
            # CIFG: f = 1 − i = σ(−a_i), computed so that it keeps its precision when i → 1
            f = sigmoid(-pi) if self.cifg else _split(gates, 4)[1]
        g = act(pg)
        c = f * c_prev + i * g
        if self.peephole:
            po = po + w.peep_o * c
            o = sigmoid(po)
        phic = act(c)
        h = o * phic
        # gate pre-activations (peepholes included) for the derivatives σ′(a) of backward/Jacobian
        cache = {"i": i, "f": f, "g": g, "o": o, "pi": pi, "pg": pg, "po": po, "c": c, "phic": phic,
                 "h_prev": h_prev, "c_prev": c_prev}
        if not self.cifg:
            cache["pf"] = pf
        return (h, c), cache

    def step_backward(self, w: LayerWeights, act: Activation, cache, d_state):
        prev, d_pre, _, _ = self.step_backward_cell(w, act, cache, d_state)
        return prev, d_pre, d_pre

    def step_backward_cell(self, w: LayerWeights, act: Activation, cache, d_state):
        """:meth:`step_backward` that also returns ``dc_t = ∂L/∂c_t``, the total gradient on the cell
        state c_t (along c_t → h_t, peephole o_t included, and c_t → c_{t+1}): the sum the backward
        forms anyway before it splits into the gates. Returns ``(d_state_prev, d_xp, d_hp, dc_t)``."""
        dh, dc = d_state
        i, f, g, o = cache["i"], cache["f"], cache["g"], cache["o"]
        c, c_prev, phic = cache["c"], cache["c_prev"], cache["phic"]
        d_po = dh * phic * sigmoid_slope(cache["po"])
        dc_total = dc + dh * o * act.derivative(c, phic)
        if self.peephole:
            dc_total = dc_total + d_po * w.peep_o
        d_pg = dc_total * i * act.derivative(cache["pg"], g)
        if self.cifg:
            d_pi = dc_total * (g - c_prev) * sigmoid_slope(cache["pi"])
            dc_prev = dc_total * f
            d_pre = np.concatenate([d_pi, d_pg, d_po], axis=-1)
        else:
            d_pi = dc_total * g * sigmoid_slope(cache["pi"])
            d_pf = dc_total * c_prev * sigmoid_slope(cache["pf"])
            dc_prev = dc_total * f
            if self.peephole:
                dc_prev = dc_prev + d_pi * w.peep_i + d_pf * w.peep_f
            d_pre = np.concatenate([d_pi, d_pf, d_pg, d_po], axis=-1)
        return (d_pre @ w.w_hh, dc_prev), d_pre, d_pre, dc_total

    def output_slope(self, w: LayerWeights, act: Activation, cache):
        """κ_t = ∂h_t/∂c_t (diagonal, one value per unit) along every path: o φ′(c) and, with
        peepholes, φ(c) σ′(a_o) p_o through the output gate. Arrays of ``cache`` broadcast."""
        kappa = cache["o"] * act.derivative(cache["c"], cache["phic"])
        if self.peephole:
            kappa = kappa + cache["phic"] * sigmoid_slope(cache["po"]) * w.peep_o
        return kappa

    @staticmethod
    def recurrent_inputs(cache_seq, H):
        return [(slice(0, None), cache_seq["h_prev"])]

    def step_jacobian(self, w: LayerWeights, act: Activation, cache, b, w_in, out=None):
        H = w.hidden
        i, f, g, o = (cache[k][b] for k in "ifgo")
        c, c_prev, phic = cache["c"][b], cache["c_prev"][b], cache["phic"][b]
        si, so = sigmoid_slope(cache["pi"][b]), sigmoid_slope(cache["po"][b])
        dg = act.derivative(cache["pg"][b], g)
        kappa = self.output_slope(w, act, {"o": o, "c": c, "phic": phic, "po": cache["po"][b]})
        a_o = phic * so                                           # dh_t/d pre_o
        if self.cifg:
            coef = {"i": (g - c_prev) * si, "g": i * dg}
            rows = {"i": 0, "g": 1, "o": 2}
            dc_dc = f.copy()   # σ(−a_i), not 1 − i
        else:
            sf = sigmoid_slope(cache["pf"][b])
            coef = {"i": g * si, "f": c_prev * sf, "g": i * dg}
            rows = {"i": 0, "f": 1, "g": 2, "o": 3}
            dc_dc = f.copy()
            if self.peephole:
                dc_dc = dc_dc + coef["i"] * w.peep_i + coef["f"] * w.peep_f

        # Rows of [dh_t; dc_t] as mixtures of the rows of W's gate blocks: dc = Σ_k coef_k ⊙ W_k,
        # dh = a_o ⊙ W_o + κ ⊙ dc.
        lead = i.shape[:-1]
        # U[..., r, k]: row r of [dh; dc] takes coef_k of gate block k (zero where none)
        U = np.zeros(lead + (2, H, len(rows)), dtype=np.result_type(i, kappa, a_o))
        for name, k in rows.items():
            if name in coef:
                U[..., 1, :, k] = coef[name]
                if name != "o":
                    np.multiply(kappa, coef[name], out=U[..., 0, :, k])
        U[..., 0, :, rows["o"]] = a_o
        U = U.reshape(lead + (2 * H, len(rows)))
        jac = np.empty(lead + (2 * H, 2 * H), dtype=w.w_hh.dtype) if out is None else out
        _row_mix(U, w.w_hh, H, out=jac[..., :H])
        jac[..., H:] = 0
        diag = np.arange(H)
        jac[..., diag, H + diag] = kappa * dc_dc
        jac[..., H + diag, H + diag] = dc_dc
        jx = None if w_in is None else _row_mix(U, w_in, H)
        return jac, jx

    def gate_values(self, cache_seq):
        return {k: cache_seq[k] for k in ("i", "f", "g", "o")}


class GRUCell:
    """GRU; ``reset_after=True`` is PyTorch/cuDNN's form, ``False`` is Cho et al. (2014)."""

    gates = CELL_GATES["gru"]
    states = ("h",)

    def __init__(self, reset_after: bool = True):
        self.reset_after = reset_after

    def step(self, w: LayerWeights, act: Activation, xp, state):
        (h_prev,) = state
        H = w.hidden
        xr, xz, xn = _split(xp, 3)
        if self.reset_after:
            hp = h_prev @ w.w_hh.T + w.b_hh
            hn = hp[..., 2 * H:]
            prz = xp[..., :2 * H] + hp[..., :2 * H]
            pr, pz = prz[..., :H], prz[..., H:]
            rz = sigmoid(prz)
            r, z = rz[..., :H], rz[..., H:]
            pn = xn + r * hn
            rh = None
        else:
            hp_rz = h_prev @ w.w_hh[:2 * H].T + w.b_hh[:2 * H]
            hr, hz = _split(hp_rz, 2)
            pr, pz = xr + hr, xz + hz
            r = sigmoid(pr)
            z = sigmoid(pz)
            rh = r * h_prev
            hn = rh @ w.w_hh[2 * H:].T + w.b_hh[2 * H:]
            pn = xn + hn
        n = act(pn)
        h = (1 - z) * n + z * h_prev
        # gate pre-activations for σ′(a) and 1 − z = σ(−a_z) in backward/Jacobian
        cache = {"r": r, "z": z, "n": n, "pr": pr, "pz": pz, "pn": pn, "hn": hn, "h_prev": h_prev}
        if rh is not None:
            cache["rh"] = rh
        return (h,), cache

    def step_backward(self, w: LayerWeights, act: Activation, cache, d_state):
        (dh,) = d_state
        H = w.hidden
        r, z, n, h_prev = cache["r"], cache["z"], cache["n"], cache["h_prev"]
        d_pn = dh * sigmoid(-cache["pz"]) * act.derivative(cache["pn"], n)
        d_pz = dh * (h_prev - n) * sigmoid_slope(cache["pz"])
        dh_prev = dh * z
        if self.reset_after:
            d_hn = d_pn * r
            d_pr = d_pn * cache["hn"] * sigmoid_slope(cache["pr"])
            d_hp = np.concatenate([d_pr, d_pz, d_hn], axis=-1)
            dh_prev = dh_prev + d_hp @ w.w_hh
        else:
            d_rh = d_pn @ w.w_hh[2 * H:]
            d_pr = d_rh * h_prev * sigmoid_slope(cache["pr"])
            d_hp = np.concatenate([d_pr, d_pz, d_pn], axis=-1)
            dh_prev = dh_prev + d_rh * r + d_hp[..., :2 * H] @ w.w_hh[:2 * H]
        d_xp = np.concatenate([d_pr, d_pz, d_pn], axis=-1)
        return (dh_prev,), d_xp, d_hp

    def recurrent_inputs(self, cache_seq, H):
        if self.reset_after:
            return [(slice(0, None), cache_seq["h_prev"])]
        return [(slice(0, 2 * H), cache_seq["h_prev"]), (slice(2 * H, None), cache_seq["rh"])]

    def step_jacobian(self, w: LayerWeights, act: Activation, cache, b, w_in, out=None):
        H = w.hidden
        r, z, n, h_prev = cache["r"][b], cache["z"][b], cache["n"][b], cache["h_prev"][b]
        sr, sz = sigmoid_slope(cache["pr"][b]), sigmoid_slope(cache["pz"][b])
        dn = act.derivative(cache["pn"][b], n)
        Wr, Wz, Wn = w.w_hh[:H], w.w_hh[H:2 * H], w.w_hh[2 * H:]
        if self.reset_after:
            hn = cache["hn"][b]
            dpn_dh = r[..., None] * Wn + (hn * sr)[..., None] * Wr
        else:
            dpn_dh = Wn * r[..., None, :] + Wn @ ((h_prev * sr)[..., None] * Wr)
        a_n, a_z = sigmoid(-cache["pz"][b]) * dn, (h_prev - n) * sz
        jac = np.multiply(a_n[..., None], dpn_dh, out=out)
        jac += a_z[..., None] * Wz
        diag = np.arange(H)
        jac[..., diag, diag] += z
        if w_in is None:
            return jac, None
        Ir, Iz, In = w_in[:H], w_in[H:2 * H], w_in[2 * H:]
        if self.reset_after:
            dpn_dx = In + (hn * sr)[..., None] * Ir
        else:
            dpn_dx = In + Wn @ ((h_prev * sr)[..., None] * Ir)
        jx = a_n[..., None] * dpn_dx + a_z[..., None] * Iz
        return jac, jx

    @staticmethod
    def gate_values(cache_seq):
        return {k: cache_seq[k] for k in ("r", "z", "n")}


def make_cell(name: str):
    """The cell object for a NetConfig.cell name."""
    if name == "rnn":
        return ElmanCell()
    if name == "lstm":
        return LSTMCell()
    if name == "lstm-peephole":
        return LSTMCell(peephole=True)
    if name == "lstm-cifg":
        return LSTMCell(cifg=True)
    if name == "gru":
        return GRUCell(reset_after=True)
    if name == "gru-cho":
        return GRUCell(reset_after=False)
    raise ValueError(f"unknown cell {name!r}")
