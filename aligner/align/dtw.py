"""Dynamic time warping between synthesised speech (rows) and the recording (columns).

Rows are feature frames of the synthesised text, of three kinds:

- SPEECH rows cost the distance between their features and the column's, plus
  ``music`` times ``nonspeech[j]`` (1.0 where the audio map heard music without speech).
  The distance is Euclidean (``EUCLIDEAN``: cepstra against cepstra), or the negated dot
  product (``NEG_DOT``: a row holds the share of each phoneme in its frames, a column the
  log-probability of each phoneme there, so a row costs ``-log p`` of what it says);
- GAP rows stand for untranscribed audio (music, jingles, replays) between turns: a loud
  column costs ``gap`` times the row's ``gap_scale``, one factor for speech and one for
  music (blended by ``nonspeech[j]``), so that a gap where the transcript announces music
  is cheap on music and dear on speech, and one it announces nothing for is dear on both;
  a third factor takes the place of the one on speech where ``vocal[j]`` says so (speech
  heard over music: a song's or a jingle's voice, where music is announced);
  a quiet column costs ``pause_lo``. In ``NEG_DOT`` passes a loud column also costs the
  negated dot product of the row with it, as a SPEECH row's does: a GAP row's features are
  zeros but for the weight of the column of untranscribed audio (engine.py);
- PAUSE rows, one before every word, let the path wait through a pause of the speaker:
  a column costs ``pause_lo`` when it is quiet (``quiet[j]`` = 1) up to ``pause_hi`` when
  it is not (``quiet[j]`` = 0). Every path crosses each of them, so they only pull word
  boundaries towards the pauses of the recording.

Steps: diagonal (1, 1), down (1, 0), right (0, 1); each adds the cost of the cell entered.
With ``skip`` prices, a fourth step leaves a turn out: from a GAP row straight down to the
next GAP row at the same column, past the rows between (a turn of the transcript that the
recording does not hold), at ``skip[i]`` to enter GAP row ``i`` that way (``skip_prices``:
so much per SPEECH row left out; infinite where it is not allowed). It is taken only when
it is strictly cheaper than the other three.
A step down into a SPEECH row adds ``vertical`` (synthetic speech squeezed into one frame
of the recording), a step right along a SPEECH row adds ``horizontal`` (one synthetic frame
stretched): without them, squeezing turns and leaving the rest to GAP rows is cheap.
The path runs from (0, 0) to (M - 1, N - 1).

Two implementations of the same recurrence: ``dtw_reference`` (plain Python, full matrix,
for tests on tiny inputs) and ``dtw_banded`` (numba, only the cells in a band of columns
per row, for real use). Tests check that they agree.
"""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit, prange

SPEECH, GAP, PAUSE = 0, 1, 2
EUCLIDEAN, NEG_DOT = 0, 1
_PIPELINE_CELLS = 4_000_000  # bands at least this large: costs a chunk ahead, beside the sums
_CHUNK_CELLS = 1_000_000


@dataclass(frozen=True)
class Costs:
    """The constant costs of GAP and PAUSE rows, and of steps off the diagonal."""

    gap: float
    pause_lo: float
    pause_hi: float
    music: float = 0.0
    vertical: float = 0.0
    horizontal: float = 0.0
    metric: int = EUCLIDEAN
    gap_quiet: float | None = None  # a quiet column in a GAP row (``pause_lo`` when None)


def local_cost(a: np.ndarray, b: np.ndarray, metric: int = EUCLIDEAN) -> float:
    """Distance between two feature vectors: Euclidean, or the negated dot product."""
    if metric == NEG_DOT:
        return -float(np.dot(np.asarray(a, np.float64), b))
    return float(np.sqrt(np.sum((np.asarray(a, np.float64) - b) ** 2)))


