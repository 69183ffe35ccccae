"""Memory and time a configuration needs, estimated before anything is allocated.

The explorer and ``rnnviz analyze`` ask :func:`estimate` first and either compute what fits (a map
with fewer distances k) or refuse with the figure (:func:`admit`). The estimate follows what
:mod:`rnnviz.core.analysis` allocates, array by array, with the engine's own window and flop
budgets (``JACOBIAN_BYTES``, ``CURVE_FLOPS``, ``ITEMIZE_FLOPS``, ``MAP_FLOPS``):

* stage one (``run_fast``): weights (the cached initial ones, the rescaled copy, gradients),
  inputs, the forward caches of every layer and direction, the step Jacobians ``(window, S, S)``,
  the anchor curve's products, BPTT's per-step arrays, the itemized ``(T, T)`` matrix, spectra;
* the map (``iter_map``): the running products of every open anchor, their norms, a copy of the
  Jacobians for the worker processes, the ``(T, T)`` snapshots and the image drawn from them.

It is an upper bound: measured against tracemalloc peaks on small and medium cases the estimate
lies between 1× and 3× the measured peak (``tests/core/test_budget.py``); it leaves out the
interpreter, Qt and NumPy themselves (~150-250 MB for the app).

Time: flops of every stage and seconds at conservative rates (``GEMM_RATE`` for products,
``SPECTRA_SECONDS_PER_N3`` for the eigenvalues and singular values of each H×H block, LAPACK's
slowest part: 5000³ takes ~2 minutes on two cores).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from rnnviz.errors import Message, Parts

from .analysis import (CURVE_FLOPS, ITEMIZE_FLOPS, ITEMIZE_ROWS, JACOBIAN_BYTES, LAYER_ITEMIZE_STEPS,
                       MAP_FLOPS, ExperimentConfig)
from .bptt import ITEMIZE_CHUNK_BYTES
from .options import DEFAULT_OPTIONS
from .sequence import uses_fused_loops

#: Default memory budget of the explorer and ``rnnviz analyze`` (bytes).
DEFAULT_BUDGET_BYTES = 2 * 1024**3
#: Conservative rates for the time estimate (a loaded two-core machine).
GEMM_RATE = 2e10
ELEMENTWISE_RATE = 1e9
SPECTRA_SECONDS_PER_N3 = 1e-9

# Per step and unit, the arrays the forward pass keeps for backward and for the plots
# (cells.py: "pre, h, h_prev" for the Elman RNN, nine for the LSTMs, six and seven for the GRUs).
_CACHE_ARRAYS = {"rnn": 3, "lstm": 9, "lstm-peephole": 9, "lstm-cifg": 9, "gru": 6, "gru-cho": 7}
_GATES = {"rnn": 1, "lstm": 4, "lstm-peephole": 4, "lstm-cifg": 3, "gru": 3, "gru-cho": 3}
# Per step and unit, what the backward sweep of one layer and direction holds on top of the
# per-step gradients of every layer (which "BPTT" counts at six arrays): the fused GRU keeps two
# (T, B, 3H) pre-activation gradients (input and recurrent projections, fused.py's d_pre and
# d_rec) and their GEMM-ready copies, the fused LSTM one (T, B, 4H) array and its copy; the step
# loop a few (T, B, H) scratch arrays. Measured with tracemalloc on one layer (test_budget.py).
_BACKWARD_LAYER_ARRAYS = {"rnn": 1, "lstm": 5, "gru": 8}
_STEP_BACKWARD_LAYER_ARRAYS = 2
# The engine's own tuning (options.EngineOptions): products are allocated a chunk (about a
# megabyte) at a time; a whole chunk takes up to a time block of steps in one product (from
# S = multi_step_min_s); larger Jacobian stacks are mapped in threads, without a copy.
_PRODUCT_CHUNK_BYTES = DEFAULT_OPTIONS.chunk_bytes
_MAP_TIME_BLOCK = DEFAULT_OPTIONS.time_block
_MAP_WORKERS = 2
_MULTI_STEP_MIN_S = DEFAULT_OPTIONS.multi_step_min_s
_PROCESS_MAX_BYTES = DEFAULT_OPTIONS.process_max_bytes
#: Temporaries the parts do not name (NumPy's intermediates, list bookkeeping): a share of every
#: stage and a few megabytes.
HEADROOM_FRACTION = 0.25
HEADROOM_BYTES = 8 << 20


def _gb(n_bytes: float) -> str:
    gb = n_bytes / 1024**3
    if gb >= 99.5:
        return f"{gb:.0f} GB"
    if gb >= 0.095:
        return f"{gb:.1f} GB"
    if n_bytes >= 0.5 * 1024**2:
        return f"{n_bytes / 1024**2:.0f} MB"
    # a part under half a megabyte read "0 MB" in a list of what needs the memory
    return f"{max(1.0, n_bytes / 1024):.0f} kB"


def format_bytes(n_bytes: float) -> str:
    """``1.6 GB`` / ``340 MB`` / ``12 kB`` (binary units, as the budget)."""
    return _gb(n_bytes)


def format_seconds(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h" if seconds < 360000 else f"{seconds / 3600:.0f} h"


@dataclass(frozen=True)
class Estimate:
    """What one configuration needs: bytes per part, flops, seconds, and what the engine covers.

    ``parts``: name -> bytes (stage one and map parts; ``fast_bytes`` / ``map_bytes`` sum them).
    ``jacobian_window``: step Jacobians kept (T when all); ``map_max_k``: largest distance k of the
    map (T when complete).
    """

    config: ExperimentConfig
    fast_parts: dict = field(default_factory=dict)
    map_parts: dict = field(default_factory=dict)
    fast_flops: float = 0.0
    map_flops: float = 0.0
    fast_seconds: float = 0.0
    map_seconds: float = 0.0
    jacobian_window: int = 0
    map_max_k: int = 0

    @property
    def fast_bytes(self) -> int:
        return int(sum(self.fast_parts.values()))

    @property
    def map_bytes(self) -> int:
        return int(sum(self.map_parts.values()))

    def total_bytes(self, with_map: bool = True) -> int:
        # The map runs after stage one and keeps its result (the Jacobians) alive.
        return self.fast_bytes + (self.map_bytes if with_map else 0)

    def seconds(self, with_map: bool = True) -> float:
        return self.fast_seconds + (self.map_seconds if with_map else 0.0)

    def largest_parts(self, count: int = 3, with_map: bool = True) -> list[tuple[str, int]]:
        parts = dict(self.fast_parts)
        if with_map:
            for name, value in self.map_parts.items():
                parts[name] = parts.get(name, 0) + value
        parts.pop("headroom", None)
        return sorted(parts.items(), key=lambda item: -item[1])[:count]

    def describe(self, with_map: bool = True) -> str:
        """``~3.4 GB (step Jacobians 2.0 GB, forward caches 1.1 GB, …)`` (a :class:`Message`: the
        explorer shows it in its language)."""
        largest = Parts(Message("{part} {size}", part=name, size=_gb(value))
                        for name, value in self.largest_parts(3, with_map))
        return Message("~{total} ({largest})", total=_gb(self.total_bytes(with_map)), largest=largest)


def jacobian_window(config: ExperimentConfig) -> int:
    """Steps of Jacobians ``run_fast`` keeps (the same rule as analysis._run_fast)."""
    S = config.net.state_size
    per_step = S * S * np.dtype(config.dtype).itemsize
    return max(1, min(config.seq_len, JACOBIAN_BYTES // per_step, int(CURVE_FLOPS // (2.0 * S ** 3))))


def flop_max_k(anchors: int, S: int, budget: float = MAP_FLOPS) -> int:
    """The map's k limit from its flop budget (analysis.map_max_k)."""
    if S ** 3 * anchors * (anchors + 1) <= budget:
        return anchors
    return max(1, int(budget / (2 * S ** 3 * anchors)))


