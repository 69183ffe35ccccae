"""Reading corpora, vocabularies, splits and TBPTT batches."""
from __future__ import annotations

import numpy as np
import pytest

from rnnviz.core.config import ConfigError
from rnnviz.lm.data import (EOS, UNK, batchify, build_corpus, check_long_enough, get_batch,
                            load_corpus, num_batches, python_stdlib_text, read_text_file, tokenize)


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
