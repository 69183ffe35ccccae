"""PyTorch ``.pt``/``.pth`` state dicts, read without torch and without unpickling.

``torch.save`` writes a zip archive: ``<name>/data.pkl`` (a pickle of the dict whose tensors refer to
storages by a persistent id) and ``<name>/data/<key>`` (each storage's raw bytes, little-endian unless
``<name>/byteorder`` says otherwise). The pickle is interpreted here by a small stack machine that knows
only the opcodes a state dict is made of; a GLOBAL is looked up in an allow-list of rebuild functions and
storage types, each mapped to a function of this module. Nothing is imported and nothing outside the
allow-list is ever called, so a file cannot run code: anything else is "not a PyTorch state dict".
"""
from __future__ import annotations

import math
import struct
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

from ..config import ConfigError

# The pickle of a state dict is small (names and shapes); refuse absurd ones before reading them.
MAX_PICKLE_BYTES = 64 * 2 ** 20

#: Storage type (as pickled by torch) -> NumPy dtype of its bytes (little-endian).
STORAGE_DTYPES = {
    "DoubleStorage": "<f8",
    "FloatStorage": "<f4",
    "HalfStorage": "<f2",
    "BFloat16Storage": "bfloat16",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}


class NotAStateDict(ConfigError):
    """The pickle holds something other than a dict of tensors."""


class _StorageType:
    def __init__(self, name: str):
        self.name = name


class _Storage:
    """A storage referred to by a persistent id: its type, zip key and element count."""

    def __init__(self, dtype: str, key: str, numel: int):
        self.dtype, self.key, self.numel = dtype, key, numel


class _Tensor:
    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride


def _int_tuple(value, what: str) -> tuple:
    if not isinstance(value, tuple) or not all(isinstance(v, int) and not isinstance(v, bool)
                                               for v in value):
        raise NotAStateDict("not a PyTorch state dict: tensor {what} is {name__}, expected a tuple of integers", what=what, name__=type(value).__name__)
    return value


def _rebuild_tensor(storage, offset, size, stride, *rest):
    """torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, meta])."""
    if not isinstance(storage, _Storage):
        raise NotAStateDict("not a PyTorch state dict: a tensor is rebuilt from something that is "
                            "not a storage")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise NotAStateDict("not a PyTorch state dict: tensor storage offset {offset!r}", offset=offset)
    size, stride = _int_tuple(size, "size"), _int_tuple(stride, "stride")
    if len(size) != len(stride) or any(v < 0 for v in size) or any(v < 0 for v in stride):
        raise NotAStateDict("not a PyTorch state dict: tensor size {size} with stride {stride}", size=size, stride=stride)
    if len(rest) > 3:
        raise NotAStateDict("not a PyTorch state dict: _rebuild_tensor_v2 with too many arguments")
    return _Tensor(storage, offset, size, stride)


def _rebuild_parameter(data, *rest):
    """torch._utils._rebuild_parameter(data, requires_grad, hooks): the tensor itself."""
    if not isinstance(data, _Tensor):
        raise NotAStateDict("not a PyTorch state dict: a parameter wraps something that is not a tensor")
    return data


def _ordered_dict(*args):
    if args:
        raise NotAStateDict("not a PyTorch state dict: OrderedDict called with arguments")
    return OrderedDict()


ALLOWED = {
    ("collections", "OrderedDict"): _ordered_dict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    **{("torch", name): _StorageType(name) for name in STORAGE_DTYPES},
}

_MARK = object()


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise NotAStateDict("not a PyTorch state dict: the pickle ends early (truncated file?)")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def line(self) -> str:
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            raise NotAStateDict("not a PyTorch state dict: the pickle ends early (truncated file?)")
        text = self.data[self.pos:end].decode("utf-8", "replace")
        self.pos = end + 1
        return text


def _find_global(module: str, name: str):
    try:
        return ALLOWED[(module, name)]
    except KeyError:
        raise NotAStateDict("not a PyTorch state dict: found {module}.{name}, expected only tensors, storages and OrderedDict", module=module, name=name) from None


