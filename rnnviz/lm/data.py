"""Corpora for the language model: reading text, vocabularies, splits and TBPTT batches.

Token ids of a corpus are compact unsigned NumPy arrays: ``uint8`` for at most 256 tokens,
``uint16`` up to 65,536, ``uint32`` beyond (:func:`token_dtype`). Texts are read and tokenised in
chunks, in two passes over each file (the vocabulary, then the ids), so a corpus never exists as
one Python string or list: at peak a char-level corpus takes its ids plus one chunk (about one
byte per character for up to 256 distinct characters), and every chunk is a few short NumPy or
C-level calls, so tokenising leaves Python's interpreter lock to other threads most of the time.
Two levels:

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

import codecs
import dataclasses
import os
import re
import stat
import sysconfig
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnviz.core.config import ConfigError
from rnnviz.errors import InputFileError, ResourceError

LEVELS = ("char", "word")
BUILTIN_CORPORA = ("builtin:sample", "builtin:python-stdlib")
EOS = "<eos>"
BOS = "<bos>"
UNK = "<unk>"
#: Size cap of ``builtin:python-stdlib`` in characters (keeps loading fast and the corpus fixed).
STDLIB_MAX_CHARS = 2_000_000
#: Bytes read (or characters taken) per chunk while tokenising characters; words take smaller
#: chunks, because Python makes one object per word (each chunk's calls hold the interpreter lock
#: for a few ms only, so a window running beside tokenising does not stall).
CHUNK_BYTES = 1 << 20
WORD_CHUNK_BYTES = 1 << 18
#: A word-level corpus with more distinct words than this is refused (its softmax would not fit).
MAX_WORD_VOCAB = 2_000_000
#: A line longer than this (in characters) is tokenised in pieces, at whitespace.
_LONG_LINE = 1 << 24
_WORDS_PER_CALL = 8192
_SPLIT_NAMES = {
    "train": ("ptb.train.txt", "train.txt"),
    "valid": ("ptb.valid.txt", "valid.txt"),
    "test": ("ptb.test.txt", "test.txt"),
}


# ----------------------------------------------------------------------------- reading text
def check_text_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as a readable regular file; :class:`InputFileError` with one clear line otherwise.

    Devices, pipes and sockets (``/dev/zero``, ``/dev/stdin``) are refused: they may never end.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError("corpus file not found: {path}", path=path)
    if path.is_dir():
        raise InputFileError("expected a text file but {path} is a folder", path=path)
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise InputFileError("cannot read {path}: {value3}", path=path, value3=error.strerror or error) from None
    if not stat.S_ISREG(mode):
        raise InputFileError("{path} is not a regular file (a device, pipe or socket); give a text file", path=path)
    if not os.access(path, os.R_OK):
        raise InputFileError("cannot read {path}: permission denied", path=path)
    return path


def read_text_file(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file; :class:`ConfigError` with one clear line if it is not one."""
    path = check_text_file(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputFileError("cannot read {path}: {value3}", path=path, value3=error.strerror or error) from None
    return decode_text(raw, str(path))


def decode_text(raw: bytes, name: str = "text") -> str:
    """Decode UTF-8 bytes (an optional BOM is dropped); reject empty, binary or non-UTF-8 input."""
    if not raw.strip():
        raise ConfigError("{name} is empty", name=name)
    if b"\x00" in raw:
        raise ConfigError("{name} looks like a binary file (it contains NUL bytes), not UTF-8 text", name=name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(
            "{name} is not valid UTF-8 text (bad byte at offset {start})", name=name, start=error.start) from None
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
        raise ConfigError("the Python standard library was not found at {root}", root=root)
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
        raise ConfigError("no readable .py files under {root}", root=root)
    return "".join(parts)[:max_chars]


def _find_split_file(folder: Path, split: str) -> Path | None:
    for name in _SPLIT_NAMES[split]:
        if (folder / name).is_file():
            return folder / name
    return None


def load_corpus_texts(corpus: str, valid: str | None = None, test: str | None = None
                      ) -> tuple[str, str | None, str | None]:
    """Resolve a corpus name to its train / valid / test texts (``None`` where not given).

    Whole texts in memory: for small corpora; :func:`load_corpus` streams instead."""
    sources = corpus_sources(corpus, valid, test)
    return tuple(None if source is None else "".join(source.pieces()) for source in sources)


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
    raise ConfigError("unknown level {level!r}; choose one of {choices}", level=level, choices=', '.join(LEVELS))


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
            raise ConfigError("{what} contains a token not in the vocabulary: {args_item!r}", what=what, args_item=error.args[0]) from None

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
    def source(text, what):
        return TextSource(what, text=text) if text else None

    return corpus_from_sources(source(train_text, name or "the corpus") or TextSource(name, text=""),
                               source(valid_text, "the validation text"),
                               source(test_text, "the test text"), level=level,
                               sentence_start=sentence_start, valid_fraction=valid_fraction,
                               test_fraction=test_fraction, name=name)


def load_corpus(corpus: str, *, valid: str | None = None, test: str | None = None,
                level: str = "char", sentence_start: bool = False, valid_fraction: float = 0.05,
                test_fraction: float = 0.05, should_stop: Callable[[], bool] | None = None) -> Corpus:
    """Read and tokenise a corpus by name (file, PTB folder or ``builtin:...``), file by file in
    chunks (see the module docstring). ``should_stop()`` is checked between chunks (True raises
    :class:`rnnviz.core.cancel.Cancelled`)."""
    train_source, valid_source, test_source = corpus_sources(corpus, valid, test)
    return corpus_from_sources(train_source, valid_source, test_source, level=level,
                               sentence_start=sentence_start, valid_fraction=valid_fraction,
                               test_fraction=test_fraction, name=corpus, should_stop=should_stop)


# ----------------------------------------------------------------------------- streamed tokenising
def token_dtype(vocab_size: int) -> np.dtype:
    """The smallest unsigned integer type for ids ``0 .. vocab_size - 1``."""
    if vocab_size <= 1 << 8:
        return np.dtype(np.uint8)
    if vocab_size <= 1 << 16:
        return np.dtype(np.uint16)
    return np.dtype(np.uint32)


@dataclass(frozen=True)
class TextSource:
    """A text to tokenise: a UTF-8 file read in chunks (``path``) or a string in memory (``text``).

    A file's pieces are decoded as :func:`decode_text` does (BOM dropped, CRLF -> LF, empty,
    binary and non-UTF-8 files refused), one chunk at a time; a string's pieces are its slices.
    """

    name: str
    path: Path | None = None
    text: str | None = None
    #: checked before every piece; True raises :class:`rnnviz.core.cancel.Cancelled`
    should_stop: Callable[[], bool] | None = None

    @classmethod
    def file(cls, path: str | os.PathLike[str]) -> "TextSource":
        return cls(str(path), path=check_text_file(path))

    def _raw_chunks(self, size: int) -> Iterator[bytes]:
        try:
            with open(self.path, "rb") as handle:
                while chunk := handle.read(size):
                    yield chunk
        except OSError as error:
            raise InputFileError("cannot read {path}: {value3}", path=self.path, value3=error.strerror or error) from None

    def pieces(self, size: int | None = None) -> Iterator[str]:
        """The text in pieces of about ``size`` bytes (default ``CHUNK_BYTES``)."""
        if self.should_stop is None:
            yield from self._pieces(size or CHUNK_BYTES)
            return
        from rnnviz.core.cancel import Cancelled

        for piece in self._pieces(size or CHUNK_BYTES):
            if self.should_stop():
                raise Cancelled("loading the corpus was cancelled")
            yield piece

    def _pieces(self, size: int) -> Iterator[str]:
        if self.text is not None:
            for start in range(0, len(self.text), size):
                yield self.text[start:start + size]
            return
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0            # bytes of the file before the current chunk
        has_content = False
        carry_cr = False      # a chunk that ends in "\r" may be cut inside "\r\n"
        for index, raw in enumerate(self._raw_chunks(size)):
            if index == 0 and raw.startswith(codecs.BOM_UTF8):
                raw, offset = raw[len(codecs.BOM_UTF8):], len(codecs.BOM_UTF8)
            has_content = has_content or bool(raw.strip())
            if b"\x00" in raw:
                raise InputFileError(
                    "{name} looks like a binary file (it contains NUL bytes), not UTF-8 text", name=self.name)
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as error:
                raise InputFileError("{name} is not valid UTF-8 text (bad byte at offset {value2})", name=self.name, value2=offset - pending + error.start) from None
            offset += len(raw)
            if carry_cr:
                text = "\r" + text
            carry_cr = text.endswith("\r")
            if carry_cr:
                text = text[:-1]
            yield text.replace("\r\n", "\n")
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputFileError("{name} is not valid UTF-8 text (bad byte at offset {value2})", name=self.name, value2=offset - pending) from None
        if not has_content:
            raise InputFileError("{name} is empty", name=self.name)
        if carry_cr:
            yield "\r"


def corpus_sources(corpus: str, valid: str | None = None, test: str | None = None
                   ) -> tuple[TextSource, TextSource | None, TextSource | None]:
    """Resolve a corpus name to its train / valid / test sources (``None`` where not given)."""
    if not corpus:
        raise ConfigError("no corpus given")
    if corpus == "builtin:sample":
        train = TextSource.file(builtin_sample_path())
    elif corpus == "builtin:python-stdlib":
        train = TextSource(corpus, text=python_stdlib_text())
    elif corpus.startswith("builtin:"):
        raise ConfigError(
            "unknown built-in corpus {corpus!r}; choose one of {choices}", corpus=corpus, choices=', '.join(BUILTIN_CORPORA))
    elif Path(corpus).is_dir():
        folder = Path(corpus)
        train_file = _find_split_file(folder, "train")
        if train_file is None:
            raise InputFileError("folder {folder} has no ptb.train.txt or train.txt", folder=folder)
        train = TextSource.file(train_file)
        valid_file = _find_split_file(folder, "valid")
        test_file = _find_split_file(folder, "test")
        valid = valid if valid is not None else (str(valid_file) if valid_file else None)
        test = test if test is not None else (str(test_file) if test_file else None)
    else:
        train = TextSource.file(corpus)
    return (train, TextSource.file(valid) if valid is not None else None,
            TextSource.file(test) if test is not None else None)


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def _gib(nbytes: float) -> str:
    return f"{nbytes / (1 << 30):.1f} GiB" if nbytes >= 1 << 28 else f"{nbytes / (1 << 20):.0f} MiB"


def _check_memory(tokens: int, dtype: np.dtype, name: str) -> None:
    # The ids, and a second copy of them while training cuts them into streams (or a word-level
    # corpus re-numbers them for the training vocabulary).
    needed = 2 * tokens * dtype.itemsize
    available = available_memory()
    if available is not None and needed > available:
        raise ResourceError(
            "corpus {name} has {tokens:,} tokens; its {dtype} ids need about {value7} of memory, but only {value9} are available", name=name, tokens=tokens, dtype=dtype, value7=_gib(needed), value9=_gib(available))


def _char_codes(piece: str) -> np.ndarray:
    """Unicode code points of ``piece``: uint8 for ASCII text, uint32 otherwise."""
    if piece.isascii():
        return np.frombuffer(piece.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(piece.encode("utf-32-le", "surrogatepass"), dtype="<u4")


_CODE_POINTS = 0x110000


def _scan_chars(source: TextSource, present: np.ndarray) -> int:
    """Mark the code points of ``source`` in ``present``; returns its number of characters."""
    count = 0
    for piece in source.pieces():
        codes = _char_codes(piece)
        if codes.dtype == np.uint8:
            present[:256] |= np.bincount(codes, minlength=256) > 0
        else:
            present[codes] = True
        count += codes.size
    return count


def _encode_chars(source: TextSource, lookup: np.ndarray, count: int) -> np.ndarray:
    ids = np.empty(count, dtype=lookup.dtype)
    position = 0
    for piece in source.pieces():
        codes = _char_codes(piece)
        if position + codes.size > count:
            raise InputFileError("{name} changed while it was read", name=source.name)
        np.take(lookup, codes, out=ids[position:position + codes.size])
        position += codes.size
    if position != count:
        raise InputFileError("{name} changed while it was read", name=source.name)
    return ids


class _WordSplitter:
    """Words of a text fed in pieces: per non-empty line its words and ``<eos>`` (``<bos>`` first
    if ``sentence_start``), exactly as :func:`tokenize` gives for the whole text."""

    def __init__(self, sentence_start: bool):
        self.sentence_start = sentence_start
        self.carry = ""          # the unfinished last line
        self.line_open = False   # the current line has given words already

    def feed(self, piece: str, final: bool = False) -> list[str]:
        lines = (self.carry + piece).split("\n")
        self.carry = "" if final else lines.pop()
        tokens: list[str] = []
        if lines and self.line_open:   # the first line continues words given already
            self._line(lines.pop(0), tokens, ends=True)
        # All other complete lines at once: join the non-blank ones with the end (and start)
        # markers between them and split once, instead of a Python loop over words.
        filled = [line for line in lines if line and not line.isspace()]
        if filled:
            separator = f" {EOS} {BOS} " if self.sentence_start else f" {EOS} "
            if self.sentence_start:
                tokens.append(BOS)
            tokens.extend(separator.join(filled).split())
            tokens.append(EOS)
        if len(self.carry) > _LONG_LINE:
            # a line longer than a chunk: give its complete words now, keep the last one
            match = re.search(r"\s(?=\S*\Z)", self.carry)
            if match:
                self._line(self.carry[:match.start()], tokens, ends=False)
                self.carry = self.carry[match.end():]
        return tokens

    def _line(self, line: str, tokens: list[str], ends: bool) -> None:
        words = line.split()
        if words and not self.line_open:
            if self.sentence_start:
                tokens.append(BOS)
            self.line_open = True
        tokens.extend(words)
        if ends:
            if self.line_open:
                tokens.append(EOS)
            self.line_open = False


def _word_chunks(source: TextSource, sentence_start: bool) -> Iterator[list[str]]:
    splitter = _WordSplitter(sentence_start)
    for piece in source.pieces(WORD_CHUNK_BYTES):
        yield splitter.feed(piece)
    yield splitter.feed("", final=True)


def _scan_words(source: TextSource, seen: set, sentence_start: bool) -> int:
    count = 0
    for tokens in _word_chunks(source, sentence_start):
        seen.update(tokens)
        count += len(tokens)
        if len(seen) > MAX_WORD_VOCAB:
            raise ResourceError("{name} has more than {MAX_WORD_VOCAB:,} distinct words; a word-level model cannot train on that vocabulary (try --level char)", name=source.name, MAX_WORD_VOCAB=MAX_WORD_VOCAB)
    return count


def _encode_words(source: TextSource, index: dict, count: int, dtype: np.dtype,
                  sentence_start: bool) -> np.ndarray:
    ids = np.empty(count, dtype=dtype)
    position = 0
    for tokens in _word_chunks(source, sentence_start):
        if position + len(tokens) > count:
            raise InputFileError("{name} changed while it was read", name=source.name)
        # a few thousand words per call: one call holds the interpreter lock for its whole length
        for start in range(0, len(tokens), _WORDS_PER_CALL):
            part = tokens[start:start + _WORDS_PER_CALL]
            ids[position:position + len(part)] = np.fromiter(map(index.__getitem__, part), dtype=dtype,
                                                             count=len(part))
            position += len(part)
    if position != count:
        raise InputFileError("{name} changed while it was read", name=source.name)
    return ids


def _blocks(ids: np.ndarray) -> Iterator[np.ndarray]:
    """Views of ``ids`` of ``CHUNK_BYTES`` elements: work on them keeps temporaries small."""
    for start in range(0, ids.size, CHUNK_BYTES):
        yield ids[start:start + CHUNK_BYTES]


def _training_vocabulary(all_words: list[str], train: np.ndarray, others: Iterable[np.ndarray]
                         ) -> tuple[Vocabulary, np.ndarray]:
    """Word level: the vocabulary of the training ids (plus ``<unk>`` when another split needs it)
    and the map from ``all_words`` ids to its ids (of ``train``'s dtype)."""
    used = np.zeros(len(all_words), dtype=bool)
    for block in _blocks(train):   # block by block: each call holds the interpreter lock briefly
        used |= np.bincount(block, minlength=len(all_words)) > 0
    needs_unk = any(bool((~used[block]).any()) for ids in others for block in _blocks(ids))
    words = [all_words[i] for i in np.flatnonzero(used).tolist()]
    if needs_unk and UNK not in set(words):
        words = sorted([*words, UNK])
    vocab = Vocabulary(tuple(words))
    unk = vocab.unk_id
    remap = np.full(len(all_words), 0 if unk is None else unk, dtype=train.dtype)
    used_ids = np.flatnonzero(used)
    remap[used_ids] = np.fromiter((vocab.index(all_words[i]) for i in used_ids.tolist()),
                                  dtype=train.dtype, count=used_ids.size)
    return vocab, remap


def corpus_from_sources(train: TextSource, valid: TextSource | None = None,
                        test: TextSource | None = None, *, level: str = "char",
                        sentence_start: bool = False, valid_fraction: float = 0.05,
                        test_fraction: float = 0.05, name: str = "",
                        should_stop: Callable[[], bool] | None = None) -> Corpus:
    """Tokenise sources into a :class:`Corpus` (the splits and vocabularies of :func:`build_corpus`).

    Two passes over every source: the first finds the vocabulary and the number of tokens (and
    refuses, with the estimate, a corpus whose ids would not fit in the available memory), the
    second writes the ids into one preallocated compact array per source.
    """
    if level not in LEVELS:
        raise ConfigError("unknown level {level!r}; choose one of {choices}", level=level, choices=', '.join(LEVELS))
    if valid is None and not (0.0 < valid_fraction < 0.5 and 0.0 <= test_fraction < 0.5):
        raise ConfigError("valid_fraction must be in (0, 0.5) and test_fraction in [0, 0.5)")
    if should_stop is not None:
        train, valid, test = (None if source is None else dataclasses.replace(source, should_stop=should_stop)
                              for source in (train, valid, test))
    sources = [source for source in (train, valid, test) if source is not None]
    if level == "char":
        present = np.zeros(_CODE_POINTS, dtype=bool)
        counts = [_scan_chars(source, present) for source in sources]
        codes = np.flatnonzero(present)
        vocab = Vocabulary(tuple(map(chr, codes.tolist())))
        dtype = token_dtype(len(vocab))
        _check_memory(sum(counts), dtype, name or train.name)
        lookup = np.zeros(_CODE_POINTS, dtype=dtype)
        lookup[codes] = np.arange(codes.size)
        arrays = [_encode_chars(source, lookup, count) for source, count in zip(sources, counts)]
    else:
        seen: set[str] = set()
        counts = [_scan_words(source, seen, sentence_start) for source in sources]
        all_words = sorted(seen)
        dtype = token_dtype(len(all_words) + 1)
        _check_memory(sum(counts), dtype, name or train.name)
        index = {word: i for i, word in enumerate(all_words)}
        arrays = [_encode_words(source, index, count, dtype, sentence_start)
                  for source, count in zip(sources, counts)]
        del index
    train_ids = arrays.pop(0)
    valid_ids = arrays.pop(0) if valid is not None else None
    test_ids = arrays.pop(0) if test is not None else None
    if train_ids.size == 0:
        raise ConfigError("corpus {name} has no tokens", name=name) if name else ConfigError("corpus has no tokens")
    if valid_ids is None:
        n = train_ids.size
        n_valid = max(1, int(n * valid_fraction))
        n_test = int(n * test_fraction) if test_ids is None else 0
        if n - n_valid - n_test < 2:
            raise ConfigError("corpus {name} is too short to split: {n} tokens", name=name, n=n)
        valid_ids = train_ids[n - n_valid - n_test:n - n_test]
        if test_ids is None and n_test:
            test_ids = train_ids[n - n_test:]
        train_ids = train_ids[:n - n_valid - n_test]
    if test_ids is not None and test_ids.size == 0:
        test_ids = None
    if level == "word":
        splits = [ids for ids in (train_ids, valid_ids, test_ids) if ids is not None]
        vocab, remap = _training_vocabulary(all_words, train_ids, splits[1:])
        for ids in splits:   # renumbered in place, block by block (the splits may share memory)
            for block in _blocks(ids):
                block[...] = remap[block]
    return Corpus(level=level, vocab=vocab, train=train_ids, valid=valid_ids, test=test_ids, name=name)


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
            "{what} is shorter than one batch: {n_ids} tokens, need at least {needed} (batch {batch_size} x (seq-len {seq_len} + 1)); use a smaller --batch or --seq-len", what=what, n_ids=len(ids), needed=needed, batch_size=batch_size, seq_len=seq_len)
