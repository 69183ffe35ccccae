"""The Python API: ``rnnviz.analyze`` and ``rnnviz.show`` for scripts and notebooks.

``analyze`` runs what ``rnnviz analyze`` runs and returns the same content typed
(:class:`rnnviz.commands.analyze.AnalysisResult`; the command line prints its ``to_json_dict()``).
Neither torch nor Qt is imported here: a torch module or tensor is recognised by its methods
(``state_dict()``, ``detach()``), and ``show`` imports the app when it is called.
"""
from __future__ import annotations

from dataclasses import fields, replace
from os import PathLike
from typing import Any

import numpy as np

from rnnviz.errors import ConfigError

#: nn.RNN/nn.LSTM/nn.GRU ``mode`` -> (cell, activation)
TORCH_MODES = {"RNN_TANH": ("rnn", "tanh"), "RNN_RELU": ("rnn", "relu"), "LSTM": ("lstm", None),
               "GRU": ("gru", None)}
NET_KEYS = ("cell", "activation", "hidden_size", "input_size", "num_layers", "bidirectional")


def _to_numpy(value, what: str) -> np.ndarray:
    if hasattr(value, "detach"):            # a torch tensor, without importing torch
        value = value.detach().cpu()
        if hasattr(value, "double") and getattr(value, "is_floating_point", lambda: True)():
            value = value.double()
        value = value.numpy()
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{what}: expected an array, got {type(value).__name__} ({error})") from None


def _torch_module(module) -> tuple[dict[str, np.ndarray], dict[str, Any], bool]:
    """(state dict as float64 arrays, what its attributes fix, batch_first) of an nn.RNN/LSTM/GRU."""
    fixed: dict[str, Any] = {}
    mode = getattr(module, "mode", None)
    if mode is not None:
        if mode not in TORCH_MODES:
            raise ConfigError(f"torch module of mode {mode!r}: expected one of {', '.join(TORCH_MODES)}")
        cell, activation = TORCH_MODES[mode]
        fixed["cell"] = cell
        if activation is not None:
            fixed["activation"] = activation
    if getattr(module, "proj_size", 0):
        raise ConfigError("torch LSTM with proj_size > 0: projected LSTMs are not supported")
    arrays = {name: _to_numpy(value, f"state_dict entry {name}")
              for name, value in module.state_dict().items()}
    return arrays, fixed, bool(getattr(module, "batch_first", False))


def _network(network, config: dict) -> tuple[dict[str, np.ndarray] | None, Any, str | None, bool]:
    """(params, NetConfig, source description, batch_first) of what ``analyze`` was given."""
    from rnnviz.core.formats import read_network
    from rnnviz.core.formats.statedict import infer_net, recurrent_part

    cell, activation = config.get("cell"), config.get("activation")
    if network is None:
        return None, None, None, False
    if isinstance(network, (str, PathLike)):
        loaded = read_network(network, cell=cell, activation=activation)
        params, net = loaded.params, loaded.net
        source, batch_first = str(network), False
    else:
        batch_first = False
        if hasattr(network, "state_dict") and callable(network.state_dict):
            arrays, fixed, batch_first = _torch_module(network)
            for key, value in fixed.items():
                given = config.get(key)
                if key == "cell" and given in ("gru-cho", "lstm-cifg", "lstm-peephole"):
                    continue          # a choice among the cells of the same weight layout
                if given is not None and given != value:
                    raise ConfigError(f"{key}={given!r} does not match the torch module, which has {value!r}")
                config.setdefault(key, value)
            cell, activation = config.get("cell"), config.get("activation")
            source = f"torch module {type(network).__name__}"
        elif isinstance(network, dict):
            arrays = {name: _to_numpy(value, f"network[{name!r}]") for name, value in network.items()}
            source = "dict of arrays"
        else:
            raise ConfigError(f"network: expected a path, a dict of arrays or a torch module, got "
                              f"{type(network).__name__}")
        params, _ = recurrent_part(arrays, source)
        for name, value in params.items():
            if not np.issubdtype(value.dtype, np.floating) or not np.all(np.isfinite(value)):
                raise ConfigError(f"{source}: {name} must hold finite floating-point numbers")
        params, net = infer_net({k: v.astype(np.float64) for k, v in params.items()}, source,
                                cell=cell, activation=activation or "tanh")
    for key in NET_KEYS:
        if config.get(key) is not None and config[key] != getattr(net, key):
            raise ConfigError(f"{key}={config[key]!r} does not match the network, which has "
                              f"{key}={getattr(net, key)!r}")
    params = {name: value for name, value in params.items() if not name.startswith("readout.")}
    return params, net, source, batch_first


