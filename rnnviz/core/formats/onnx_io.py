"""ONNX model files whose recurrent layers are ``RNN``, ``LSTM`` or ``GRU`` operators.

Each operator is one layer (both directions when ``direction="bidirectional"``); stacked layers are
several operators in graph order. W ``(D, G·H, in)``, R ``(D, G·H, H)``, B ``(D, 2·G·H)`` and the LSTM
peepholes P ``(D, 3·H)`` must be initializers (or constants). ONNX orders the gates i, o, f, c (LSTM) and
z, r, h (GRU); PyTorch, and rnnviz, i, f, g, o and r, z, n. P is ordered i, o, f.

Cells: LSTM with P -> ``lstm-peephole``; ``input_forget=1`` -> ``lstm-cifg`` (the f block of W, R, B is
unused, as ONNX specifies); GRU ``linear_before_reset=1`` -> ``gru`` (PyTorch's), ``=0`` -> ``gru-cho``.
``layout=1`` (batch first) is read as ``layout=0``: it orders the axes of the graph's inputs and outputs, not
the weights. ``direction="reverse"`` and ``clip`` are refused: the engine has no reverse-only layers and no
clipped cells.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..config import ConfigError, NetConfig
from ..params import suffix, validate_params

RECURRENT_OPS = ("RNN", "LSTM", "GRU")
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}
# ONNX activation name -> rnnviz activation (for the candidate / cell output, or the Elman cell).
ACTIVATIONS = {"Tanh": "tanh", "Sigmoid": "sigmoid", "Relu": "relu", "LeakyRelu": "leaky-relu"}
DEFAULT_ACTIVATIONS = {"RNN": ["Tanh"], "LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"]}


def _onnx():
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        raise ConfigError("reading ONNX files needs the onnx package: pip install 'rnnviz[formats]' "
                          "(or pip install onnx)") from None
    return onnx, numpy_helper


def _reorder(block: np.ndarray, order: list[int], H: int) -> np.ndarray:
    """Gate blocks of rows of ``block`` (G·H, ...) in the given order of ONNX block indices."""
    return np.concatenate([block[i * H:(i + 1) * H] for i in order])


def _constants(graph, numpy_helper) -> dict[str, np.ndarray]:
    values = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.output:
            for attr in node.attribute:
                if attr.name == "value":
                    values[node.output[0]] = numpy_helper.to_array(attr.t)
    return values


def _attrs(node, onnx) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _layer(node, values, onnx, where: str, index: int):
    """(cell, activation, leaky slope, H, D, {name: array} of this layer in PyTorch's form)."""
    op = node.op_type
    a = _attrs(node, onnx)
    what = f"{where}: {op} operator {node.name or index}"
    H = a.get("hidden_size")
    direction = _text(a.get("direction", b"forward"))
    if direction == "reverse":
        # The engine's directions are forward, and forward + reverse; a reverse-only network equals
        # the forward one on time-reversed inputs, but then its steps t are not the file's.
        raise ConfigError("{what} has direction 'reverse'; expected forward or bidirectional (rnnviz has no reverse-only layers: export the layer as forward and feed it x[::-1])", what=what)
    if direction not in ("forward", "bidirectional"):
        raise ConfigError("{what} has direction {direction!r}; expected forward or bidirectional", what=what, direction=direction)
    D = 2 if direction == "bidirectional" else 1
    if "clip" in a:
        raise ConfigError("{what} clips its gate pre-activations to ±{a_item:g}; rnnviz has no clipped cells (export without clip)", what=what, a_item=a['clip'])
    # layout=1 (batch first) changes only the axes of X, Y and the initial states, not the weights:
    # the inputs a user gives are (T, batch, input) here whatever the file's layout.
    if int(a.get("layout", 0)) not in (0, 1):
        raise ConfigError("{what} has layout={a_item}; expected 0 or 1", what=what, a_item=a['layout'])
    activations = [_text(s) for s in a.get("activations", [])] or DEFAULT_ACTIVATIONS[op] * D
    alphas = list(a.get("activation_alpha", []))
    per_dir = len(DEFAULT_ACTIVATIONS[op])
    if len(activations) != per_dir * D:
        raise ConfigError("{what} lists {n_activations} activations; expected {value4}", what=what, n_activations=len(activations), value4=per_dir * D)
    own = activations[:per_dir]
    gate, candidate = own[:-1] if op != "LSTM" else own[:1], own[-1:] if op != "LSTM" else own[1:]
    supported = ("supported: Sigmoid gates and one of Tanh, Sigmoid, Relu, LeakyRelu"
                 + (" for the candidate and the cell output" if op == "LSTM" else ""))
    if (any(g != "Sigmoid" for g in gate) or len(set(candidate)) != 1
            or candidate[0] not in ACTIVATIONS or activations[per_dir:] not in ([], own)):
        raise ConfigError("{what} has activations {activations}; {supported}", what=what, activations=activations, supported=supported)
    activation = ACTIVATIONS[candidate[0]]
    slope = 0.01
    if activation == "leaky-relu":
        if not alphas:
            slope = 0.01
        elif len(alphas) == 1:
            slope = float(alphas[0])
        else:
            slope = float(alphas[per_dir - 1])
    inputs = list(node.input) + [""] * 8

    def weight(position: int, name: str, required: bool = True):
        key = inputs[position]
        if not key:
            if required:
                raise ConfigError("{what} has no {name} input", what=what, name=name)
            return None
        if key not in values:
            raise ConfigError("{what}: its {name} input {key!r} is computed in the graph; expected an initializer (export with constant weights)", what=what, name=name, key=key)
        return np.asarray(values[key])

    W, R = weight(1, "W"), weight(2, "R")
    B = weight(3, "B", required=False)
    G = GATES[op]
    if W.ndim != 3 or R.ndim != 3 or W.shape[0] != D or R.shape[0] != D:
        raise ConfigError("{what}: W has shape {shape} and R {shape2}; expected ({D}, {G}*H, input) and ({D}, {G}*H, H)", what=what, shape=W.shape, shape2=R.shape, D=D, G=G)
    H = int(H) if H is not None else int(R.shape[2])
    if W.shape[1] != G * H or R.shape[1:] != (G * H, H):
        raise ConfigError("{what}: W has shape {shape} and R {shape2}; expected ({D}, {value8}, input) and ({D}, {value8}, {H}) for hidden_size {H}", what=what, shape=W.shape, shape2=R.shape, D=D, value8=G * H, H=H)
    if B is None:
        B = np.zeros((D, 2 * G * H), dtype=W.dtype)
    if B.shape != (D, 2 * G * H):
        raise ConfigError("{what}: B has shape {shape}; expected ({D}, {value6})", what=what, shape=B.shape, D=D, value6=2 * G * H)
    for position, name in ((5, "initial_h"), (6, "initial_c")):
        if inputs[position] and inputs[position] in values and np.any(values[inputs[position]]):
            raise ConfigError("{what} starts from a nonzero {name}; rnnviz starts every sequence at zero", what=what, name=name)
    cell, order = "rnn", [0]
    P = None
    if op == "LSTM":
        P = weight(7, "P", required=False)
        cifg = int(a.get("input_forget", 0)) == 1
        if cifg and P is not None and np.any(P):
            raise ConfigError("{what} couples the input and forget gates and has peepholes; rnnviz has one or the other", what=what)
        if cifg:
            cell, order = "lstm-cifg", [0, 3, 1]          # i, c, o -> i, g, o
        elif P is not None:
            cell, order = "lstm-peephole", [0, 2, 3, 1]   # iofc -> ifgo
            if P.shape != (D, 3 * H):
                raise ConfigError("{what}: P has shape {shape}; expected ({D}, {value6})", what=what, shape=P.shape, D=D, value6=3 * H)
        else:
            cell, order = "lstm", [0, 2, 3, 1]
    elif op == "GRU":
        cell = "gru" if int(a.get("linear_before_reset", 0)) == 1 else "gru-cho"
        order = [1, 0, 2]                                  # zrh -> rzn
    params = {}
    for d in range(D):
        s = suffix(0, d)
        params["weight_ih" + s] = _reorder(W[d], order, H)
        params["weight_hh" + s] = _reorder(R[d], order, H)
        params["bias_ih" + s] = _reorder(B[d, :G * H], order, H)
        params["bias_hh" + s] = _reorder(B[d, G * H:], order, H)
        if cell == "lstm-peephole":
            p_i, p_o, p_f = P[d, :H], P[d, H:2 * H], P[d, 2 * H:]
            params["weight_ci" + s], params["weight_cf" + s], params["weight_co" + s] = p_i, p_f, p_o
    return cell, activation, slope, H, D, int(W.shape[2]), params


def read_onnx(path: str | Path) -> tuple[dict[str, np.ndarray], NetConfig]:
    """PyTorch-named weights and the network of an ONNX model's RNN/LSTM/GRU operators."""
    path = Path(path)
    onnx, numpy_helper = _onnx()
    try:
        model = onnx.load(str(path))
    except Exception as error:  # protobuf's DecodeError and friends: the file is not an ONNX model
        first = (str(error).splitlines() or [type(error).__name__])[0][:120]
        raise ConfigError("{path}: not a readable ONNX model ({first})", path=path, first=first) from None
    graph = model.graph
    nodes = [n for n in graph.node if n.op_type in RECURRENT_OPS]
    if not nodes:
        found = sorted({n.op_type for n in graph.node})
        raise ConfigError("{path}: found no recurrent operator (operators: {choices}); expected ONNX RNN, LSTM or GRU operators", path=path, choices=', '.join(found[:12]) or 'none')
    values = _constants(graph, numpy_helper)
    layers = [_layer(n, values, onnx, str(path), i) for i, n in enumerate(nodes)]
    first = layers[0]
    for index, layer in enumerate(layers[1:], start=1):
        if layer[:5] != first[:5]:
            raise ConfigError("{path}: layer {index} ({layer_item}, {layer_item2}, hidden {layer_item3}, {layer_item4} direction(s)) differs from layer 0 ({first_item}, {first_item2}, hidden {first_item3}, {first_item4} direction(s)); rnnviz stacks equal layers", path=path, index=index, layer_item=layer[0], layer_item2=layer[1], layer_item3=layer[3], layer_item4=layer[4], first_item=first[0], first_item2=first[1], first_item3=first[3], first_item4=first[4])
    cell, activation, slope, H, D, input_size, _ = first
    net = NetConfig(cell=cell, activation=activation, input_size=input_size, hidden_size=H,
                    num_layers=len(layers), bidirectional=D == 2, leaky_slope=slope).validate()
    params = {}
    for index, layer in enumerate(layers):
        expected_in = input_size if index == 0 else H * D
        if layer[5] != expected_in:
            raise ConfigError("{path}: layer {index} takes {layer_item} inputs; stacked on the layer before it expects {expected_in}", path=path, index=index, layer_item=layer[5], expected_in=expected_in)
        for name, value in layer[6].items():
            params[name.replace("_l0", f"_l{index}")] = value
    validate_params(params, net)
    return params, net
