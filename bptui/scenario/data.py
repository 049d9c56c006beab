"""Training data from a file named by ``[data] file`` (docs/SPEC.md §3.4): CSV (read by data_csv.py) or ``.npz``.

Sizes are checked before anything big is allocated (issue 12: a data file is someone else's):
what the path is and the file size first; for CSV the length of each line and its number of
columns before its cells are converted, then a running count of rows and numbers; for ``.npz``
the zip's member count and directory size (from its end record, before ``zipfile`` reads the
directory), then each ``.npy`` header's length, dtype and shape before a byte of data is read.
The ``.npy`` data is read by this module: numbers only, never pickles, and never more bytes than
the checked header declares. A CSV cell is a number exactly when TOML would read it as one
(ASCII digits, sign, point, exponent); ``inf``/``nan`` are refused as non-finite.

Problems with the file as a whole (missing, a directory, too big) are reported by the caller at
the ``file =`` line of the scenario; problems inside the file are reported at the data file itself
(with the CSV line number).
"""

from __future__ import annotations

import ast
import io
import math
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, NoReturn

import numpy as np

from bptui.errors import ScenarioError

from .data_csv import read_csv
from .fields import plural, shown
from .files import NotRegular, kind, open_regular
from .limits import (
    MAX_DATA_FILE_BYTES,
    MAX_DATA_NUMBERS,
    MAX_NPY_HEADER,
    MAX_NPZ_DIRECTORY,
    MAX_NPZ_MEMBERS,
    MAX_SAMPLES,
)
from .schema import DATA_SUFFIXES, NPZ_ARRAYS

if TYPE_CHECKING:
    import zipfile

_NPY_DTYPE = re.compile(r"[<>|=]?(?:f[248]|[iu][1248]|b1)")  # numbers of at most 8 bytes

_SAVE_HINT = "save it with numpy.savez(path, inputs=X, targets=Y), one row per sample"


@dataclass(frozen=True)
class Widths:
    """How wide each sample must be, and where those widths come from (for messages)."""

    inputs: int  # network.inputs
    outputs: int  # units of the last layer
    scenario: str  # the scenario file's name

    def why(self) -> str:
        return f"network.inputs = {self.inputs} and the last layer's units = {self.outputs} in {self.scenario}"


def read_data_file(file: Path, widths: Widths, complain: Callable[[str], NoReturn]) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets) as float64 ``(samples, width)`` arrays, checked against ``widths``."""
    try:
        info = file.stat()
    except FileNotFoundError:
        complain(
            f"data.file: there is no file {shown(str(file))}; the path is relative to the scenario "
            f"file's folder, check its spelling"
        )
    except OSError as e:
        complain(f"data.file: cannot read {shown(str(file))} ({e.strerror or e}); check its permissions")
    except ValueError:  # a NUL character: no file system has such a name
        complain(
            f"data.file: {shown(file.name)} holds a NUL character (\\u0000), which no file name can; "
            f"name a .csv or .npz file"
        )
    what = kind(info.st_mode)
    if what:
        complain(f"data.file: {shown(str(file))} is {what}, not a regular file; name a .csv or .npz file")
    if file.suffix.lower() not in DATA_SUFFIXES:
        complain(
            f"data.file: {shown(file.name)} must end in .csv (last columns are the targets) or .npz "
            f"(arrays named inputs and targets)"
        )
    if info.st_size > MAX_DATA_FILE_BYTES:
        complain(
            f"data.file: {shown(file.name)} is {info.st_size / 2**20:.0f} MiB, more than the limit of "
            f"{MAX_DATA_FILE_BYTES // 2**20} MiB; use fewer samples"
        )
    try:
        with open_regular(file) as handle:
            if file.suffix.lower() == ".csv":
                inputs, targets = read_csv(handle, file, widths)
            else:
                inputs, targets = _read_npz(handle, file, widths)
    except NotRegular as e:
        complain(f"data.file: {shown(str(file))} is {e.what}, not a regular file; name a .csv or .npz file")
    except OSError as e:
        complain(f"data.file: cannot read {shown(str(file))} ({e.strerror or e}); check its permissions")
    _check_finite(file, inputs, "inputs")
    _check_finite(file, targets, "targets")
    return inputs, targets


# --- .npz ----------------------------------------------------------------------------------------


def _read_npz(handle: BinaryIO, file: Path, widths: Widths) -> tuple[np.ndarray, np.ndarray]:
    """Arrays ``inputs`` and ``targets``: directory, headers and shapes checked before any data is read."""
    import zipfile  # only for .npz data: not on every start-up

    _check_zip_directory(handle, file)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.namelist()
            if len(members) > MAX_NPZ_MEMBERS:
                raise _too_many_members(file, len(members))
            for name in NPZ_ARRAYS:
                if f"{name}.npy" not in members:
                    found = ", ".join(shown(m.removesuffix(".npy"), 30) for m in members[:10]) or "nothing"
                    more = f" and {len(members) - 10} more" if len(members) > 10 else ""
                    raise ScenarioError(file, f"has no array named {name!r} (it holds: {found}{more}); {_SAVE_HINT}")
            headers = {name: _npy_header(archive, file, name)[0] for name in NPZ_ARRAYS}
            _check_shapes(file, {name: h[2] for name, h in headers.items()}, widths)
            return tuple(_npy_data(archive, file, name) for name in NPZ_ARRAYS)  # type: ignore[return-value]
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as e:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method
        reason = "encrypted" if "encrypted" in str(e) else "not a readable zip archive"
        raise ScenarioError(file, f"is not a valid .npz file ({reason}); {_SAVE_HINT}") from None


def _check_zip_directory(handle: BinaryIO, file: Path) -> None:
    """Member count and directory size from the zip's end record, before zipfile reads the directory."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    tail_size = min(size, 22 + 65535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise ScenarioError(file, f"is not a valid .npz file (not a readable zip archive); {_SAVE_HINT}")
    entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])  # the zip64 end record holds the true counts
        handle.seek(min(offset, size))
        record = handle.read(56)
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            entries, directory = struct.unpack("<QQ", record[32:48])
    if entries > MAX_NPZ_MEMBERS:
        raise _too_many_members(file, entries)
    if directory > MAX_NPZ_DIRECTORY:
        raise ScenarioError(
            file,
            f"has a zip directory of {directory:,} bytes, more than the limit of {MAX_NPZ_DIRECTORY:,}; {_SAVE_HINT}",
        )
    handle.seek(0)


