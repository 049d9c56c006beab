"""Compact storage for the timeline's history: parameters as rows of preallocated arrays.

A :class:`Params` copy costs ~700 bytes of Python objects on top of its numbers (a list, a
dataclass, an array header per parameter), which for small networks dwarfs the numbers
themselves. Here every saved state is one row of a float64 matrix (all parameters flattened,
in a fixed order), its key and running loss live in parallel NumPy arrays, and the bytes
reported are the bytes allocated — so a documented budget is the memory really held.
"""

from __future__ import annotations

import math

import numpy as np

from .network import Params

Array = np.ndarray


class ParamCodec:
    """Flattens a network's parameters (and velocities, with momentum) into one row and back
    (the order never changes)."""

    def __init__(self, params: Params) -> None:
        self.parts: list[tuple[str, int, int, int, tuple[int, ...]]] = []
        off = 0
        groups: list[tuple[str, list]] = [("W", params.W), ("b", params.b)]
        if params.vW is not None and params.vb is not None:
            groups += [("vW", params.vW), ("vb", params.vb)]
        for kind, arrays in groups:
            for i, a in enumerate(arrays):
                if a is not None:
                    self.parts.append((kind, i, off, off + a.size, a.shape))
                    off += a.size
        self.size = off
        self.depth = len(params.W)
        self.velocities = params.vW is not None
        kinds = {"W": 0, "b": 1, "vW": 2, "vb": 3}
        self._order = tuple((kinds[kind], i) for kind, i, *_ in self.parts)

    @property
    def row_bytes(self) -> int:
        return 8 * self.size

    def pack(self, params: Params, row: Array) -> None:
        """``row`` = every part, flattened in order (one copy of the numbers into ``row``)."""
        groups = (params.W, params.b, params.vW, params.vb)
        np.concatenate([groups[g][i].ravel() for g, i in self._order], out=row)  # type: ignore[index]

    def unpack(self, row: Array, *, copy: bool = True) -> Params:
        """Params from a row: fresh C-contiguous arrays, or read-only views with ``copy=False``."""
        d = self.depth
        out: dict[str, list] = {"W": [np.empty(0)] * d, "b": [None] * d, "vW": [np.empty(0)] * d, "vb": [None] * d}
        for kind, i, start, stop, shape in self.parts:
            part = row[start:stop].reshape(shape)
            if copy:
                part = part.copy()
            else:
                part = part.view()
                part.flags.writeable = False
            out[kind][i] = part
        if self.velocities:
            return Params(out["W"], out["b"], out["vW"], out["vb"])
        return Params(out["W"], out["b"])


