"""Central finite differences in float64, for the full and the truncated gradient.

Full BPTT is checked against the loss itself. A truncated gradient is not the gradient of the loss, so
it is checked against its definition: for every loss term L_τ, the derivative of L_τ with respect to the
parameters *used at steps t with |τ − t| ≤ k*, with every state outside that window held at its
unperturbed value (a windowed re-run of the network, written here independently of bptt.py).

Checks use random directions v per parameter tensor and the fourth-order central stencil
(8(L(θ+εv) − L(θ−εv)) − (L(θ+2εv) − L(θ−2εv))) / 12ε against ⟨∇L, v⟩, which tests every entry at
once; its truncation error is O(ε⁴), so ε can be large enough (1e-5) that rounding in L stays far below
the 1e-6 relative tolerance. :func:`numerical_gradient` gives the entry-by-entry version.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .analysis import build, config_loss_steps, make_aux
from .bptt import backward, readout_loss
from .cells import Activation, make_cell
from .config import NetConfig
from .params import suffix
from .sequence import forward, layer_weights


@dataclass
class GradcheckReport:
    """``errors``: name → relative error of the directional derivative; ``passed`` if all ≤ tol."""

    errors: dict = field(default_factory=dict)
    tolerance: float = 1e-6

    @property
    def max_rel_error(self) -> float:
        return max(self.errors.values()) if self.errors else 0.0

    @property
    def worst(self) -> str:
        return max(self.errors, key=self.errors.get) if self.errors else ""

    @property
    def passed(self) -> bool:
        return self.max_rel_error <= self.tolerance

    def summary(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (f"gradient check {verdict}: max relative error {self.max_rel_error:.2e} "
                f"({self.worst or 'n/a'}) over {len(self.errors)} checks")


def rel_error(a: float, b: float, floor: float = 0.0) -> float:
    """|a − b| / max(|a|, |b|, floor); ``floor`` keeps rounding noise of tiny derivatives out."""
    scale = max(abs(a), abs(b), floor)
    return 0.0 if scale < 1e-300 else abs(a - b) / scale


def numerical_gradient(f, arr: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Entry-by-entry central differences of the scalar ``f()`` w.r.t. ``arr`` (modified in place)."""
    grad = np.zeros_like(arr, dtype=np.float64)
    it = np.nditer(arr, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = arr[i]
        arr[i] = old + eps
        fp = f()
        arr[i] = old - eps
        fm = f()
        arr[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad


def _directional(f, arr: np.ndarray, v: np.ndarray, eps: float) -> float:
    """Fourth-order central difference of ``f`` along ``v`` (``arr`` is restored afterwards)."""
    base = arr.copy()
    values = []
    for step in (1, -1, 2, -2):
        np.copyto(arr, base + step * eps * v)
        values.append(f())
    np.copyto(arr, base)
    fp1, fm1, fp2, fm2 = values
    return (8 * (fp1 - fm1) - (fp2 - fm2)) / (12 * eps)


#: Activations whose derivative jumps: a difference step that straddles a kink measures nothing.
KINKED = ("relu", "leaky-relu")


def _kink_safe_directional(f, arr, v, eps: float, tolerance: float, noise_at_unit_step: float,
                           smallest: float = 1e-8) -> tuple[float, float]:
    """The directional difference at the largest step that agrees with a ten times smaller one.

    Piecewise-linear activations make L piecewise smooth; while a step crosses a kink, the estimates
    at ε and ε/10 disagree, so the step shrinks until they agree (or ``smallest`` is reached). The
    analytic gradient plays no part in choosing the step. Returns ``(estimate, step used)``; rounding
    noise grows as the step shrinks, which the agreement test allows for (noise ≈ noise_at_unit_step/ε).
    """
    coarse = _directional(f, arr, v, eps)
    while eps / 10 >= smallest:
        fine = _directional(f, arr, v, eps / 10)
        floor = noise_at_unit_step / (eps / 10) / tolerance
        if abs(fine - coarse) <= tolerance * max(abs(fine), abs(coarse), floor):
            return coarse, eps
        eps, coarse = eps / 10, fine
    return coarse, eps


def _full_loss(params, net, x, targets, steps, h0, aux):
    trace = forward(params, net, x, h0=h0, aux=aux, validate=False)
    return readout_loss(params, trace.output, targets, steps)[0]


def windowed_loss(params: dict, base, net: NetConfig, x, targets, tau: int, k: int,
                  h0: dict | None, h0_base: dict | None, aux=None) -> float:
    """L_τ with ``params`` used only at steps |t − τ| ≤ k; states outside come from ``base`` (a Trace)."""
    T, B = x.shape[:2]
    H, D = net.hidden_size, net.num_directions
    act = Activation(net.activation, net.leaky_slope)
    cell = make_cell(net.cell)
    lo, hi = max(1, tau - k), min(T, tau + k)
    in_window = lambda t: lo <= t <= hi  # noqa: E731  (t in 1..T, 0 and T+1 are the initial states)
    lower = None  # recomputed outputs of the layer below: step -> (B, H·D)
    for layer in range(net.num_layers):
        outs = {}
        for d in range(D):
            s = suffix(layer, d)
            w = layer_weights(params, net, layer, d)
            lt = base.layers[layer][d]
            row = layer * D + d
            steps = range(T, 0, -1) if d else range(1, T + 1)
            init_t = T + 1 if d else 0
            if k >= abs(tau - init_t):
                src = h0
            else:
                src = h0_base
            state = tuple(src[n][row] if src is not None and n in src else np.zeros((B, H))
                          for n in net.state_names)
            prev_t = init_t
            for t in steps:
                if not in_window(t):
                    state = tuple(lt.outputs[n][t - 1] for n in net.state_names)
                    prev_t = t
                    continue
                if not in_window(prev_t) and prev_t != init_t:
                    state = tuple(lt.outputs[n][prev_t - 1] for n in net.state_names)
                inp = x[t - 1] if layer == 0 else lower[t]
                xp = inp @ w.w_ih.T + params["bias_ih" + s]
                if layer == 0 and aux is not None:
                    xp = xp + aux[t - 1] @ params["weight_aux" + s].T
                state, _ = cell.step(w, act, xp, state)
                outs.setdefault(t, [None] * D)[d] = state[0]
                prev_t = t
        lower = {t: np.concatenate(v, axis=-1) for t, v in outs.items()}
    out = np.zeros((T, B, H * D))
    out[tau - 1] = lower[tau]
    return readout_loss(params, out, targets, np.array([tau]))[0]


def check_gradients(params: dict, net: NetConfig, x, targets, loss_steps, *, truncate=None,
                    h0=None, aux=None, directions: int = 1, eps: float = 1e-5, seed: int = 0,
                    tolerance: float = 1e-6, taus=None) -> GradcheckReport:
    """Directional finite-difference check of every parameter tensor (and h0) in float64.

    With ``truncate``, only the loss terms ``taus`` (default: all loss steps) are checked, each on its
    own, which keeps big configurations affordable.
    """
    params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    x = np.asarray(x, dtype=np.float64)
    T, B = x.shape[:2]
    LD = net.num_layers * net.num_directions
    h0 = {n: np.asarray(h0[n], dtype=np.float64) if h0 and n in h0
          else np.zeros((LD, B, net.hidden_size)) for n in net.state_names}
    rng = np.random.default_rng(seed)
    report = GradcheckReport(tolerance=tolerance)
    trace = forward(params, net, x, h0=h0, aux=aux)
    loss_steps = np.asarray(loss_steps)
    if truncate is not None and truncate >= T:
        truncate = None
    if truncate is None:
        terms = [(None, loss_steps)]
    else:
        chosen = loss_steps if taus is None else np.asarray(taus)
        terms = [(int(tau), np.array([tau])) for tau in chosen]
    for tau, steps in terms:
        _, d_output, d_readout = readout_loss(params, trace.output, targets, steps)
        g = backward(params, net, trace, d_output, truncate=truncate)
        analytic = dict(g.params, **d_readout)
        analytic.update({f"h0.{n}": g.d_h0[n] for n in net.state_names})
        tensors = dict(params, **{f"h0.{n}": h0[n] for n in net.state_names})

        def loss_fn():
            if tau is None:
                return _full_loss(params, net, x, targets, steps, h0, aux)
            return windowed_loss(params, trace, net, x, targets, tau, truncate, h0, h0_base, aux)

        h0_base = {n: v.copy() for n, v in h0.items()}
        # Rounding in L limits what central differences can resolve: about 4·u·|L|/ε absolutely.
        # A directional derivative smaller than noise/tolerance cannot be checked to ``tolerance``
        # relative error by any float64 difference, so it is compared against that floor instead.
        noise_unit = 4 * np.finfo(np.float64).eps * max(abs(loss_fn()), 1.0)
        kinked = net.activation in KINKED
        for name, arr in tensors.items():
            g = analytic[name]
            for _ in range(directions):
                # half random, half along the analytic gradient: the derivative cannot cancel to ~0
                r = rng.standard_normal(arr.shape)
                gn = np.linalg.norm(g)
                v = r / np.linalg.norm(r) + (g / gn if gn > 0 else 0)
                if kinked:
                    numeric, step = _kink_safe_directional(loss_fn, arr, v, eps, tolerance, noise_unit)
                else:
                    numeric, step = _directional(loss_fn, arr, v, eps), eps
                floor = noise_unit / step / tolerance
                exact = float((g * v).sum())
                key = name if tau is None else f"{name} (tau={tau})"
                err = rel_error(numeric, exact, floor)
                report.errors[key] = max(report.errors.get(key, 0.0), err)
    return report


def check_config(config, *, max_taus: int = 3) -> GradcheckReport:
    """Finite-difference check of the explorer configuration ``config`` (an ExperimentConfig), in float64."""
    net, params, x, targets = build(config.replace(dtype="float64"))
    steps = config_loss_steps(config)
    taus = None
    if config.truncate is not None and steps.size > max_taus:
        taus = steps[np.linspace(0, steps.size - 1, max_taus).round().astype(int)]
    return check_gradients(params, net, x, targets, steps, truncate=config.truncate, taus=taus,
                           aux=make_aux(config))