def _persistent_load(pid):
    # ('storage', storage_type, key, location, numel)
    if (not isinstance(pid, tuple) or len(pid) != 5 or pid[0] != "storage"
            or not isinstance(pid[1], _StorageType) or not isinstance(pid[2], str)
            or not isinstance(pid[4], int) or isinstance(pid[4], bool) or pid[4] < 0):
        raise NotAStateDict("not a PyTorch state dict: persistent id {value1}, expected a storage", value1=_brief(pid))
    return _Storage(STORAGE_DTYPES[pid[1].name], pid[2], pid[4])


def _brief(value) -> str:
    text = repr(value) if isinstance(value, (tuple, str, int, float, type(None))) else type(value).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def interpret(data: bytes):
    """The object a state-dict pickle describes, built from allow-listed constructors only."""
    r = _Reader(data)
    stack: list = []
    marks: list[int] = []
    memo: dict[int, object] = {}

    def pop_mark() -> list:
        if not marks:
            raise NotAStateDict("not a PyTorch state dict: malformed pickle (no MARK)")
        start = marks.pop()
        items = stack[start:]
        del stack[start:]
        return items

    def pop():
        if len(stack) <= (marks[-1] if marks else 0):
            raise NotAStateDict("not a PyTorch state dict: malformed pickle (stack underflow)")
        return stack.pop()

    def set_items(target, items):
        if not isinstance(target, dict) or len(items) % 2:
            raise NotAStateDict("not a PyTorch state dict: SETITEM on something that is not a dict")
        for key, value in zip(items[::2], items[1::2]):
            if not isinstance(key, (str, int)):
                raise NotAStateDict("not a PyTorch state dict: found a key of type {name__}", name__=type(key).__name__)
            target[key] = value

    while True:
        op = r.take(1)
        if op == b"\x80":            # PROTO
            r.take(1)
        elif op == b"\x95":          # FRAME
            r.take(8)
        elif op == b".":             # STOP
            if len(stack) != 1:
                raise NotAStateDict("not a PyTorch state dict: malformed pickle (stack at STOP)")
            return stack[0]
        elif op == b"(":             # MARK
            marks.append(len(stack))
        elif op == b"}":
            stack.append({})
        elif op == b"]":
            stack.append([])
        elif op == b")":
            stack.append(())
        elif op == b"d":             # DICT
            items = pop_mark()
            d: dict = {}
            set_items(d, items)
            stack.append(d)
        elif op == b"l":             # LIST
            stack.append(pop_mark())
        elif op == b"t":             # TUPLE
            stack.append(tuple(pop_mark()))
        elif op in (b"\x85", b"\x86", b"\x87"):  # TUPLE1..3
            n = op[0] - 0x84
            items = [pop() for _ in range(n)][::-1]
            stack.append(tuple(items))
        elif op == b"X":             # BINUNICODE
            (n,) = struct.unpack("<I", r.take(4))
            stack.append(r.take(n).decode("utf-8", "replace"))
        elif op == b"\x8c":          # SHORT_BINUNICODE
            stack.append(r.take(r.take(1)[0]).decode("utf-8", "replace"))
        elif op == b"\x8d":          # BINUNICODE8
            (n,) = struct.unpack("<Q", r.take(8))
            stack.append(r.take(n).decode("utf-8", "replace"))
        elif op == b"J":             # BININT
            stack.append(struct.unpack("<i", r.take(4))[0])
        elif op == b"K":             # BININT1
            stack.append(r.take(1)[0])
        elif op == b"M":             # BININT2
            stack.append(struct.unpack("<H", r.take(2))[0])
        elif op == b"\x8a":          # LONG1
            n = r.take(1)[0]
            stack.append(int.from_bytes(r.take(n), "little", signed=True))
        elif op == b"G":             # BINFLOAT
            stack.append(struct.unpack(">d", r.take(8))[0])
        elif op == b"N":
            stack.append(None)
        elif op == b"\x88":
            stack.append(True)
        elif op == b"\x89":
            stack.append(False)
        elif op == b"c":             # GLOBAL
            module = r.line()
            stack.append(_find_global(module, r.line()))
        elif op == b"\x93":          # STACK_GLOBAL
            name, module = pop(), pop()
            if not isinstance(module, str) or not isinstance(name, str):
                raise NotAStateDict("not a PyTorch state dict: malformed STACK_GLOBAL")
            stack.append(_find_global(module, name))
        elif op == b"Q":             # BINPERSID
            stack.append(_persistent_load(pop()))
        elif op == b"R":             # REDUCE
            args, func = pop(), pop()
            if not callable(func) or not isinstance(args, tuple):
                raise NotAStateDict("not a PyTorch state dict: found a call of {value1}", value1=_brief(func))
            stack.append(func(*args))
        elif op == b"b":             # BUILD: the attributes of an OrderedDict (torch's _metadata)
            state = pop()
            if not isinstance(stack[-1] if stack else None, OrderedDict) or not isinstance(state, dict):
                raise NotAStateDict("not a PyTorch state dict: BUILD on something that is not a dict")
        elif op == b"s":             # SETITEM
            value, key = pop(), pop()
            set_items(stack[-1] if stack else None, [key, value])
        elif op == b"u":             # SETITEMS
            items = pop_mark()
            set_items(stack[-1] if stack else None, items)
        elif op == b"a":             # APPEND
            value = pop()
            if not stack or not isinstance(stack[-1], list):
                raise NotAStateDict("not a PyTorch state dict: APPEND on something that is not a list")
            stack[-1].append(value)
        elif op == b"e":             # APPENDS
            items = pop_mark()
            if not stack or not isinstance(stack[-1], list):
                raise NotAStateDict("not a PyTorch state dict: APPENDS on something that is not a list")
            stack[-1].extend(items)
        elif op in (b"q", b"r", b"\x94"):  # BINPUT, LONG_BINPUT, MEMOIZE
            if op == b"\x94":
                index = len(memo)
            else:
                index = r.take(1)[0] if op == b"q" else struct.unpack("<I", r.take(4))[0]
            if not stack:
                raise NotAStateDict("not a PyTorch state dict: malformed pickle (PUT on empty stack)")
            memo[index] = stack[-1]
        elif op in (b"h", b"j"):     # BINGET, LONG_BINGET
            index = r.take(1)[0] if op == b"h" else struct.unpack("<I", r.take(4))[0]
            if index not in memo:
                raise NotAStateDict("not a PyTorch state dict: malformed pickle (GET of unknown memo)")
            stack.append(memo[index])
        elif op == b"0":             # POP
            pop()
        elif op == b"2":             # DUP
            stack.append(stack[-1] if stack else pop())
        else:
            raise NotAStateDict("not a PyTorch state dict: found pickle opcode {op!r} at byte {value3}, which a state dict does not use", op=op, value3=r.pos - 1)


