"""Reading corpora, vocabularies, splits and TBPTT batches."""
from __future__ import annotations

import os

import numpy as np
import pytest

from rnnviz.core.config import ConfigError
from rnnviz.errors import ResourceError
from rnnviz.lm.data import (EOS, UNK, batchify, build_corpus, check_long_enough, get_batch,
                            load_corpus, num_batches, python_stdlib_text, read_text_file, token_dtype,
                            tokenize)


def test_word_level_ptb_format(tmp_path):
    (tmp_path / "ptb.train.txt").write_text(" the cat sat \n\n a dog ran \n the dog sat \n", encoding="utf-8")
    (tmp_path / "ptb.valid.txt").write_text(" the bird sat \n", encoding="utf-8")
    (tmp_path / "ptb.test.txt").write_text(" a cat ran \n", encoding="utf-8")
    corpus = load_corpus(str(tmp_path), level="word")
    vocab = corpus.vocab
    # training words + <eos>; the unseen "bird" in valid adds <unk>
    assert set(vocab.tokens) == {"the", "cat", "sat", "a", "dog", "ran", EOS, UNK}
    decoded = [vocab.tokens[i] for i in corpus.train]
    assert decoded == ["the", "cat", "sat", EOS, "a", "dog", "ran", EOS, "the", "dog", "sat", EOS]
    assert [vocab.tokens[i] for i in corpus.valid] == ["the", UNK, "sat", EOS]
    assert [vocab.tokens[i] for i in corpus.test] == ["a", "cat", "ran", EOS]
    assert vocab.decode(corpus.test, "word") == "a cat ran \n"


def test_sentence_start_marker():
    assert tokenize("a b\nc\n", "word", sentence_start=True) == ["<bos>", "a", "b", EOS, "<bos>", "c", EOS]


def test_char_level_split_and_vocab_covers_every_split():
    text = "abcdefghij" * 20 + "xyz"
    corpus = build_corpus(text, level="char", valid_fraction=0.1, test_fraction=0.05)
    n = len(text)
    assert len(corpus.train) + len(corpus.valid) + len(corpus.test) == n
    assert len(corpus.valid) == int(n * 0.1) and len(corpus.test) == int(n * 0.05)
    assert "z" in corpus.vocab  # only in the held-out tail, still in the vocabulary
    assert corpus.vocab.decode(corpus.test, "char") == text[-len(corpus.test):]


def test_builtin_corpora_load():
    sample = load_corpus("builtin:sample")
    assert sample.vocab_size > 20 and len(sample.train) > 3000
    text = python_stdlib_text(max_chars=50_000)
    assert len(text) == 50_000 and "def " in text
    assert python_stdlib_text(max_chars=50_000) == text  # same order every time


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (b"abc\x00def", "binary"),
    (b"caf\xe9 au lait", "not valid UTF-8"),
])
def test_bad_text_files(tmp_path, content, message):
    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message):
        read_text_file(path)


