"""Weights in PyTorch's state-dict names, shapes and gate order; init schemes; spectral rescaling.

Names (k = layer, ``_reverse`` for the backward direction)::

    weight_ih_l{k}   (G·H, input)      weight_hh_l{k}   (G·H, H)
    bias_ih_l{k}     (G·H,)            bias_hh_l{k}     (G·H,)

with gate blocks i,f,g,o (LSTM), r,z,n (GRU), one block (Elman). Extra names for cells PyTorch lacks:

* ``lstm-peephole``: ``weight_ci_l{k}``, ``weight_cf_l{k}``, ``weight_co_l{k}``: (H,) peepholes p_i, p_f, p_o
* ``lstm-cifg``: three gate blocks in the order i, g, o (f = 1 − i has no weights)
* ``gru-cho``: PyTorch's names; the n-block of ``weight_hh`` multiplies r ⊙ h instead of h
* readout ``readout.weight`` (O, H·D), ``readout.bias`` (O,); auxiliary input ``weight_aux_l0`` (G·H, A)
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from .config import INITS, ConfigError, NetConfig
from rnnviz.errors import Message


def suffix(layer: int, direction: int) -> str:
    return f"_l{layer}" + ("_reverse" if direction else "")


def expected_shapes(net: NetConfig, output_size: int | None = None,
                    aux_size: int | None = None) -> dict[str, tuple[int, ...]]:
    """Every parameter name with its shape."""
    H, G = net.hidden_size, net.num_gates
    shapes: dict[str, tuple[int, ...]] = {}
    for layer in range(net.num_layers):
        for d in range(net.num_directions):
            s = suffix(layer, d)
            shapes["weight_ih" + s] = (G * H, net.layer_input_size(layer))
            shapes["weight_hh" + s] = (G * H, H)
            shapes["bias_ih" + s] = (G * H,)
            shapes["bias_hh" + s] = (G * H,)
            if net.cell == "lstm-peephole":
                for p in ("ci", "cf", "co"):
                    shapes[f"weight_{p}" + s] = (H,)
            if layer == 0 and aux_size:
                shapes["weight_aux" + s] = (G * H, aux_size)
    if output_size:
        shapes["readout.weight"] = (output_size, net.output_size)
        shapes["readout.bias"] = (output_size,)
    return shapes


def validate_params(params: dict, net: NetConfig) -> None:
    """Raise ConfigError naming the first parameter that is missing, unknown or of the wrong shape."""
    out = params.get("readout.weight")
    aux = params.get("weight_aux_l0")
    shapes = expected_shapes(
        net,
        output_size=None if out is None else np.shape(out)[0],
        aux_size=None if aux is None or np.ndim(aux) != 2 else np.shape(aux)[1])
    for name, shape in shapes.items():
        if name not in params:
            raise ConfigError("{name}: missing (expected shape {shape})", name=name, shape=shape)
        arr = params[name]
        if tuple(np.shape(arr)) != shape:
            raise ConfigError("{name}: expected shape {shape}, got {value4}", name=name, shape=shape, value4=tuple(np.shape(arr)))
        if not np.issubdtype(np.asarray(arr).dtype, np.floating):
            raise ConfigError("{name}: expected floating-point values, got {dtype}", name=name, dtype=np.asarray(arr).dtype)
        if not np.all(np.isfinite(arr)):
            raise ConfigError("{name}: contains NaN or infinite values", name=name)
    unknown = sorted(set(params) - set(shapes))
    if unknown:
        raise ConfigError("unknown parameter name(s) for a {cell} network: {choices}", cell=net.cell, choices=', '.join(unknown))


def _orthogonal(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    n = max(rows, cols)
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q *= np.sign(np.diag(r))  # makes the distribution uniform (Haar)
    return q[:rows, :cols]


def _init_matrix(rng, scheme: str, rows: int, cols: int, scale: float | None, H: int,
                 recurrent: bool) -> np.ndarray:
    if scheme == "pytorch":
        a = 1 / np.sqrt(H) if scale is None else scale
        return rng.uniform(-a, a, (rows, cols))
    if scheme == "gaussian":
        s = 1 / np.sqrt(cols) if scale is None else scale
        return rng.normal(0.0, s, (rows, cols))
    if scheme == "uniform":
        a = 1 / np.sqrt(cols) if scale is None else scale
        return rng.uniform(-a, a, (rows, cols))
    if scheme == "orthogonal":
        s = 1.0 if scale is None else scale
        return s * _orthogonal(rng, rows, cols)
    if scheme == "identity":
        if recurrent:
            return (1.0 if scale is None else scale) * np.eye(rows, cols)
        return rng.normal(0.0, 1 / np.sqrt(cols), (rows, cols))
    raise ConfigError("unknown init scheme {scheme!r}; choose one of {choices}", scheme=scheme, choices=', '.join(INITS))


def _input_matrix(rng, scheme: str, shape: tuple[int, int], scale: float | None, H: int,
                  blocks: int) -> np.ndarray:
    """A matrix that reads an input (W_ih, W_aux, the readout): orthogonal per gate block of rows."""
    if scheme == "orthogonal":
        return np.concatenate([_init_matrix(rng, scheme, shape[0] // blocks, shape[1], scale, H, False)
                               for _ in range(blocks)])
    return _init_matrix(rng, scheme, shape[0], shape[1], scale, H, False)


def init_aux_weights(net: NetConfig, scheme: str, aux_size: int, *, scale: float | None = None,
                     seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded ``weight_aux_l0`` (and ``weight_aux_l0_reverse``): (G·H, A), initialised like W_ih.

    Drawn from a stream of their own (``seed`` and a fixed tag), so turning the auxiliary input on
    adds the term W_aux a_t and leaves every other weight of :func:`init_params` as it was.
    """
    net.validate()
    if scheme not in INITS:
        raise ConfigError("unknown init scheme {scheme!r}; choose one of {choices}", scheme=scheme, choices=', '.join(INITS))
    rng = np.random.default_rng([seed, 3])
    shapes = expected_shapes(net, aux_size=aux_size)
    return {name: np.asarray(_input_matrix(rng, scheme, shape, scale, net.hidden_size, net.num_gates),
                             dtype=np.float64)
            for name, shape in shapes.items() if name.startswith("weight_aux")}