def is_torch_zip(path: Path) -> bool:
    """True for a zip archive with a top-level ``<name>/data.pkl`` (torch.save's format)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(_is_data_pkl(n) for n in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _is_data_pkl(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and parts[1] == "data.pkl"


def _storage_array(archive: zipfile.ZipFile, prefix: str, storage: _Storage, byteorder: str,
                   cache: dict, path: Path) -> np.ndarray:
    if storage.key in cache:
        return cache[storage.key]
    name = f"{prefix}/data/{storage.key}"
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ConfigError("{path}: storage {key} is missing from the archive (truncated or damaged file)", path=path, key=storage.key) from None
    itemsize = 2 if storage.dtype == "bfloat16" else np.dtype(storage.dtype).itemsize
    # The sizes in the zip directory may lie: no member inflates to more than ~1032 times its bytes.
    stored = min(info.compress_size, path.stat().st_size)
    bound = stored if info.compress_type == zipfile.ZIP_STORED else stored * 1100 + 65536
    if info.file_size > bound:
        raise ConfigError("{path}: storage {key} claims {file_size} bytes but the file holds only {stored} (truncated or damaged file)", path=path, key=storage.key, file_size=info.file_size, stored=stored)
    if info.file_size != storage.numel * itemsize:
        raise ConfigError("{path}: storage {key} holds {file_size} bytes, the pickle says {numel} elements of {itemsize} bytes", path=path, key=storage.key, file_size=info.file_size, numel=storage.numel, itemsize=itemsize)
    raw = archive.read(name)
    if storage.dtype == "bfloat16":
        bits = np.frombuffer(raw, dtype=("<u2" if byteorder == "little" else ">u2")).astype(np.uint32)
        array = (bits << 16).view(np.float32)
    else:
        dtype = np.dtype(storage.dtype)
        if byteorder == "big":
            dtype = dtype.newbyteorder(">")
        array = np.frombuffer(raw, dtype=dtype)
    cache[storage.key] = array
    return array


def _tensor_array(tensor: _Tensor, flat: np.ndarray, name: str, path: Path) -> np.ndarray:
    size, stride = tensor.size, tensor.stride
    count = math.prod(size)
    if count > max(flat.size, 1):
        raise ConfigError("{path}: tensor {name} of size {size} has more elements ({count}) than its storage ({size2})", path=path, name=name, size=size, count=count, size2=flat.size)
    if count:
        last = tensor.offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= flat.size:
            raise ConfigError("{path}: tensor {name} of size {size} (stride {stride}, offset {offset}) reaches past its storage of {size2} elements", path=path, name=name, size=size, stride=stride, offset=tensor.offset, size2=flat.size)
        view = np.lib.stride_tricks.as_strided(
            flat[tensor.offset:], shape=size, strides=[s * flat.itemsize for s in stride], writeable=False)
    else:
        view = np.zeros(size, dtype=flat.dtype)
    array = np.array(view)  # own copy, native byte order below
    if array.dtype.kind == "f":
        if array.dtype.itemsize < 4:
            array = array.astype(np.float32)
        array = array.astype(array.dtype.newbyteorder("="))
    return array


#: Keys under which training checkpoints commonly keep the model's state dict.
CHECKPOINT_KEYS = ("state_dict", "model_state_dict", "model", "net", "module")


def _model_state(obj: dict) -> dict:
    """The state dict a training checkpoint keeps under one of :data:`CHECKPOINT_KEYS` (beside an
    optimizer's state, an epoch ...), else ``obj`` itself."""
    if all(isinstance(v, _Tensor) for v in obj.values()):
        return obj
    for key in CHECKPOINT_KEYS:
        inner = obj.get(key)
        if isinstance(inner, dict) and inner and all(isinstance(v, _Tensor) for v in inner.values()):
            return inner
    return obj


def read_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """Name -> array of a ``torch.save``'d state dict (float64, float32; float16 and bfloat16 become
    float32). ConfigError (one line) for anything else, a truncated file or inconsistent tensors."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ConfigError("{path}: not a PyTorch zip archive (truncated or not written by torch.save; the legacy pre-1.6 format is not read)", path=path) from None
    except OSError as error:
        raise ConfigError("{path}: cannot read ({value2})", path=path, value2=error.strerror or error) from None
    with archive:
        try:
            pickles = [n for n in archive.namelist() if _is_data_pkl(n)]
            if len(pickles) != 1:
                raise ConfigError("{path}: not a PyTorch state dict: expected one <name>/data.pkl in the archive, found {n_pickles}", path=path, n_pickles=len(pickles))
            prefix = pickles[0].split("/")[0]
            info = archive.getinfo(pickles[0])
            if info.file_size > MAX_PICKLE_BYTES:
                raise ConfigError("{path}: data.pkl is {file_size} bytes, too large for a state dict", path=path, file_size=info.file_size)
            byteorder = "little"
            if f"{prefix}/byteorder" in archive.namelist():
                byteorder = archive.read(f"{prefix}/byteorder").decode("ascii", "replace").strip()
                if byteorder not in ("little", "big"):
                    raise ConfigError("{path}: unknown byte order {byteorder!r}", path=path, byteorder=byteorder)
            try:
                obj = interpret(archive.read(pickles[0]))
            except NotAStateDict as error:
                raise ConfigError("{path}: {error}", path=path, error=error) from None
            if not isinstance(obj, dict):
                raise ConfigError("{path}: not a PyTorch state dict: found a {name__}, expected a dict of tensors", path=path, name__=type(obj).__name__)
            obj = _model_state(obj)
            cache: dict = {}
            arrays: dict[str, np.ndarray] = {}
            for name, value in obj.items():
                if not isinstance(value, _Tensor):
                    raise ConfigError("{path}: not a PyTorch state dict: entry {name!r} is a {name__}, expected a tensor (nor is there a dict of tensors under {choices})", path=path, name=name, name__=type(value).__name__, choices=', '.join(CHECKPOINT_KEYS))
                flat = _storage_array(archive, prefix, value.storage, byteorder, cache, path)
                arrays[str(name)] = _tensor_array(value, flat, str(name), path)
            return arrays
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ConfigError("{path}: damaged or truncated archive ({error})", path=path, error=error) from None
        except RecursionError:
            raise ConfigError("{path}: not a PyTorch state dict: nested too deeply", path=path) from None
