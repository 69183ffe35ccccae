"""Corpora for the language model: reading text, vocabularies, splits and TBPTT batches.

Token ids are ``int64`` NumPy arrays. Two levels:

* ``"char"``: every Unicode code point of a UTF-8 text is a token.
* ``"word"``: Penn Treebank format -- whitespace-separated words, one sentence per line, an
  ``<eos>`` token appended to every line (optionally a ``<bos>`` token prepended).

Corpus names: a path to a UTF-8 text file; a folder holding ``ptb.train.txt`` / ``ptb.valid.txt`` /
``ptb.test.txt`` (or ``train.txt`` / ``valid.txt`` / ``test.txt``); or a built-in corpus
``builtin:sample`` (a short text shipped in ``resources/corpora``) and ``builtin:python-stdlib``
(the running Python's own standard-library sources, read at run time, files in sorted order, capped
in size so the corpus is the same on every run of the same Python).
"""
from __future__ import annotations

import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnviz.core.config import ConfigError

LEVELS = ("char", "word")
BUILTIN_CORPORA = ("builtin:sample", "builtin:python-stdlib")
EOS = "<eos>"
BOS = "<bos>"
UNK = "<unk>"
#: Size cap of ``builtin:python-stdlib`` in characters (keeps loading fast and the corpus fixed).
STDLIB_MAX_CHARS = 2_000_000
_SPLIT_NAMES = {
    "train": ("ptb.train.txt", "train.txt"),
    "valid": ("ptb.valid.txt", "valid.txt"),
    "test": ("ptb.test.txt", "test.txt"),
}