def row_cost(
    kind: int, row: np.ndarray, col: np.ndarray, quiet: float, nonspeech: float, costs: Costs,
    gap_scale: tuple[float, ...] = (1.0, 0.5), vocal: float = 0.0,
) -> float:
    """The cost of cell (row, column), as the kernel computes it; ``gap_scale`` is the GAP
    row's factor on speech, on music and (when given) on speech over music."""
    pause = costs.pause_lo + (costs.pause_hi - costs.pause_lo) * (1.0 - quiet)
    if kind == GAP:
        s_speech, s_music, s_voice = gap_factors(gap_scale, 1)[0]
        on_speech = s_speech + vocal * (s_voice - s_speech)
        blend = on_speech * (1.0 - nonspeech) + s_music * nonspeech
        quiet_cost = costs.pause_lo if costs.gap_quiet is None else costs.gap_quiet
        heard = local_cost(row, col, NEG_DOT) if costs.metric == NEG_DOT else 0.0
        return quiet * quiet_cost + (1.0 - quiet) * (costs.gap * blend + heard)
    if kind == PAUSE:
        return pause
    return local_cost(row, col, costs.metric) + costs.music * nonspeech


def step_cost(kind: int, di: int, dj: int, costs: Costs) -> float:
    """The extra cost of a step of (di, dj) into a row of ``kind``."""
    if kind != SPEECH or (di == 1 and dj == 1):
        return 0.0
    return costs.vertical if di == 1 else costs.horizontal


def skip_prices(kinds: np.ndarray, per_row, kept: np.ndarray | None = None) -> np.ndarray:
    """Per row, the price of entering it by a skip: for a GAP row after the first,
    ``per_row`` (one price, or one for each turn: each run of rows that ends at such a GAP
    row) times the SPEECH rows since the GAP row before it; infinite for other rows, for
    every row when ``per_row`` is None, and for the GAP rows that ``kept`` (per row) marks:
    the turn before them may not be left out."""
    kinds = np.asarray(kinds)
    out = np.full(len(kinds), np.inf)
    if per_row is None or len(kinds) == 0:
        return out
    gaps = np.flatnonzero(kinds == GAP)
    speech = np.concatenate([[0], np.cumsum(kinds == SPEECH)])
    out[gaps[1:]] = np.asarray(per_row, np.float64) * (speech[gaps[1:]] - speech[gaps[:-1]])
    if kept is not None:
        out[np.asarray(kept, bool)] = np.inf
    return out


def previous_gap(kinds: np.ndarray) -> np.ndarray:
    """Per row, the last GAP row before it (-1 for none): where a skip into it comes from."""
    kinds = np.asarray(kinds)
    at = np.where(kinds == GAP, np.arange(len(kinds)), -1)
    before = np.maximum.accumulate(np.concatenate([[-1], at[:-1]])) if len(kinds) else at
    return before.astype(np.int64)


def dtw_reference(
    rows: np.ndarray, kinds: np.ndarray, cols: np.ndarray, quiet: np.ndarray, nonspeech: np.ndarray, costs: Costs,
    gap_scale: np.ndarray | None = None, vocal: np.ndarray | None = None, skip: np.ndarray | None = None,
) -> list[tuple[int, int]]:
    """The cheapest path as a list of (row, col) cells, by the textbook full-matrix DP."""
    m, n = len(rows), len(cols)
    inf = float("inf")
    scale = gap_factors(gap_scale, m)
    vocal = np.zeros(n) if vocal is None else vocal
    skip = np.full(m, inf) if skip is None else skip
    source = previous_gap(kinds)
    d = [[row_cost(kinds[i], rows[i], cols[j], quiet[j], nonspeech[j], costs, scale[i], vocal[j]) for j in range(n)]
         for i in range(m)]
    acc = [[inf] * n for _ in range(m)]

    def options(i, j):
        out = []
        for di, dj in ((1, 1), (1, 0), (0, 1)):
            pi, pj = i - di, j - dj
            if pi >= 0 and pj >= 0:
                out.append((acc[pi][pj] + step_cost(kinds[i], di, dj, costs), (di, dj) != (1, 1), pi, pj))
        if source[i] >= 0 and skip[i] < inf:  # ranked last on ties
            out.append((acc[source[i]][j] + float(skip[i]), 2, int(source[i]), j))
        return out

    for i in range(m):
        for j in range(n):
            acc[i][j] = d[i][j] + (0.0 if i == j == 0 else min((o[0] for o in options(i, j)), default=inf))
    path, i, j = [(m - 1, n - 1)], m - 1, n - 1
    while (i, j) != (0, 0):
        _, _, i, j = min(options(i, j))
        path.append((i, j))
    return path[::-1]


