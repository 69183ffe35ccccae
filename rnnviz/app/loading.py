"""What File → Open network… and File → Open inputs… read: plain functions, no Qt, run off the UI
thread by the window (``jobs.py``), each with a ``should_stop()`` hook.

A network comes from any file :func:`rnnviz.core.formats.read_network` reads, or from a checkpoint of
rnnviz's Trainer (its recurrent cells; its vocabulary and embedding then turn a text file into inputs,
as the Trainer's hand-off to the explorer does). Inputs are ``(T, input)`` / ``(T, batch, input)``
arrays (``.npy``, ``.csv``) or, for a trainer checkpoint, text in its vocabulary. Every file's SHA-256
is kept, so that a session can say whether the file it names is still the one it analysed.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rnnviz.core.cancel import Cancelled
from rnnviz.core.config import ConfigError, NetConfig

#: File name patterns of File → Open network… (and of a drop onto the window).
NETWORK_SUFFIXES = (".npz", ".safetensors", ".pt", ".pth", ".onnx")
#: Inputs: arrays, and text in a trainer checkpoint's vocabulary.
INPUT_SUFFIXES = (".npy", ".csv", ".txt", ".text", ".md")
TEXT_SUFFIXES = (".txt", ".text", ".md")
#: The explorer's longest sequence (the controls' range of T).
MAX_STEPS = 2000
_HASH_CHUNK = 1 << 22
FORMAT_NAMES = {"npz": "NumPy .npz", "pt": "PyTorch state dict (.pt)", "safetensors": "safetensors",
                "onnx": "ONNX", "checkpoint": "rnnviz trainer checkpoint (.npz)"}
CELL_TITLES = {"rnn": "Elman RNN", "lstm": "LSTM", "lstm-peephole": "peephole LSTM", "lstm-cifg": "CIFG LSTM",
               "gru": "GRU", "gru-cho": "GRU (Cho)"}


@dataclass(frozen=True)
class FileSource:
    """A file as it was read: path (absolute), SHA-256 of its bytes, size in bytes."""

    path: str
    sha256: str
    size: int

    @property
    def name(self) -> str:
        return Path(self.path).name

    def to_json(self) -> dict:
        return {"path": self.path, "sha256": self.sha256, "size": self.size}


@dataclass(frozen=True)
class Vocabulary:
    """A trainer checkpoint's tokens and the embedding that turns their ids into inputs."""

    tokens: tuple
    level: str
    sentence_start: bool
    embedding: np.ndarray   # (V, E) float64


@dataclass(frozen=True)
class OpenedNetwork:
    """A network read from a file: weights (PyTorch names, float64) and what they describe.

    ``complete``: the file fixes every field of ``net`` (else the activation and the cell variant came
    from defaults, as a state dict does not record them). ``stored_dtype``: the weights' dtype in the
    file. ``ignored``: names of the file's other tensors (readout, embedding ...).
    """

    source: FileSource
    params: dict
    net: NetConfig
    format: str
    complete: bool
    stored_dtype: str
    ignored: tuple = ()
    vocabulary: Vocabulary | None = field(default=None, repr=False)

    def parameter_shapes(self) -> list[tuple[str, tuple]]:
        return [(name, tuple(value.shape)) for name, value in self.params.items()]

    @property
    def parameter_count(self) -> int:
        return int(sum(value.size for value in self.params.values()))


@dataclass(frozen=True)
class OpenedInputs:
    """Inputs read from a file: ``inputs (T, batch, input)`` float64; ``text`` for a text file."""

    source: FileSource
    inputs: np.ndarray
    kind: str              # "npy", "csv" or "text"
    text: str = ""
    note: str = ""         # e.g. "the first 2000 of 5123 tokens"


def describe_net(net: NetConfig) -> str:
    """``LSTM, 2 layers, H = 128`` (+ ``, bidirectional``)."""
    layers = f"{net.num_layers} layer{'s' if net.num_layers > 1 else ''}"
    text = f"{CELL_TITLES.get(net.cell, net.cell)}, {layers}, H = {net.hidden_size}"
    return text + (", bidirectional" if net.bidirectional else "")


def _check(should_stop) -> None:
    if should_stop is not None and should_stop():
        raise Cancelled()


def file_source(path, should_stop=None) -> FileSource:
    """The file's absolute path, SHA-256 and size (read in chunks; ``should_stop`` between them)."""
    path = Path(path).expanduser().resolve()
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as handle:
            while True:
                chunk = handle.read(_HASH_CHUNK)
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
                _check(should_stop)
    except OSError as error:
        raise ConfigError("cannot read {path}: {value3}", path=path, value3=error.strerror or error) from None
    return FileSource(str(path), digest.hexdigest(), size)