def _inputs(inputs, input_size: int, batch_first: bool) -> np.ndarray | None:
    if inputs is None:
        return None
    x = _to_numpy(inputs, "inputs")
    if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
        raise ConfigError(f"inputs: expected numbers, got dtype {x.dtype}")
    shape = x.shape
    if x.ndim == 3 and batch_first:
        x = np.swapaxes(x, 0, 1)
    if x.ndim == 2:
        x = x[:, None, :]
    if x.ndim != 3 or x.shape[2] != input_size or min(x.shape) < 1:
        order = "(batch, T, input)" if batch_first else "(T, batch, input)"
        raise ConfigError(f"inputs: expected shape (T, {input_size}) or {order} with input = "
                          f"{input_size}, got {shape}")
    x = x.astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise ConfigError("inputs contain NaN or infinite values")
    return x


def analyze(network=None, inputs=None, *, anchor: int = 0, map: bool = False,  # noqa: A002
            tol: float | None = None, **config):
    """Analyse one network as ``rnnviz analyze`` does and return an
    :class:`~rnnviz.commands.analyze.AnalysisResult` (attributes = the keys of ``--json``).

    network: a weights file (any format of ``--weights``), a dict of PyTorch-named arrays, a torch
        ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (its ``mode``, ``nonlinearity`` and ``batch_first`` are
        read), or None for a network initialised from ``config``.
    inputs: array or tensor ``(T, input)`` or ``(T, batch, input)`` (``(batch, T, input)`` for a
        ``batch_first`` torch module); None for seeded N(0, 1) inputs of ``seq_len`` steps.
    anchor: t0 of the Jacobian products. map: also compute the (t, k) map (``result.map``).
    tol: None for exact spectral norms (an SVD of every product), else the Lanczos tolerance.
    config: any field of :class:`rnnviz.core.analysis.ExperimentConfig` (``seq_len``, ``batch``,
        ``seed``, ``radius`` (rescales loaded weights too), ``truncate``, ``dtype``, ``cell``,
        ``hidden_size`` ...); fields fixed by the network must agree with it.

    Raises ConfigError (one line) for anything invalid, before any work.
    """
    from rnnviz.commands.analyze import DEFAULTS, AnalyzeRequest, analyze_request, check_tol
    from rnnviz.core.analysis import ExperimentConfig
    from rnnviz.core.params import rescale_spectral_radius, validate_params

    known = {f.name for f in fields(ExperimentConfig)}
    unknown = sorted(set(config) - known)
    if unknown:
        raise ConfigError(f"unknown analyze option(s) {', '.join(unknown)}; expected fields of "
                          "ExperimentConfig such as seq_len, batch, seed, radius, hidden_size")
    config = dict(config)
    tol = check_tol(tol, "tol")
    params, net, source, batch_first = _network(network, config)
    radius = config.pop("radius", None)
    if net is not None:
        try:
            validate_params(params, net)
        except ConfigError as error:
            raise ConfigError(f"{source} does not fit the network: {error}") from None
        if radius is not None:
            params = rescale_spectral_radius(params, net, float(radius))
        config.update({key: getattr(net, key) for key in NET_KEYS}, leaky_slope=net.leaky_slope)
    x = _inputs(inputs, int(config.get("input_size", DEFAULTS.input_size)), batch_first)
    if x is not None:
        for key, size in (("seq_len", x.shape[0]), ("batch", x.shape[1])):
            if config.get(key) is not None and config[key] != size:
                raise ConfigError(f"{key}={config[key]} does not match the inputs, which have {size}")
            config[key] = int(size)
    try:
        experiment = replace(DEFAULTS, **config, radius=radius, anchor=int(anchor)).validate()
    except TypeError as error:
        raise ConfigError(f"analyze: {error}") from None
    request = AnalyzeRequest(config=experiment, params=params, inputs=x, weights_file=source,
                             inputs_file=None if x is None else "array", tol=tol)
    return analyze_request(request, with_map=bool(map))


def show(result_or_network=None, inputs=None, *, block: bool | None = None, **config):
    """Open the explorer on an :class:`AnalysisResult` or on anything :func:`analyze` takes.

    ``block`` None: from a script it runs Qt's event loop until the window is closed; in a notebook
    started with ``%gui qt`` (or a program whose Qt event loop already runs) it returns the window
    at once. True/False force either. Returns the open window, or None once a blocking run ended.
    """
    from rnnviz.commands.analyze import AnalysisResult

    if isinstance(result_or_network, AnalysisResult):
        result = result_or_network
    else:
        result = analyze(result_or_network, inputs, **config)
    from rnnviz.app.launch import show_result

    return show_result(result, block=block)
