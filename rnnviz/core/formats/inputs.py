"""Input sequences from files: ``.npy`` arrays (never unpickled) and ``.csv`` tables.

An input file holds ``(T, input)`` (one sequence) or ``(T, batch, input)``; a CSV holds T rows of
``input`` numbers (batch 1), optionally under one header row of column names. Every reader returns
float64 ``(T, batch, input)`` and raises ConfigError (one line naming the file, the shape expected
and the shape found) for anything else.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..config import ConfigError
from rnnviz.errors import Message

INPUT_SUFFIXES = (".npy", ".csv")


def input_array(x: np.ndarray, input_size: int | None, where: str) -> np.ndarray:
    """``x`` of shape (T, input_size) or (T, batch, input_size) as float64 (T, batch, input_size);
    ``input_size`` None takes any width."""
    if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
        raise ConfigError("{where}: expected numbers, got dtype {dtype}", where=where, dtype=x.dtype)
    file_shape = tuple(x.shape)
    if x.ndim == 2:
        x = x[:, None, :]
    width = "input" if input_size is None else input_size
    if x.ndim != 3 or min(x.shape) < 1 or (input_size is not None and x.shape[2] != input_size):
        raise ConfigError("{where}: expected shape (T, {width}) or (T, batch, {width}) with T, batch{value6} >= 1, got {file_shape}", where=where, width=width, value6='' if input_size is not None else ', input', file_shape=file_shape)
    x = x.astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise ConfigError("{where} contains NaN or infinite values", where=where)
    return x


def read_csv_table(path: Path, should_stop=None) -> np.ndarray:
    """A CSV file's numbers as float64 ``(rows, columns)``; a first row of names is skipped."""
    where = f"inputs file {path}"
    rows: list[list[float]] = []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            for line_number, row in enumerate(csv.reader(handle), start=1):
                if should_stop is not None and line_number % 4096 == 0 and should_stop():
                    from ..cancel import Cancelled

                    raise Cancelled()
                if not row or all(not cell.strip() for cell in row):
                    continue
                try:
                    values = [float(cell) for cell in row]
                except ValueError:
                    if not rows and line_number == 1:
                        continue   # a header of column names
                    bad = next(cell for cell in row if not _is_number(cell))
                    raise ConfigError("{where}, line {line_number}: {value4!r} is not a number", where=where, line_number=line_number, value4=bad.strip()[:40]) from None
                if rows and len(values) != len(rows[0]):
                    raise ConfigError("{where}, line {line_number}: {n_values} columns; the rows before it have {value6}", where=where, line_number=line_number, n_values=len(values), value6=len(rows[0]))
                rows.append(values)
    except UnicodeDecodeError:
        raise ConfigError("{where} is not a UTF-8 text table", where=where) from None
    except OSError as error:
        raise ConfigError("cannot read {where}: {value3}", where=where, value3=error.strerror or error) from None
    if not rows:
        raise ConfigError("{where} holds no rows of numbers; expected T rows of input columns", where=where)
    return np.asarray(rows, dtype=np.float64)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_input_file(path, input_size: int | None, should_stop=None) -> np.ndarray:
    """``(T, batch, input_size)`` float64 from a ``.npy`` or ``.csv`` file (see the module text)."""
    from rnnviz.io_utils import read_npy

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".npy":
        x = read_npy(path, Message("inputs"))
    elif suffix == ".csv":
        if not path.is_file():
            raise ConfigError("inputs file {path} not found" if not path.exists()
                              else "inputs file {path} is not a regular file", path=path)
        x = read_csv_table(path, should_stop)
    else:
        raise ConfigError("inputs file {path}: expected a .npy or .csv file", path=path)
    return input_array(x, input_size, f"inputs file {path}")
