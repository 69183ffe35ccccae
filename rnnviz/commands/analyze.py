"""``rnnviz analyze``: the engine's analysis of one network, headless.

Builds (or loads) a network, runs it over a sequence and reports what the
explorer plots: the spectra of the recurrent blocks, the final state, the
norms of the Jacobian products ds_(t0+k)/ds_t0 from one anchor t0, the
LSTM/GRU highway, the per-step gradient norms ||dL/dh_t|| and the Pascanu bound.

Time convention: h_0 is the initial state; x_1 ... x_T give h_1 ... h_T; the
anchor t0 lies in [0, T-1] and k runs over 1 ... T-t0. s is the whole state
of the forward direction (h, or [h; c] for LSTM variants, all layers stacked);
batch element 0 is analysed. The loss is softmax cross-entropy of a seeded
readout against seeded random classes at every step (--loss: the last, one
chosen, or an encoder-decoder's last M steps, with input on the first N only).
--aux-size adds an auxiliary input W_aux a_t to layer 0 (--aux-pattern). Every norm is log10, so
nothing overflows; an exactly zero norm (log10 = -inf) is null in JSON and an
empty field in CSV.

--json prints one object with: config; blocks, spectral_radius, sigma_max (one
per square recurrent block); final_state {h[, c]} as (batch, hidden) lists for
the top layer's forward direction; state_jacobian {anchor, k,
log10_spectral_norm, log10_frobenius_norm}; for LSTM variants hidden_jacobian
and cell_jacobian (layer 0's h->h and c->c blocks, same keys); for LSTM and GRU
variants highway {k, log10_norm} (the direct path: prod f, prod (1-i) for
CIFG, prod z for GRU); loss; grad_norm_per_step (T values); bound {k, log10,
rho_log10, gamma, sigma_max, spectral_radius} for (gamma sigma_max)^k and rho^k.
--out DIR writes the same tables as CSV files plus run.json (config and
versions), each file atomically. --map FILE.npy|FILE.csv writes the (t, k)
map: rows anchor, k, log10_spectral_norm, log10_frobenius_norm for every
anchor t0 and k = 1 ... T-t0.

--weights reads .npz, PyTorch .pt/.pth state dicts (without torch; never
unpickled), .safetensors and ONNX RNN/LSTM/GRU operators; the network comes
from the file (for a state dict, --activation and --cell gru-cho/lstm-cifg
say what names and shapes cannot).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from rnnviz.core.analysis import AUX_PATTERNS, LOSS_PLACEMENTS, ExperimentConfig
from rnnviz.commands import with_flag_names
from rnnviz.core.config import ACTIVATIONS, CELLS, INITS, ConfigError, NetConfig

NAME = "analyze"

# The explorer's default case; flags that are not given take these values.
DEFAULTS = ExperimentConfig()

# Flag name for each NetConfig field, for messages.
NET_FLAGS = {
    "cell": "--cell",
    "activation": "--activation",
    "hidden_size": "--hidden",
    "input_size": "--input-size",
    "num_layers": "--layers",
    "bidirectional": "--bidirectional",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``analyze`` parser to ``rnnviz``'s subcommands."""
    parser = subparsers.add_parser(
        NAME,
        help="analyse gradient flow through one network (summary, JSON or CSV files)",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    net = parser.add_argument_group(
        "network", "Taken from --weights when the file stores its config; flags given must then agree.")
    net.add_argument("--cell", choices=CELLS, default=None, help=f"recurrent cell (default {DEFAULTS.cell})")
    net.add_argument(
        "--activation", choices=ACTIVATIONS, default=None,
        help="activation of the Elman cell, or of the candidate and cell output of gated cells "
        f"(default {DEFAULTS.activation})",
    )
    net.add_argument("--hidden", type=int, default=None, metavar="N",
                     help=f"hidden units per layer (default {DEFAULTS.hidden_size})")
    net.add_argument("--input-size", type=int, default=None, metavar="N",
                     help=f"input features (default {DEFAULTS.input_size})")
    net.add_argument("--layers", type=int, default=None, metavar="N",
                     help=f"stacked layers (default {DEFAULTS.num_layers})")
    net.add_argument("--bidirectional", action="store_true", default=None, help="add a reverse direction")

    weights = parser.add_argument_group("weights")
    weights.add_argument("--init", choices=INITS, default=DEFAULTS.init,
                         help=f"init scheme (default {DEFAULTS.init}); LSTM forget-gate bias "
                         f"{DEFAULTS.forget_bias:g}")
    weights.add_argument(
        "--radius", type=float, default=None, metavar="R",
        help="rescale every square recurrent block to spectral radius R >= 0 "
        "(also applied to --weights; default: no rescaling)",
    )
    weights.add_argument("--seed", type=int, default=DEFAULTS.seed, metavar="S",
                         help=f"seed of weights, inputs and targets (default {DEFAULTS.seed})")
    weights.add_argument("--weights", type=Path, default=None, metavar="FILE",
                         help="load weights: .npz (rnnviz or PyTorch state-dict names), a PyTorch "
                         ".pt/.pth state dict (read without torch, never unpickled), .safetensors or "
                         ".onnx (RNN/LSTM/GRU operators)")
    weights.add_argument("--dtype", choices=("float64", "float32"), default=DEFAULTS.dtype,
                         help=f"compute precision (default {DEFAULTS.dtype})")

    run_group = parser.add_argument_group("sequence and analysis")
    run_group.add_argument("--seq-len", type=int, default=None, metavar="T",
                           help=f"sequence length T >= 1 (default {DEFAULTS.seq_len})")
    run_group.add_argument("--batch", type=int, default=None, metavar="B",
                           help=f"sequences in the batch (default {DEFAULTS.batch})")
    run_group.add_argument(
        "--inputs", type=Path, default=None, metavar="FILE.npy",
        help="inputs of shape (T, input_size) or (T, batch, input_size); default seeded N(0, 1)",
    )
    run_group.add_argument("--anchor", type=int, default=DEFAULTS.anchor, metavar="T0",
                           help="anchor t0 in [0, T-1] of the Jacobian products (default 0)")
    run_group.add_argument("--truncate", type=int, default=None, metavar="K",
                           help="truncated BPTT: each loss term reaches back at most K steps (default: full)")
    run_group.add_argument(
        "--tol", type=float, default=None, metavar="TOL",
        help="spectral norms of the anchor curve by Lanczos to relative tolerance TOL (faster on big "
             "networks; the explorer uses 1e-6); default: exact, an SVD of every product "
             "(relative error <= 1e-12 in float64). The JSON config records which was used",
    )
    run_group.add_argument("--loss", choices=LOSS_PLACEMENTS, default=DEFAULTS.loss_placement,
                           help="where the loss terms sit: every step, the last, one chosen step "
                                "(--loss-step), or encoder-decoder: input on the first N steps only "
                                "(zero afterwards), loss on the last M (default all)")
    run_group.add_argument("--loss-step", type=int, default=None, metavar="TAU",
                           help="the loss step of --loss step, in [1, T] (default 1)")
    run_group.add_argument("--encoder-steps", type=int, default=None, metavar="N",
                           help="--loss encoder-decoder: steps that read input (default ceil(T/2))")
    run_group.add_argument("--decoder-steps", type=int, default=None, metavar="M",
                           help="--loss encoder-decoder: last steps that carry a loss (default T - N)")
    run_group.add_argument("--aux-size", type=int, default=DEFAULTS.aux_size, metavar="A",
                           help="an auxiliary input a_t of size A, added to layer 0 as W_aux a_t "
                                "(default 0: none)")
    run_group.add_argument("--aux-pattern", choices=AUX_PATTERNS, default=DEFAULTS.aux_pattern,
                           help="the auxiliary input: intent (one-hot classes held 3-8 steps), "
                                f"constant or gaussian (default {DEFAULTS.aux_pattern})")
    run_group.add_argument("--aux-scale", type=float, default=DEFAULTS.aux_scale, metavar="S",
                           help=f"multiplies the auxiliary input (default {DEFAULTS.aux_scale:g})")
    run_group.add_argument("--memory-budget", default="2", metavar="GB",
                           help="refuse, before any work, an analysis whose estimated memory exceeds GB "
                                "gigabytes (default 2; e.g. 8 or 512MB)")

    out = parser.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    out.add_argument("--out", type=Path, default=None, metavar="DIR",
                     help="also write the results as CSV files plus run.json into DIR")
    out.add_argument("--map", type=Path, default=None, metavar="FILE.npy|FILE.csv",
                     help="also write the (t, k) map: one row per anchor t0 and distance k with "
                     "log10 spectral and Frobenius norms of ds_(t0+k)/ds_t0 (.npy: float64 (N, 4))")
    parser.set_defaults(func=run)


# --------------------------------------------------------------------------- request


@dataclass(frozen=True)
class AnalyzeRequest:
    """Everything ``analyze`` computes from, validated.

    params: None to initialise from ``config``; else loaded (and possibly rescaled) weights.
    inputs: None for the seeded default; else ``(T, B, input_size)``.
    """

    config: ExperimentConfig
    params: dict[str, np.ndarray] | None
    inputs: np.ndarray | None
    weights_file: str | None
    inputs_file: str | None
    tol: float | None = None     # Lanczos tolerance of the anchor curve; None: exact (SVD)

    def config_dict(self) -> dict[str, Any]:
        return {**self.config.to_dict(), "weights": self.weights_file, "inputs": self.inputs_file,
                "precision": precision_name(self.tol), "tol": self.tol}


def precision_name(tol: float | None) -> str:
    """What the spectral norms are: ``exact`` (an SVD of every product) or ``lanczos``."""
    return "exact" if tol is None else "lanczos"


def check_tol(tol: float | None, flag: str = "--tol") -> float | None:
    if tol is not None and not (math.isfinite(tol) and 0 < tol <= 0.1):
        raise ConfigError(f"{flag} must be a number in (0, 0.1], got {tol}")
    return None if tol is None else float(tol)


# Engine field -> the flag the user typed, for messages that come from the engine's validation.
FIELD_FLAGS = {
    "hidden_size": "--hidden", "input_size": "--input-size", "num_layers": "--layers",
    "seq_len": "--seq-len", "truncate": "--truncate", "anchor": "--anchor", "radius": "--radius",
    "init_scale": "--init", "dtype": "--dtype", "seed": "--seed", "loss_step": "--loss-step",
    "encoder_steps": "--encoder-steps", "decoder_steps": "--decoder-steps", "aux_size": "--aux-size",
    "aux_scale": "--aux-scale",
}


def _named(error: ConfigError) -> ConfigError:
    return with_flag_names(error, FIELD_FLAGS)


def _check_int_flag(flag: str, value: int | None, low: int) -> None:
    if value is not None and value < low:
        raise ConfigError(f"{flag} must be >= {low}, got {value}")


def _net_from_flags(args: argparse.Namespace, stored: NetConfig | None) -> NetConfig:
    given = {
        "cell": args.cell,
        "activation": args.activation,
        "hidden_size": args.hidden,
        "input_size": args.input_size,
        "num_layers": args.layers,
        "bidirectional": args.bidirectional,
    }
    if stored is None:
        base = DEFAULTS.net
        try:
            return replace(base, **{k: v for k, v in given.items() if v is not None}).validate()
        except ConfigError as error:
            raise _named(error) from None
    for field_name, value in given.items():
        stored_value = getattr(stored, field_name)
        if value is not None and value != stored_value:
            raise ConfigError(
                f"{NET_FLAGS[field_name]} {value} does not match the weights file, which has "
                f"{NET_FLAGS[field_name]} {stored_value}"
            )
    return stored


def _describe(net: NetConfig) -> str:
    return (
        f"{net.cell}, hidden {net.hidden_size}, input {net.input_size}, "
        f"{net.num_layers} layer{'s' if net.num_layers > 1 else ''}"
        f"{', bidirectional' if net.bidirectional else ''}"
    )


def _load_weights(path: Path, args: argparse.Namespace) -> tuple[dict[str, np.ndarray], NetConfig]:
    """Recurrent weights from ``path`` (any format of :mod:`rnnviz.core.formats`); flags that were
    given must agree with what the file fixes. A state dict does not fix the activation or the cell
    among those of equal gate count (``gru``/``gru-cho``/``lstm-cifg``): --activation and --cell do.

    A readout stored in the file is dropped: the analysis uses its own seeded readout, as for
    initialised weights, so that the numbers do not depend on what the readout was trained for.
    """
    from rnnviz.core.formats import read_network
    from rnnviz.core.params import validate_params

    loaded = read_network(path, cell=args.cell, activation=args.activation)
    net = _net_from_flags(args, loaded.net)
    params = {name: value for name, value in loaded.params.items() if not name.startswith("readout.")}
    try:
        validate_params(params, net)
    except ConfigError as error:
        raise ConfigError(f"weights file {path} does not fit the network ({_describe(net)}): {error}") from None
    return params, net


def _load_inputs(path: Path, input_size: int, seq_len: int | None, batch: int | None) -> np.ndarray:
    """``(T, B, input_size)`` float64 from a ``.npy`` file of shape (T, input_size) or (T, B, input_size)."""
    from rnnviz.core.formats.inputs import input_array
    from rnnviz.io_utils import read_npy

    x = input_array(read_npy(path, "inputs"), input_size, f"inputs file {path}")
    if seq_len is not None and seq_len != x.shape[0]:
        raise ConfigError(f"--seq-len {seq_len} does not match the inputs file, which has T = {x.shape[0]}")
    if batch is not None and batch != x.shape[1]:
        raise ConfigError(f"--batch {batch} does not match the inputs file, which has batch = {x.shape[1]}")
    return x


def resolve_request(args: argparse.Namespace) -> AnalyzeRequest:
    """Validate the flags and load the files.

    Raises ConfigError (one line, naming the flag) for any invalid value; nothing is computed or
    written before every check has passed.
    """
    from rnnviz.core.params import rescale_spectral_radius

    _check_int_flag("--hidden", args.hidden, 1)
    _check_int_flag("--input-size", args.input_size, 1)
    _check_int_flag("--layers", args.layers, 1)
    _check_int_flag("--seq-len", args.seq_len, 1)
    _check_int_flag("--batch", args.batch, 1)
    _check_int_flag("--truncate", args.truncate, 1)
    _check_int_flag("--seed", args.seed, 0)
    tol = check_tol(getattr(args, "tol", None))
    if args.radius is not None and not (math.isfinite(args.radius) and args.radius >= 0):
        raise ConfigError(f"--radius must be a finite number >= 0, got {args.radius}")

    params = None
    if args.weights is not None:
        params, net = _load_weights(args.weights, args)
        if args.radius is not None:
            params = rescale_spectral_radius(params, net, args.radius)
    else:
        net = _net_from_flags(args, None)

    inputs = None
    if args.inputs is not None:
        inputs = _load_inputs(args.inputs, net.input_size, args.seq_len, args.batch)
        seq_len, batch = inputs.shape[:2]
    else:
        seq_len = DEFAULTS.seq_len if args.seq_len is None else args.seq_len
        batch = DEFAULTS.batch if args.batch is None else args.batch
    if not 0 <= args.anchor <= seq_len - 1:
        raise ConfigError(f"--anchor must lie in [0, T-1] = [0, {seq_len - 1}], got {args.anchor}")

    try:
        config = replace(
            DEFAULTS,
            cell=net.cell, activation=net.activation, leaky_slope=net.leaky_slope,
            hidden_size=net.hidden_size, input_size=net.input_size, num_layers=net.num_layers,
            bidirectional=net.bidirectional, init=args.init, radius=args.radius, seq_len=int(seq_len),
            batch=int(batch), truncate=args.truncate, anchor=args.anchor, seed=args.seed, dtype=args.dtype,
            loss_placement=args.loss, loss_step=DEFAULTS.loss_step if args.loss_step is None else args.loss_step,
            encoder_steps=args.encoder_steps, decoder_steps=args.decoder_steps, aux_size=args.aux_size,
            aux_pattern=args.aux_pattern, aux_scale=args.aux_scale,
        ).validate()
    except ConfigError as error:
        raise _named(error) from None
    return AnalyzeRequest(
        config=config, params=params, inputs=inputs,
        weights_file=None if args.weights is None else str(args.weights),
        inputs_file=None if args.inputs is None else str(args.inputs), tol=tol,
    )


def _overflow_error(request: AnalyzeRequest, detail: str) -> ConfigError:
    """Which setting made the numbers overflow, as one line."""
    config = request.config
    if config.radius is not None and config.radius > 1:
        culprit = (f"--radius {config.radius:g} makes the recurrent weights so large that the states "
                   "are no longer finite numbers; use a smaller --radius")
    elif request.inputs_file is not None:
        culprit = f"the values in --inputs {request.inputs_file} are too large for the network"
    elif request.weights_file is not None:
        culprit = f"the weights in --weights {request.weights_file} are too large"
    else:
        culprit = f"the --init {config.init} weights are too large; give a --radius"
    return ConfigError(f"the computation overflowed {config.dtype} ({detail}): {culprit}")


@dataclass(frozen=True)
class Curve:
    """Norms of ∂s_{t0+k}/∂s_{t0} for k = ``k`` (log10; an exactly zero norm is -inf)."""

    anchor: int
    k: np.ndarray
    log10_spectral_norm: np.ndarray
    log10_frobenius_norm: np.ndarray

    def to_json_dict(self) -> dict[str, Any]:
        return _curve(self.k, {"log10_spectral_norm": self.log10_spectral_norm,
                               "log10_frobenius_norm": self.log10_frobenius_norm}, anchor=self.anchor)


@dataclass(frozen=True)
class Highway:
    """log10 of the direct path Π f (CIFG: Π (1 − i), GRU: Π z) for k = ``k``."""

    k: np.ndarray
    log10_norm: np.ndarray

    def to_json_dict(self) -> dict[str, Any]:
        return _curve(self.k, {"log10_norm": self.log10_norm})


@dataclass(frozen=True)
class Bound:
    """log10 of the Pascanu bound (γ σ_max)^k (``log10``) and of ρ^k (``rho_log10``)."""

    gamma: float
    sigma_max: float
    spectral_radius: float
    k: np.ndarray
    log10: np.ndarray
    rho_log10: np.ndarray

    def to_json_dict(self) -> dict[str, Any]:
        return _curve(self.k, {"log10": self.log10, "rho_log10": self.rho_log10}, gamma=self.gamma,
                      sigma_max=self.sigma_max, spectral_radius=self.spectral_radius)


@dataclass(frozen=True)
class NormMap:
    """The (t, k) map, one entry per anchor t0 and distance k (the rows of ``--map``)."""

    anchor: np.ndarray
    k: np.ndarray
    log10_spectral_norm: np.ndarray
    log10_frobenius_norm: np.ndarray

    @classmethod
    def from_table(cls, table: np.ndarray) -> NormMap:
        return cls(table[:, 0].astype(np.int64), table[:, 1].astype(np.int64), table[:, 2], table[:, 3])

    def table(self) -> np.ndarray:
        """float64 ``(N, 4)``: anchor, k, log10 spectral, log10 Frobenius (as ``--map FILE.npy``)."""
        return np.column_stack([self.anchor, self.k, self.log10_spectral_norm,
                                self.log10_frobenius_norm]).astype(np.float64)

    def to_json_dict(self) -> dict[str, Any]:
        return {"anchor": [int(v) for v in self.anchor], "k": [int(v) for v in self.k],
                "log10_spectral_norm": _float_list(self.log10_spectral_norm),
                "log10_frobenius_norm": _float_list(self.log10_frobenius_norm)}


@dataclass(frozen=True)
class AnalysisResult:
    """What ``rnnviz analyze --json`` prints, typed: every attribute is the JSON key of the same name,
    numbers as NumPy float64 arrays (an exactly zero norm is -inf here, null in JSON).

    ``hidden_jacobian``/``cell_jacobian`` exist for LSTM variants, ``highway`` for LSTM and GRU
    variants (None otherwise); ``map`` when it was asked for. :meth:`to_json_dict` is the JSON
    object of the command line (which prints exactly that). ``params`` and ``inputs`` (not in the
    JSON) are the weights and inputs given (None: generated from ``experiment``, the configuration
    analysed), for :func:`rnnviz.show`.
    """

    config: dict
    loss: float
    blocks: tuple
    spectral_radius: np.ndarray
    sigma_max: np.ndarray
    final_state: dict
    state_jacobian: Curve
    grad_norm_per_step: np.ndarray
    bound: Bound
    hidden_jacobian: Curve | None = None
    cell_jacobian: Curve | None = None
    highway: Highway | None = None
    map: NormMap | None = None
    params: dict | None = field(default=None, repr=False, compare=False)
    inputs: np.ndarray | None = field(default=None, repr=False, compare=False)
    experiment: ExperimentConfig | None = field(default=None, repr=False, compare=False)

    def to_json_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "config": dict(self.config),
            "loss": _finite_or_none(self.loss),
            "blocks": list(self.blocks),
            "spectral_radius": [float(v) for v in self.spectral_radius],
            "sigma_max": [float(v) for v in self.sigma_max],
            "final_state": {name: _float_list(state) for name, state in self.final_state.items()},
            "state_jacobian": self.state_jacobian.to_json_dict(),
        }
        for name in ("hidden_jacobian", "cell_jacobian", "highway"):
            if getattr(self, name) is not None:
                result[name] = getattr(self, name).to_json_dict()
        result["grad_norm_per_step"] = _float_list(self.grad_norm_per_step)
        result["bound"] = self.bound.to_json_dict()
        if self.map is not None:
            result["map"] = self.map.to_json_dict()
        return result


