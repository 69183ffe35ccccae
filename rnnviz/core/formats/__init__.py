"""Weights files from elsewhere: ``.npz``, safetensors, PyTorch ``.pt``/``.pth``, ONNX.

:func:`read_network` returns weights in PyTorch's state-dict names (see :mod:`rnnviz.core.params`)
with the network they describe. The format is recognised from the file's first bytes (a zip holding
``<name>/data.pkl`` is torch.save's, any other zip an ``.npz``; safetensors starts with its header
length and ``{``), ONNX from the ``.onnx`` extension. Nothing is ever unpickled.

A state dict (``.pt``, safetensors, an ``.npz`` without a stored config) does not say everything: the
Elman activation (torch's ``nonlinearity``) defaults to tanh, and three gate blocks are read as
torch's ``gru`` unless ``cell`` says ``gru-cho`` or ``lstm-cifg``. An ``.npz`` written by rnnviz and an
ONNX model describe the whole network.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..config import ConfigError, NetConfig
from rnnviz.errors import Message
from .statedict import describe, infer_net, recurrent_part

FORMATS = ("npz", "pt", "safetensors", "onnx")
EXTENSIONS = ".npz, .pt/.pth, .safetensors or .onnx"


@dataclass
class LoadedNetwork:
    """Weights (PyTorch names, float64 or float32 arrays) and the network they describe.

    ``complete``: the file fixes every field of ``net`` (rnnviz's ``.npz``, ONNX); otherwise the
    activation and the choice among cells of equal gate count came from the defaults or the caller.
    ``ignored``: names of tensors that are not part of the recurrent module (a readout, an embedding).
    """

    params: dict[str, np.ndarray]
    net: NetConfig
    format: str
    complete: bool
    ignored: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.format}: {describe(self.net)}, activation {self.net.activation}"
        if self.ignored:
            text += f"; ignored {len(self.ignored)} other tensor(s): {', '.join(self.ignored[:4])}"
        return text


def sniff(path: Path) -> str:
    """The format of ``path`` from its content (ONNX: from the extension)."""
    from rnnviz.errors import InputFileError

    if not path.exists():
        raise InputFileError("weights file not found: {path}", path=path)
    if not path.is_file():
        raise InputFileError("weights file {path} is not a regular file", path=path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(9)
    except OSError as error:
        raise InputFileError("cannot read weights file {path}: {value3}", path=path, value3=error.strerror or error) from None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        from .torchzip import is_torch_zip

        return "pt" if is_torch_zip(path) or path.suffix.lower() in (".pt", ".pth") else "npz"
    if len(head) == 9 and head[8:9] == b"{" and struct.unpack("<Q", head[:8])[0] < path.stat().st_size:
        return "safetensors"
    suffix = path.suffix.lower()
    if suffix == ".onnx":
        return "onnx"
    if suffix in (".pt", ".pth"):
        raise InputFileError("weights file {path} is not a zip archive: not a PyTorch state dict as torch.save writes it (truncated, or the legacy pre-1.6 format)", path=path)
    if suffix == ".npz":
        return "npz"  # read_npz says what is wrong with it
    if suffix == ".safetensors":
        raise InputFileError("weights file {path} is not a valid {suffix} file", path=path, suffix=suffix)
    raise InputFileError("weights file {path}: unknown format; expected {EXTENSIONS}", path=path, EXTENSIONS=EXTENSIONS)


def _holds_bfloat16(path: Path) -> bool:
    """Whether a safetensors file's JSON header names a BF16 tensor (a file that is no safetensors
    file says False here; the reader then says what is wrong)."""
    import json

    try:
        with open(path, "rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            if length > 100 << 20:
                return False
            header = json.loads(handle.read(length))
    except (OSError, struct.error, ValueError):
        return False
    return isinstance(header, dict) and any(isinstance(entry, dict) and entry.get("dtype") == "BF16"
                                            for entry in header.values())


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    try:
        from safetensors import safe_open
    except ImportError:
        raise ConfigError("reading safetensors files needs the safetensors package: "
                          "pip install 'rnnviz[formats]' (or pip install safetensors)") from None
    if _holds_bfloat16(path):
        # ml_dtypes registers bfloat16 with NumPy, where installed (onnx depends on it); imported
        # only then: its import holds the interpreter lock for ~1-3 s, which would stall the window
        try:
            import ml_dtypes  # noqa: F401
        except ImportError:
            pass
    try:
        # one tensor at a time: the reader holds the interpreter lock while it copies a tensor, so
        # the window waits at most for the largest one, not for the whole file
        with safe_open(str(path), framework="np") as handle:
            arrays = {name: handle.get_tensor(name) for name in handle.keys()}
    except Exception as error:  # SafetensorError, or a dtype NumPy lacks (bfloat16)
        first = (str(error).splitlines() or [type(error).__name__])[0][:120]
        if "bfloat16" in first:
            raise ConfigError("{path} holds bfloat16 tensors, which NumPy reads only with the ml_dtypes package: pip install ml_dtypes (or save them as float32)", path=path) from None
        raise ConfigError("{path}: not a readable safetensors file ({first})", path=path, first=first) from None
    # float16, and bfloat16 where NumPy has it (the ml_dtypes package), become float32
    return {name: (a.astype(np.float32) if a.dtype.name in ("float16", "bfloat16") else a)
            for name, a in arrays.items()}


def _check_floats(arrays: dict[str, np.ndarray], where: str) -> None:
    for name, value in arrays.items():
        if not np.issubdtype(value.dtype, np.floating):
            raise ConfigError("{where}: {name} holds {dtype} values, expected floating point", where=where, name=name, dtype=value.dtype)


def read_network(path, *, cell: str | None = None, activation: str | None = None,
                 leaky_slope: float = 0.01) -> LoadedNetwork:
    """Read any supported weights file; ConfigError (one line) for anything that is not a supported
    network, saying what was found and what was expected."""
    path = Path(path)
    kind = sniff(path)
    where = f"weights file {path}"
    if kind == "onnx":
        from .onnx_io import read_onnx

        params, net = read_onnx(path)
        return LoadedNetwork(params, net, "onnx", complete=True)
    if kind == "npz":
        from rnnviz.io_utils import read_npz

        arrays = read_npz(path, Message("weights"))
        if "__config__" in arrays:
            from ..params import load_npz

            params, net = load_npz(path)
            return LoadedNetwork(params, net, "npz", complete=True)
    elif kind == "pt":
        from .torchzip import read_state_dict

        arrays = read_state_dict(path)
    else:
        arrays = _read_safetensors(path)
    params, ignored = recurrent_part(arrays, where)
    _check_floats(params, where)
    params, net = infer_net(params, where, cell=cell, activation=activation or "tanh",
                            leaky_slope=leaky_slope)
    return LoadedNetwork(params, net, kind, complete=False, ignored=ignored)
