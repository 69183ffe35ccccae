"""Atomic file writes and version stamps for the artefacts rnnviz writes.

A file that rnnviz writes is either the complete new content or the old file
untouched: content goes to a temporary file in the same directory (so that the
final ``os.replace`` is a rename within one file system, which is atomic on
POSIX and Windows), is flushed and fsynced, and only then replaces the target.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import platform
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_json",
    "versions",
]


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows).
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` on success.

    Use it for writers that insist on opening the file themselves
    (``numpy.savez``, Qt exporters).  The temporary file ends with ``path``'s
    suffix (or ``suffix``) because some writers choose the format from it or
    append it when it is missing (``numpy.savez`` adds ``.npz``).  If the
    body raises, the temporary file is deleted and ``path`` is left as it was.

    Raises:
        FileNotFoundError: the target's directory does not exist.
        OSError: the body did not create the temporary file, or the move failed.
    """
    target = Path(path)
    directory = target.parent
    if not directory.is_dir():
        raise FileNotFoundError(f"directory does not exist: {directory}")
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp" + (target.suffix if suffix is None else suffix),
        dir=directory,
    )
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates the file 0600; give it the permissions a normal open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        if not tmp.exists():
            raise OSError(f"nothing was written to the temporary file for {target}")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_directory(directory)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (all or nothing)."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically; line endings are written as given."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path: str | os.PathLike[str], obj: Any, *, indent: int | None = 2) -> None:
    """Serialise ``obj`` as JSON and write it atomically.

    The object is serialised before the file is touched, so an object that
    cannot be encoded (``TypeError``/``ValueError``) leaves ``path`` unchanged.
    NaN and infinity are rejected (``allow_nan=False``): they are not JSON.
    """
    text = json.dumps(obj, indent=indent, allow_nan=False, sort_keys=False) + "\n"
    atomic_write_text(path, text)


def _distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, str]:
    """Versions of Python, NumPy, rnnviz and (when installed) PySide6/pyqtgraph.

    Meant for the ``run.json`` beside every artefact.  Qt is not imported: the
    versions come from the installed package metadata, so this is safe to call
    from headless code.
    """
    import numpy

    import rnnviz

    found = {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "rnnviz": rnnviz.__version__,
    }
    for key, distribution in (("PySide6", "PySide6-Essentials"), ("pyqtgraph", "pyqtgraph")):
        version = _distribution_version(distribution)
        if version is None and key == "PySide6":
            version = _distribution_version("PySide6")
        if version is not None:
            found[key] = version
    return found
