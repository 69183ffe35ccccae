"""Forward pass over a sequence for stacked and bidirectional networks.

Time convention: h_0 is the initial state; inputs x_1 … x_T give h_1 … h_T. Arrays are time-major and
per-step arrays are indexed by forward time: index t−1 holds step t, for both directions (the reverse
direction processes t = T … 1 and its initial state sits "after" step T).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import fused
from .cells import Activation, LayerWeights, make_cell
from .config import ConfigError, NetConfig
from .params import suffix, validate_params


@dataclass
class LayerTrace:
    """Everything one layer and direction computed; plain arrays, indexed by forward time.

    ``inputs: (T, B, In)``; ``outputs[name]: (T, B, H)`` the state after step t; ``initial[name]: (B, H)``;
    ``cache[key]: (T, B, …)`` per-step gate values and pre-activations (see cells.py).
    """

    layer: int
    direction: int
    inputs: np.ndarray
    outputs: dict
    initial: dict
    cache: dict
    weights: LayerWeights

    @property
    def reverse(self) -> bool:
        return self.direction == 1

    def step_cache(self, t_index: int) -> dict:
        return {k: v[t_index] for k, v in self.cache.items()}


@dataclass
class Trace:
    """Result of :func:`forward`. ``layers[l][d]`` is a :class:`LayerTrace`; ``output: (T, B, H·D)``."""

    net: NetConfig
    x: np.ndarray
    aux: np.ndarray | None
    layers: list
    output: np.ndarray
    activation: Activation = field(repr=False, default=None)
    #: True when the fused loops made this trace (see :func:`uses_fused_loops`); backward follows.
    fused_loops: bool = False

    @property
    def seq_len(self) -> int:
        return self.x.shape[0]

    @property
    def batch(self) -> int:
        return self.x.shape[1]

    def gates(self, layer: int = 0, direction: int = 0) -> dict[str, np.ndarray]:
        """Gate activations of one layer, name → (T, B, H) (empty for the Elman RNN)."""
        cell = make_cell(self.net.cell)
        return cell.gate_values(self.layers[layer][direction].cache)

    def states(self, layer: int = 0, direction: int = 0) -> dict[str, np.ndarray]:
        """State name → (T+1, B, H) in forward time with index 0 = h_0 (forward direction only)."""
        lt = self.layers[layer][direction]
        if lt.reverse:
            return {k: np.concatenate([v, lt.initial[k][None]]) for k, v in lt.outputs.items()}
        return {k: np.concatenate([lt.initial[k][None], v]) for k, v in lt.outputs.items()}

    @property
    def final_state(self) -> dict[str, np.ndarray]:
        """State name → (L·D, B, H) like PyTorch's h_n (c_n): the last state each direction reached."""
        out = {}
        for name in self.net.state_names:
            rows = []
            for per_dir in self.layers:
                for lt in per_dir:
                    rows.append(lt.outputs[name][0 if lt.reverse else -1])
            out[name] = np.stack(rows)
        return out


def layer_weights(params: dict, net: NetConfig, layer: int, direction: int) -> LayerWeights:
    s = suffix(layer, direction)
    peep = {}
    if net.cell == "lstm-peephole":
        peep = dict(peep_i=params["weight_ci" + s], peep_f=params["weight_cf" + s],
                    peep_o=params["weight_co" + s])
    return LayerWeights(params["weight_ih" + s], params["weight_hh" + s], params["bias_hh" + s], **peep)


def check_inputs(net: NetConfig, x: np.ndarray, h0: dict | None, aux: np.ndarray | None,
                 params: dict) -> None:
    if x.ndim != 3 or x.shape[2] != net.input_size:
        raise ConfigError("inputs: expected shape (T, batch, {input_size}), got {shape}", input_size=net.input_size, shape=x.shape)
    if x.shape[0] < 1 or x.shape[1] < 1:
        raise ConfigError("inputs: need at least one step and one sequence, got shape {shape}", shape=x.shape)
    if not np.all(np.isfinite(x)):
        raise ConfigError("inputs contain NaN or infinite values")
    T, B = x.shape[:2]
    LD = net.num_layers * net.num_directions
    for name in net.state_names:
        if h0 is not None and name in h0:
            shape = np.shape(h0[name])
            if shape != (LD, B, net.hidden_size):
                raise ConfigError(
                    "initial state {name}: expected shape {value3}, got {shape}", name=name, value3=(LD, B, net.hidden_size), shape=shape)
    if aux is not None:
        if "weight_aux_l0" not in params:
            raise ConfigError("auxiliary input given but the parameters have no weight_aux_l0")
        A = params["weight_aux_l0"].shape[1]
        if np.shape(aux) != (T, B, A):
            raise ConfigError("auxiliary input: expected shape {value1}, got {value3}", value1=(T, B, A), value3=np.shape(aux))