def _too_many_members(file: Path, count: int) -> ScenarioError:
    return ScenarioError(file, f"holds {count:,} arrays, more than the limit of {MAX_NPZ_MEMBERS}; {_SAVE_HINT}")


def _npy_header(
    archive: zipfile.ZipFile, file: Path, name: str, member: IO[bytes] | None = None
) -> tuple[tuple[np.dtype, bool, tuple[int, ...]], int]:
    """((dtype, fortran_order, shape), header bytes) of an ``.npy`` member, each part bounded and checked.

    Read here rather than by numpy, which reads a header of any declared length (up to 4 GB)
    before it checks it, and whose refusal advises ``allow_pickle=True``.
    """

    def bad(why: str) -> ScenarioError:
        return ScenarioError(file, f"array {name!r} is not a valid .npy array ({why}); save it with numpy.savez")

    own = member is None
    member = archive.open(f"{name}.npy") if member is None else member
    try:
        magic = member.read(8)
        if len(magic) < 8 or magic[:6] != b"\x93NUMPY" or magic[6] not in (1, 2, 3):
            raise bad("no .npy signature")
        size_format = "<H" if magic[6] == 1 else "<I"
        raw = member.read(struct.calcsize(size_format))
        if len(raw) < struct.calcsize(size_format):
            raise bad("truncated")
        (length,) = struct.unpack(size_format, raw)
        if length > MAX_NPY_HEADER:
            raise bad(f"a header of {length:,} bytes, more than the limit of {MAX_NPY_HEADER:,}")
        text = member.read(length)
        if len(text) < length:
            raise bad("truncated")
        try:
            meta = ast.literal_eval(text.decode("utf-8" if magic[6] == 3 else "latin-1"))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError, UnicodeDecodeError):
            raise bad("an unreadable header") from None
        if not isinstance(meta, dict) or set(meta) != {"descr", "fortran_order", "shape"}:
            raise bad("an unreadable header")
        descr, fortran, shape = meta["descr"], meta["fortran_order"], meta["shape"]
        if not isinstance(descr, str) or not _NPY_DTYPE.fullmatch(descr):
            raise ScenarioError(
                file,
                f"array {name!r} holds {shown(str(descr), 40)} values, but it must hold "
                f"numbers of at most 8 bytes; convert it with .astype(float) before saving",
            )
        if (
            not isinstance(fortran, bool)
            or not isinstance(shape, tuple)
            or not all(type(n) is int and n >= 0 for n in shape)
        ):
            raise bad("an unreadable header")
        return (np.dtype(descr), fortran, shape), 6 + 2 + len(raw) + length
    finally:
        if own:
            member.close()


def _npy_data(archive: zipfile.ZipFile, file: Path, name: str) -> np.ndarray:
    """The numbers of a checked ``.npy`` member as float64, reading exactly the bytes its header declares."""
    with archive.open(f"{name}.npy") as member:
        (dtype, fortran, shape), _ = _npy_header(archive, file, name, member)
        count = math.prod(shape)
        data = member.read(count * dtype.itemsize)
    if len(data) < count * dtype.itemsize:
        raise ScenarioError(file, f"array {name!r} is not a valid .npy array (truncated); save it with numpy.savez")
    array_ = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return array_.astype(np.float64)  # a writable copy, whatever the dtype


def _check_shapes(file: Path, shapes: dict[str, tuple[int, ...]], widths: Widths) -> None:
    want = {"inputs": widths.inputs, "targets": widths.outputs}
    for name, shape in shapes.items():
        if len(shape) != 2:
            raise ScenarioError(
                file,
                f"array {name!r} has shape {shape}, but it must be 2-D "
                f"(samples, {want[name]}); reshape it with x.reshape(len(x), -1)",
            )
        if shape[1] != want[name]:
            raise ScenarioError(
                file,
                f"array {name!r} has shape {shape}, but each sample needs "
                f"{plural(want[name], 'value')} ({widths.why()})",
            )
    samples = shapes["inputs"][0]
    if samples == 0:
        raise ScenarioError(file, f"array 'inputs' has no samples; {_SAVE_HINT}")
    if samples > MAX_SAMPLES or samples * (widths.inputs + widths.outputs) > MAX_DATA_NUMBERS:
        raise ScenarioError(
            file,
            f"holds {samples} samples of {widths.inputs} + {widths.outputs} "
            f"values, more than the limits of {MAX_SAMPLES} samples and "
            f"{MAX_DATA_NUMBERS} numbers; use fewer samples",
        )
    if shapes["targets"][0] != samples:
        raise ScenarioError(
            file,
            f"has {samples} rows of inputs but {shapes['targets'][0]} rows of targets; give one target row per sample",
        )


def _check_finite(file: Path, values: np.ndarray, name: str) -> None:
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        r, c = (int(i) for i in bad[0])
        raise ScenarioError(
            file,
            f"{name} of sample {r + 1}, column {c + 1} is {values[r, c]}; only "
            f"finite numbers are allowed, replace it with a real value",
        )