def init_params(net: NetConfig, scheme: str = "pytorch", *, scale: float | None = None, seed: int = 0,
                radius: float | None = None, forget_bias: float | None = None,
                output_size: int | None = None, aux_size: int | None = None,
                dtype=np.float64) -> dict[str, np.ndarray]:
    """Seeded weights for ``net``.

    Schemes: ``gaussian`` N(0, σ²) (σ = ``scale`` or 1/√fan_in); ``uniform`` U(±a) (a = ``scale`` or
    1/√fan_in); ``orthogonal`` (each square gate block of W_hh orthogonal, W_ih semi-orthogonal, times
    ``scale``); ``identity`` (IRNN, Le et al. 2015: W_hh blocks = I, W_ih N(0, 1/fan_in)); ``pytorch``
    U(±1/√H) for every tensor, biases included. Other schemes start biases at zero.

    ``radius`` then rescales each square H×H block of every W_hh to that spectral radius
    (:func:`rescale_spectral_radius`). ``forget_bias`` is added to the forget-gate bias b_ih_f of LSTM
    and peephole LSTM; for CIFG, where f = 1 − i, it is subtracted from the input-gate bias instead so
    that it still biases the forget path.
    """
    net.validate()
    if scheme not in INITS:
        raise ConfigError("unknown init scheme {scheme!r}; choose one of {choices}", scheme=scheme, choices=', '.join(INITS))
    if radius is not None and not (np.isfinite(radius) and radius >= 0):
        raise ConfigError("spectral radius must be a finite number >= 0, got {radius}", radius=radius)
    if scale is not None and not (np.isfinite(scale) and scale >= 0):
        raise ConfigError("init scale must be a finite number >= 0, got {scale}", scale=scale)
    rng = np.random.default_rng(seed)
    H, G = net.hidden_size, net.num_gates
    params: dict[str, np.ndarray] = {}
    for name, shape in expected_shapes(net, output_size, aux_size).items():
        if name.startswith("weight_hh"):
            w = np.concatenate([_init_matrix(rng, scheme, H, H, scale, H, True) for _ in range(G)])
        elif name.startswith(("weight_ih", "weight_aux", "readout.weight")):
            w = _input_matrix(rng, scheme, shape, scale, H, 1 if "readout" in name else G)
        elif name.startswith("weight_c"):  # peepholes
            a = 1 / np.sqrt(H)
            w = rng.uniform(-a, a, shape) if scheme == "pytorch" else np.zeros(shape)
        else:  # biases
            a = 1 / np.sqrt(H)
            w = rng.uniform(-a, a, shape) if scheme == "pytorch" else np.zeros(shape)
        params[name] = np.asarray(w, dtype=np.float64)
    if forget_bias and net.is_lstm:
        for layer in range(net.num_layers):
            for d in range(net.num_directions):
                b = params["bias_ih" + suffix(layer, d)]
                if net.cell == "lstm-cifg":
                    b[:H] -= forget_bias
                else:
                    b[H:2 * H] += forget_bias
    if radius is not None:
        params = rescale_spectral_radius(params, net, radius)
    return {k: v.astype(dtype) for k, v in params.items()}