def uses_fused_loops(net: NetConfig, fused_loops: bool = True) -> bool:
    """The one choice of implementation for a network: the fused whole-sequence loops
    (:mod:`.fused`) when ``fused_loops`` asks for them and they handle the cell and activation,
    else the step loop (``cell.step`` / ``cell.step_backward``, their readable twin).  The choice
    fixes the input-projection bias convention (:func:`projection_bias`) and is recorded in the
    trace, whose backward pass follows it."""
    return fused_loops and fused.supports(net.cell, net.activation)


def projection_bias(params: dict, net: NetConfig, layer: int, direction: int = 0,
                    fused_loops: bool = True) -> np.ndarray:
    """The bias :func:`forward` (with the same ``fused_loops``) adds to ``x W_ih^T``: ``b_ih``,
    plus the part of ``b_hh`` the fused loops fold into it."""
    s = suffix(layer, direction)
    if uses_fused_loops(net, fused_loops):
        return fused.input_bias(net.cell, params["bias_ih" + s], params["bias_hh" + s])
    return params["bias_ih" + s]


def _project(inputs: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``inputs (T, B, In) @ weight^T`` as one GEMM over all T·B rows."""
    T, B, In = inputs.shape
    return (inputs.reshape(T * B, In) @ weight.T).reshape(T, B, weight.shape[0])


def forward(params: dict, net: NetConfig, x: np.ndarray, h0: dict | None = None,
            aux: np.ndarray | None = None, *, validate: bool = True,
            input_projection: np.ndarray | None = None,
            workspace: fused.Workspace | None = None, fused_loops: bool = True) -> Trace:
    """Run the network over ``x: (T, B, input_size)``.

    ``h0``: optional dict ``{"h": (L·D, B, H), "c": …}`` ordered like PyTorch (layer-major, direction
    minor); missing means zeros. ``aux: (T, B, A)`` adds ``W_aux a_t`` to layer 0's pre-activations.
    ``input_projection``: layer 0's ``x W_ih^T + projection_bias(...)`` computed by the caller
    (one direction only; it is overwritten); ``x`` is then only recorded in the trace.
    ``workspace``: the fused loops take their arrays from it (see :class:`fused.Workspace`).
    ``fused_loops``: False runs the step loop even where the fused loops apply (see
    :func:`uses_fused_loops`; the trace records the choice).
    """
    if validate:
        net.validate()
        validate_params(params, net)
    x = np.asarray(x)
    check_inputs(net, x, h0, aux, params)
    if input_projection is not None and net.num_directions != 1:
        raise ConfigError("a precomputed input projection needs a one-directional network")
    dtype = params["weight_hh_l0"].dtype
    x = x.astype(dtype, copy=False)
    T, B = x.shape[:2]
    H = net.hidden_size
    act = Activation(net.activation, net.leaky_slope)
    cell = make_cell(net.cell)
    use_fused = uses_fused_loops(net, fused_loops)
    layers = []
    layer_in = x
    for layer in range(net.num_layers):
        per_dir = []
        for d in range(net.num_directions):
            s = suffix(layer, d)
            w = layer_weights(params, net, layer, d)
            if layer == 0 and input_projection is not None:
                xp = input_projection
            else:
                xp = _project(layer_in, w.w_ih)
                xp += projection_bias(params, net, layer, d, use_fused)
            if layer == 0 and aux is not None:
                xp += _project(aux.astype(dtype, copy=False), params["weight_aux" + s])
            row = layer * net.num_directions + d
            state = tuple(
                np.asarray(h0[name][row], dtype=dtype) if h0 is not None and name in h0
                else np.zeros((B, H), dtype=dtype)
                for name in net.state_names)
            if use_fused:
                outs, initial, cache = fused.forward_layer(net.cell, w, xp, state, d == 1,
                                                           workspace, f"forward{s}.")
            else:
                outs, initial, cache = _step_loop(cell, w, act, xp, state, net.state_names, d == 1)
            per_dir.append(LayerTrace(layer, d, layer_in, outs, initial, cache, w))
        layers.append(per_dir)
        layer_in = (per_dir[0].outputs["h"] if len(per_dir) == 1
                    else np.concatenate([p.outputs["h"] for p in per_dir], axis=-1))
    return Trace(net, x, aux, layers, layer_in, act, fused_loops=use_fused)


def _step_loop(cell, w: LayerWeights, act: Activation, xp: np.ndarray, state: tuple,
               names: tuple, reverse: bool):
    """The generic loop: ``cell.step`` once per time step (any cell, any activation)."""
    T, B = xp.shape[:2]
    H = w.hidden
    initial = dict(zip(names, state))
    outs = {name: np.empty((T, B, H), dtype=xp.dtype) for name in names}
    cache = None
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        state, step_cache = cell.step(w, act, xp[t], state)
        for name, value in zip(names, state):
            outs[name][t] = value
        if cache is None:  # per-step arrays go straight into (T, …) arrays, indexed by time
            cache = {k: np.empty((T,) + v.shape, v.dtype) for k, v in step_cache.items()}
        for k, v in step_cache.items():
            cache[k][t] = v
    return outs, initial, cache