@njit(cache=True, nogil=True)
def _best_predecessor(kinds, p, lo, hi, offsets, acc, skip, source, i, j):
    """(cost, row, col) of the cheapest way into (i, j), diagonal first on ties, a skip last."""
    best, bi, bj = np.inf, -1, -1
    speech = kinds[i] == 0
    if i > 0 and j > 0 and lo[i - 1] <= j - 1 < hi[i - 1]:
        v = acc[offsets[i - 1] + j - 1 - lo[i - 1]]
        if v < best:
            best, bi, bj = v, i - 1, j - 1
    if i > 0 and lo[i - 1] <= j < hi[i - 1]:
        v = acc[offsets[i - 1] + j - lo[i - 1]] + (p[4] if speech else 0.0)
        if v < best:
            best, bi, bj = v, i - 1, j
    if j > 0 and j - 1 >= lo[i]:
        v = acc[offsets[i] + j - 1 - lo[i]] + (p[5] if speech else 0.0)
        if v < best:
            best, bi, bj = v, i, j - 1
    s = source[i]
    if s >= 0 and skip[i] < np.inf and lo[s] <= j < hi[s]:
        v = acc[offsets[s] + j - lo[s]] + skip[i]
        if v < best:
            best, bi, bj = v, s, j
    return best, bi, bj


@njit(cache=True, nogil=True, inline="always")
def _n_used(nz, i):
    """How many columns ``nz[i]`` lists (it is padded with -1)."""
    k = 0
    while k < nz.shape[1] and nz[i, k] >= 0:
        k += 1
    return k


@njit(cache=True, nogil=True, parallel=True)
def _costs(rows, nz, kinds, cols_t, quiet, nonspeech, vocal, gap_scale, p, lo, hi, offsets, acc, start, stop):
    """Every cell's own cost in rows ``start`` to ``stop``, rows in parallel (the expensive
    part: the distances). ``p`` = (gap, pause_lo, pause_hi, music, vertical, horizontal,
    metric, gap_quiet); ``cols_t`` is the columns transposed, ``(D, N)``: a row's
    distances are summed one dimension at a time over its band of columns, a loop the
    compiler vectorises (the same sums, in the same order, as one column at a time). For
    ``NEG_DOT``, ``nz[i]`` lists the dimensions where row ``i`` is not zero (-1 after the
    last), so that the dot product skips the rest."""
    for i in prange(start, stop):
        _row_costs(i, rows, nz, kinds, cols_t, quiet, nonspeech, vocal, gap_scale, p, lo, hi, offsets, acc)


@njit(cache=True, nogil=True)
def _costs_serial(rows, nz, kinds, cols_t, quiet, nonspeech, vocal, gap_scale, p, lo, hi, offsets, acc, start, stop):
    """``_costs`` on one thread (beside ``_accumulate``: see ``dtw_banded``)."""
    for i in range(start, stop):
        _row_costs(i, rows, nz, kinds, cols_t, quiet, nonspeech, vocal, gap_scale, p, lo, hi, offsets, acc)