def is_trainer_checkpoint(path: Path) -> bool:
    """An ``.npz`` holding ``__meta__`` and ``param/…`` entries (``rnnviz.lm.checkpoint``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
    return "__meta__.npy" in names and any(name.startswith("param/") for name in names)


def _read_trainer_checkpoint(path: Path) -> tuple[dict, NetConfig, Vocabulary, list[str]]:
    from rnnviz.lm.checkpoint import load_checkpoint
    from rnnviz.lm.train import TrainConfig

    checkpoint = load_checkpoint(path)
    try:
        config = TrainConfig.from_dict(checkpoint.config)
        spec = config.model_spec(len(checkpoint.tokens))
    except (ConfigError, TypeError, ValueError) as error:
        raise ConfigError("{path}: the checkpoint's training configuration is invalid ({error})", path=path, error=error) from None
    net = spec.net
    extra = ("embedding.weight", "decoder.weight", "decoder.bias")
    missing = [name for name in spec.param_shapes() if name not in checkpoint.params]
    if missing:
        raise ConfigError("{path}: the checkpoint lacks {choices}", path=path, choices=', '.join(missing[:3]))
    params = {name: value for name, value in checkpoint.params.items() if name not in extra}
    embedding = np.asarray(checkpoint.params["embedding.weight"], dtype=np.float64)
    vocabulary = Vocabulary(tuple(checkpoint.tokens), checkpoint.level,
                            bool(getattr(config, "sentence_start", False)), embedding)
    return params, net, vocabulary, [name for name in checkpoint.params if name in extra]


def read_network_file(path, should_stop=None) -> OpenedNetwork:
    """Read a network (any format of ``rnnviz analyze --weights``, or a trainer checkpoint).

    ConfigError with the reader's one line for a file that does not describe a supported network."""
    from rnnviz.core.formats import read_network
    from rnnviz.core.params import validate_params

    path = Path(path).expanduser()
    if not path.is_file():
        raise ConfigError("network file not found: {path}" if not path.exists()
                          else "network file {path} is not a regular file", path=path)
    source = file_source(path, should_stop)
    _check(should_stop)
    vocabulary = None
    if path.suffix.lower() == ".npz" and is_trainer_checkpoint(path):
        params, net, vocabulary, ignored = _read_trainer_checkpoint(path)
        kind, complete = "checkpoint", True
    else:
        loaded = read_network(path)
        params, net, kind, complete, ignored = (loaded.params, loaded.net, loaded.format, loaded.complete,
                                                loaded.ignored)
    _check(should_stop)
    stored = sorted({np.asarray(value).dtype.name for value in params.values()})
    params = {name: np.ascontiguousarray(value, dtype=np.float64) for name, value in params.items()}
    if not all(np.all(np.isfinite(value)) for value in params.values()):
        bad = next(name for name, value in params.items() if not np.all(np.isfinite(value)))
        raise ConfigError("{path}: {bad} holds NaN or infinite values", path=path, bad=bad)
    validate_params(params, net)
    return OpenedNetwork(source, params, net, kind, complete, "/".join(stored), tuple(ignored), vocabulary)


def read_inputs_file(path, input_size: int | None, vocabulary: Vocabulary | None = None,
                     should_stop=None) -> OpenedInputs:
    """Inputs for a network of ``input_size`` (None: any, for a generated network) from
    ``.npy``/``.csv`` arrays, or from text when ``vocabulary`` (a trainer checkpoint's) is given.
    ConfigError naming the expected and the found shapes, or what is wrong with the file."""
    from rnnviz.core.formats.inputs import read_input_file

    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ConfigError("inputs file not found: {path}" if not path.exists()
                          else "inputs file {path} is not a regular file", path=path)
    source = file_source(path, should_stop)
    if suffix in (".npy", ".csv"):
        x = read_input_file(path, input_size, should_stop)
        if x.shape[0] > MAX_STEPS:
            raise ConfigError("inputs file {path} has T = {shape_item} steps; the explorer analyses at most {MAX_STEPS} (rnnviz analyze --inputs takes longer sequences)", path=path, shape_item=x.shape[0], MAX_STEPS=MAX_STEPS)
        return OpenedInputs(source, x, suffix[1:])
    if vocabulary is None:
        raise ConfigError("{name}: text needs a network from an rnnviz trainer checkpoint (its vocabulary and embedding make the inputs); open one first, or give (T, input) arrays as .npy or .csv", name=path.name)
    return _text_inputs(path, source, input_size, vocabulary, should_stop)


def _text_inputs(path: Path, source: FileSource, input_size: int | None, vocabulary: Vocabulary,
                 should_stop) -> OpenedInputs:
    from rnnviz.lm.data import Vocabulary as TokenVocabulary
    from rnnviz.lm.data import read_text_file, tokenize

    if input_size is not None and vocabulary.embedding.shape[1] != input_size:
        raise ConfigError("{name}: the vocabulary's embedding has width {shape_item}; the network takes {input_size} inputs", name=path.name, shape_item=vocabulary.embedding.shape[1], input_size=input_size)
    text = read_text_file(path)
    _check(should_stop)
    # Tokenise only what the explorer can show (a character is at most one token, a line of words
    # more): a book-sized file costs no more than its first pages.
    tokens = tokenize(text[:MAX_STEPS * 64] if vocabulary.level == "word" else text[:MAX_STEPS],
                      vocabulary.level, sentence_start=vocabulary.sentence_start)
    if not tokens:
        raise ConfigError("{name} holds no {level} tokens", name=path.name, level=vocabulary.level)
    total = len(tokenize(text, vocabulary.level, sentence_start=vocabulary.sentence_start)) \
        if len(tokens) >= MAX_STEPS else len(tokens)
    tokens = tokens[:MAX_STEPS]
    ids = TokenVocabulary(vocabulary.tokens).encode(tokens, what=f"{path.name}")
    _check(should_stop)
    shown = TokenVocabulary(vocabulary.tokens).decode(ids, vocabulary.level)
    note = f"the first {MAX_STEPS} of {total} tokens" if total > MAX_STEPS else ""
    return OpenedInputs(source, vocabulary.embedding[ids][:, None, :], "text", text=shown, note=note)