# ----------------------------------------------------------------------------- reading text
def read_text_file(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file; :class:`ConfigError` with one clear line if it is not one."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"corpus file not found: {path}")
    if path.is_dir():
        raise ConfigError(f"expected a text file but {path} is a folder")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    return decode_text(raw, str(path))


def decode_text(raw: bytes, name: str = "text") -> str:
    """Decode UTF-8 bytes (an optional BOM is dropped); reject empty, binary or non-UTF-8 input."""
    if not raw.strip():
        raise ConfigError(f"{name} is empty")
    if b"\x00" in raw:
        raise ConfigError(f"{name} looks like a binary file (it contains NUL bytes), not UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{name} is not valid UTF-8 text (bad byte at offset {error.start})") from None
    return text.replace("\r\n", "\n")


def builtin_sample_path() -> Path:
    """Path of the built-in sample corpus (``resources/corpora/sample.txt``)."""
    from rnnviz import resources_dir

    return resources_dir() / "corpora" / "sample.txt"


def python_stdlib_text(max_chars: int = STDLIB_MAX_CHARS) -> str:
    """The running Python's standard-library ``.py`` sources, concatenated.

    Files are taken in sorted order of their relative path (tests, site-packages and vendored
    third-party folders skipped) until ``max_chars`` characters are collected, so the text is the
    same on every run of the same Python.
    """
    root = Path(sysconfig.get_paths()["stdlib"])
    if not root.is_dir():
        raise ConfigError(f"the Python standard library was not found at {root}")
    skip = {"site-packages", "dist-packages", "test", "tests", "idlelib", "turtledemo", "__pycache__",
            "lib2to3", "ensurepip", "pydoc_data"}
    files = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = [d for d in subdirs if d not in skip and not d.startswith(".")]
        files.extend(Path(directory) / name for name in names if name.endswith(".py"))
    files.sort(key=lambda p: p.relative_to(root).as_posix())
    parts: list[str] = []
    total = 0
    for file in files:
        try:
            text = file.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        text = text.replace("\r\n", "\n")
        parts.append(text)
        total += len(text)
        if total >= max_chars:
            break
    if not parts:
        raise ConfigError(f"no readable .py files under {root}")
    return "".join(parts)[:max_chars]


def _find_split_file(folder: Path, split: str) -> Path | None:
    for name in _SPLIT_NAMES[split]:
        if (folder / name).is_file():
            return folder / name
    return None


def load_corpus_texts(corpus: str, valid: str | None = None, test: str | None = None
                      ) -> tuple[str, str | None, str | None]:
    """Resolve a corpus name to its train / valid / test texts (``None`` where not given)."""
    if not corpus:
        raise ConfigError("no corpus given")
    if corpus == "builtin:sample":
        train_text = read_text_file(builtin_sample_path())
    elif corpus == "builtin:python-stdlib":
        train_text = python_stdlib_text()
    elif corpus.startswith("builtin:"):
        raise ConfigError(
            f"unknown built-in corpus {corpus!r}; choose one of {', '.join(BUILTIN_CORPORA)}")
    elif Path(corpus).is_dir():
        folder = Path(corpus)
        train_file = _find_split_file(folder, "train")
        if train_file is None:
            raise ConfigError(f"folder {folder} has no ptb.train.txt or train.txt")
        train_text = read_text_file(train_file)
        valid_file = _find_split_file(folder, "valid")
        test_file = _find_split_file(folder, "test")
        valid = valid if valid is not None else (str(valid_file) if valid_file else None)
        test = test if test is not None else (str(test_file) if test_file else None)
    else:
        train_text = read_text_file(corpus)
    valid_text = read_text_file(valid) if valid is not None else None
    test_text = read_text_file(test) if test is not None else None
    return train_text, valid_text, test_text


# ----------------------------------------------------------------------------- tokens and vocab
def tokenize(text: str, level: str, *, sentence_start: bool = False) -> list[str]:
    """Split text into tokens.

    ``char``: the list of its characters. ``word``: per non-empty line, its whitespace-separated
    words followed by ``<eos>`` (preceded by ``<bos>`` if ``sentence_start``).
    """
    if level == "char":
        return list(text)
    if level == "word":
        tokens: list[str] = []
        for line in text.split("\n"):
            words = line.split()
            if not words:
                continue
            if sentence_start:
                tokens.append(BOS)
            tokens.extend(words)
            tokens.append(EOS)
        return tokens
    raise ConfigError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")


@dataclass(frozen=True)
class Vocabulary:
    """Token strings in id order; ``index`` maps a token to its id."""

    tokens: tuple[str, ...]

    def __post_init__(self):
        object.__setattr__(self, "_index", {tok: i for i, tok in enumerate(self.tokens)})
        if len(self._index) != len(self.tokens):
            raise ConfigError("vocabulary has duplicate tokens")

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self._index

    def index(self, token: str) -> int:
        return self._index[token]

    @property
    def unk_id(self) -> int | None:
        return self._index.get(UNK)

    def encode(self, tokens: list[str], *, what: str = "text") -> np.ndarray:
        """Token ids ``(N,)`` int64; unknown tokens map to ``<unk>`` if the vocabulary has one."""
        index = self._index
        unk = self.unk_id
        try:
            if unk is None:
                return np.fromiter((index[t] for t in tokens), dtype=np.int64, count=len(tokens))
            return np.fromiter((index.get(t, unk) for t in tokens), dtype=np.int64, count=len(tokens))
        except KeyError as error:
            raise ConfigError(f"{what} contains a token not in the vocabulary: {error.args[0]!r}") from None

    def decode(self, ids, level: str) -> str:
        tokens = [self.tokens[int(i)] for i in ids]
        if level == "char":
            return "".join(tokens)
        out = []
        for tok in tokens:
            if tok == EOS:
                out.append("\n")
            elif tok == BOS:
                continue
            else:
                out.append(tok + " ")
        return "".join(out)

    @classmethod
    def build(cls, token_lists: list[list[str]], *, add_unk: bool = False) -> "Vocabulary":
        """Vocabulary of all tokens seen, sorted (so ids do not depend on the order of the text)."""
        seen: set[str] = set()
        for tokens in token_lists:
            seen.update(tokens)
        if add_unk:
            seen.add(UNK)
        return cls(tuple(sorted(seen)))


# ----------------------------------------------------------------------------- corpus
@dataclass(frozen=True)
class Corpus:
    """Token ids of the train / valid / test splits and their vocabulary."""

    level: str
    vocab: Vocabulary
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray | None
    name: str = ""

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)


