"""The plain readers behind File → Open network… and Open inputs… (no Qt)."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from rnnviz.app.loading import MAX_STEPS, Vocabulary, file_source, read_inputs_file, read_network_file
from rnnviz.core.cancel import Cancelled
from rnnviz.core.config import ConfigError
from rnnviz.core.formats.inputs import read_csv_table
from tests.test_cli_weights import FIXTURES


def test_the_network_file_is_hashed_and_widened_to_float64():
    opened = read_network_file(FIXTURES / "lstm-float32.safetensors")
    data = (FIXTURES / "lstm-float32.safetensors").read_bytes()
    assert opened.source.sha256 == hashlib.sha256(data).hexdigest() and opened.source.size == len(data)
    assert opened.stored_dtype == "float32" and not opened.complete
    assert all(value.dtype == np.float64 for value in opened.params.values())


def test_reading_stops_when_asked():
    with pytest.raises(Cancelled):
        file_source(FIXTURES / "lstm-2layer.pt", should_stop=lambda: True)


def test_csv_tables_say_where_they_are_wrong(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n3,oops\n")
    with pytest.raises(ConfigError, match=r"x.csv, line 3: 'oops' is not a number"):
        read_csv_table(path)
    path.write_text("1,2\n3\n")
    with pytest.raises(ConfigError, match="line 2: 1 columns; the rows before it have 2"):
        read_csv_table(path)
    path.write_text("a,b\n")
    with pytest.raises(ConfigError, match="holds no rows of numbers"):
        read_csv_table(path)
    path.write_text("1,2\n\n3,4\n")
    np.testing.assert_array_equal(read_csv_table(path), [[1, 2], [3, 4]])


def test_inputs_longer_than_the_explorer_shows_are_refused_and_nan_named(tmp_path):
    np.save(tmp_path / "long.npy", np.zeros((MAX_STEPS + 1, 2)))
    with pytest.raises(ConfigError, match=f"T = {MAX_STEPS + 1} steps; the explorer analyses at most {MAX_STEPS}"):
        read_inputs_file(tmp_path / "long.npy", 2)
    np.save(tmp_path / "nan.npy", np.array([[1.0, np.nan]]))
    with pytest.raises(ConfigError, match="contains NaN or infinite values"):
        read_inputs_file(tmp_path / "nan.npy", None)
    np.save(tmp_path / "four.npy", np.zeros((5, 2, 2, 2)))
    with pytest.raises(ConfigError, match=r"expected shape \(T, input\) or \(T, batch, input\).*got \(5, 2, 2, 2\)"):
        read_inputs_file(tmp_path / "four.npy", None)


def test_long_text_keeps_the_first_steps_and_says_so(tmp_path):
    embedding = np.arange(6, dtype=np.float64).reshape(3, 2)
    vocabulary = Vocabulary(("a", "b", "c"), "char", False, embedding)
    (tmp_path / "t.txt").write_text("abc" * 1000)
    opened = read_inputs_file(tmp_path / "t.txt", 2, vocabulary)
    assert opened.inputs.shape == (MAX_STEPS, 1, 2) and opened.note == f"the first {MAX_STEPS} of 3000 tokens"
    np.testing.assert_array_equal(opened.inputs[:3, 0], embedding)
    (tmp_path / "u.txt").write_text("abd")
    with pytest.raises(ConfigError, match="contains a token not in the vocabulary: 'd'"):
        read_inputs_file(tmp_path / "u.txt", 2, vocabulary)
    with pytest.raises(ConfigError, match="the vocabulary's embedding has width 2; the network takes 5 inputs"):
        read_inputs_file(tmp_path / "t.txt", 5, vocabulary)