@njit(cache=True, nogil=True, inline="always")
def _row_costs(i, rows, nz, kinds, cols_t, quiet, nonspeech, vocal, gap_scale, p, lo, hi, offsets, acc):
    """The cells of row ``i`` (see ``_costs``)."""
    dim = rows.shape[1]
    lo_i, hi_i = lo[i], hi[i]
    base = offsets[i] - lo_i
    if kinds[i] == PAUSE:
        for j in range(lo_i, hi_i):
            acc[base + j] = p[1] + (p[2] - p[1]) * (1.0 - quiet[j])
        return
    dist = np.zeros(hi_i - lo_i)
    if kinds[i] == GAP or p[6] == NEG_DOT:
        # (a GAP row lists no dimension but in NEG_DOT passes that weigh untranscribed audio)
        for k in range(_n_used(nz, i)):
            c = nz[i, k]
            r = rows[i, c]
            for j in range(lo_i, hi_i):
                dist[j - lo_i] -= r * cols_t[c, j]
    else:
        for k in range(dim):
            r = rows[i, k]
            for j in range(lo_i, hi_i):
                t = r - cols_t[k, j]
                dist[j - lo_i] += t * t
        for j in range(lo_i, hi_i):
            dist[j - lo_i] = np.sqrt(dist[j - lo_i])
    if kinds[i] == GAP:
        s_speech, s_music, s_voice = gap_scale[i, 0], gap_scale[i, 1], gap_scale[i, 2]
        for j in range(lo_i, hi_i):
            on_speech = s_speech + vocal[j] * (s_voice - s_speech)
            blend = on_speech * (1.0 - nonspeech[j]) + s_music * nonspeech[j]
            acc[base + j] = quiet[j] * p[7] + (1.0 - quiet[j]) * (p[0] * blend + dist[j - lo_i])
    else:
        for j in range(lo_i, hi_i):
            acc[base + j] = dist[j - lo_i] + p[3] * nonspeech[j]


@njit(cache=True, nogil=True)
def _accumulate(kinds, p, lo, hi, offsets, acc, skip, source, start, stop):
    """Turn each cell's own cost into the cost of the cheapest path to it, in place, in
    rows ``start`` to ``stop`` (those before done already).

    Each cell waits on the one to its left, so a row is a chain of dependent sums; two rows
    go side by side, the second a column behind, so that the processor works on two chains
    at once. Where both rows' cells have both cells above them in the band and no skip into
    them, no step is checked. The same sums as ``_accumulate_row_by_row``, in the same
    order: 2.7 times as fast on the 90-minute bench episode's four largest bands."""
    i = start
    if i == 0 and i < stop:  # the first row: only steps right, from (0, 0)
        base, hpen = offsets[0] - lo[0], p[5] if kinds[0] == SPEECH else 0.0
        for j in range(lo[0] + 1, hi[0]):
            acc[base + j] += acc[base + j - 1] + hpen
        i = 1
    while i < stop:
        a = _row_steps(kinds, p, lo, hi, offsets, skip, source, i)
        if i + 1 == stop:  # an odd row out
            left = np.inf
            for j in range(lo[i], hi[i]):
                left = _cell(acc, a, left, j)
            break
        b = _row_steps(kinds, p, lo, hi, offsets, skip, source, i + 1)
        lo_a, hi_a, lo_b, hi_b = lo[i], hi[i], lo[i + 1], hi[i + 1]
        left_a = left_b = np.inf
        j = lo_a
        while j <= lo_b and j < hi_a:  # the first row alone, up to the second's first column
            left_a = _cell(acc, a, left_a, j)
            j += 1
        # then the first row at column j and the second at j - 1 (which needs j - 2 and j - 1
        # of the first): unchecked where every step exists
        fast_lo, fast_hi = max(j, lo[i - 1] + 1, lo_a + 2), min(hi_a, hi[i - 1])
        if a.skips or b.skips:
            fast_lo = fast_hi = hi_a
        while j < hi_a:
            if fast_lo <= j < fast_hi:
                while j < fast_hi:
                    left_a = _inner_cell(acc, a, left_a, j)
                    left_b = _inner_cell(acc, b, left_b, j - 1)
                    j += 1
                continue
            left_a = _cell(acc, a, left_a, j)
            left_b = _cell(acc, b, left_b, j - 1)
            j += 1
        for k in range(max(j - 1, lo_b), hi_b):  # the rest of the second row
            left_b = _cell(acc, b, left_b, k)
        i += 2


