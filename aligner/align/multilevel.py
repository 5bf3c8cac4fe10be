"""Coarse-to-fine DTW over long recordings.

The synthesised text is a list of blocks (one per turn), each a run of word frames. Rows
are laid out as: a GAP row, then for each block its frames with a PAUSE row before every
word but the first, then a GAP row before the next block, and a last GAP row. At each level,
frames are averaged ``factor`` at a time; the path found at one level gives the band of
columns searched at the next, finer one. The coarsest level searches the whole matrix.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from aligner.align.dtw import EUCLIDEAN, GAP, NEG_DOT, PAUSE, SPEECH, Costs, dtw_banded, gap_factors, skip_prices
from aligner.discriminant import one_hot
from aligner.features import HOP_MS

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class OneHot:
    """Frames given by their labels, without the rows they stand for: 1.0 in the column of
    each frame's label (none for a label below 0), ``value`` in column ``extra`` of every
    frame (none when below 0), 0 elsewhere, ``width`` columns. The phoneme passes' turns
    (50 MB at 90 minutes as rows): ``build_rows`` pools them from the labels, to the same
    numbers as the rows (``_pool_one_hot_into_rows``)."""

    labels: np.ndarray  # (T,) int
    width: int
    extra: int = -1
    value: float = 0.0

    def __post_init__(self) -> None:  # as the pooling loop takes them, once, not at every level of every pass
        object.__setattr__(self, "labels", np.ascontiguousarray(self.labels, np.int64))

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.labels), self.width)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = one_hot(self.labels, self.width, np.float32)
        if self.extra >= 0:
            out[:, self.extra] = self.value
        return out if dtype is None else np.asarray(out, dtype)  # (no copy when float32 is asked)


@dataclass(frozen=True)
class Block:
    """A turn's synthetic frames and the frame where each of its words starts."""

    features: np.ndarray | OneHot  # (T, D)
    word_frames: np.ndarray  # (W,) non-decreasing, first is 0
    # cost factors of the gap row before the block: on speech, on music, and on speech over
    # music (a song's or a jingle's voice; the factor on speech when not given)
    gap_scale: tuple[float, ...] = (1.0, 0.5)
    labels: np.ndarray | None = None  # (T,) phoneme id of each frame


@dataclass(frozen=True)
class Rows:
    """The rows of one level."""

    features: np.ndarray  # (M, D)
    kinds: np.ndarray  # (M,) SPEECH, GAP or PAUSE
    gap_scale: np.ndarray  # (M, 3) cost factors of GAP rows on speech, on music and on speech over music
    labels: np.ndarray  # (M,) phoneme id of SPEECH rows, -1 elsewhere
    position: np.ndarray  # (M,) float, increasing: where the row sits in synthetic time
    word_rows: tuple[np.ndarray, ...]  # per block, the first speech row of each word
    end_rows: np.ndarray  # per block, its last speech row
    factor: int


