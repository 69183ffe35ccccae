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

INPUT_SUFFIXES = (".npy", ".csv")


def input_array(x: np.ndarray, input_size: int | None, where: str) -> np.ndarray:
    """``x`` of shape (T, input_size) or (T, batch, input_size) as float64 (T, batch, input_size);
    ``input_size`` None takes any width."""
    if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
        raise ConfigError(f"{where}: expected numbers, got dtype {x.dtype}")
    file_shape = tuple(x.shape)
    if x.ndim == 2:
        x = x[:, None, :]
    width = "input" if input_size is None else input_size
    if x.ndim != 3 or min(x.shape) < 1 or (input_size is not None and x.shape[2] != input_size):
        raise ConfigError(f"{where}: expected shape (T, {width}) or (T, batch, {width}) "
                          f"with T, batch{'' if input_size is not None else ', input'} >= 1, got {file_shape}")
    x = x.astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise ConfigError(f"{where} contains NaN or infinite values")
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
                    raise ConfigError(f"{where}, line {line_number}: {bad.strip()[:40]!r} is not a number") from None
                if rows and len(values) != len(rows[0]):
                    raise ConfigError(f"{where}, line {line_number}: {len(values)} columns; the rows before "
                                      f"it have {len(rows[0])}")
                rows.append(values)
    except UnicodeDecodeError:
        raise ConfigError(f"{where} is not a UTF-8 text table") from None
    except OSError as error:
        raise ConfigError(f"cannot read {where}: {error.strerror or error}") from None
    if not rows:
        raise ConfigError(f"{where} holds no rows of numbers; expected T rows of input columns")
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
        x = read_npy(path, "inputs")
    elif suffix == ".csv":
        if not path.is_file():
            raise ConfigError(f"inputs file {path} not found" if not path.exists()
                              else f"inputs file {path} is not a regular file")
        x = read_csv_table(path, should_stop)
    else:
        raise ConfigError(f"inputs file {path}: expected a .npy or .csv file")
    return input_array(x, input_size, f"inputs file {path}")
