"""Files rnnviz writes and reads: atomic writes, file sets, output checks, safe array files.

A file that rnnviz writes is either the complete new content or the old file
untouched: content goes to a temporary file in the same directory (so that the
final ``os.replace`` is a rename within one file system, which is atomic on
POSIX and Windows), is flushed and fsynced, and only then replaces the target.
A symlinked target is written through the link; an existing target keeps its
permission bits. The writer holds an ``flock`` on its temporary file, so a
temporary file that nobody holds is the leftover of an interrupted write: the
next write into that folder removes it.

:class:`AtomicFileSet` extends this to several files in one folder that belong
together (a result and its ``run.json``): all of them are new or all are old.

:func:`check_output_file` and :func:`check_output_dir` try an output location
before any work starts. :func:`read_npz` and :func:`read_npy` read NumPy files
without pickles and check every header against the bytes really present, so a
truncated, corrupt or lying file is one clear :class:`~rnnviz.errors.InputFileError`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import importlib.metadata
import json
import os
import platform
import re
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rnnviz.errors import ConfigError, InputFileError, OutputPathError

__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_json",
    "AtomicFileSet",
    "check_output_file",
    "check_output_dir",
    "remove_stale_temporaries",
    "read_npz",
    "read_npy",
    "parse_json",
    "versions",
]

#: Name of a temporary file made by :func:`_make_temporary`: ``.<target>.<8 random>.tmp[<suffix>]``.
_TEMPORARY_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp(\.\w+)?$")
#: A temporary file younger than this is never removed (its writer may not hold its lock yet).
STALE_AFTER_SECONDS = 60.0


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


def _resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` should replace: a symlink is followed to what it points at."""
    target = Path(path)
    if target.is_symlink():
        return Path(os.path.realpath(target))
    return target


def _os_error(error: OSError, target: Path) -> OSError:
    """The same kind of error, naming ``target`` (not a temporary file)."""
    code = error.errno if error.errno is not None else errno.EIO
    return type(error)(code, error.strerror or os.strerror(code), str(target))


