"""What the explorer, ``rnnviz analyze`` and the sweeps compute for one configuration.

Two stages, so that a user interface can show the cheap results first:

* :func:`run_fast` — forward, loss, BPTT (per-step and itemized gradient norms), step Jacobians, the
  gradient-decay curve at the anchor, the highway, the Pascanu bound, spectra, gate statistics.
* :func:`iter_map` — the (t, k) map of log10 ‖∂s_{t+k}/∂s_t‖, yielded progressively.

Big configurations are kept within memory and time budgets: the step Jacobians are stored for a window
of at most ``JACOBIAN_BYTES`` and ``CURVE_FLOPS`` worth of anchor-curve products (starting at the
anchor when the whole sequence does not fit), the itemized matrix keeps as many loss steps as
``ITEMIZE_FLOPS`` allows (at least 4), and the map is capped at ``MAP_FLOPS`` by limiting k. Results say
what they cover: ``curve["k"]``, ``jacobian_start`` and the nonzero rows of ``itemized``.
"""
from __future__ import annotations

import functools
import math
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from types import SimpleNamespace

import numpy as np

from .bptt import backward, itemize_layers, loss_steps_for, readout_loss
from .cancel import Cancelled
from .cells import make_cell
from .config import INITS, ConfigError, NetConfig, check_float, check_int, config_from_dict
from rnnviz.errors import Message
from .dynamics import activation_gamma, pascanu_bound, rho_line
from .halfdiag import half_diagonal_steps
from .jacobian import (gate_statistics, half_diagonal_by_construction, highway_log10,
                       itemized_from_jacobians, state_blocks, step_jacobians)
from .options import DEFAULT_OPTIONS, EngineOptions
from .parallel.blas import single_threaded_blas
from .params import block_spectra, init_aux_weights, init_params, recurrent_blocks, validate_params
from .products import iter_norm_map, start_anchor_curve
from .spectral_norm import DEFAULT_TOL
from .sequence import Trace, forward

INPUT_SIGNALS = ("gaussian", "zeros", "constant", "sine", "onehot", "text")
#: "encoder-decoder": inputs only on the first N steps (zero afterwards), losses only on the last M.
LOSS_PLACEMENTS = ("all", "last", "step", "encoder-decoder")
#: Patterns of the auxiliary input a_t (the seeds' s_t = φ(W s_{t−1} + U x_t + A a_t)): "intent" is a
#: one-hot class held for INTENT_SEGMENT steps at a time (e.g. the previous turn's intent).
AUX_PATTERNS = ("intent", "constant", "gaussian")
INTENT_SEGMENT = (3, 8)
MAX_AUX_SIZE = 100_000
DTYPES = ("float64", "float32")
JACOBIAN_BYTES = 1 << 30
MAP_FLOPS = 1.5e12
ITEMIZE_ROWS = 256
#: The itemized gradient of every layer of a stacked network (``FastResult.layer_itemized``) is
#: computed when its sweeps take at most this many layer-steps (layers · directions · T): each is a
#: cell backward of its own, ~0.1 ms of interpreter time.
LAYER_ITEMIZE_STEPS = 2000
#: run_fast must stay quick for big networks: the itemized matrix and the anchor curve get these
#: floating-point budgets (the default case is far below both and is computed in full).
ITEMIZE_FLOPS = 2e9
CURVE_FLOPS = 4e10

__all__ = ["ExperimentConfig", "FastResult", "ForwardResult", "MapResult", "build", "make_aux", "config_loss_steps",
           "run_fast", "iter_fast", "iter_map", "Cancelled", "INPUT_SIGNALS", "LOSS_PLACEMENTS", "AUX_PATTERNS"]