def analyze_request(request: AnalyzeRequest, with_map: bool = False) -> AnalysisResult:
    """Run the analysis of ``request`` (the anchor curve exact unless ``request.tol``); the (t, k)
    map too when ``with_map``. ConfigError (one line) when the numbers overflow."""
    from rnnviz.core.analysis import run_fast

    config = request.config
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            fast = run_fast(config, params=request.params, inputs=request.inputs, tol=request.tol)
        except (RuntimeWarning, FloatingPointError) as warning:
            raise _overflow_error(request, str(warning).split(" encountered")[0]) from None
        except ValueError as error:
            if isinstance(error, ConfigError) or "must be finite" not in str(error):
                raise
            raise _overflow_error(request, "NaN or inf in the step Jacobians") from None
    net = fast.net
    curve = fast.curve
    f64 = lambda values: np.asarray(values, dtype=np.float64)  # noqa: E731
    # Top layer, forward direction: rows of PyTorch's (layers·directions, batch, hidden) h_n.
    top_row = (net.num_layers - 1) * net.num_directions
    k = np.asarray(curve["k"], dtype=np.int64)
    parts: dict[str, Any] = {}
    if net.is_lstm:
        # Layer 0's h→h and c→c blocks of the same products.
        for name in ("hidden", "cell"):
            parts[f"{name}_jacobian"] = Curve(config.anchor, k, f64(curve[f"{name}_spectral"]),
                                              f64(curve[f"{name}_frobenius"]))
    if "highway" in curve:
        parts["highway"] = Highway(k, f64(curve["highway"]))
    bound = fast.bound
    return AnalysisResult(
        config=request.config_dict(),
        loss=float(fast.loss),
        blocks=tuple(spectrum.name for spectrum in fast.spectra),
        spectral_radius=f64([spectrum.spectral_radius for spectrum in fast.spectra]),
        sigma_max=f64([spectrum.sigma_max for spectrum in fast.spectra]),
        final_state={name: f64(state[top_row]) for name, state in fast.final_state.items()},
        state_jacobian=Curve(config.anchor, k, f64(curve["log10_spectral"]), f64(curve["log10_frobenius"])),
        grad_norm_per_step=f64(fast.grad_norm_per_step),
        bound=Bound(float(fast.gamma), float(bound["sigma_max"]), float(bound["spectral_radius"]),
                    np.asarray(bound["k"], dtype=np.int64), f64(bound["log10"]), f64(bound["rho_log10"])),
        map=NormMap.from_table(map_table(request, fast)) if with_map else None,
        params=None if request.params is None else fast.params, inputs=request.inputs,
        experiment=config,
        **parts,
    )


