"""Dynamic time warping between synthesised speech (rows) and the recording (columns).

Rows are feature frames of the synthesised text, of three kinds:

- SPEECH rows cost the Euclidean distance between their features and the column's;
- GAP rows stand for untranscribed audio (music, jingles, replays) between turns: any
  column costs ``gap_cost`` there (or the pause cost, when that is lower);
- PAUSE rows, one before every word, let the path wait through a pause of the speaker:
  a column costs ``pause_lo`` when it is quiet (``quiet[j]`` = 1) up to ``pause_hi`` when
  it is not (``quiet[j]`` = 0). Every path crosses each of them, so they only pull word
  boundaries towards the pauses of the recording.
Steps: diagonal (1, 1), down (1, 0), right (0, 1); each adds the cost of the cell entered.
The path runs from (0, 0) to (M - 1, N - 1).

Two implementations of the same recurrence: ``dtw_reference`` (plain Python, full matrix,
for tests on tiny inputs) and ``dtw_banded`` (numba, only the cells in a band of columns
per row, for real use). Tests check that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

INF = np.float32(np.inf)
SPEECH, GAP, PAUSE = 0, 1, 2


@dataclass(frozen=True)
class Costs:
    """The constant costs of GAP and PAUSE rows."""

    gap: float
    pause_lo: float
    pause_hi: float


def row_cost(kind: int, row: np.ndarray, col: np.ndarray, quiet: float, costs: Costs) -> float:
    """The cost of cell (row, column), as the kernel computes it."""
    pause = costs.pause_lo + (costs.pause_hi - costs.pause_lo) * (1.0 - quiet)
    if kind == GAP:
        return min(costs.gap, pause)
    if kind == PAUSE:
        return pause
    return local_cost(row, col)


def local_cost(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two feature vectors."""
    return float(np.sqrt(np.sum((a - b) ** 2)))


def dtw_reference(rows: np.ndarray, kinds: np.ndarray, cols: np.ndarray, quiet: np.ndarray, costs: Costs) -> list[tuple[int, int]]:
    """The cheapest path as a list of (row, col) cells, by the textbook full-matrix DP."""
    m, n = len(rows), len(cols)
    d = [[row_cost(kinds[i], rows[i], cols[j], quiet[j], costs) for j in range(n)] for i in range(m)]
    acc = [[float("inf")] * n for _ in range(m)]
    for i in range(m):
        for j in range(n):
            if i == 0 and j == 0:
                acc[i][j] = d[0][0]
                continue
            best = min(
                acc[i - 1][j - 1] if i and j else float("inf"),
                acc[i - 1][j] if i else float("inf"),
                acc[i][j - 1] if j else float("inf"),
            )
            acc[i][j] = d[i][j] + best
    path = [(m - 1, n - 1)]
    i, j = m - 1, n - 1
    while (i, j) != (0, 0):
        options = []
        if i and j:
            options.append((acc[i - 1][j - 1], 0, i - 1, j - 1))
        if i:
            options.append((acc[i - 1][j], 1, i - 1, j))
        if j:
            options.append((acc[i][j - 1], 2, i, j - 1))
        _, _, i, j = min(options)
        path.append((i, j))
    return path[::-1]


@njit(cache=True, nogil=True)
def _fill(rows, kinds, cols, quiet, gap_cost, pause_lo, pause_hi, lo, hi, offsets, acc):
    m = rows.shape[0]
    dim = rows.shape[1]
    for i in range(m):
        base = offsets[i]
        kind = kinds[i]
        for j in range(lo[i], hi[i]):
            if kind != 0:
                d = pause_lo + (pause_hi - pause_lo) * (1.0 - quiet[j])
                if kind == 1 and gap_cost < d:
                    d = gap_cost
            else:
                s = 0.0
                for k in range(dim):
                    t = rows[i, k] - cols[j, k]
                    s += t * t
                d = np.sqrt(s)
            best = np.inf
            if i == 0 and j == 0:
                best = 0.0
            if i > 0:
                pb = offsets[i - 1]
                if lo[i - 1] <= j - 1 < hi[i - 1]:
                    v = acc[pb + j - 1 - lo[i - 1]]
                    if v < best:
                        best = v
                if lo[i - 1] <= j < hi[i - 1]:
                    v = acc[pb + j - lo[i - 1]]
                    if v < best:
                        best = v
            if j - 1 >= lo[i]:
                v = acc[base + j - 1 - lo[i]]
                if v < best:
                    best = v
            acc[base + j - lo[i]] = d + best


@njit(cache=True, nogil=True)
def _backtrack(lo, hi, offsets, acc, n):
    m = lo.shape[0]
    out_i = np.empty(m + n, dtype=np.int64)
    out_j = np.empty(m + n, dtype=np.int64)
    i, j = m - 1, n - 1
    k = 0
    out_i[k], out_j[k] = i, j
    k += 1
    while i > 0 or j > 0:
        best = np.inf
        bi, bj = -1, -1
        if i > 0 and j > 0 and lo[i - 1] <= j - 1 < hi[i - 1]:
            v = acc[offsets[i - 1] + j - 1 - lo[i - 1]]
            if v < best:
                best, bi, bj = v, i - 1, j - 1
        if i > 0 and lo[i - 1] <= j < hi[i - 1]:
            v = acc[offsets[i - 1] + j - lo[i - 1]]
            if v < best:
                best, bi, bj = v, i - 1, j
        if j > 0 and j - 1 >= lo[i]:
            v = acc[offsets[i] + j - 1 - lo[i]]
            if v < best:
                best, bi, bj = v, i, j - 1
        if bi < 0:
            break
        i, j = bi, bj
        out_i[k], out_j[k] = i, j
        k += 1
    return out_i[:k][::-1].copy(), out_j[:k][::-1].copy()


def dtw_banded(
    rows: np.ndarray, kinds: np.ndarray, cols: np.ndarray, quiet: np.ndarray, costs: Costs,
    lo: np.ndarray | None = None, hi: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The cheapest path restricted to columns ``lo[i] <= j < hi[i]`` of each row ``i``
    (the whole matrix when ``lo``/``hi`` are None), as two arrays (rows, cols)."""
    m, n = len(rows), len(cols)
    if lo is None or hi is None:
        lo, hi = np.zeros(m, np.int64), np.full(m, n, np.int64)
    lo, hi = _feasible_band(np.asarray(lo, np.int64), np.asarray(hi, np.int64), n)
    widths = hi - lo
    offsets = np.zeros(m + 1, np.int64)
    np.cumsum(widths, out=offsets[1:])
    acc = np.empty(int(offsets[-1]), np.float32)
    _fill(np.ascontiguousarray(rows, np.float32), np.ascontiguousarray(kinds, np.int8),
          np.ascontiguousarray(cols, np.float32), np.ascontiguousarray(quiet, np.float32),
          np.float32(costs.gap), np.float32(costs.pause_lo), np.float32(costs.pause_hi), lo, hi, offsets, acc)
    return _backtrack(lo, hi, offsets, acc, n)


def _feasible_band(lo: np.ndarray, hi: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Make the band monotone and connected, from (0, 0) to (M - 1, N - 1)."""
    lo = np.clip(lo, 0, n - 1)
    hi = np.clip(hi, 1, n)
    lo[0] = 0
    hi[-1] = n
    lo = np.minimum.accumulate(lo[::-1])[::-1].copy()  # never rises when read backwards
    hi = np.maximum.accumulate(hi)
    hi = np.maximum(hi, lo + 1)
    # rows must overlap their neighbours so that a step exists between them
    lo[1:] = np.minimum(lo[1:], hi[:-1])
    return lo, hi