class _RowSteps(NamedTuple):
    """Where the steps into the cells of a row come from: the row's own cells (``base`` +
    column), the row above (``up_lo`` to ``up_hi``, at ``up_base`` + column), the GAP row
    a skip comes from (``skip_lo`` to ``skip_hi``, empty when none), and what each costs."""

    base: int
    up_base: int
    up_lo: int
    up_hi: int
    skip_base: int
    skip_lo: int
    skip_hi: int
    down: float
    right: float
    price: float
    skips: bool


@njit(cache=True, nogil=True, inline="always")
def _row_steps(kinds, p, lo, hi, offsets, skip, source, i):
    """The steps into the cells of row ``i`` (not the first row)."""
    s, price = source[i], skip[i]
    skips = s >= 0 and price < np.inf
    speech = kinds[i] == SPEECH
    return _RowSteps(offsets[i] - lo[i], offsets[i - 1] - lo[i - 1], lo[i - 1], hi[i - 1],
                     offsets[s] - lo[s] if skips else 0, lo[s] if skips else 0, hi[s] if skips else 0,
                     p[4] if speech else 0.0, p[5] if speech else 0.0, price, skips)


@njit(cache=True, nogil=True, inline="always")
def _cell(acc, r, left, j):
    """Cell ``j`` of the row whose steps are ``r``, each step checked; ``left`` is the sum
    of the cell before it in the row (infinite for none). Returns the cell's sum."""
    best = np.inf
    if r.up_lo <= j - 1 < r.up_hi:
        best = acc[r.up_base + j - 1]
    if r.up_lo <= j < r.up_hi:
        v = acc[r.up_base + j] + r.down
        best = v if v < best else best
    v = left + r.right
    best = v if v < best else best
    if r.skip_lo <= j < r.skip_hi:
        v = acc[r.skip_base + j] + r.price
        best = v if v < best else best
    acc[r.base + j] += best
    return acc[r.base + j]


@njit(cache=True, nogil=True, inline="always")
def _inner_cell(acc, r, left, j):
    """``_cell`` where both cells above are in the band and no skip comes in."""
    best = acc[r.up_base + j - 1]
    v = acc[r.up_base + j] + r.down
    best = v if v < best else best
    v = left + r.right
    best = v if v < best else best
    acc[r.base + j] += best
    return acc[r.base + j]


@njit(cache=True, nogil=True)
def _accumulate_row_by_row(kinds, p, lo, hi, offsets, acc, skip, source, start, stop):
    """``_accumulate`` a row at a time, a cell at a time, every step checked: the plain
    version that tests check it against, sum for sum."""
    inf = np.inf
    for i in range(start, stop):
        lo_i, hi_i, base = lo[i], hi[i], offsets[i] - lo[i]
        speech = kinds[i] == 0
        vpen = p[4] if speech else 0.0
        hpen = p[5] if speech else 0.0
        plo, phi, pbase = 0, 0, 0
        if i > 0:
            plo, phi, pbase = lo[i - 1], hi[i - 1], offsets[i - 1] - lo[i - 1]
        s, price = source[i], skip[i]
        slo, shi, sbase = 0, 0, 0
        if s >= 0 and price < inf:
            slo, shi, sbase = lo[s], hi[s], offsets[s] - lo[s]
        for j in range(lo_i, hi_i):
            if i == 0 and j == 0:
                continue
            best = inf
            if i > 0:
                if plo <= j - 1 < phi:
                    best = acc[pbase + j - 1]
                if plo <= j < phi:
                    v = acc[pbase + j] + vpen
                    if v < best:
                        best = v
            if j > lo_i:
                v = acc[base + j - 1] + hpen
                if v < best:
                    best = v
            if slo <= j < shi:
                v = acc[sbase + j] + price
                if v < best:
                    best = v
            acc[base + j] += best


@njit(cache=True, nogil=True)
def _backtrack(kinds, p, lo, hi, offsets, acc, skip, source, n):
    m = lo.shape[0]
    out_i = np.empty(m + n, dtype=np.int64)
    out_j = np.empty(m + n, dtype=np.int64)
    i, j, k = m - 1, n - 1, 0
    out_i[0], out_j[0] = i, j
    k = 1
    while i > 0 or j > 0:
        _, bi, bj = _best_predecessor(kinds, p, lo, hi, offsets, acc, skip, source, i, j)
        if bi < 0:
            break
        i, j = bi, bj
        out_i[k], out_j[k] = i, j
        k += 1
    return out_i[:k][::-1].copy(), out_j[:k][::-1].copy()