@dataclass(frozen=True)
class ExperimentConfig:
    """Every knob of the explorer. Frozen, so it can be saved beside every result it produced."""

    cell: str = "lstm"
    activation: str = "tanh"
    leaky_slope: float = 0.01
    hidden_size: int = 64
    input_size: int = 8
    num_layers: int = 1
    bidirectional: bool = False
    init: str = "orthogonal"
    init_scale: float | None = None
    radius: float | None = 1.0
    forget_bias: float = 1.0
    input_signal: str = "gaussian"
    input_scale: float = 1.0
    input_text: str = ""
    seq_len: int = 100
    batch: int = 1
    loss_placement: str = "all"
    loss_step: int = 1
    truncate: int | None = None
    anchor: int = 0
    seed: int = 0
    dtype: str = "float64"
    #: auxiliary input a_t of size A added to layer 0 as W_aux a_t (0: none), its pattern and scale
    aux_size: int = 0
    aux_pattern: str = "intent"
    aux_scale: float = 1.0
    #: encoder–decoder placement: N input steps and M loss steps (None: N = ⌈T/2⌉, M = T − N)
    encoder_steps: int | None = None
    decoder_steps: int | None = None

    @property
    def encoder_length(self) -> int:
        """N: the steps that read input under the encoder–decoder placement."""
        if self.encoder_steps is not None:
            return self.encoder_steps
        if self.decoder_steps is not None:
            return max(0, self.seq_len - self.decoder_steps)
        return (self.seq_len + 1) // 2

    @property
    def decoder_length(self) -> int:
        """M: the last steps that carry a loss under the encoder–decoder placement."""
        if self.decoder_steps is not None:
            return self.decoder_steps
        return max(0, self.seq_len - self.encoder_length)

    @property
    def net(self) -> NetConfig:
        return NetConfig(cell=self.cell, activation=self.activation, input_size=self.input_size,
                         hidden_size=self.hidden_size, num_layers=self.num_layers,
                         bidirectional=self.bidirectional, leaky_slope=self.leaky_slope)

    def validate(self) -> "ExperimentConfig":
        self.net.validate()
        if self.init not in INITS:
            raise ConfigError("unknown init scheme {init!r}; choose one of {choices}", init=self.init, choices=', '.join(INITS))
        if self.init_scale is not None:
            check_float("init_scale", self.init_scale, 0.0)
        if self.radius is not None:
            if isinstance(self.radius, (int, float)) and not isinstance(self.radius, bool) \
                    and math.isfinite(self.radius) and self.radius < 0:
                raise ConfigError("spectral radius must be >= 0, got {radius}", radius=self.radius)
            check_float("spectral radius", self.radius, 0.0)
        check_float("forget_bias", self.forget_bias, -1e3, 1e3)
        if self.input_signal not in INPUT_SIGNALS:
            raise ConfigError("unknown input signal {input_signal!r}; choose one of {choices}", input_signal=self.input_signal, choices=', '.join(INPUT_SIGNALS))
        check_float("input_scale", self.input_scale, -1e6, 1e6)
        if not isinstance(self.input_text, str):
            raise ConfigError("input_text must be text")
        if self.input_signal == "text" and not self.input_text:
            raise ConfigError("input signal 'text' needs some text")
        check_int("seq_len", self.seq_len, 1, 100_000)
        check_int("batch", self.batch, 1, 100_000)
        if self.loss_placement not in LOSS_PLACEMENTS:
            raise ConfigError("unknown loss placement {loss_placement!r}; choose one of {choices}", loss_placement=self.loss_placement, choices=', '.join(LOSS_PLACEMENTS))
        check_int("loss_step", self.loss_step, 1, self.seq_len)
        for name in ("encoder_steps", "decoder_steps"):
            if getattr(self, name) is not None:
                check_int(name, getattr(self, name), 1, self.seq_len)
        if self.loss_placement == "encoder-decoder":
            if self.seq_len < 2:
                raise ConfigError("the encoder–decoder placement needs a sequence of at least 2 steps")
            n, m = self.encoder_length, self.decoder_length
            if n < 1 or m < 1 or n + m > self.seq_len:
                raise ConfigError("encoder steps N = {n} and decoder steps M = {m} must be >= 1 with N + M <= T = {seq_len}", n=n, m=m, seq_len=self.seq_len)
        check_int("aux_size", self.aux_size, 0, MAX_AUX_SIZE)
        if self.aux_pattern not in AUX_PATTERNS:
            raise ConfigError("unknown auxiliary input pattern {aux_pattern!r}; choose one of {choices}", aux_pattern=self.aux_pattern, choices=', '.join(AUX_PATTERNS))
        check_float("aux_scale", self.aux_scale, -1e6, 1e6)
        if self.truncate is not None:
            check_int("truncation window", self.truncate, 0)
        check_int("anchor", self.anchor, 0, self.seq_len - 1)
        check_int("seed", self.seed, 0, 2**63 - 1)
        if self.dtype not in DTYPES:
            raise ConfigError("dtype must be float64 or float32, got {dtype!r}", dtype=self.dtype)
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ExperimentConfig":
        return config_from_dict(cls, data, Message("configuration"))

    def replace(self, **changes) -> "ExperimentConfig":
        return replace(self, **changes)


