"""Network configuration: which cell, how big, how deep.

A :class:`NetConfig` is a frozen dataclass so it can be stored beside every artefact (weights files,
exports, checkpoints) and compared for equality.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from rnnviz.errors import ConfigError, Message  # ConfigError re-exported: the root of rnnviz.errors' family

CELLS = ("rnn", "lstm", "lstm-peephole", "lstm-cifg", "gru", "gru-cho")
ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear", "leaky-relu")
INITS = ("gaussian", "uniform", "orthogonal", "identity", "pytorch")

#: Gate names per cell in PyTorch's row order of ``weight_ih`` / ``weight_hh``.
CELL_GATES = {
    "rnn": ("h",),
    "lstm": ("i", "f", "g", "o"),
    "lstm-peephole": ("i", "f", "g", "o"),
    "lstm-cifg": ("i", "g", "o"),
    "gru": ("r", "z", "n"),
    "gru-cho": ("r", "z", "n"),
}
LSTM_CELLS = ("lstm", "lstm-peephole", "lstm-cifg")
GRU_CELLS = ("gru", "gru-cho")



def config_from_dict(cls, data, what: str):
    """``cls(**data).validate()`` for a frozen config dataclass read from JSON; ConfigError if the
    object is not a dict, has keys ``cls`` does not know, or values it rejects (``what`` names it)."""
    if not isinstance(data, dict):
        raise ConfigError("{what} must be a JSON object", what=what)
    unknown = sorted(set(data) - {f.name for f in fields(cls)})
    if unknown:
        raise ConfigError("unknown {what} key(s): {choices}", what=what, choices=', '.join(unknown))
    try:
        return cls(**data).validate()
    except TypeError as exc:
        raise ConfigError("invalid {what}: {exc}", what=what, exc=exc) from None


def check_int(name: str, value, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError("{name} must be an integer, got {value!r}", name=name, value=value)
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ConfigError("{name} must be {bound}, got {value}", name=name, bound=bound, value=value)


def check_float(name: str, value, low: float | None = None, high: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError("{name} must be a number, got {value!r}", name=name, value=value)
    if not math.isfinite(value):
        raise ConfigError("{name} must be a finite number, got {value}", name=name, value=value)
    if low is not None and value < low:
        raise ConfigError("{name} must be >= {low}, got {value}", name=name, low=low, value=value)
    if high is not None and value > high:
        raise ConfigError("{name} must be <= {high}, got {value}", name=name, high=high, value=value)


@dataclass(frozen=True)
class NetConfig:
    """Architecture of a (possibly stacked, bidirectional) recurrent network.

    Names follow ``torch.nn.RNN/LSTM/GRU``: ``input_size``, ``hidden_size``, ``num_layers``,
    ``bidirectional``; ``activation`` generalises ``nonlinearity`` (for gated cells it replaces tanh
    in the candidate and the cell output; gates stay sigmoid).
    """

    cell: str = "lstm"
    activation: str = "tanh"
    input_size: int = 8
    hidden_size: int = 64
    num_layers: int = 1
    bidirectional: bool = False
    leaky_slope: float = 0.01

    def validate(self) -> "NetConfig":
        if self.cell not in CELLS:
            raise ConfigError("unknown cell {cell!r}; choose one of {choices}", cell=self.cell, choices=', '.join(CELLS))
        if self.activation not in ACTIVATIONS:
            raise ConfigError(
                "unknown activation {activation!r}; choose one of {choices}", activation=self.activation, choices=', '.join(ACTIVATIONS))
        check_int("input_size", self.input_size, 1, 1_000_000)
        check_int("hidden_size", self.hidden_size, 1, 100_000)
        check_int("num_layers", self.num_layers, 1, 64)
        if not isinstance(self.bidirectional, bool):
            raise ConfigError("bidirectional must be true or false, got {bidirectional!r}", bidirectional=self.bidirectional)
        check_float("leaky_slope", self.leaky_slope, 0.0, 1.0)
        return self

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def gate_names(self) -> tuple[str, ...]:
        return CELL_GATES[self.cell]

    @property
    def num_gates(self) -> int:
        return len(CELL_GATES[self.cell])

    @property
    def state_names(self) -> tuple[str, ...]:
        return ("h", "c") if self.cell in LSTM_CELLS else ("h",)

    @property
    def is_lstm(self) -> bool:
        return self.cell in LSTM_CELLS

    @property
    def is_gru(self) -> bool:
        return self.cell in GRU_CELLS

    @property
    def layer_state_size(self) -> int:
        """Size of one layer's recurrent state s (h, or [h; c] for LSTM variants)."""
        return self.hidden_size * len(self.state_names)

    @property
    def state_size(self) -> int:
        """Size of the analysed state of one direction: all layers stacked."""
        return self.layer_state_size * self.num_layers

    @property
    def output_size(self) -> int:
        """Width of the top layer's output h_t (directions concatenated)."""
        return self.hidden_size * self.num_directions

    def layer_input_size(self, layer: int) -> int:
        return self.input_size if layer == 0 else self.hidden_size * self.num_directions

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "NetConfig":
        return config_from_dict(cls, data, Message("network config"))