def compute(request: AnalyzeRequest) -> dict[str, Any]:
    """The JSON object of ``rnnviz analyze --json`` (:meth:`AnalysisResult.to_json_dict`)."""
    return analyze_request(request).to_json_dict()


# --------------------------------------------------------------------------- output


def _finite_or_none(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _float_list(values: np.ndarray) -> list:
    """Nested lists of floats with non-finite entries (log10 of an exact zero) as None."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        return _finite_or_none(array)
    return [_float_list(row) if array.ndim > 1 else _finite_or_none(row) for row in array]


def _curve(k: np.ndarray, columns: dict[str, np.ndarray], **extra: Any) -> dict[str, Any]:
    curve: dict[str, Any] = dict(extra)
    curve["k"] = [int(v) for v in k]
    for name, values in columns.items():
        curve[name] = _float_list(values)
    return curve


def _csv_text(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def csv_files(result: dict[str, Any]) -> dict[str, str]:
    """File name → CSV text for every table in ``result`` (the same numbers as the JSON)."""
    files = {
        "spectra.csv": _csv_text(
            ["block", "spectral_radius", "sigma_max"],
            zip(result["blocks"], result["spectral_radius"], result["sigma_max"]),
        ),
        "grad_norm_per_step.csv": _csv_text(
            ["t", "grad_norm"], enumerate(result["grad_norm_per_step"], start=1)
        ),
    }
    final_rows = []
    for state_name, rows in result["final_state"].items():
        for batch_index, row in enumerate(rows):
            for unit, value in enumerate(row):
                final_rows.append((state_name, batch_index, unit, value))
    files["final_state.csv"] = _csv_text(["state", "batch_index", "unit", "value"], final_rows)
    for key in ("state_jacobian", "hidden_jacobian", "cell_jacobian", "highway", "bound"):
        if key not in result:
            continue
        curve = result[key]
        columns = [name for name, values in curve.items() if name != "k" and isinstance(values, list)]
        files[f"{key}.csv"] = _csv_text(["k", *columns], zip(curve["k"], *(curve[c] for c in columns)))
    return files


def write_outputs(directory: Path, result: dict[str, Any]) -> list[Path]:
    """Write the CSV files and run.json into ``directory`` (created if needed) as one set.

    The set appears whole or not at all (:class:`rnnviz.io_utils.AtomicFileSet`; run.json, written
    last, says the CSVs beside it belong to it)."""
    from rnnviz.io_utils import AtomicFileSet, versions

    files = csv_files(result)  # everything is rendered before the first file is touched
    run_info = {"command": "rnnviz analyze", "config": result["config"], "versions": versions(),
                "files": sorted(files)}
    json.dumps(run_info, allow_nan=False)
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"--out {directory} exists and is not a directory")
    with AtomicFileSet(directory, marker="run.json") as output:
        for name, text in files.items():
            output.write_text(name, text)
        output.write_json("run.json", run_info)
        return output.commit()


def _fmt(value: float | None, digits: int = 3) -> str:
    return "zero" if value is None else f"{value:.{digits}f}"


def summary_text(result: dict[str, Any]) -> str:
    """A few human-readable lines about ``result``."""
    config = result["config"]
    lines = [
        f"network: {config['cell']} ({config['activation']}), hidden {config['hidden_size']}, "
        f"input {config['input_size']}, {config['num_layers']} layer(s)"
        f"{', bidirectional' if config['bidirectional'] else ''}; "
        f"T = {config['seq_len']}, batch {config['batch']}, {config['dtype']}"
    ]
    if config.get("aux_size"):
        lines.append(f"auxiliary input: A = {config['aux_size']} ({config['aux_pattern']}, "
                     f"scale {config['aux_scale']:g})")
    if config.get("loss_placement") == "encoder-decoder":
        known = {name: config[name] for name in ("seq_len", "encoder_steps", "decoder_steps")}
        experiment = replace(DEFAULTS, loss_placement="encoder-decoder", **known)
        n, m, T = experiment.encoder_length, experiment.decoder_length, experiment.seq_len
        lines.append(f"encoder-decoder: input on steps 1-{n} (zero afterwards), loss on steps {T - m + 1}-{T}")
    for name, rho, sigma in zip(result["blocks"], result["spectral_radius"], result["sigma_max"]):
        lines.append(f"  {name}: spectral radius {rho:.4f}, sigma_max {sigma:.4f}")
    curve = result["state_jacobian"]
    k_last = curve["k"][-1]
    lines.append(
        f"log10 ||ds_(t0+k)/ds_t0||_2 from t0 = {curve['anchor']}: "
        f"k=1: {_fmt(curve['log10_spectral_norm'][0])}, k={k_last}: {_fmt(curve['log10_spectral_norm'][-1])}"
    )
    if "highway" in result:
        lines.append(f"log10 highway norm at k={k_last}: {_fmt(result['highway']['log10_norm'][-1])}")
    lines.append(f"log10 Pascanu bound at k={k_last}: {_fmt(result['bound']['log10'][-1])}")
    grads = result["grad_norm_per_step"]
    lines.append(f"||dL/dh_t||: t=1: {grads[0]:.4g}, t={len(grads)}: {grads[-1]:.4g}")
    return "\n".join(lines)


MAP_COLUMNS = ("anchor", "k", "log10_spectral_norm", "log10_frobenius_norm")
# Stopping tolerance of the map's spectral norms (the engine raises it to 50 machine epsilons).
MAP_TOL = 1e-14


def _check_map_path(path: Path) -> None:
    from rnnviz.io_utils import check_output_file

    if path.suffix.lower() not in (".npy", ".csv"):
        raise ConfigError(f"--map {path}: expected a .npy or .csv file name")
    check_output_file(path, "--map")


def map_table(request: AnalyzeRequest, fast=None) -> np.ndarray:
    """The (t, k) map as rows (anchor t0, k, log10 spectral, log10 Frobenius), float64 (N, 4).

    Every anchor t0 = 0 .. T-1 and k = 1 .. T-t0 (fewer k when the map would exceed the engine's
    budget, as in the explorer: :func:`rnnviz.core.analysis.map_max_k`); an exactly zero norm is -inf.
    The engine's map at its tightest tolerance (MAP_TOL): Frobenius norms exact, spectral norms
    within ~1e-14 relative for a well-separated top singular value (see :mod:`rnnviz.core.products`).

    ``fast``: the stage-one result of ``request`` when the caller has it (its step Jacobians do not
    depend on the anchor curve's tolerance), so that the forward pass and the Jacobians run once."""
    from rnnviz.core.analysis import map_max_k, run_fast
    from rnnviz.core.products import norm_map

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            if fast is None:
                fast = run_fast(request.config, params=request.params, inputs=request.inputs)
            J = fast.jacobians
            max_k = map_max_k(J.shape[0], fast.net.state_size)
            norms = norm_map(J, max_k=max_k, tol=MAP_TOL, max_iter=500)
        except (RuntimeWarning, FloatingPointError) as warning:
            raise _overflow_error(request, str(warning).split(" encountered")[0]) from None
    width = norms.log10_spectral.shape[1]
    starts = np.asarray(norms.starts) + fast.jacobian_start
    anchors, ks = np.meshgrid(starts, np.arange(1, width + 1), indexing="ij")
    keep = ~np.isnan(norms.log10_spectral)
    return np.column_stack([anchors[keep], ks[keep], norms.log10_spectral[keep],
                            norms.log10_frobenius[keep]]).astype(np.float64)


def write_map(path: Path, table: np.ndarray) -> None:
    """``table`` as .npy (float64 (N, 4)) or CSV with a header (-inf as an empty field), atomically."""
    from rnnviz.io_utils import atomic_path, atomic_write_text

    if path.suffix.lower() == ".npy":
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as handle:
                np.save(handle, table, allow_pickle=False)
        return
    rows = ((int(a), int(k), *(repr(float(v)) if math.isfinite(v) else None for v in (s, f)))
            for a, k, s, f in table)
    atomic_write_text(path, _csv_text(list(MAP_COLUMNS), rows))


def check_budget(config: ExperimentConfig, budget_text: str, with_map: bool = False) -> None:
    """ConfigError (one line, with the estimate) when ``config`` would not fit the memory budget;
    a note on stderr when it will take long."""
    from rnnviz.core.budget import admit, format_seconds, parse_budget

    try:
        budget = parse_budget(budget_text)
    except ValueError:
        raise ConfigError(f"--memory-budget must be a positive number of GB (e.g. 2 or 512MB), "
                          f"got {budget_text!r}") from None
    verdict = admit(config, budget, with_map=with_map)
    seconds = verdict.estimate.seconds(with_map=with_map)
    if verdict.refusal is not None:
        raise ConfigError(f"this analysis {verdict.refusal}, ~{format_seconds(seconds)} of computing; "
                          "lower --hidden, --layers or --seq-len, or raise --memory-budget")
    if seconds > 20:
        print(f"rnnviz analyze: note: this analysis needs ~{format_seconds(seconds)} of computing "
              f"({verdict.estimate.fast_flops / 1e12:.1f} TFLOP, {verdict.estimate.describe(with_map=with_map)})",
              file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from rnnviz.io_utils import check_output_dir

    if args.out is not None:
        check_output_dir(args.out, "--out")  # before any work
    if args.map is not None:
        _check_map_path(args.map)
    request = resolve_request(args)
    check_budget(request.config, args.memory_budget, with_map=args.map is not None)
    analysis = analyze_request(request, with_map=args.map is not None)
    result = analysis.to_json_dict()
    result.pop("map", None)   # the map goes to its own file, not into the JSON
    if args.map is not None:
        write_map(args.map, analysis.map.table())
    if args.out is not None:
        written = write_outputs(args.out, result)
    if args.json:
        sys.stdout.write(json.dumps(result, allow_nan=False) + "\n")
    else:
        print(summary_text(result))
        if args.out is not None:
            print(f"wrote {len(written)} files to {args.out}")
    return 0