def _params_bytes(config: ExperimentConfig) -> int:
    net = config.net
    G = _GATES[config.cell]
    H, D = config.hidden_size, net.num_directions
    count = 0
    for layer in range(config.num_layers):
        width = config.input_size if layer == 0 else D * H
        count += D * (G * H * (width + H) + 2 * G * H + (3 * H if config.cell == "lstm-peephole" else 0))
    count += config.input_size * (D * H + 1)  # readout
    count += D * G * H * config.aux_size       # W_aux
    return count * 8


def estimate(config: ExperimentConfig, *, processes: bool = True, map_max_k: int | None = None) -> Estimate:
    """Bytes, flops and seconds of ``run_fast`` and ``iter_map`` for ``config`` (nothing allocated).

    ``processes``: the map's Jacobians are copied for worker processes (the app's way).
    ``map_max_k``: a map limited to distances k <= map_max_k (default: the engine's flop limit).
    """
    config.validate()
    net = config.net
    T, B, n_in = config.seq_len, config.batch, config.input_size
    H, L, D = config.hidden_size, config.num_layers, net.num_directions
    G = _GATES[config.cell]
    S = net.state_size
    Sl = net.layer_state_size
    isz = np.dtype(config.dtype).itemsize
    f8 = 8
    units = T * B * H * L * D   # one value per step, batch element, unit, layer and direction

    fast, fast_flops = {}, 0.0
    params = _params_bytes(config)
    # the cached initial weights, the rescaled copy, its dtype copy, the gradients and their buffers
    fast[Message("weights")] = 5 * params
    inputs = T * B * n_in * f8
    if config.input_signal in ("onehot", "text"):
        inputs *= 2  # the one-hot codes are made in float64 first
    fast[Message("inputs")] = 2 * inputs + 2 * T * B * 8
    if config.aux_size:
        # a_t in float64 and its dtype copy, W_aux a_t per direction, the intent pattern's indices
        aux = T * B * config.aux_size
        fast[Message("auxiliary input")] = aux * (f8 + isz) + T * B * G * H * D * isz + 4 * T * B * 8
    cache = _CACHE_ARRAYS[config.cell] + len(net.state_names) + 1
    fast[Message("forward caches")] = units * cache * isz + T * B * G * H * isz  # + one layer's input projection
    fast_flops += 2.0 * T * B * D * G * H * (n_in + (L - 1) * D * H + L * H)

    window = jacobian_window(config)
    j_bytes = window * S * S * isz
    j_temp = 0 if L == 1 else min(window, max(1, (1 << 21) // (S * S * isz))) * S * S * isz * 3
    fast[Message("step Jacobians")] = j_bytes + j_temp
    fast_flops += window * (S * S * 4.0 + sum(2.0 * Sl * Sl * layer * Sl for layer in range(L)))
    curve_k = max(1, min(window, T - config.anchor))
    curve_chunk = max(2 * S * S * isz, _PRODUCT_CHUNK_BYTES)
    fast[Message("anchor curve")] = curve_chunk + (j_bytes if processes else 0) + 8 * curve_k * 8
    fast_flops += 2.0 * S ** 3 * curve_k * 1.5  # products, then their norms

    steps = {"all": T, "encoder-decoder": config.decoder_length}.get(config.loss_placement, 1)
    per_row = 2.0 * G * H * H * T * D * B
    rows = int(min(ITEMIZE_ROWS, max(4, ITEMIZE_FLOPS // per_row), steps))
    via_jacobians = window == T and B == 1 and D == 1
    layer_arrays = _BACKWARD_LAYER_ARRAYS[config.cell] if uses_fused_loops(net) else _STEP_BACKWARD_LAYER_ARRAYS
    fast[Message("BPTT")] = units * 6 * f8 + T * B * H * layer_arrays * isz \
        + (rows * S * f8 if via_jacobians else 3 * rows * B * H * f8)
    fast[Message("itemized matrix")] = T * T * f8 * (1 if via_jacobians else 2)
    fast_flops += 2 * 2.0 * T * B * D * G * H * (n_in + (L - 1) * D * H + L * H)
    fast_flops += 2.0 * rows * S * S * T if via_jacobians else 2 * per_row * rows
    # every layer's itemized rows (bptt.itemize_layers, stacked networks): the h and c results, and
    # for one chunk of loss terms the rows of the layer below (its upstream, their sum, one direction's)
    layer_rows = int(min(rows, ITEMIZE_FLOPS // (per_row * L)))
    if L > 1 and layer_rows >= 1 and L * D * T <= LAYER_ITEMIZE_STEPS:
        per_term = T * B * H * D * isz
        held = min(layer_rows, max(1, ITEMIZE_CHUNK_BYTES // per_term)) * per_term
        fast[Message("itemized layers")] = 2 * L * D * layer_rows * T * f8 + 3 * held
        fast_flops += per_row * layer_rows * L
    # plots' copies: gates, states and their statistics for layer 0 (float64)
    fast[Message("plot arrays")] = T * H * f8 * (G + 4) + 4 * T * f8 * G
    blocks = G * L * D
    fast[Message("spectra")] = blocks * (3 * H * 8 + 2 * H * 16) + 6 * H * H * f8  # results + LAPACK workspace
    spectra_seconds = blocks * H ** 3 * SPECTRA_SECONDS_PER_N3
    fast[Message("headroom")] = int(HEADROOM_FRACTION * sum(fast.values())) + HEADROOM_BYTES
    fast_seconds = fast_flops / GEMM_RATE + units * cache / ELEMENTWISE_RATE + spectra_seconds

    anchors = window
    max_k = flop_max_k(anchors, S)
    if map_max_k is not None:
        max_k = max(1, min(max_k, int(map_max_k)))
    open_products = min(anchors, max_k)
    per_product = S * S * isz
    chunk = max(1, round(_PRODUCT_CHUNK_BYTES / per_product))
    # whole chunks take a time block in one GEMM (float64, S >= 256, products living a block)
    multi = isz == 8 and S >= _MULTI_STEP_MIN_S and max_k > _MAP_TIME_BLOCK
    block = _MAP_TIME_BLOCK if multi else 1
    mapped = {}
    # the running products (whole chunks), a GEMM buffer per worker (a block wide), the block's
    # scaled Jacobians and their multiplied-out matrix, the start vectors
    mapped[Message("map products")] = (math.ceil(open_products / chunk) + 1) * chunk * per_product \
        + _MAP_WORKERS * (block + 1) * chunk * per_product \
        + (_MAP_TIME_BLOCK + (_MAP_TIME_BLOCK if multi else 0)) * per_product \
        + open_products * S * isz * 2
    mapped[Message("map norms")] = 4 * anchors * max_k * f8
    if processes and j_bytes <= _PROCESS_MAX_BYTES and anchors > chunk:
        mapped[Message("map Jacobian copy")] = j_bytes
    # iter_map's (T, T) arrays for spectral and Frobenius norms, for the snapshot shown and the one
    # being made, and the image drawn from one (float64 values, RGBA)
    mapped[Message("map snapshots")] = 4 * T * T * f8 + T * T * (f8 + 4)
    mapped[Message("headroom")] = int(HEADROOM_FRACTION * sum(mapped.values()))
    covered = int(np.minimum(max_k, anchors - np.arange(anchors)).sum())
    map_flops = 2.0 * S ** 3 * covered * 1.5
    return Estimate(config, fast, mapped, fast_flops, map_flops, fast_seconds, map_flops / GEMM_RATE,
                    window, max_k)


def fitted_map_k(config: ExperimentConfig, budget_bytes: int, processes: bool = True) -> int | None:
    """The largest map limit k whose estimate stays within ``budget_bytes`` (None: none does)."""
    full = estimate(config, processes=processes)
    if full.total_bytes() <= budget_bytes:
        return full.map_max_k
    low, high = 1, full.map_max_k
    if estimate(config, processes=processes, map_max_k=low).total_bytes() > budget_bytes:
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if estimate(config, processes=processes, map_max_k=middle).total_bytes() <= budget_bytes:
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True)
class Admission:
    """The verdict for one configuration under a budget.

    ``refusal``: a one-line reason (None: it runs). ``map_max_k``: the map's limit k (None: the
    engine's own; 0: no map); ``notice``: what was cut to fit, for the status bar (None: nothing).
    """

    estimate: Estimate
    refusal: str | None = None
    map_max_k: int | None = None
    notice: str | None = None


def admit(config: ExperimentConfig, budget_bytes: int = DEFAULT_BUDGET_BYTES, *, with_map: bool = True,
          processes: bool = True) -> Admission:
    """Decide before any work whether ``config`` runs within ``budget_bytes``.

    Stage one must fit whole; the map is shortened (fewer distances k), or left out, when that
    makes the rest fit; otherwise the configuration is refused with the estimate.
    """
    full = estimate(config, processes=processes)
    budget_text = _budget_text(budget_bytes)
    if full.fast_bytes > budget_bytes:
        return Admission(full, refusal=Message("needs {estimate} (budget {budget})",
                                               estimate=full.describe(with_map=False), budget=budget_text))
    if not with_map or full.total_bytes() <= budget_bytes:
        return Admission(full)
    k = fitted_map_k(config, budget_bytes, processes=processes)
    if k is None:
        return Admission(full, map_max_k=0,
                         notice=Message("no (t, k) map: it would need {estimate} (memory budget {budget})",
                                        estimate=full.describe(), budget=budget_text))
    fitted = estimate(config, processes=processes, map_max_k=k)
    return Admission(fitted, map_max_k=k,
                     notice=Message("map limited to k ≤ {k} to stay within the memory budget ({budget}; "
                                    "the whole map would need {estimate})", k=k, budget=budget_text,
                                    estimate=full.describe()))


def _budget_text(budget_bytes: int) -> str:
    gb = budget_bytes / 1024**3
    return f"{gb:.3g} GB" if gb >= 0.1 else f"{budget_bytes / 1024**2:.3g} MB"


def parse_budget(text: str) -> int:
    """``"2"``, ``"2GB"``, ``"512MB"`` -> bytes (binary units); ValueError otherwise."""
    value = str(text).strip().upper().replace(" ", "")
    scale = 1024**3
    for suffix, factor in (("GB", 1024**3), ("G", 1024**3), ("MB", 1024**2), ("M", 1024**2)):
        if value.endswith(suffix):
            value, scale = value[: -len(suffix)], factor
            break
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"a memory budget must be a positive number of GB, got {text!r}")
    return int(number * scale)