def build_corpus(train_text: str, valid_text: str | None = None, test_text: str | None = None, *,
                 level: str = "char", sentence_start: bool = False, valid_fraction: float = 0.05,
                 test_fraction: float = 0.05, name: str = "") -> Corpus:
    """Tokenise texts into a :class:`Corpus`.

    Without a separate validation text the last ``valid_fraction + test_fraction`` of the training
    tokens are held out (valid first, then test). Char level: the vocabulary covers every split
    (all characters are known up front). Word level: the vocabulary is the training words; words of
    other splits that are not in it become ``<unk>`` (added to the vocabulary if needed).
    """
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    train_tokens = tokenize(train_text, level, sentence_start=sentence_start)
    if not train_tokens:
        raise ConfigError(f"corpus {name or ''} has no tokens".replace("  ", " "))
    valid_tokens = tokenize(valid_text, level, sentence_start=sentence_start) if valid_text else None
    test_tokens = tokenize(test_text, level, sentence_start=sentence_start) if test_text else None
    if valid_tokens is None:
        if not (0.0 < valid_fraction < 0.5 and 0.0 <= test_fraction < 0.5):
            raise ConfigError("valid_fraction must be in (0, 0.5) and test_fraction in [0, 0.5)")
        n = len(train_tokens)
        n_valid = max(1, int(n * valid_fraction))
        n_test = int(n * test_fraction) if test_tokens is None else 0
        if n - n_valid - n_test < 2:
            raise ConfigError(f"corpus {name} is too short to split: {n} tokens")
        held_valid = train_tokens[n - n_valid - n_test:n - n_test]
        held_test = train_tokens[n - n_test:] if n_test else None
        train_tokens = train_tokens[:n - n_valid - n_test]
        valid_tokens = held_valid
        if test_tokens is None:
            test_tokens = held_test
    others = [t for t in (valid_tokens, test_tokens) if t]
    if level == "char":
        vocab = Vocabulary.build([train_tokens, *others])
    else:
        train_set = set(train_tokens)
        needs_unk = any(tok not in train_set for tokens in others for tok in tokens)
        vocab = Vocabulary.build([train_tokens], add_unk=needs_unk)
    return Corpus(
        level=level, vocab=vocab,
        train=vocab.encode(train_tokens, what="training text"),
        valid=vocab.encode(valid_tokens, what="validation text"),
        test=vocab.encode(test_tokens, what="test text") if test_tokens else None,
        name=name,
    )


def load_corpus(corpus: str, *, valid: str | None = None, test: str | None = None,
                level: str = "char", sentence_start: bool = False, valid_fraction: float = 0.05,
                test_fraction: float = 0.05) -> Corpus:
    """Read and tokenise a corpus by name (file, PTB folder or ``builtin:...``)."""
    train_text, valid_text, test_text = load_corpus_texts(corpus, valid, test)
    return build_corpus(train_text, valid_text, test_text, level=level,
                        sentence_start=sentence_start, valid_fraction=valid_fraction,
                        test_fraction=test_fraction, name=corpus)


# ----------------------------------------------------------------------------- batches
def batchify(ids: np.ndarray, batch_size: int) -> np.ndarray:
    """Cut a token stream into ``batch_size`` parallel streams: ``(N, B)``, column b = stream b.

    The tail that does not fill a whole row is dropped (at most ``batch_size - 1`` tokens).
    """
    n = len(ids) // batch_size
    return np.ascontiguousarray(ids[:n * batch_size].reshape(batch_size, n).T)


def num_batches(streams: np.ndarray, seq_len: int) -> int:
    """Number of TBPTT windows in ``streams (N, B)``; the last one may be shorter than ``seq_len``."""
    n = streams.shape[0] - 1
    return max(0, -(-n // seq_len))


def get_batch(streams: np.ndarray, index: int, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Window ``index``: inputs ``(T, B)`` and targets ``(T, B)`` (the next tokens)."""
    start = index * seq_len
    length = min(seq_len, streams.shape[0] - 1 - start)
    return streams[start:start + length], streams[start + 1:start + 1 + length]


def check_long_enough(ids: np.ndarray, batch_size: int, seq_len: int, what: str) -> None:
    """:class:`ConfigError` if ``ids`` cannot fill one batch of ``batch_size`` streams x ``seq_len``."""
    needed = batch_size * (seq_len + 1)
    if len(ids) < needed:
        raise ConfigError(
            f"{what} is shorter than one batch: {len(ids)} tokens, need at least "
            f"{needed} (batch {batch_size} x (seq-len {seq_len} + 1)); use a smaller --batch or --seq-len")