def make_inputs(config: ExperimentConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``(T, B, input_size)`` and integer targets ``(T, B)`` for the chosen signal.

    Token signals (``onehot``, ``text``) predict the next token, like a language model; the others
    get seeded random target classes. Text is mapped to one-hot codes by ``ord(ch) % input_size``.
    """
    T, B, n = config.seq_len, config.batch, config.input_size
    s = config.input_signal
    tokens = None
    if s == "gaussian":
        x = rng.standard_normal((T, B, n))
    elif s == "zeros":
        x = np.zeros((T, B, n))
    elif s == "constant":
        x = np.ones((T, B, n))
    elif s == "sine":
        t = np.arange(1, T + 1)[:, None, None]
        phase = np.pi * np.arange(n)[None, None, :] / n + rng.uniform(0, 2 * np.pi, (1, B, 1))
        x = np.sin(2 * np.pi * t / 25.0 + phase)
    elif s == "onehot":
        tokens = rng.integers(0, n, (T + 1, B))
    else:  # text
        # only the first T + 1 characters are ever used (a pasted book must not cost seconds)
        codes = np.array([ord(ch) % n for ch in config.input_text[:T + 1]])
        reps = int(np.ceil((T + 1) / codes.size))
        tokens = np.tile(np.tile(codes, reps)[:T + 1, None], (1, B))
    if tokens is not None:
        x = np.eye(n)[tokens[:T]]
        targets = tokens[1:]
    else:
        targets = rng.integers(0, n, (T, B))
    return x * config.input_scale, targets


def make_aux(config: ExperimentConfig) -> np.ndarray | None:
    """The auxiliary input ``a: (T, B, A)`` in float64 (None when ``aux_size`` is 0).

    Seeded by ``config.seed`` on a stream of its own, so the inputs x_t and the targets are the same
    with and without it. Patterns: ``intent`` one-hot classes, each held for 3–8 steps (seeded);
    ``constant`` ones; ``gaussian`` N(0, 1) per step. Times ``aux_scale``; the encoder–decoder
    placement leaves it on in the decoder (a side feature, not the sequence's input).
    """
    A = config.aux_size
    if not A:
        return None
    T, B = config.seq_len, config.batch
    rng = np.random.default_rng([config.seed, 2])
    if config.aux_pattern == "intent":
        low, high = INTENT_SEGMENT
        # at most T segments per sequence; step t falls in the segment whose end passes it
        ends = np.cumsum(rng.integers(low, high + 1, (B, T)), axis=1)
        classes = rng.integers(0, A, (B, T))
        segment = np.stack([np.searchsorted(ends[b], np.arange(T), side="right") for b in range(B)], axis=1)
        a = np.zeros((T, B, A))
        a[np.arange(T)[:, None], np.arange(B)[None, :], classes.T[segment, np.arange(B)[None, :]]] = 1.0
    elif config.aux_pattern == "constant":
        a = np.ones((T, B, A))
    else:  # gaussian
        a = rng.standard_normal((T, B, A))
    return a * config.aux_scale


def config_loss_steps(config: ExperimentConfig) -> np.ndarray:
    """The loss steps τ (1…T) of ``config``'s placement (the encoder–decoder's: T − M + 1 … T)."""
    T = config.seq_len
    if config.loss_placement == "encoder-decoder":
        return np.arange(T - config.decoder_length + 1, T + 1)
    return loss_steps_for(config.loss_placement, T, (config.loss_step,))


# Seeded initial weights before the spectral rescaling, with their block spectra, for the last few
# configurations: dragging the ρ slider (or changing the input, T, the loss…) then costs one multiply
# per block instead of an initialisation plus an eigen-decomposition per block.
_INIT_CACHE: OrderedDict = OrderedDict()
_INIT_CACHE_SIZE = 8
_init_lock = threading.Lock()  # run_fast runs in worker threads


def _initial_params(config: ExperimentConfig) -> tuple[dict, list]:
    """``(params, spectra)`` exactly as ``init_params(…, radius=config.radius)`` and
    ``block_spectra`` of them would give (the spectra scaled from the cached ones; float32
    configurations get theirs computed from the float32 weights)."""
    net = config.net
    key = (net, config.init, config.init_scale, config.seed, config.forget_bias, config.input_size)
    with _init_lock:
        hit = _INIT_CACHE.get(key)
        if hit is not None:
            _INIT_CACHE.move_to_end(key)
    if hit is None:
        raw = init_params(net, config.init, scale=config.init_scale, seed=config.seed, radius=None,
                          forget_bias=config.forget_bias, output_size=config.input_size)
        hit = (raw, block_spectra(raw, net))
        with _init_lock:
            _INIT_CACHE[key] = hit
            while len(_INIT_CACHE) > _INIT_CACHE_SIZE:
                _INIT_CACHE.popitem(last=False)
    raw, raw_spectra = hit
    params = {k: v.copy() for k, v in raw.items()}
    spectra = list(raw_spectra)
    if config.radius is not None:
        # the same operation as params.rescale_spectral_radius, with ρ taken from the cache
        for n, ((*_, block), sp) in enumerate(zip(recurrent_blocks(params, net), raw_spectra)):
            if sp.spectral_radius > 1e-300:
                f = config.radius / sp.spectral_radius
                block *= f
                spectra[n] = replace(sp, eigenvalues=sp.eigenvalues * f,
                                     singular_values=sp.singular_values * f,
                                     spectral_radius=sp.spectral_radius * f, sigma_max=sp.sigma_max * f)
    if config.aux_size:
        params.update(_aux_weights(net, config.init, config.init_scale, config.seed, config.aux_size))
    dtype = np.dtype(config.dtype)
    params = {k: v.astype(dtype) for k, v in params.items()}
    if dtype != np.float64:
        spectra = block_spectra(params, net)
    return params, spectra


@functools.lru_cache(maxsize=4)
def _aux_weights(net: NetConfig, init: str, init_scale: float | None, seed: int, aux_size: int) -> dict:
    """W_aux apart from the cached initial weights: changing A alone costs no initialisation."""
    return init_aux_weights(net, init, aux_size, scale=init_scale, seed=seed)


def build(config: ExperimentConfig, params: dict | None = None, inputs: np.ndarray | None = None):
    """``(net, params, x, targets)`` for a configuration, all seeded by ``config.seed``."""
    config.validate()
    net = config.net
    dtype = np.dtype(config.dtype)
    if params is None:
        params, _ = _initial_params(config)
    else:
        params = {k: np.asarray(v, dtype=dtype) for k, v in params.items()}
        if "readout.weight" not in params:
            rng = np.random.default_rng(config.seed + 1)
            a = 1 / np.sqrt(net.output_size)
            params["readout.weight"] = rng.uniform(-a, a, (config.input_size, net.output_size)).astype(dtype)
            params["readout.bias"] = np.zeros(config.input_size, dtype)
        if config.aux_size and "weight_aux_l0" not in params:
            params.update({k: v.astype(dtype) for k, v in _aux_weights(
                net, config.init, config.init_scale, config.seed, config.aux_size).items()})
        validate_params(params, net)
    rng = np.random.default_rng([config.seed, 1])
    x, targets = make_inputs(config, rng)
    if inputs is not None:
        x = np.asarray(inputs, dtype=np.float64)
        if x.ndim == 2:
            x = x[:, None, :]
        if x.shape != (config.seq_len, config.batch, config.input_size):
            raise ConfigError("inputs: expected shape ({seq_len}, {batch}, {input_size}) or ({seq_len}, {input_size}), got {value11}", seq_len=config.seq_len, batch=config.batch, input_size=config.input_size, value11=np.shape(inputs))
    if config.loss_placement == "encoder-decoder":
        # the decoder runs on its own recurrence: zero input after the encoder's N steps
        x = x.copy()
        x[config.encoder_length:] = 0.0
    return net, params, x.astype(dtype), targets


@dataclass(kw_only=True)
class ForwardResult:
    """What the forward pass alone gives (:func:`iter_fast`'s first delivery), the part of a
    :class:`FastResult` that needs no gradient. ``seconds``: from the start to here."""

    config: ExperimentConfig
    net: NetConfig
    params: dict
    loss: float
    spectra: list
    gamma: float
    gates: dict
    gate_mean: dict
    gate_saturation: dict
    hidden: np.ndarray
    cell: np.ndarray | None
    final_state: dict
    seconds: float
    #: stage -> ``time.perf_counter()`` at its end, in the order run (benchmarks' timelines):
    #: "start", "forward", "jacobians", "curve formed", "bptt", "curve measured", "bound", "done";
    #: with the curve's norms measured by a worker process also the moments that process "curve
    #: process took it up" and "curve process posted" (its results)
    stage_ends: dict = field(default_factory=dict)


@dataclass(kw_only=True)
class FastResult(ForwardResult):
    """Cheap results for one configuration (see module docstring): the forward part's fields and
    the gradients' (built by keyword). Arrays are plain NumPy."""

    curve: dict
    bound: dict
    grad_norm_per_step: np.ndarray
    itemized: np.ndarray
    loss_steps: np.ndarray
    truncate: int | None
    jacobians: np.ndarray
    jacobian_start: int
    state_blocks: dict
    timings: dict = field(default_factory=dict)
    tol: float | None = DEFAULT_TOL     # the anchor curve's Lanczos tolerance; None: exact (SVD)
    #: (L·D, T) ‖∂L/∂h_t‖ of every layer and direction, row layer·D + direction (Grads.layer_grad_norms)
    layer_grad_norms: np.ndarray | None = None
    #: (T,) ‖∂L_t/∂h_t‖: the gradient each step's own loss puts on the top layer's output (0 off the loss steps)
    output_grad_norm: np.ndarray | None = None
    #: LSTMs: (L·D, T) ‖∂L/∂c_t‖ of every layer and direction (Grads.layer_cell_grad_norms), else None
    layer_cell_grad_norms: np.ndarray | None = None
    #: LSTMs: (T, T) ‖∂L_τ/∂c_t‖ of the top layer beside ``itemized`` (same rows), else None
    itemized_cell: np.ndarray | None = None
    #: stacked networks: the loss steps τ (R,) of ``layer_itemized``, as many of ``itemized``'s
    #: rows as ``ITEMIZE_FLOPS`` allows for every layer (None for one layer)
    layer_itemized_steps: np.ndarray | None = None
    #: (L·D, R, T) ‖∂L_τ/∂h_t‖ of every layer and direction for those τ (bptt.itemize_layers)
    layer_itemized: np.ndarray | None = None
    #: LSTMs: the same for c_t
    layer_itemized_cell: np.ndarray | None = None
    #: the ForwardResult :func:`iter_fast` delivered first (its arrays are this result's)
    forward: ForwardResult | None = None

    @property
    def jacobian_steps(self) -> tuple[int, int]:
        """(first, count): the steps t = first … first + count − 1 whose step Jacobians were kept,
        all T of them unless ``JACOBIAN_BYTES`` or ``CURVE_FLOPS`` cut them (8 LSTM layers of 64:
        18 of 100 steps). The anchor curve and the (t, k) map cover only these."""
        return int(self.jacobian_start), int(np.shape(self.jacobians)[0])


@dataclass
class MapResult:
    """``log10_spectral / log10_frobenius: (T, T)`` indexed [t0, k−1]; NaN where not computed."""

    log10_spectral: np.ndarray
    log10_frobenius: np.ndarray
    complete: bool
    fraction: float
    max_k: int


class _ExactCurve:
    """The anchor curve by an SVD of every product (:func:`reference.anchor_curve`), with the
    ``result``/``cancel`` of :class:`products.CurveJob`; measured when its result is asked for."""

    def __init__(self, J, t0, blocks):
        self._J, self._t0, self._blocks = J, t0, blocks

    def cancel(self):
        self._J = None

    def result(self, should_stop=None):
        from .reference import anchor_curve

        _check(should_stop)
        curve = anchor_curve(self._J, self._t0, blocks=self._blocks)
        return SimpleNamespace(k=curve["k"], log10_spectral=curve["log10_spectral"],
                               log10_frobenius=curve["log10_frobenius"], blocks=curve["blocks"])


def _check(should_stop):
    if should_stop is not None and should_stop():
        raise Cancelled("analysis cancelled")


def run_fast(config: ExperimentConfig, *, params: dict | None = None, inputs: np.ndarray | None = None,
             should_stop=None, processes: bool | None = None,
             options: EngineOptions = DEFAULT_OPTIONS, tol: float | None = DEFAULT_TOL) -> FastResult:
    """Stage one: everything but the (t, k) map. ``should_stop()`` → True raises Cancelled.

    ``tol``: the anchor curve's spectral norms by Lanczos at this tolerance (the explorer's fast
    default, ~1e-6 relative), or None for exact norms: an SVD of every product
    (:func:`reference.anchor_curve`, relative error ~1e-15 in float64), measured here after BPTT.

    The anchor curve's norms are measured by a worker process of the map's pool while BPTT runs
    here, when the pool is up (``processes``: as for :func:`products.anchor_curve`); the numbers
    are the same either way; ``options`` tunes the engine (:class:`.EngineOptions`).

    BLAS runs single-threaded meanwhile: this stage is a chain of small products (one sequence,
    step by step), where two BLAS threads gain little on an idle machine and collapse on a busy one
    (measured with a training run beside it: 1009 ms with two threads against 80 ms with one).
    """
    for kind, result in iter_fast(config, params=params, inputs=inputs, should_stop=should_stop,
                                  processes=processes, options=options, tol=tol):
        if kind == "fast":
            return result
    raise AssertionError("iter_fast ended without its FastResult")


def iter_fast(config: ExperimentConfig, *, params: dict | None = None, inputs: np.ndarray | None = None,
              should_stop=None, processes: bool | None = None,
              options: EngineOptions = DEFAULT_OPTIONS, tol: float | None = DEFAULT_TOL):
    """:func:`run_fast` in two deliveries: ``("forward", ForwardResult)`` as soon as the forward
    pass is done (what needs no gradient: states, gates, spectra), then ``("fast", FastResult)``,
    the very result :func:`run_fast` returns (its ``forward`` is the ForwardResult yielded first,
    whose arrays it shares). A user interface draws the forward part while the rest is computed."""
    with single_threaded_blas():
        yield from _iter_fast(config, params, inputs, should_stop, processes, options, tol)


def _iter_fast(config, params, inputs, should_stop, processes, options, tol):
    start = time.perf_counter()
    timings = {}
    stage_ends = {"start": start}
    spectra = None
    if params is None:
        config.validate()
        params, spectra = _initial_params(config)
    net, params, x, targets = build(config, params, inputs)
    T = config.seq_len
    S = net.state_size
    t0 = config.anchor
    per_step = S * S * np.dtype(config.dtype).itemsize
    window = max(1, min(T, JACOBIAN_BYTES // per_step, int(CURVE_FLOPS // (2.0 * S ** 3))))
    j_start = min(t0, T - window)
    blocks = state_blocks(net)
    sub = curve_blocks(net, blocks)
    steps = config_loss_steps(config)
    aux = make_aux(config)
    trace = forward(params, net, x, aux=None if aux is None else aux.astype(x.dtype))
    loss, d_output, _ = readout_loss(params, trace.output, targets, steps)
    if spectra is None:
        spectra = block_spectra(params, net)
    gate_vals = {k: v[:, 0].astype(np.float64) for k, v in trace.gates().items()}
    means, sat = gate_statistics(trace, batch_index=0)
    states = trace.states()
    part = ForwardResult(
        config=config, net=net, params=params, loss=loss, spectra=spectra,
        gamma=activation_gamma(net.activation, net.leaky_slope), gates=gate_vals, gate_mean=means,
        gate_saturation=sat, hidden=states["h"][:, 0].astype(np.float64),
        cell=states["c"][:, 0].astype(np.float64) if "c" in states else None,
        final_state=trace.final_state, seconds=time.perf_counter() - start, stage_ends=stage_ends)
    timings["forward"] = time.perf_counter() - start
    stage_ends["forward"] = time.perf_counter()
    _check(should_stop)
    yield "forward", part
    _check(should_stop)
    J = step_jacobians(params, net, trace)[j_start:j_start + window] if window == T else \
        _jacobian_window(params, net, trace, j_start, window)
    timings["jacobians"] = time.perf_counter() - start - sum(timings.values())
    stage_ends["jacobians"] = time.perf_counter()
    _check(should_stop)

    # The anchor curve's products are formed now; when a worker process measures their norms
    # (products.start_anchor_curve), BPTT runs here meanwhile.
    # which steps are half-diagonal, found once for the curve and BPTT: a one-layer LSTM's all,
    # by construction (no scan of the stack)
    half = np.ones(J.shape[0], dtype=bool) if half_diagonal_by_construction(net) else \
        half_diagonal_steps(J)
    if tol is None:
        curve_job = _ExactCurve(J, t0 - j_start, sub)
    else:
        curve_job = start_anchor_curve(J, t0 - j_start, blocks=sub, tol=tol, processes=processes,
                                       options=options, half_steps=half)
    timings["curve"] = time.perf_counter() - start - sum(timings.values())
    stage_ends["curve formed"] = time.perf_counter()

    G = net.num_gates * net.hidden_size
    per_row = 2.0 * G * net.hidden_size * T * net.num_directions * config.batch
    rows = int(min(ITEMIZE_ROWS, max(4, ITEMIZE_FLOPS // per_row)))
    item_steps = steps if steps.size <= rows else \
        steps[np.linspace(0, steps.size - 1, rows).round().astype(int)]
    # One sequence, one direction, every step Jacobian at hand: the loss terms' gradients travel
    # through the Jacobians (one product per step for all of them) instead of the cell backward.
    via_jacobians = window == T and config.batch == 1 and net.num_directions == 1
    # ... and for one layer with every loss term itemized, their sums are BPTT's total gradients:
    # the cell backward is not run at all
    sums_only = via_jacobians and net.num_layers == 1 and item_steps.size == steps.size
    try:
        _check(should_stop)
        grads = None if sums_only else backward(params, net, trace, d_output, truncate=config.truncate,
                                                itemize=None if via_jacobians else item_steps)
        if via_jacobians:
            Sl, H = net.layer_state_size, net.hidden_size
            top = slice((net.num_layers - 1) * Sl, net.num_layers * Sl)
            kappa = _top_output_slope(net, trace) if net.is_lstm else None
            totals = {} if sums_only else None
            itemized = itemized_from_jacobians(J, d_output[:, 0, :H], item_steps,
                                               config.truncate, rows=top, kappa=kappa,
                                               half=half if net.num_layers == 1 else None,
                                               totals=totals)
            if sums_only:
                grads = _grads_from_totals(totals)
            grads.itemized, grads.itemized_cell = itemized if net.is_lstm else (itemized, None)
        layer_steps = layer_items = layer_items_c = None
        # every layer costs what the top layer's rows cost: fewer loss steps where needed, none
        # where even one would exceed the budget or the sweeps would take too many steps
        low = int(min(item_steps.size, ITEMIZE_FLOPS // (per_row * net.num_layers)))
        sweeps = net.num_layers * net.num_directions * T
        if net.num_layers > 1 and low >= 1 and sweeps <= LAYER_ITEMIZE_STEPS:
            layer_steps = item_steps if low >= item_steps.size else \
                item_steps[np.linspace(0, item_steps.size - 1, low).round().astype(int)]
            _check(should_stop)
            layer_items, layer_items_c = itemize_layers(net, trace, d_output, layer_steps, config.truncate,
                                                        should_stop=should_stop)
    except BaseException:
        curve_job.cancel()
        raise
    timings["bptt"] = time.perf_counter() - start - sum(timings.values())
    stage_ends["bptt"] = time.perf_counter()
    norms = curve_job.result(should_stop)
    _check(should_stop)

    curve = {"k": norms.k, "log10_spectral": norms.log10_spectral,
             "log10_frobenius": norms.log10_frobenius}
    if net.is_lstm:
        curve["hidden_spectral"], curve["hidden_frobenius"] = norms.blocks["hidden"]
        curve["cell_spectral"], curve["cell_frobenius"] = norms.blocks["cell"]
    if sub and "layer_0" in sub:
        L = net.num_layers
        curve["layer_spectral"] = np.stack([norms.blocks[f"layer_{l}"][0] for l in range(L)])
        curve["layer_frobenius"] = np.stack([norms.blocks[f"layer_{l}"][1] for l in range(L)])
        if net.is_lstm:
            cells = [norms.blocks["cell" if l == 0 else f"cell_{l}"] for l in range(L)]
            curve["layer_cell_spectral"] = np.stack([spec for spec, _ in cells])
            curve["layer_cell_frobenius"] = np.stack([fro for _, fro in cells])
    hw = highway_log10(trace, t0)
    if hw is not None:
        curve["highway"] = hw[:norms.k.size]
    timings["curve"] += time.perf_counter() - start - sum(timings.values())
    stage_ends["curve measured"] = time.perf_counter()
    # when a worker process measured the curve: when it took the task up and posted the norms
    stage_ends.update(getattr(curve_job, "worker_moments", {}))

    gamma = part.gamma
    layer0 = [s for s in spectra if s.layer == 0 and s.direction == 0]
    # The bound is a theorem for the Elman RNN; for gated cells the candidate block (g or n) gives
    # the same reference line, which the plots label as such.
    main = next(s for s in layer0 if s.gate in ("h", "g", "n"))
    sigma = main.sigma_max
    k_all = np.arange(1, T - t0 + 1)
    bound = {"k": k_all, "log10": pascanu_bound(sigma, gamma, k_all),
             "rho_log10": rho_line(main.spectral_radius, k_all), "sigma_max": sigma,
             "spectral_radius": main.spectral_radius}
    stage_ends["bound"] = time.perf_counter()

    result = FastResult(
        config=config, net=net, params=params, loss=loss, spectra=spectra, gamma=gamma, curve=curve,
        bound=bound, gates=part.gates, gate_mean=part.gate_mean, gate_saturation=part.gate_saturation,
        hidden=part.hidden, cell=part.cell, final_state=part.final_state, grad_norm_per_step=grads.grad_norm_per_step,
        itemized=grads.itemized, loss_steps=steps, truncate=config.truncate, jacobians=J,
        jacobian_start=j_start, state_blocks=blocks, seconds=0.0, timings=timings, tol=tol,
        layer_grad_norms=grads.layer_grad_norms, output_grad_norm=_step_norms(d_output),
        layer_cell_grad_norms=grads.layer_cell_grad_norms, itemized_cell=grads.itemized_cell,
        layer_itemized_steps=layer_steps, layer_itemized=layer_items, layer_itemized_cell=layer_items_c,
        stage_ends=stage_ends, forward=part)
    result.seconds = time.perf_counter() - start
    stage_ends["done"] = start + result.seconds
    yield "fast", result


def curve_blocks(net: NetConfig, blocks: dict[str, slice]) -> dict[str, slice] | None:
    """The diagonal blocks of the anchor curve's products P = ∂s(t₀+k)/∂s(t₀) measured beside P:
    an LSTM's layer-1 h→h and c→c blocks ("hidden", "cell"); in a stacked network every layer's
    own block ∂sˡ(t₀+k)/∂sˡ(t₀) ("layer_l") and, for LSTMs, its c→c block ("cell_l", l ≥ 1).
    Blocks of one size are measured in one batched Lanczos run (:class:`.curve.CurveMeasure`)."""
    sub = {"hidden": blocks["h_l0"], "cell": blocks["c_l0"]} if net.is_lstm else {}
    if net.num_layers > 1:
        Sl = net.layer_state_size
        for layer in range(net.num_layers):
            sub[f"layer_{layer}"] = slice(layer * Sl, (layer + 1) * Sl)
            if net.is_lstm and layer > 0:
                sub[f"cell_{layer}"] = blocks[f"c_l{layer}"]
    return sub or None


def _grads_from_totals(totals: dict) -> SimpleNamespace:
    """The per-step gradient norms run_fast keeps, for a one-layer net, from the sums of the
    itemized rows (:func:`.jacobian.itemized_from_jacobians`'s ``totals``) instead of BPTT."""
    norms = totals["h"]
    cell = totals.get("c")
    return SimpleNamespace(grad_norm_per_step=norms, layer_grad_norms=norms[None],
                           layer_cell_grad_norms=None if cell is None else cell[None])


def _top_output_slope(net: NetConfig, trace: Trace) -> np.ndarray:
    """(T, H) κ_t = ∂h_t/∂c_t of the top layer's LSTM, batch element 0 (forward direction)."""
    lt = trace.layers[-1][0]
    cache = {k: lt.cache[k][:, 0] for k in ("o", "c", "phic", "po")}
    return make_cell(net.cell).output_slope(lt.weights, trace.activation, cache)


def _step_norms(values: np.ndarray) -> np.ndarray:
    """(T,) Euclidean norm of each step of ``values: (T, …)`` in float64."""
    flat = np.asarray(values).reshape(values.shape[0], -1).astype(np.float64, copy=False)
    return np.sqrt(np.einsum("ti,ti->t", flat, flat))


def _jacobian_window(params, net, trace, j_start, window):
    """Step Jacobians for steps j_start+1 … j_start+window only (the full stack would not fit)."""
    sliced_layers = []
    for per_dir in trace.layers:
        row = []
        for lt in per_dir:
            row.append(replace(lt, cache={k: v[j_start:j_start + window] for k, v in lt.cache.items()}))
        sliced_layers.append(row)
    part = Trace(trace.net, trace.x[j_start:j_start + window], None, sliced_layers,
                 trace.output[j_start:j_start + window], trace.activation, trace.fused_loops)
    return step_jacobians(params, net, part)


def map_max_k(T: int, S: int, budget: float = MAP_FLOPS) -> int:
    """Largest k such that the map over T anchors stays within ``budget`` flops (2·S³ per step)."""
    full = S ** 3 * T * (T + 1)
    if full <= budget:
        return T
    return max(1, int(budget / (2 * S ** 3 * T)))


def iter_map(fast: FastResult, *, should_stop=None, interval: float = 0.05, max_k: int | None = None):
    """Yield :class:`MapResult` snapshots of the (t, k) map; the last one has ``complete=True``.

    ``max_k``: distances k beyond it are left out (a memory budget, see :mod:`.budget`)."""
    J = fast.jacobians
    n = J.shape[0]
    T = fast.config.seq_len
    limit = map_max_k(n, fast.net.state_size)
    max_k = limit if max_k is None else max(1, min(limit, int(max_k)))
    off = fast.jacobian_start
    for snap in iter_norm_map(J, max_k=max_k, should_stop=should_stop, interval=interval):
        spec = np.full((T, T), np.nan)
        frob = np.full((T, T), np.nan)
        rows = off + snap.starts
        kk = snap.log10_spectral.shape[1]
        spec[rows, :kk] = snap.log10_spectral
        frob[rows, :kk] = snap.log10_frobenius
        yield MapResult(spec, frob, snap.complete, snap.steps_done / max(snap.num_steps, 1), kk)