def pool(features: np.ndarray, factor: int, *, by_column: bool = False) -> np.ndarray:
    """Average ``factor`` frames at a time (the last group may be shorter); ``by_column``:
    into an array laid out column by column (Fortran order), whose transpose the DTW
    kernel takes without a copy (50 MB for 90 minutes of the phoneme passes' columns).

    The recording's frames (by column) go through ``_pool_kernel`` on every core when it
    gives numpy's sums (``_summed_in_order``): numpy, in ``pool_reference``, took 30 ms a
    level on one core for the phoneme passes' 46 columns at 90 minutes (0.3 s in all), the
    kernel 4-11 ms."""
    if factor == 1 or len(features) == 0:
        return features
    if not (by_column and _summed_in_order(features)):
        return pool_reference(features, factor, by_column=by_column)
    out = np.empty((-(-len(features) // factor), features.shape[1]), np.float32, order="F")
    full = len(features) // factor
    _pool_kernel(features, factor, out)
    if full < len(out):
        out[full] = features[full * factor:].mean(axis=0, dtype=np.float32)
    return out


def _summed_in_order(features: np.ndarray) -> bool:
    """Whether numpy sums a group of ``features``' frames one frame after another, as the
    compiled loops below do: 2-D float32 laid out row by row (each frame's values next to
    each other), with two values or more to a frame. Others it sums pairwise from eight
    frames on."""
    return (features.ndim == 2 and features.shape[1] > 1 and features.dtype == np.float32
            and features.flags.c_contiguous)


_POOL_TILE = 256  # groups a thread pools at a time


@njit(cache=True, nogil=True, parallel=True)
def _pool_kernel(features: np.ndarray, factor: int, out: np.ndarray) -> None:
    """``out[g]`` = the mean of frames ``g * factor`` to ``(g + 1) * factor``, for every
    whole group: summed one frame after another, then times ``1 / factor`` in float32. A
    tile of groups is summed row by row, along ``features``' memory, then written column
    by column, along ``out``'s (either way at once: 2-4 times as slow)."""
    scale = np.float32(1.0 / factor)
    full = len(features) // factor
    d = features.shape[1]
    for tile in prange(-(-full // _POOL_TILE)):
        g0 = tile * _POOL_TILE
        g1 = min(full, g0 + _POOL_TILE)
        sums = np.empty((g1 - g0, d), np.float32)
        for g in range(g0, g1):
            first = g * factor
            for c in range(d):
                sums[g - g0, c] = features[first, c]
            for k in range(first + 1, first + factor):
                for c in range(d):
                    sums[g - g0, c] += features[k, c]
        for c in range(d):
            for g in range(g0, g1):
                out[g, c] = sums[g - g0, c] * scale


def _pool_blocks(blocks: list[Block], factor: int, feats: np.ndarray, speech_row: np.ndarray, frame0: np.ndarray,
                 n: np.ndarray) -> None:
    """Each block's frames pooled (as ``pool``) into its rows of ``feats``: block ``k``'s
    pooled frames are ``frame0[k]`` to ``frame0[k] + n[k]`` of ``speech_row``. Straight into
    the rows, a block at a time in ``_pool_into_rows``: pooling each block apart, then
    joining and scattering them, took 13 ms a level of the phoneme passes at 90 minutes."""
    if all(isinstance(b.features, OneHot) for b in blocks):
        for b, first, count in zip(blocks, frame0.tolist(), n.tolist()):
            f = b.features
            _pool_one_hot_into_rows(f.labels, f.extra, np.float32(f.value), factor, feats, speech_row[first:first + count])
        return
    if not all(isinstance(b.features, np.ndarray) and _summed_in_order(b.features) for b in blocks):
        feats[speech_row] = np.concatenate([pool(np.asarray(b.features), factor) for b in blocks])
        return
    for b, first, count in zip(blocks, frame0.tolist(), n.tolist()):
        _pool_into_rows(b.features, factor, feats, speech_row[first:first + count])


@njit(cache=True, nogil=True, inline="always")
def _mean_of_sum(out: np.ndarray, r: int, count: int, factor: int, scale: np.float32) -> None:
    """Row ``r`` of ``out``, the sum of ``count`` frames, made their mean: times ``scale``
    (``1 / factor``) for a whole group, divided by ``count`` for a short last one."""
    if count == factor:
        for c in range(out.shape[1]):
            out[r, c] *= scale
    else:
        n = np.float32(count)
        for c in range(out.shape[1]):
            out[r, c] /= n


@njit(cache=True, nogil=True)
def _pool_into_rows(features: np.ndarray, factor: int, out: np.ndarray, rows: np.ndarray) -> None:
    """``out[rows[g]]`` = the mean of frames ``g * factor`` to ``(g + 1) * factor`` (the
    last group may be shorter): numpy's sums, one frame after another, then times
    ``1 / factor``, or divided by a short group's length, in float32 (``pool_reference``)."""
    n, d = features.shape
    scale = np.float32(1.0 / factor)
    for g in range(len(rows)):
        first, stop, r = g * factor, min(n, (g + 1) * factor), rows[g]
        for c in range(d):
            out[r, c] = features[first, c]
        for k in range(first + 1, stop):
            for c in range(d):
                out[r, c] += features[k, c]
        _mean_of_sum(out, r, stop - first, factor, scale)


@njit(cache=True, nogil=True)
def _pool_one_hot_into_rows(labels: np.ndarray, extra: int, value: np.float32, factor: int, out: np.ndarray,
                            rows: np.ndarray) -> None:
    """``_pool_into_rows`` of the rows that a ``OneHot`` stands for, from its labels: the
    same sums, one frame after another (of 1.0s, exact counts; of ``value``), then times
    ``1 / factor``, or divided by a short group's length, in float32."""
    n, d = len(labels), out.shape[1]
    scale = np.float32(1.0 / factor)
    for g in range(len(rows)):
        first, stop, r = g * factor, min(n, (g + 1) * factor), rows[g]
        for c in range(d):
            out[r, c] = 0.0
        for k in range(first, stop):
            if labels[k] >= 0:
                out[r, labels[k]] += np.float32(1.0)
        if extra >= 0:
            s = value
            for k in range(first + 1, stop):
                s += value
            out[r, extra] = s
        _mean_of_sum(out, r, stop - first, factor, scale)


def pool_reference(features: np.ndarray, factor: int, *, by_column: bool = False) -> np.ndarray:
    """``pool`` in numpy."""
    if factor == 1 or len(features) == 0:
        return features
    n = len(features)
    full = n // factor
    shape = (-(-n // factor),) + features.shape[1:]
    out = np.empty(shape, np.float32, order="F" if by_column else "C")
    # the whole groups summed in place of a padded copy (the recording's frames: 100 MB an hour);
    # pairs as one sum of two strided views, four times as fast as a reduction over an axis
    # of two, and the same sums
    if factor == 2:
        np.add(features[0:2 * full:2], features[1:2 * full:2], out=out[:full])
    else:
        np.sum(features[:full * factor].reshape((full, factor) + features.shape[1:]), axis=1, out=out[:full])
    out[:full] *= np.float32(1.0 / factor)
    if full < len(out):
        out[full] = features[full * factor:].mean(axis=0, dtype=np.float32)
    return out


def warm_up() -> None:
    """Load the compiled kernels from numba's cache, for instance while other work waits."""
    pool(np.zeros((4, 2), np.float32), 2, by_column=True)
    _pool_into_rows(np.zeros((3, 2), np.float32), 2, np.zeros((2, 2), np.float32), np.arange(2))
    _pool_one_hot_into_rows(np.zeros(3, np.int64), 1, np.float32(1.0), 2, np.zeros((2, 2), np.float32), np.arange(2))


def build_rows(blocks: list[Block], factor: int, tail_gap: tuple[float, float] = (1.0, 0.5),
               gap_features: np.ndarray | None = None) -> Rows:
    """The rows of all blocks at one level; ``tail_gap`` is the cost factors (speech, music)
    of the last GAP row, after the last block; ``gap_features`` is the feature vector of
    every GAP row (zeros when None). All blocks at once (a block at a time, as
    ``build_rows_reference`` does, took 0.3 s a pass at 90 minutes)."""
    lens = np.array([len(b.features) for b in blocks], np.int64)
    if lens.min(initial=1) < 1:
        raise ValueError("a block without frames")
    n = -(-lens // factor)  # pooled frames per block
    frame0 = np.cumsum(n) - n  # each block's first pooled frame
    block_of = np.repeat(np.arange(len(blocks)), n)  # block of each pooled frame
    local = np.arange(len(block_of)) - frame0[block_of]  # its index in the block
    # the first pooled frame of each word, a PAUSE row before each (but before frame 0)
    first = [np.minimum(np.asarray(b.word_frames, np.int64) // factor, k - 1) for b, k in zip(blocks, n)]
    pause_before = np.zeros(len(block_of), bool)
    pause_before[np.concatenate([f[1:][f[1:] > 0] + s for f, s in zip(first, frame0)])] = True
    pauses = np.bincount(block_of[pause_before], minlength=len(blocks))
    total = 1 + n + pauses  # rows per block, its GAP row first
    row0 = np.cumsum(total) - total  # each block's GAP row
    # each pooled frame's row: its block's GAP row, 1, its index, and the pauses up to it
    within = np.cumsum(pause_before) - (np.cumsum(pauses) - pauses)[block_of]
    speech_row = (row0 + 1)[block_of] + local + within
    m = int(total.sum()) + 1
    offset = np.cumsum(lens + 1) - (lens + 1)  # each block's place in synthetic time
    at = offset[block_of] + local * factor  # each pooled frame's place
    feats = np.zeros((m, blocks[0].features.shape[1]), np.float32)
    _pool_blocks(blocks, factor, feats, speech_row, frame0, n)
    kinds = np.full(m, PAUSE, np.int8)
    kinds[row0] = GAP
    kinds[-1] = GAP
    kinds[speech_row] = SPEECH
    scales = np.ones((m, 3), np.float32)
    scales[row0] = np.concatenate([gap_factors(b.gap_scale, 1) for b in blocks])
    scales[-1] = gap_factors(tail_gap, 1)[0]
    labels = np.full(m, -1, np.int32)
    labels[speech_row] = np.concatenate([np.full(k, -1) if b.labels is None else b.labels[::factor]
                                         for b, k in zip(blocks, n)])
    pos = np.empty(m)
    pos[row0] = offset - 0.75
    pos[-1] = float(lens.sum() + len(blocks)) - 0.75
    pos[speech_row] = at
    pos[speech_row[pause_before] - 1] = at[pause_before] - 0.5
    if gap_features is not None:
        feats[kinds == GAP] = gap_features
    word_rows = tuple(speech_row[f + s] for f, s in zip(first, frame0))
    end_rows = speech_row[frame0 + n - 1]
    return Rows(feats, kinds, scales, labels, pos, word_rows, end_rows, factor)


def _block_rows(block: Block, factor: int, offset: float) -> tuple:
    """One block's rows (its gap row first): features, kinds, gap scales, labels, positions,
    and the row (within these) of each word's first frame."""
    pooled = pool(np.asarray(block.features), factor)
    n = len(pooled)
    first = np.minimum(np.asarray(block.word_frames) // factor, n - 1)
    pause_before = np.zeros(n, bool)
    pause_before[first[1:][first[1:] > 0]] = True
    # row of pooled frame r: 1 (the gap row) + r + pauses up to and including r
    speech_row = 1 + np.arange(n) + np.cumsum(pause_before)
    total = 1 + n + int(pause_before.sum())
    feats = np.zeros((total, pooled.shape[1]), np.float32)
    feats[speech_row] = pooled
    kinds = np.full(total, PAUSE, np.int8)
    kinds[0] = GAP
    kinds[speech_row] = SPEECH
    scales = np.ones((total, 3), np.float32)
    scales[0] = gap_factors(block.gap_scale, 1)[0]
    labels = np.full(total, -1, np.int32)
    if block.labels is not None:
        labels[speech_row] = block.labels[np.arange(n) * factor]
    pos = np.empty(total)
    pos[0] = offset - 0.75
    pos[speech_row] = offset + np.arange(n) * factor
    pause_rows = speech_row[pause_before] - 1
    pos[pause_rows] = offset + np.flatnonzero(pause_before) * factor - 0.5
    return feats, kinds, scales, labels, pos, speech_row[first], speech_row[-1]


def build_rows_reference(blocks: list[Block], factor: int, tail_gap: tuple[float, float] = (1.0, 0.5),
                         gap_features: np.ndarray | None = None) -> Rows:
    """``build_rows`` a block at a time: the plain version that tests check it against."""
    parts, word_rows, end_rows = [], [], []
    offset, row = 0.0, 0
    for block in blocks:
        feats, kinds, scales, labels, pos, words, last = _block_rows(block, factor, offset)
        parts.append((feats, kinds, scales, labels, pos))
        word_rows.append(words + row)
        end_rows.append(last + row)
        row += len(kinds)
        offset += len(block.features) + 1
    dim = blocks[0].features.shape[1]
    parts.append((np.zeros((1, dim), np.float32), np.array([GAP], np.int8), gap_factors(tail_gap, 1),
                  np.array([-1], np.int32), np.array([offset - 0.75])))
    columns = [np.concatenate(c) for c in zip(*parts)]
    if gap_features is not None:
        columns[0][columns[1] == GAP] = gap_features
    return Rows(columns[0], columns[1], columns[2], columns[3], columns[4], tuple(word_rows), np.array(end_rows), factor)


def row_spans(path_i: np.ndarray, path_j: np.ndarray, m: int, *, fill: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The first and last column of each of the ``m`` rows on a path (rows and columns
    non-decreasing, as a DTW path runs: a row's cells are the columns between them). A row
    that the path leaves out (a turn skipped) gets the column where it left out (the last
    of the row before) when ``fill``, else -1; -1 for the rows before the path's first."""
    first, last = np.full(m, -1, np.int64), np.full(m, -1, np.int64)
    if len(path_i):
        starts = np.flatnonzero(np.r_[True, path_i[1:] != path_i[:-1]])
        ends = np.r_[starts[1:] - 1, len(path_i) - 1]
        first[path_i[starts]], last[path_i[starts]] = path_j[starts], path_j[ends]
        if not fill:
            return first, last
        on = np.maximum.accumulate(np.where(first >= 0, np.arange(m), -1))  # the last row on the path so far
        out = (first < 0) & (on >= 0)
        first[out] = last[out] = last[on[out]]
    return first, last


def _band(path_i, path_j, fine: Rows, coarse: Rows, n_fine: int, radius: int) -> tuple[np.ndarray, np.ndarray]:
    ratio = coarse.factor // fine.factor
    m_coarse = len(coarse.kinds)
    cmin, cmax = row_spans(path_i, path_j, m_coarse)
    lo_c = np.minimum(cmin, np.concatenate([[cmin[0]], cmin[:-1]]))
    hi_c = np.maximum(cmax, np.concatenate([cmax[1:], [cmax[-1]]]))
    rmap = np.clip(np.searchsorted(coarse.position, fine.position, side="right") - 1, 0, m_coarse - 1)
    lo = lo_c[rmap] * ratio - radius
    hi = (hi_c[rmap] + 1) * ratio + radius
    return np.clip(lo, 0, n_fine), np.clip(hi, 0, n_fine)


def band_around(path: tuple[Rows, np.ndarray, np.ndarray], rows: Rows, n_cols: int, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns within ``radius`` of where ``path`` (of any level, over the same blocks) put
    each of ``rows``: the first level of a pass that refines an earlier pass."""
    prev, pi, pj = path
    m_prev = len(prev.kinds)
    first, last = row_spans(pi, pj, m_prev)
    first, last = first * prev.factor, (last + 1) * prev.factor
    # each row spans the earlier rows from the one at its position to the next row's
    # (reduceat over non-decreasing starts: a repeated start gives that one earlier row)
    a = np.clip(np.searchsorted(prev.position, rows.position, side="right") - 1, 0, m_prev - 1)
    lo = np.minimum.reduceat(first, a) // rows.factor - radius
    hi = np.maximum.reduceat(last, a)
    hi = -(-hi // rows.factor) + radius
    return np.clip(lo, 0, n_cols), np.clip(hi, 0, n_cols)


def costs_for(
    rows: Rows, cols: np.ndarray, *, gap_quantile: float, pause_lo: float, pause_hi: float, music: float,
    vertical: float, horizontal: float, metric: int = EUCLIDEAN, gap_quiet: float | None = None,
) -> Costs:
    """Gap and pause costs scaled to the distances of random row/column pairs at this level."""
    rng = np.random.default_rng(0)
    speech = rows.features[rows.kinds == SPEECH]
    a = speech[rng.integers(0, len(speech), 4000)]
    b = cols[rng.integers(0, len(cols), 4000)]
    dist = -np.sum(a * b, axis=1) if metric == NEG_DOT else np.linalg.norm(a - b, axis=1)
    scale = float(np.quantile(dist, gap_quantile))
    return Costs(scale, pause_lo * scale, pause_hi * scale, music * scale, vertical * scale, horizontal * scale, metric,
                 None if gap_quiet is None else gap_quiet * scale)


def align_blocks(
    blocks: list[Block], real: np.ndarray, quiet: np.ndarray, nonspeech: np.ndarray, *,
    factors: tuple[int, ...] = (50, 10, 2, 1), radius_ms: tuple[int, ...] = (10_000, 3_000, 1_000, 300),
    gap_quantile: float = 0.3, pause_lo: float = 0.2, pause_hi: float = 1.0, music: float = 1.0,
    vertical: float = 1.0, horizontal: float = 0.0, max_coarse_cells: int = 40_000_000, metric: int = EUCLIDEAN,
    gap_quiet: float | None = None, around: tuple[Rows, np.ndarray, np.ndarray] | None = None,
    tail_gap: tuple[float, float] = (1.0, 0.5), pins: list[tuple[int, int, int, int]] = (),
    reach_back: tuple[int, int, int] | None = None, coarse_radius_ms: int = 30_000,
    gap_features: np.ndarray | None = None, widen: tuple[tuple[int, ...], int] | None = None,
    vocal: np.ndarray | None = None, skip: float | np.ndarray | None = None, follow: np.ndarray | None = None,
) -> tuple[Rows, np.ndarray, np.ndarray]:
    """Align the synthesised ``blocks`` to the ``real`` frames (``quiet`` and ``nonspeech``
    in [0, 1] per frame); returns the finest rows and the path (rows, columns) through them.

    The first level searches the whole matrix, or ``radius_ms[0]`` around the path of an
    earlier pass when ``around`` gives one; level ``k`` searches ``radius_ms[k]`` around
    the path of level ``k - 1``. Without ``around``, coarser levels are put in front when the
    first would not fit in ``max_coarse_cells``; after the first of them, they search
    ``coarse_radius_ms`` (a few of their wide columns could not undo the coarsest level's
    errors: a 3-hour recording's turns stayed 30 to 60 s late). ``pins`` (block, word, frame, window) keep
    a word's first row within ``window`` frames of ``frame`` at every level: the timecode
    anchors of the transcript. ``gap_features``: see ``build_rows``. ``widen`` (blocks,
    frames): the first level around ``around`` looks that many frames further for those
    blocks' rows (the gap before each included). ``vocal`` (per frame, in [0, 1]): where a
    gap row's third factor replaces its factor on speech (see ``dtw``). ``skip``: the price
    of leaving a block out (a block that the recording does not hold; never one that
    ``pins`` hold), per synthetic row at each level, in the level's cost scale: one for all
    blocks or one for each; None: never. ``follow`` (per frame, bool; with ``around``): the
    rows that ``around`` lays wholly on these frames keep to its path, a column either side
    at every level (a pass held to one more pin, free only around it: see ``engine.align``)."""
    given = len(factors)
    if around is None:
        factors = _coarse_enough(factors, sum(len(b.features) for b in blocks), len(real), max_coarse_cells)
    radii = ((coarse_radius_ms,) * (len(factors) - given) + (radius_ms[0],) * max(0, given - len(radius_ms))
             + tuple(radius_ms)[-given:])
    previous = None
    for level, factor in enumerate(factors):
        rows = build_rows(blocks, factor, tail_gap, gap_features)
        cols, q, ns = pool(real, factor, by_column=True), pool(quiet, factor), pool(nonspeech, factor)
        voc = None if vocal is None else pool(vocal, factor)
        costs = costs_for(rows, cols, gap_quantile=gap_quantile, pause_lo=pause_lo, pause_hi=pause_hi, music=music,
                          vertical=vertical, horizontal=horizontal, metric=metric, gap_quiet=gap_quiet)
        lo = hi = None
        radius = max(2, radii[level] // (factor * HOP_MS))
        if previous is not None:
            prows, pi, pj = previous
            lo, hi = _band(pi, pj, rows, prows, len(cols), radius)
        elif around is not None:
            lo, hi = band_around(around, rows, len(cols), radius)
            if reach_back is not None:
                block, frame, reach = reach_back
                first = int(rows.word_rows[block][0]) if block < len(rows.word_rows) else len(lo)
                lo[first:] = np.maximum(np.minimum(lo[first:], frame // factor), lo[first:] - reach // factor)
            if widen is not None:
                wide, frames = widen
                for k in wide:
                    r0, r1 = (int(rows.end_rows[k - 1]) + 1 if k > 0 else 0), int(rows.end_rows[k]) + 1
                    lo[r0:r1] = np.maximum(lo[r0:r1] - frames // factor, 0)
                    hi[r0:r1] = np.minimum(hi[r0:r1] + frames // factor, len(cols))
        if follow is not None:
            lo, hi = _following(around, rows, len(cols), follow, lo, hi)
        if pins:
            lo, hi = _pinned(rows, len(cols), pins, lo, hi)
        prices = None
        if skip is not None:
            kept = np.zeros(len(rows.kinds), bool)
            kept[[int(rows.end_rows[block]) + 1 for block, *_ in pins]] = True  # the GAP row after a pinned block
            prices = skip_prices(rows.kinds, np.asarray(skip) * costs.gap, kept)
        pi, pj = dtw_banded(rows.features, rows.kinds, cols, q, ns, costs, lo, hi, rows.gap_scale, vocal=voc,
                            skip=prices)
        log.debug("level x%d: %d rows x %d cols, %s", factor, len(rows.kinds), len(cols), costs)
        previous = (rows, pi, pj)
    return previous


def _following(around: tuple[Rows, np.ndarray, np.ndarray], rows: Rows, n_cols: int, follow: np.ndarray,
               lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The band with the rows that ``around`` lays wholly on ``follow`` frames held to its
    path, a column either side (kept monotone)."""
    near_lo, near_hi = band_around(around, rows, n_cols, 1)
    free = np.r_[0, np.cumsum(~follow)]  # frames not followed before each frame
    a = np.clip(near_lo * rows.factor, 0, len(follow))
    b = np.clip(near_hi * rows.factor, 0, len(follow))
    held = free[b] == free[a]
    lo, hi = lo.copy(), hi.copy()
    lo[held] = np.maximum(lo[held], near_lo[held])
    hi[held] = np.minimum(hi[held], near_hi[held])
    return _monotone(lo, hi, n_cols)


def _pinned(rows: Rows, n_cols: int, pins, lo: np.ndarray | None, hi: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The band with each pinned word's row held near its frame; a monotone path then keeps
    the rows after it at or past the pin's earliest column, those before it at or before its
    latest."""
    m = len(rows.kinds)
    lo = np.zeros(m, np.int64) if lo is None else lo.copy()
    hi = np.full(m, n_cols, np.int64) if hi is None else hi.copy()
    for block, word, frame, window in pins:
        r = int(rows.word_rows[block][word])
        lo[r] = max(lo[r], (frame - window) // rows.factor)
        hi[r] = min(hi[r], (frame + window) // rows.factor + 1)
    return _monotone(lo, hi, n_cols)


def _monotone(lo: np.ndarray, hi: np.ndarray, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """The band narrowed row by row so that a monotone path fits it: a row starts no
    earlier than the rows before it and ends no later than the rows after it."""
    lo = np.minimum(np.maximum.accumulate(lo), n_cols - 1)
    hi = np.maximum(np.minimum.accumulate(hi[::-1])[::-1], 1)
    return lo, np.maximum(hi, lo + 1)


def _coarse_enough(factors: tuple[int, ...], m: int, n: int, max_cells: int) -> tuple[int, ...]:
    """Add coarser levels in front until the first full-matrix level fits ``max_cells``."""
    factors = tuple(factors)
    while (m // factors[0] + 1) * (n // factors[0] + 1) > max_cells:
        factors = (factors[0] * 2,) + factors
    return factors
