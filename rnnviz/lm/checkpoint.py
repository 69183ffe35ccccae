"""Training checkpoints: one ``.npz`` (``allow_pickle=False``) written atomically.

Layout of the archive::

    param/<name>      model parameters (embedding.weight, weight_ih_l0, ..., decoder.bias)
    optim/<slot/name> optimiser state arrays, optim/__steps__ its step count
    state/<h|c>       the hidden state carried into the next batch, (L, B, H)
    __meta__          uint8 bytes of a UTF-8 JSON object: format, train config, vocabulary, level,
                      RNG state, data position (epoch, batch, step), elapsed time, losses so far

JSON inside a byte array keeps every string (tokens with any characters, the RNG state's big
integers) exact without pickling.
"""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rnnviz.core.config import ConfigError
from rnnviz.errors import BusyError, InputFileError, Message, OutputPathError
from rnnviz.io_utils import atomic_path, read_npz

FORMAT = "rnnviz-lm-checkpoint"
VERSION = 1


@dataclass
class Checkpoint:
    """Everything needed to sample from a model or resume its training exactly."""

    config: dict                       # TrainConfig.to_dict()
    level: str
    tokens: tuple[str, ...]            # vocabulary in id order
    params: dict[str, np.ndarray]
    optimizer_state: dict[str, np.ndarray] = field(default_factory=dict)
    carried_state: dict[str, np.ndarray] = field(default_factory=dict)
    rng_state: dict | None = None      # numpy bit generator state
    position: dict = field(default_factory=dict)  # epoch, batch_index, step, tokens_seen, seconds
    history: dict = field(default_factory=dict)   # last valid loss etc. (informative)


def _json_bytes(obj) -> np.ndarray:
    return np.frombuffer(json.dumps(obj, allow_nan=False).encode("utf-8"), dtype=np.uint8)


def save_checkpoint(path: str | os.PathLike[str], checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path`` atomically (the old file stays intact if anything fails)."""
    arrays: dict[str, np.ndarray] = {}
    for name, value in checkpoint.params.items():
        arrays[f"param/{name}"] = value
    for name, value in checkpoint.optimizer_state.items():
        arrays[f"optim/{name}"] = value
    for name, value in checkpoint.carried_state.items():
        arrays[f"state/{name}"] = value
    meta = {
        "format": FORMAT, "version": VERSION, "config": checkpoint.config,
        "level": checkpoint.level, "tokens": list(checkpoint.tokens),
        "rng_state": checkpoint.rng_state, "position": checkpoint.position,
        "history": checkpoint.history,
    }
    arrays["__meta__"] = _json_bytes(meta)
    with atomic_path(path) as tmp:
        # an open handle stops np.savez from appending ".npz" to the temporary name
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)


def load_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint; :class:`ConfigError` with one clear line if it is missing or corrupt."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("checkpoint not found: {path}", path=path)
    arrays = read_npz(path, Message("checkpoint"))
    if "__meta__" not in arrays:
        raise InputFileError("{path} is not an rnnviz language-model checkpoint (no __meta__)", path=path)
    try:
        meta = json.loads(arrays.pop("__meta__").tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise InputFileError("{path}: checkpoint metadata is not valid JSON ({error})", path=path, error=error) from None
    groups: dict[str, dict[str, np.ndarray]] = {"param": {}, "optim": {}, "state": {}}
    for name, value in arrays.items():
        group, _, key = name.partition("/")
        if group not in groups or not key:
            raise InputFileError("{path}: unexpected entry {name!r}", path=path, name=name)
        groups[group][key] = value
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ConfigError("{path} is not an rnnviz language-model checkpoint", path=path)
    if meta.get("version") != VERSION:
        raise ConfigError("{path}: unsupported checkpoint version {value2!r}", path=path, value2=meta.get('version'))
    try:
        return Checkpoint(
            config=dict(meta["config"]), level=str(meta["level"]), tokens=tuple(meta["tokens"]),
            params=groups["param"], optimizer_state=groups["optim"], carried_state=groups["state"],
            rng_state=meta.get("rng_state"), position=dict(meta.get("position") or {}),
            history=dict(meta.get("history") or {}),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigError("{path}: checkpoint metadata is incomplete ({error})", path=path, error=error) from None


class CheckpointLock:
    """One training run at a time per checkpoint: an ``flock`` on ``.<name>.lock`` beside it.

    Taken when a run starts, released by :meth:`close` -- and by the kernel when the process ends
    in any way, kill -9 included, so a crashed run never leaves a stale lock. The lock file itself
    stays (removing it would let two runs lock two different files of the same name).
    :class:`~rnnviz.errors.BusyError` if another run holds it.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self._fd: int | None = None
        target = Path(os.path.realpath(path))
        self.path = target.with_name(f".{target.name}.lock")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise OutputPathError(
                "cannot lock checkpoint {path} ({value3}: {path2})", path=path, value3=error.strerror or error, path2=self.path) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise BusyError("checkpoint {path} is in use by another training run{who}; wait for it to finish or choose another --checkpoint", path=path, who=who) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)   # closing the descriptor releases the lock
            self._fd = None

    def __enter__(self) -> "CheckpointLock":
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False

    def __del__(self):
        self.close()