def test_missing_and_unknown_corpora(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_corpus(str(tmp_path / "nope.txt"))
    with pytest.raises(ConfigError, match="unknown built-in corpus"):
        load_corpus("builtin:nope")
    with pytest.raises(ConfigError, match="no ptb.train.txt"):
        load_corpus(str(tmp_path))


def test_batches_are_parallel_streams_with_shifted_targets():
    ids = np.arange(23)
    streams = batchify(ids, 2)                    # 11 rows, last token dropped
    assert streams.shape == (11, 2)
    np.testing.assert_array_equal(streams[:, 0], np.arange(11))
    np.testing.assert_array_equal(streams[:, 1], np.arange(11, 22))
    assert num_batches(streams, 4) == 3           # windows of 4, 4, 2 (10 input positions)
    inputs, targets = get_batch(streams, 2, 4)
    np.testing.assert_array_equal(inputs[:, 0], [8, 9])
    np.testing.assert_array_equal(targets[:, 0], [9, 10])
    with pytest.raises(ConfigError, match="shorter than one batch"):
        check_long_enough(ids, 4, 8, "the training text")


# ----------------------------------------------------------------------------- streamed, compact ids

@pytest.mark.parametrize("vocab_size, dtype", [(2, np.uint8), (256, np.uint8), (257, np.uint16),
                                               (65536, np.uint16), (65537, np.uint32)])
def test_token_dtype_is_the_smallest_that_fits(vocab_size, dtype):
    assert token_dtype(vocab_size) == dtype


def test_ids_are_compact_by_vocabulary_size(tmp_path):
    assert load_corpus("builtin:sample").train.dtype == np.uint8
    words = tmp_path / "words.txt"
    words.write_text("".join(f"w{i} w{i + 1}\n" for i in range(400)), encoding="utf-8")
    assert load_corpus(str(words), level="word").train.dtype == np.uint16
    wide = tmp_path / "wide.txt"
    wide.write_text("".join(chr(0x4E00 + i) for i in range(300)) * 3, encoding="utf-8")
    corpus = load_corpus(str(wide))
    assert corpus.train.dtype == np.uint16 and len(corpus.vocab) == 300


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Chunks of a few bytes: every multi-byte character, CRLF and line is cut somewhere."""
    import rnnviz.lm.data as data

    monkeypatch.setattr(data, "CHUNK_BYTES", 7)
    monkeypatch.setattr(data, "WORD_CHUNK_BYTES", 5)
    monkeypatch.setattr(data, "_LONG_LINE", 12)


TEXTS = [
    "plain ascii text\nwith lines\n",
    "\ufeffBOM first, then CRLF\r\nline two\r\n\r\nend\r",
    "é ü 日本語 😀 mixed\nwidth\u2028sep\x85next\xa0nbsp\n  \n\n last line without newline",
    "one very long line " * 20 + "\nshort\n",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("level", ["char", "word"])
def test_chunked_reading_gives_exactly_what_whole_text_tokenising_gives(tmp_path, tiny_chunks, text, level):
    path = tmp_path / "corpus.txt"
    path.write_bytes(text.encode("utf-8"))
    whole = read_text_file(path)     # the reference: decode all, tokenise all
    tokens = tokenize(whole, level, sentence_start=True)
    corpus = load_corpus(str(path), level=level, sentence_start=True, valid_fraction=0.2, test_fraction=0.1)
    ids = np.concatenate([corpus.train, corpus.valid] + ([corpus.test] if corpus.test is not None else []))
    decoded = [corpus.vocab.tokens[i] for i in ids]
    if level == "char":
        assert decoded == tokens and corpus.vocab.tokens == tuple(sorted(set(tokens)))
    else:   # held-out words missing from the training part become <unk>
        train_words = set(tokens[:corpus.train.size])
        assert decoded == [t if t in train_words else UNK for t in tokens]


def test_bad_bytes_are_found_across_chunks(tmp_path, tiny_chunks):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"fine text here \xe6\x97 cut")
    with pytest.raises(ConfigError, match=r"not valid UTF-8 text \(bad byte at offset 15\)"):
        load_corpus(str(path))
    path.write_bytes(b"ends inside a character \xe6\x97")
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load_corpus(str(path))
    path.write_bytes(b"   \n\t  \r\n")
    with pytest.raises(ConfigError, match="is empty"):
        load_corpus(str(path))


def test_devices_and_pipes_are_not_read(tmp_path):
    with pytest.raises(ConfigError, match="not a regular file"):
        load_corpus("/dev/zero")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_corpus(str(fifo))


def test_a_corpus_that_would_not_fit_is_refused_with_the_estimate(tmp_path, monkeypatch):
    import rnnviz.lm.data as data

    path = tmp_path / "c.txt"
    path.write_text("abc\n" * 100_000, encoding="utf-8")
    monkeypatch.setattr(data, "available_memory", lambda: 500_000)
    with pytest.raises(ResourceError, match=r"400,000 tokens; its uint8 ids need about 1 MiB of memory, "
                                            r"but only 0 MiB are available"):
        load_corpus(str(path))
    monkeypatch.setattr(data, "MAX_WORD_VOCAB", 10)
    monkeypatch.setattr(data, "available_memory", lambda: None)
    path.write_text(" ".join(f"w{i}" for i in range(50)), encoding="utf-8")
    with pytest.raises(ResourceError, match="more than 10 distinct words"):
        load_corpus(str(path), level="word")


def test_loading_stops_between_chunks_when_asked(tmp_path, tiny_chunks):
    from rnnviz.core.cancel import Cancelled

    path = tmp_path / "c.txt"
    path.write_text("some text to read in many chunks\n" * 20, encoding="utf-8")
    asked = []

    def stop_after_three():
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(Cancelled):
        load_corpus(str(path), should_stop=stop_after_three)
    assert len(asked) == 4   # checked before every chunk, stopped at once
    assert load_corpus(str(path), should_stop=lambda: False).train.size > 0
