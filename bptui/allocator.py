"""Keep big NumPy temporaries in the heap, so per-pass arrays are not page-faulted in every time.

glibc serves an allocation over its mmap threshold (128 KiB at first, adjusted as it goes) with
fresh pages from the kernel, and returns the heap's top to the kernel past its trim threshold. A
training pass of a wide online network allocates and frees the same few megabytes of temporaries
(``dW``, ``lr·dW``, ``z``…) every pass, and each time the kernel zero-fills them again: about
1,000 minor page faults a pass on 256-512-512-10, ten times the pass's arithmetic on a busy
machine (17 ms a pass; 1.6 ms with the thresholds pinned, measured side by side). Pinning both
thresholds (64 MiB / 256 MiB) keeps those blocks in the heap to be reused. The numbers computed do
not change; the process keeps up to 256 MiB of freed heap instead of returning it at once.
Only glibc has ``mallopt``; elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 64 * 2**20
TRIM_THRESHOLD = 256 * 2**20

_done: list[bool] = []


def pin_malloc_thresholds() -> bool:
    """Pin glibc's mmap and trim thresholds (once per process); True if it took effect."""
    if _done:
        return _done[0]
    ok = False
    try:
        libc = _libc()
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (macOS, musl…): nothing to pin
        pass
    else:
        mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
        ok = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    _done.append(ok)
    return ok


def _libc() -> ctypes.CDLL:
    """The C library: glibc by its soname first (``find_library`` runs ``ldconfig`` in a child
    process, some 30 ms of the TUI's start-up), else whatever ``find_library`` finds."""
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        from ctypes.util import find_library  # runs ldconfig: only when the soname failed

        return ctypes.CDLL(find_library("c") or "libc.so.6")