class CheckpointStore:
    """Parameters at the start of epochs (sorted by epoch), at most ``slots`` of them.

    Rows are allocated as they are needed (doubling), never beyond ``slots``; when full, the
    caller thins the store (:meth:`keep_multiples`).
    """

    def __init__(self, codec: ParamCodec, budget: int) -> None:
        self.codec = codec
        self.slots = max(2, budget // (codec.row_bytes + 8))
        self._rows = np.empty((min(self.slots, 16), codec.size))
        self._epochs = np.empty(min(self.slots, 16), dtype=np.int64)
        self.n = 0
        self._newest = -1  # the latest epoch held (a later one needs no search)

    @staticmethod
    def min_gap(numbers: int, rows: int) -> int:
        """Passes between two epoch checkpoints (at least): as few as keep saving one under 0.5 % of
        the passes' time, at most 64.

        Saving copies the parameters (some 3 µs of Python and 2 ns a number); a pass costs some 15 µs
        of Python and 0.13 ns per row and parameter of arithmetic (measured on one core). A one-row
        pass is mostly Python, so online nets keep 64 passes (streetlight: 16 epochs); a batch of 512
        rows on 64-64-64-64 gets 7 (a jump replays 7 passes, 6 ms, not 64), 256-512-512-10 7 too
        (0.2 s, not 1.6 s), a tiny batch 40.
        """
        if rows <= 1:
            return 64
        save = 3e-6 + 2e-9 * numbers
        one_pass = 15e-6 + 0.13e-9 * rows * numbers
        return min(64, max(1, math.ceil(200 * save / one_pass)))

    def __len__(self) -> int:
        return self.n

    @property
    def full(self) -> bool:
        return self.n >= self.slots

    def nbytes(self) -> int:
        return self._rows.nbytes + self._epochs.nbytes

    def epochs(self) -> Array:
        return self._epochs[: self.n]

    def __contains__(self, epoch: int) -> bool:
        if epoch > self._newest:
            return False
        i = int(np.searchsorted(self._epochs[: self.n], epoch))
        return i < self.n and int(self._epochs[i]) == epoch

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` checkpoints at once (a long run knows how many it will add), so
        the store is not grown by doubling, which briefly holds the old rows and the new ones."""
        cap = min(self.slots, max(rows, self.n))
        if cap > len(self._epochs):
            new_rows = np.empty((cap, self.codec.size))
            new_rows[: self.n] = self._rows[: self.n]
            epochs = np.empty(cap, dtype=np.int64)
            epochs[: self.n] = self._epochs[: self.n]
            self._rows, self._epochs = new_rows, epochs

    def add(self, epoch: int, params: Params) -> None:
        if self.n == len(self._epochs):
            self.reserve(2 * len(self._epochs))
        i = self.n if epoch > self._newest else int(np.searchsorted(self._epochs[: self.n], epoch))
        if i < self.n:  # rare: an epoch before the newest (kept sorted)
            self._rows[i + 1 : self.n + 1] = self._rows[i : self.n].copy()
            self._epochs[i + 1 : self.n + 1] = self._epochs[i : self.n].copy()
        self.codec.pack(params, self._rows[i])
        self._epochs[i] = epoch
        self.n += 1
        self._newest = max(self._newest, epoch)

    def keep_multiples(self, stride: int) -> None:
        """Drop every checkpoint whose epoch is not a multiple of ``stride`` (epoch 0 stays)."""
        keep = np.flatnonzero(self._epochs[: self.n] % stride == 0)
        m = len(keep)
        self._rows[:m] = self._rows[keep]
        self._epochs[:m] = self._epochs[keep]
        self.n = m
        self._newest = int(self._epochs[m - 1]) if m else -1

    def latest_at_or_before(self, epoch: int) -> int:
        """The latest saved epoch ``<= epoch`` (epoch 0 is always saved)."""
        i = int(np.searchsorted(self._epochs[: self.n], epoch, side="right")) - 1
        return int(self._epochs[i])

    def params(self, epoch: int) -> Params:
        i = int(np.searchsorted(self._epochs[: self.n], epoch))
        return self.codec.unpack(self._rows[i])


class PassCache:
    """The parameters and running loss at the start of recent passes, in a ring of ``slots`` rows,
    and a few *anchors* spread over a longer stretch.

    The newest ring entry is never evicted before ``slots - 1`` newer ones are added. Anchors
    (an eighth of the budget, when it holds 16 rows or more) are laid by a long move over the
    stretch before the ring's (see :meth:`lay_anchors`), so walking back past the ring replays at
    most the gap between two anchors instead of everything from the last checkpoint; they stay
    until the next long move lays new ones. Lookups scan the (small) key arrays: microseconds.
    """

    MAX_SLOTS = 4096  # enough to walk back through an epoch of 4,096 samples one pass at a time

    def __init__(self, codec: ParamCodec, budget: int) -> None:
        self.codec = codec
        total = max(2, min(self.MAX_SLOTS, budget // (codec.row_bytes + 16)))
        self.anchor_slots = total // 8 if total >= 16 else 0
        self.slots = total - self.anchor_slots
        self._rows = np.empty((self.slots, codec.size))
        self._keys = np.full(self.slots, -1, dtype=np.int64)
        self._acc = np.zeros(self.slots)
        self._next = 0
        self._newest = -1  # the highest pass ever put: a later one needs no lookup
        self._anchor_rows = np.empty((self.anchor_slots, codec.size))
        self._anchor_keys = np.full(self.anchor_slots, -1, dtype=np.int64)
        self._anchor_acc = np.zeros(self.anchor_slots)
        self._anchors = 0  # anchors laid by the current long move

    def __len__(self) -> int:
        return int(np.count_nonzero(self._keys >= 0)) + int(np.count_nonzero(self._anchor_keys >= 0))

    def nbytes(self) -> int:
        ring = self._rows.nbytes + self._keys.nbytes + self._acc.nbytes
        return ring + self._anchor_rows.nbytes + self._anchor_keys.nbytes + self._anchor_acc.nbytes

    def _slot(self, p: int) -> int | None:
        hits = np.flatnonzero(self._keys == p)
        return int(hits[0]) if len(hits) else None

    def _anchor(self, p: int) -> int | None:
        hits = np.flatnonzero(self._anchor_keys == p)
        return int(hits[0]) if len(hits) else None

    def __contains__(self, p: int) -> bool:
        return self._slot(p) is not None or self._anchor(p) is not None

    def put(self, p: int, params: Params, acc: float) -> None:
        """Remember the start of pass ``p``."""
        if p <= self._newest and self._slot(p) is not None:
            return  # the same pass always starts from the same state
        self._newest = max(self._newest, p)
        s = self._next
        self.codec.pack(params, self._rows[s])
        self._keys[s], self._acc[s] = p, acc
        self._next = (s + 1) % self.slots

    def lay_anchors(self, lo: int, hi: int) -> int:
        """Make ready to anchor the stretch of passes ``[lo, hi)``: returns the gap between two
        anchors (0: none, the stretch is empty or there is no room), and forgets the old ones.
        The move then calls :meth:`put_anchor` at ``lo``, ``lo + gap``, …"""
        if hi <= lo or not self.anchor_slots:
            return 0
        self._anchor_keys[:] = -1
        self._anchors = 0
        return -(-(hi - lo) // self.anchor_slots)

    def put_anchor(self, p: int, params: Params, acc: float) -> None:
        if self._anchors < self.anchor_slots:
            s = self._anchors
            self.codec.pack(params, self._anchor_rows[s])
            self._anchor_keys[s], self._anchor_acc[s] = p, acc
            self._anchors += 1

    def latest_at_or_before(self, p: int) -> int | None:
        keys = self._keys[(self._keys >= 0) & (self._keys <= p)]
        anchors = self._anchor_keys[(self._anchor_keys >= 0) & (self._anchor_keys <= p)]
        best = max(int(keys.max()) if len(keys) else -1, int(anchors.max()) if len(anchors) else -1)
        return best if best >= 0 else None

    def get(self, p: int, *, copy: bool = True) -> tuple[Params, float]:
        s = self._slot(p)
        if s is not None:
            return self.codec.unpack(self._rows[s], copy=copy), float(self._acc[s])
        a = self._anchor(p)
        if a is None:
            raise KeyError(p)
        return self.codec.unpack(self._anchor_rows[a], copy=copy), float(self._anchor_acc[a])


class LossLog:
    """One float64 per completed epoch, in an array grown by doubling up to ``limit`` entries
    (held bytes = capacity × 8, so at most ``8 × limit``)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._buf = np.empty(64)
        self.n = 0

    def __len__(self) -> int:
        return self.n

    def nbytes(self) -> int:
        return self._buf.nbytes

    def reserve(self, n: int) -> None:
        """Make room for ``n`` losses at once (see :meth:`CheckpointStore.reserve`)."""
        if n > len(self._buf):
            buf = np.empty(n)
            buf[: self.n] = self._buf[: self.n]
            self._buf = buf

    def append(self, x: float) -> None:
        if self.n == len(self._buf):
            self.reserve(max(self.n + 1, min(2 * len(self._buf), self.limit)))
        self._buf[self.n] = x
        self.n += 1

    def view(self, n: int) -> Array:
        """The first ``n`` losses, read-only (no copy)."""
        v = self._buf[: min(n, self.n)].view()
        v.flags.writeable = False
        return v