@dataclass(frozen=True)
class BlockSpectrum:
    """Spectrum of one square recurrent block, e.g. ``weight_hh_l0[f]``."""

    name: str
    layer: int
    direction: int
    gate: str
    eigenvalues: np.ndarray      # (H,) complex
    singular_values: np.ndarray  # (H,) descending
    spectral_radius: float
    sigma_max: float


def recurrent_blocks(params: dict, net: NetConfig):
    """Yield (layer, direction, gate, name, H×H view) for every square gate block of every W_hh."""
    H = net.hidden_size
    for layer in range(net.num_layers):
        for d in range(net.num_directions):
            key = "weight_hh" + suffix(layer, d)
            w = params[key]
            for gi, gate in enumerate(net.gate_names):
                yield layer, d, gate, f"{key}[{gate}]", w[gi * H:(gi + 1) * H]


def block_spectra(params: dict, net: NetConfig) -> list[BlockSpectrum]:
    out = []
    for layer, d, gate, name, block in recurrent_blocks(params, net):
        b = np.asarray(block, dtype=np.float64)
        eig = np.linalg.eigvals(b)
        sv = np.linalg.svd(b, compute_uv=False)
        out.append(BlockSpectrum(name, layer, d, gate, eig, sv,
                                 float(np.max(np.abs(eig))), float(sv[0])))
    return out


def rescale_spectral_radius(params: dict, net: NetConfig, radius: float) -> dict[str, np.ndarray]:
    """Copy of ``params`` with each square gate block of every W_hh scaled to spectral radius ``radius``.

    A block whose spectral radius is 0 (e.g. all zeros, or nilpotent) cannot be rescaled and is left as
    it is.
    """
    if not (np.isfinite(radius) and radius >= 0):
        raise ConfigError("spectral radius must be a finite number >= 0, got {radius}", radius=radius)
    new = {k: v.copy() for k, v in params.items()}
    H = net.hidden_size
    for layer, d, gate, name, block in recurrent_blocks(new, net):
        rho = float(np.max(np.abs(np.linalg.eigvals(np.asarray(block, dtype=np.float64)))))
        if rho > 1e-300:
            gi = net.gate_names.index(gate)
            key = "weight_hh" + suffix(layer, d)
            new[key][gi * H:(gi + 1) * H] *= radius / rho
    return new


def save_npz(path, params: dict, net: NetConfig) -> None:
    """Write the weights and the network config (as JSON text) atomically."""
    from rnnviz.io_utils import atomic_path

    validate_params(params, net)
    arrays = {k: np.asarray(v) for k, v in params.items()}
    arrays["__config__"] = np.array(json.dumps(net.to_dict()))
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


def load_npz(path, net: NetConfig | None = None) -> tuple[dict[str, np.ndarray], NetConfig]:
    """Read weights saved by :func:`save_npz` (or any ``.npz`` with PyTorch state-dict names).

    Never unpickles. ``net`` overrides or supplies the config (required when the file has none); every
    name and shape is validated against it.
    """
    from rnnviz.io_utils import read_npz

    # headers are checked against the bytes present before anything is allocated
    arrays = read_npz(path, Message("weights"))
    stored = arrays.pop("__config__", None)
    if net is None:
        if stored is None:
            raise ConfigError("{path} has no stored config; give the network shape explicitly", path=path)
        try:
            if stored.dtype.kind != "U" or stored.ndim != 0:
                raise TypeError(f"expected a text entry, got {stored.dtype} of shape {stored.shape}")
            net = NetConfig.from_dict(json.loads(str(stored)))
        except (json.JSONDecodeError, TypeError) as exc:
            raise ConfigError("{path}: stored config is not valid JSON ({exc})", path=path, exc=exc) from None
    validate_params(arrays, net)
    return arrays, net
