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

import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rnnviz.core.config import ConfigError
from rnnviz.io_utils import atomic_path

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


def _describe_load_error(error: BaseException) -> str:
    text = str(error)
    if isinstance(error, ValueError) and "pickle" in text:
        return "not an .npz archive"   # np.load's guess for arbitrary bytes
    if isinstance(error, (zipfile.BadZipFile, EOFError)):
        return "corrupt or truncated .npz archive"
    first = text.splitlines()[0] if text else type(error).__name__
    return first if len(first) <= 100 else first[:97] + "..."


def load_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint; :class:`ConfigError` with one clear line if it is missing or corrupt."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"checkpoint not found: {path}")
    try:
        # our own handle: np.load leaks the file it opened when the zip turns out to be corrupt
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as archive:
            names = list(archive.files)
            if "__meta__" not in names:
                raise ConfigError(f"{path} is not an rnnviz language-model checkpoint (no __meta__)")
            meta = json.loads(archive["__meta__"].tobytes().decode("utf-8"))
            groups: dict[str, dict[str, np.ndarray]] = {"param": {}, "optim": {}, "state": {}}
            for name in names:
                if name == "__meta__":
                    continue
                group, _, key = name.partition("/")
                if group not in groups or not key:
                    raise ConfigError(f"{path}: unexpected entry {name!r}")
                groups[group][key] = archive[name]
    except ConfigError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not a readable checkpoint ({_describe_load_error(error)})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ConfigError(f"{path} is not an rnnviz language-model checkpoint")
    if meta.get("version") != VERSION:
        raise ConfigError(f"{path}: unsupported checkpoint version {meta.get('version')!r}")
    try:
        return Checkpoint(
            config=dict(meta["config"]), level=str(meta["level"]), tokens=tuple(meta["tokens"]),
            params=groups["param"], optimizer_state=groups["optim"], carried_state=groups["state"],
            rng_state=meta.get("rng_state"), position=dict(meta.get("position") or {}),
            history=dict(meta.get("history") or {}),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigError(f"{path}: checkpoint metadata is incomplete ({error})") from None