def dtw_banded(
    rows: np.ndarray, kinds: np.ndarray, cols: np.ndarray, quiet: np.ndarray, nonspeech: np.ndarray,
    costs: Costs, lo: np.ndarray | None = None, hi: np.ndarray | None = None, gap_scale: np.ndarray | None = None,
    vocal: np.ndarray | None = None, skip: np.ndarray | None = None, chunk_cells: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The cheapest path restricted to columns ``lo[i] <= j < hi[i]`` of each row ``i``
    (the whole matrix when ``lo``/``hi`` are None), as two arrays (rows, cols); ``skip``:
    see ``skip_prices``.

    The sums run on one core, two rows at a time (``_accumulate``). In a band of
    ``_PIPELINE_CELLS`` cells or more, the cells' own costs are computed ``_CHUNK_CELLS`` at
    a time on a second thread, each chunk's while the sums go through the chunks before; the
    sums' thread costs the next chunk not taken rather than wait for the one it needs (the
    sums take half as long as the costs). ``chunk_cells``: that many a time, or all first,
    in parallel, when 0. The same costs and sums either way, whichever thread computes a
    chunk; the DTW a fifth sooner at 90 minutes than with all the costs first."""
    m, n = len(rows), len(cols)
    if lo is None or hi is None:
        lo, hi = np.zeros(m, np.int64), np.full(m, n, np.int64)
    lo, hi = _feasible_band(np.asarray(lo, np.int64), np.asarray(hi, np.int64), n)
    offsets = np.zeros(m + 1, np.int64)
    np.cumsum(hi - lo, out=offsets[1:])
    acc = np.empty(int(offsets[-1]), np.float32)
    kinds = np.ascontiguousarray(kinds, np.int8)
    p = np.array([costs.gap, costs.pause_lo, costs.pause_hi, costs.music, costs.vertical, costs.horizontal,
                  float(costs.metric), costs.pause_lo if costs.gap_quiet is None else costs.gap_quiet], np.float64)
    rows = np.ascontiguousarray(rows, np.float32)
    cells = (rows, _nonzero_columns(rows, costs.metric), kinds, np.ascontiguousarray(np.asarray(cols, np.float32).T),
             np.ascontiguousarray(quiet, np.float32), np.ascontiguousarray(nonspeech, np.float32),
             np.zeros(n, np.float32) if vocal is None else np.ascontiguousarray(vocal, np.float32),
             gap_factors(gap_scale, m), p, lo, hi, offsets, acc)
    skip = np.full(m, np.inf) if skip is None else np.ascontiguousarray(skip, np.float64)
    source = previous_gap(kinds)
    if chunk_cells is None:
        chunk_cells = _CHUNK_CELLS if len(acc) >= _PIPELINE_CELLS else 0
    if chunk_cells <= 0:
        _costs(*cells, 0, m)
        _accumulate(kinds, p, lo, hi, offsets, acc, skip, source, 0, m)
    else:
        cuts = np.searchsorted(offsets, np.arange(chunk_cells, len(acc), chunk_cells))
        bounds = [int(b) for b in np.unique(np.concatenate([[0], cuts, [m]]))]
        chunks = list(zip(bounds, bounds[1:]))
        costed = [threading.Event() for _ in chunks]
        order = itertools.count()  # the next chunk to cost, for whichever thread comes first

        def cost_next() -> bool:
            k = next(order)
            if k >= len(chunks):
                return False
            _costs_serial(*cells, *chunks[k])
            costed[k].set()
            return True

        def cost_all() -> None:
            try:
                while cost_next():
                    pass
            except BaseException:  # the sums wait on no chunk then; the error is raised below
                for done in costed:
                    done.set()
                raise

        with ThreadPoolExecutor(1) as side:
            helper = side.submit(cost_all)
            for k, (a, b) in enumerate(chunks):
                while not costed[k].is_set() and cost_next():  # costs ahead rather than wait
                    pass
                costed[k].wait()
                if helper.done() and helper.exception() is not None:
                    break
                _accumulate(kinds, p, lo, hi, offsets, acc, skip, source, a, b)
            helper.result()
    return _backtrack(kinds, p, lo, hi, offsets, acc, skip, source, n)


def warm_up() -> None:
    """Load the compiled kernels from numba's cache (0.2 s), for instance while other work
    waits on other processes."""
    rows = np.zeros((3, 2), np.float32)
    cols = np.zeros((4, 2), np.float32)
    quiet = np.zeros(4, np.float32)
    for metric in (EUCLIDEAN, NEG_DOT):
        for chunk_cells in (0, 4):
            dtw_banded(rows, np.zeros(3, np.int8), cols, quiet, quiet, Costs(1.0, 0.1, 1.0, metric=metric),
                       chunk_cells=chunk_cells)


def _nonzero_columns(rows: np.ndarray, metric: int) -> np.ndarray:
    """``(M, K)``: the columns where each row is not zero, padded with -1 (``K`` the most
    in any row). Phoneme rows of the ``NEG_DOT`` passes hold 2-6 of 45, so their dot
    products cost a tenth; Euclidean rows need every column and get an empty list."""
    if metric != NEG_DOT or rows.size == 0:
        return np.full((len(rows), 0), -1, np.int64)
    return _nonzero_columns_kernel(np.ascontiguousarray(rows, np.float32))


@njit(cache=True, nogil=True)
def _nonzero_columns_kernel(rows: np.ndarray) -> np.ndarray:
    """``_nonzero_columns`` of NEG_DOT rows in two scans (``np.nonzero``'s indices, their
    counts and a scatter took 18 ms a pass at 90 minutes; ``_nonzero_columns_reference``)."""
    m, d = rows.shape
    most = 0
    for i in range(m):
        k = 0
        for j in range(d):
            if rows[i, j] != 0:
                k += 1
        most = max(most, k)
    out = np.full((m, max(1, most)), -1, np.int64)
    for i in range(m):
        k = 0
        for j in range(d):
            if rows[i, j] != 0:
                out[i, k] = j
                k += 1
    return out


def _nonzero_columns_reference(rows: np.ndarray) -> np.ndarray:
    """``_nonzero_columns`` of NEG_DOT rows in numpy."""
    r, c = np.nonzero(rows)  # row-major: by row, then column
    counts = np.bincount(r, minlength=len(rows))
    out = np.full((len(rows), max(1, int(counts.max(initial=0)))), -1, np.int64)
    out[r, np.arange(len(r)) - (np.cumsum(counts) - counts)[r]] = c
    return out


def gap_factors(gap_scale, m: int) -> np.ndarray:
    """``(m, 3)`` GAP row factors on speech, on music and on speech over music, from ``m``
    rows of two or three (1, 0.5 and 1 when None; the one on speech when only two are)."""
    if gap_scale is None:
        return np.tile(np.array([1.0, 0.5, 1.0], np.float32), (m, 1))
    scale = np.asarray(gap_scale, np.float32).reshape(m, -1)
    return np.ascontiguousarray(scale if scale.shape[1] > 2 else np.hstack([scale, scale[:, :1]]))


def _feasible_band(lo: np.ndarray, hi: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Make the band monotone and connected, from (0, 0) to (M - 1, N - 1)."""
    lo = np.clip(lo, 0, n - 1)
    hi = np.clip(hi, 1, n)
    lo[0] = 0
    hi[-1] = n
    lo = np.minimum.accumulate(lo[::-1])[::-1].copy()
    hi = np.maximum.accumulate(hi)
    hi = np.maximum(hi, lo + 1)
    lo[1:] = np.minimum(lo[1:], hi[:-1])  # neighbouring rows overlap, so a step exists
    return lo, hi