def remove_stale_temporaries(directory: str | os.PathLike[str],
                             min_age_seconds: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete leftovers of interrupted atomic writes in ``directory``; returns what was removed.

    A leftover is a file named like our temporary files, older than ``min_age_seconds`` and not
    locked by a running writer (every writer holds an ``flock`` on its temporary file).
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        if not _TEMPORARY_NAME.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or now - entry.stat().st_mtime < min_age_seconds:
                continue
            fd = os.open(entry.path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue   # a writer is still at work
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _new_file_mode(target: Path) -> int:
    """The mode of the existing ``target``, or what a plain ``open()`` would give a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _make_temporary(target: Path, suffix: str | None) -> tuple[Path, int]:
    """A locked temporary file beside ``target``: (its path, the descriptor holding the lock)."""
    directory = target.parent
    if not directory.is_dir():
        raise FileNotFoundError(f"directory does not exist: {directory}")
    remove_stale_temporaries(directory)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp" + (target.suffix if suffix is None else suffix),
            dir=directory,
        )
    except OSError as error:
        raise _os_error(error, target) from None
    fcntl.flock(fd, fcntl.LOCK_EX)
    # mkstemp creates the file 0600; give it the target's permissions (or a new file's).
    os.fchmod(fd, _new_file_mode(target))
    return Path(tmp_name), fd


def _move_into_place(tmp: Path, target: Path) -> None:
    if not tmp.exists():
        raise OSError(f"nothing was written to the temporary file for {target}")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    try:
        os.replace(tmp, target)
    except OSError as error:
        raise _os_error(error, target) from None


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` on success.

    Use it for writers that insist on opening the file themselves
    (``numpy.savez``, Qt exporters).  The temporary file ends with ``path``'s
    suffix (or ``suffix``) because some writers choose the format from it or
    append it when it is missing (``numpy.savez`` adds ``.npz``).  If the
    body raises, the temporary file is deleted and ``path`` is left as it was.
    A symlink ``path`` is written through; an existing file keeps its mode.

    Raises:
        FileNotFoundError: the target's directory does not exist.
        OSError: the body did not create the temporary file, or the move failed
            (the error names ``path``, not the temporary file).
    """
    target = _resolve_target(path)
    tmp, fd = _make_temporary(target, suffix)
    try:
        yield tmp
        _move_into_place(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        os.close(fd)
    _fsync_directory(target.parent)


class AtomicFileSet:
    """Files in one folder that appear together: after :meth:`commit` all are new, else all old.

    ``marker`` (e.g. ``run.json``) is the file that says the set is complete: every file is first
    written to a temporary file; on commit the old marker is removed, the other files are moved
    into place and the marker comes last. A folder that does not exist yet is built as a
    temporary folder beside it and renamed into place, so it appears whole or not at all. Used as
    a context manager, leaving the block with an exception removes every temporary file.
    """

    def __init__(self, directory: str | os.PathLike[str], marker: str):
        self.directory = Path(directory)
        self.marker = marker
        self._staging: Path | None = None
        self._temporaries: dict[str, tuple[Path, int]] = {}
        if self.directory.exists() and not self.directory.is_dir():
            raise FileExistsError(errno.EEXIST, "exists and is not a folder", str(self.directory))
        if not self.directory.exists():
            parent = self.directory.parent
            parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(parent)
            try:
                self._staging = Path(tempfile.mkdtemp(prefix=f".{self.directory.name}.", suffix=".tmp",
                                                      dir=parent))
            except OSError as error:
                raise _os_error(error, self.directory) from None

    def path(self, name: str) -> Path:
        """A temporary path for file ``name`` (for writers that open the file themselves)."""
        if name in self._temporaries:
            return self._temporaries[name][0]
        if self._staging is not None:
            tmp = self._staging / name
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _new_file_mode(tmp))
        else:
            tmp, fd = _make_temporary(self.directory / name, None)
        self._temporaries[name] = (tmp, fd)
        return tmp

    def write_bytes(self, name: str, data: bytes) -> None:
        with open(self.path(name), "wb") as handle:
            handle.write(data)

    def write_text(self, name: str, text: str, *, encoding: str = "utf-8") -> None:
        self.write_bytes(name, text.encode(encoding))

    def write_json(self, name: str, obj: Any, *, indent: int | None = 2) -> None:
        self.write_text(name, json.dumps(obj, indent=indent, allow_nan=False) + "\n")

    def commit(self) -> list[Path]:
        """Move every file into place (the marker last); returns the final paths."""
        if self.marker not in self._temporaries:
            raise ValueError(f"the file set has no marker file {self.marker!r}")
        for tmp, _ in self._temporaries.values():
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
        names = [name for name in self._temporaries if name != self.marker] + [self.marker]
        if self._staging is not None:
            _fsync_directory(self._staging)
            try:
                os.rename(self._staging, self.directory)
            except OSError as error:
                raise _os_error(error, self.directory) from None
            self._staging = None
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.directory / self.marker)   # the old set is no longer whole
            for name in names:
                _move_into_place(self._temporaries[name][0], self.directory / name)
        self._close()
        _fsync_directory(self.directory)
        _fsync_directory(self.directory.parent)
        return [self.directory / name for name in names]

    def _close(self) -> None:
        for _, fd in self._temporaries.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._temporaries = {}

    def discard(self) -> None:
        """Remove every temporary file; the folder stays as it was."""
        for tmp, _ in self._temporaries.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._close()
        if self._staging is not None:
            with contextlib.suppress(OSError):
                os.rmdir(self._staging)
            self._staging = None

    def __enter__(self) -> "AtomicFileSet":
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc_type is not None or self._temporaries or self._staging is not None:
            self.discard()
        return False


# ----------------------------------------------------------------------------- output checks
def _probe_directory(directory: Path, name: str) -> None:
    """Create and delete a temporary file in ``directory``; OSError if that is not possible."""
    fd, probe = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    os.unlink(probe)


def check_output_file(path: str | os.PathLike[str], flag: str, *, append: bool = False) -> Path:
    """Make sure ``path`` can be written (atomically, or appended to) before any work starts.

    Nothing is created or changed. Raises :class:`~rnnviz.errors.OutputPathError` naming ``flag``.
    """
    given = Path(path)
    target = _resolve_target(given)
    if target.is_dir():
        raise OutputPathError("{flag} {given} is a folder, not a file", flag=flag, given=given)
    if not target.parent.is_dir():
        raise OutputPathError("{flag} {given}: folder {parent} does not exist", flag=flag, given=given, parent=target.parent)
    try:
        if append and target.exists():
            with open(target, "ab"):
                pass
        else:
            _probe_directory(target.parent, target.name)
    except OSError as error:
        raise OutputPathError("{flag} {given}: cannot write {target} ({value6})", flag=flag, given=given, target=target, value6=error.strerror or error) from None
    return target


def check_output_dir(path: str | os.PathLike[str], flag: str) -> Path:
    """Make sure files can be written into folder ``path`` (created later if it does not exist)."""
    given = Path(path)
    if given.exists() and not given.is_dir():
        raise OutputPathError("{flag} {given} exists and is not a directory", flag=flag, given=given)
    existing = given
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise OutputPathError("{flag} {given}: {existing} is not a folder", flag=flag, given=given, existing=existing)
    try:
        _probe_directory(existing, given.name or "out")
    except OSError as error:
        raise OutputPathError("{flag} {given}: cannot write into {existing} ({value6})", flag=flag, given=given, existing=existing, value6=error.strerror or error) from None
    return given


# ----------------------------------------------------------------------------- reading arrays
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def _size_text(nbytes: int) -> str:
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= size:
            return f"{nbytes / size:.1f} {unit}"
    return f"{nbytes} bytes"


def _read_array(handle, available: int, where: str):
    """One ``.npy`` stream from ``handle`` holding ``available`` bytes; checked before allocating."""
    import numpy as np

    fmt = np.lib.format
    try:
        version = fmt.read_magic(handle)
        if version == (1, 0):
            shape, fortran_order, dtype = fmt.read_array_header_1_0(handle)
        elif version in ((2, 0), (3, 0)):
            shape, fortran_order, dtype = fmt.read_array_header_2_0(handle)
        else:
            raise InputFileError("{where}: unsupported .npy format version {version}", where=where, version=version)
    except InputFileError:
        raise
    except (ValueError, EOFError, OSError) as error:
        raise InputFileError("{where}: not a valid .npy array header ({value2})", where=where, value2=_first_line(error)) from None
    if dtype.hasobject:
        raise InputFileError("{where} holds Python objects; rnnviz never loads those (no pickles)", where=where)
    count = 1
    for extent in shape:
        count *= int(extent)
    nbytes = count * dtype.itemsize
    header = handle.tell()
    if nbytes > available - header:
        raise InputFileError(
            "{where}: the header claims shape {value2} {dtype} ({value6}) but the file holds only {value8} of data", where=where, value2=tuple(shape), dtype=dtype, value6=_size_text(nbytes), value8=_size_text(max(0, available - header)))
    buffer = bytearray(nbytes)
    if handle.readinto(memoryview(buffer)) != nbytes:
        raise InputFileError("{where} is truncated", where=where)
    handle.read(1)   # reaching the end makes a zip member check its CRC
    array = np.frombuffer(buffer, dtype=dtype, count=count)
    return array.reshape(shape[::-1]).T if fortran_order else array.reshape(shape)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= 120 else line[:117] + "..."


def _check_input_file(path: Path, what: str) -> None:
    if not path.exists():
        raise InputFileError("{what} file not found: {path}", what=what, path=path)
    if not path.is_file():
        raise InputFileError("{what} file {path} is not a regular file", what=what, path=path)


def read_npz(path: str | os.PathLike[str], what: str = "weights") -> dict:
    """Arrays of an ``.npz`` archive (name -> array), never unpickling.

    Raises :class:`~rnnviz.errors.InputFileError` with one line for a file that is missing, is not
    a zip archive, is truncated or fails its CRC, or whose headers claim more data than it holds.
    """
    path = Path(path)
    _check_input_file(path, what)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(6)
    except OSError as error:
        raise InputFileError("cannot read {what} file {path}: {value5}", what=what, path=path, value5=error.strerror or error) from None
    if magic.startswith(_NPY_MAGIC):
        raise InputFileError("{what} file {path} holds a single array (.npy), not an .npz of named arrays", what=what, path=path)
    if not magic.startswith(_ZIP_MAGICS):
        raise InputFileError("{what} file {path} is not a valid .npz (not a zip archive)", what=what, path=path)
    arrays = {}
    archive_size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                # The sizes in the zip directory may lie too: no member holds more than its
                # compressed bytes inflate to (deflate expands at most ~1032-fold).
                stored = min(info.compress_size, archive_size)
                bound = stored if info.compress_type == zipfile.ZIP_STORED else stored * 1100 + 65536
                with archive.open(info) as member:
                    arrays[name] = _read_array(member, min(info.file_size, bound),
                                               f"{what} file {path}, entry {name!r}")
    except InputFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as error:
        raise InputFileError(
            "{what} file {path} is not a valid .npz: corrupt or truncated ({value4})", what=what, path=path, value4=_first_line(error)) from None
    except OSError as error:
        raise InputFileError("cannot read {what} file {path}: {value5}", what=what, path=path, value5=error.strerror or error) from None
    return arrays


def read_npy(path: str | os.PathLike[str], what: str = "inputs"):
    """The array of an ``.npy`` file, never unpickling; header checked against the file's size."""
    path = Path(path)
    _check_input_file(path, what)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(6)
            if magic.startswith(_ZIP_MAGICS):
                raise InputFileError("{what} file {path} is an .npz archive; give one array as .npy", what=what, path=path)
            if not magic.startswith(_NPY_MAGIC):
                raise InputFileError("{what} file {path} is not a valid .npy array", what=what, path=path)
            handle.seek(0)
            return _read_array(handle, os.fstat(handle.fileno()).st_size, f"{what} file {path}")
    except OSError as error:
        raise InputFileError("cannot read {what} file {path}: {value5}", what=what, path=path, value5=error.strerror or error) from None


def parse_json(text: str, where: str) -> Any:
    """``json.loads(text)`` with every failure a :class:`~rnnviz.errors.ConfigError` naming ``where``.

    Besides invalid JSON this covers nesting too deep for the parser: a hostile file of a few
    megabytes of ``[[[[…`` makes ``json.loads`` raise RecursionError, which is bad input, not a bug.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError("{where} is not valid JSON ({msg} at line {lineno})", where=where, msg=error.msg, lineno=error.lineno) from None
    except RecursionError:
        raise ConfigError("{where} is nested too deeply to be a valid file", where=where) from None


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
