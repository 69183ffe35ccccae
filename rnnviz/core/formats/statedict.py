"""The network a PyTorch-style state dict describes: names and shapes -> :class:`NetConfig`."""
from __future__ import annotations

import re

import numpy as np

from ..config import ConfigError, NetConfig
from ..params import suffix, validate_params

_RECURRENT = re.compile(r"^(?P<prefix>.*?)(?P<kind>weight|bias)_(?P<part>ih|hh)_l(?P<layer>\d+)"
                        r"(?P<rev>_reverse)?$")
_PEEPHOLE = re.compile(r"^(?P<prefix>.*?)weight_c[ifo]_l\d+(_reverse)?$")

#: Cells a PyTorch module of G gate blocks can be; the first is what torch.nn itself has.
CELLS_BY_GATES = {1: ("rnn",), 3: ("gru", "gru-cho", "lstm-cifg"), 4: ("lstm", "lstm-peephole")}


def _shape_text(shapes: dict) -> str:
    shown = [f"{name} {tuple(shape)}" for name, shape in list(shapes.items())[:6]]
    more = len(shapes) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def recurrent_part(arrays: dict[str, np.ndarray], where: str) -> tuple[dict[str, np.ndarray], list[str]]:
    """The recurrent module's tensors with its name prefix removed (``rnn.weight_ih_l0`` ->
    ``weight_ih_l0``), and the names of the other tensors (a readout, an embedding ...), left out."""
    prefixes = set()
    for name in arrays:
        match = _RECURRENT.match(name) or _PEEPHOLE.match(name)
        if match:
            prefixes.add(match.group("prefix"))
    if not prefixes:
        raise ConfigError(
            "{where} does not describe a recurrent network: found {value2}; expected weight_ih_l0, weight_hh_l0 (and biases) of a torch.nn.RNN, LSTM or GRU", where=where, value2=_shape_text({k: np.shape(v) for k, v in arrays.items()}) or 'no tensors')
    if len(prefixes) > 1:
        raise ConfigError("{where} holds several recurrent modules ({choices}); expected one", where=where, choices=', '.join(sorted(p.rstrip('.') or '(top)' for p in prefixes)))
    (prefix,) = prefixes
    part, other = {}, []
    for name, value in arrays.items():
        bare = name[len(prefix):] if name.startswith(prefix) else None
        if bare is not None and (_RECURRENT.match(bare) or _PEEPHOLE.match(bare)):
            part[bare] = value
        else:
            other.append(name)
    projections = [name for name in other if name.startswith(prefix + "weight_hr_l")]
    if projections:
        raise ConfigError("{where}: found {projections_item}, an LSTM with proj_size; expected an LSTM without projections", where=where, projections_item=projections[0])
    return part, other


def infer_net(params: dict[str, np.ndarray], where: str, *, cell: str | None = None,
              activation: str = "tanh", leaky_slope: float = 0.01) -> tuple[dict[str, np.ndarray], NetConfig]:
    """The NetConfig of PyTorch-named recurrent weights (biases filled with zeros when the module had
    ``bias=False``), validated. ``cell`` chooses among the cells of the same gate count (a torch
    nn.GRU's weights also fit ``gru-cho``); default: torch.nn's own cell, or ``lstm-peephole`` when
    the file has peepholes."""
    if "weight_hh_l0" not in params or np.ndim(params["weight_hh_l0"]) != 2:
        found = _shape_text({k: np.shape(v) for k, v in params.items()})
        raise ConfigError("{where}: expected weight_hh_l0 of shape (gates*hidden, hidden), found {found}", where=where, found=found)
    w_hh = params["weight_hh_l0"]
    gh, H = w_hh.shape
    if H < 1 or gh % H or gh // H not in CELLS_BY_GATES:
        raise ConfigError("{where}: weight_hh_l0 has shape {value2}; expected (G*H, H) with G = 1 (RNN), 3 (GRU) or 4 (LSTM) gate blocks", where=where, value2=tuple(w_hh.shape))
    gates = gh // H
    names = [k for k in params if k.startswith("weight_ih_l")]
    layers = 1 + max(int(_RECURRENT.match(k).group("layer")) for k in names) if names else 1
    bidirectional = "weight_hh_l0_reverse" in params
    w_ih = params.get("weight_ih_l0")
    if w_ih is None or np.ndim(w_ih) != 2:
        raise ConfigError("{where}: expected weight_ih_l0 of shape ({gh}, input), found {value4}", where=where, gh=gh, value4='none' if w_ih is None else tuple(np.shape(w_ih)))
    peephole = any(k.startswith("weight_c") for k in params)
    choices = CELLS_BY_GATES[gates]
    if cell is None:
        cell = "lstm-peephole" if peephole and gates == 4 else choices[0]
    elif cell not in choices:
        raise ConfigError("{where} has {gates} gate block(s) per layer ({value4}), not a {cell} network", where=where, gates=gates, value4=', '.join(choices), cell=cell)
    net = NetConfig(cell=cell, activation=activation, input_size=int(w_ih.shape[1]), hidden_size=int(H),
                    num_layers=layers, bidirectional=bidirectional, leaky_slope=leaky_slope).validate()
    params = dict(params)
    if not any(k.startswith("bias_") for k in params):  # bias=False
        for layer in range(layers):
            for d in range(net.num_directions):
                for part in ("ih", "hh"):
                    params[f"bias_{part}" + suffix(layer, d)] = np.zeros(gh, dtype=w_hh.dtype)
    try:
        validate_params(params, net)
    except ConfigError as error:
        raise ConfigError("{where} does not describe a {value2} network: {error}", where=where, value2=describe(net), error=error) from None
    return params, net


def describe(net: NetConfig) -> str:
    return (f"{net.cell}, hidden {net.hidden_size}, input {net.input_size}, "
            f"{net.num_layers} layer{'s' if net.num_layers > 1 else ''}"
            f"{', bidirectional' if net.bidirectional else ''}")
