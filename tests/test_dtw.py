"""The banded DTW kernel against the plain reference, and tiny cases with known paths."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from aligner.align.dtw import (
    EUCLIDEAN, GAP, NEG_DOT, PAUSE, SPEECH, Costs, dtw_banded, dtw_reference, previous_gap, row_cost, skip_prices, step_cost,
)


def _seq(values):
    return np.asarray(values, np.float32)[:, None]


def _path(ri, rj):
    return list(zip(ri.tolist(), rj.tolist()))


LOUD = np.zeros(64, np.float32)


def test_identical_sequences_follow_the_diagonal():
    x = _seq([0, 1, 2, 3, 4])
    kinds = np.full(5, SPEECH, np.int8)
    assert _path(*dtw_banded(x, kinds, x, LOUD[:5], LOUD[:5], Costs(10.0, 1.0, 5.0))) == [(i, i) for i in range(5)]


def test_gap_row_skips_untranscribed_audio():
    # rows: "1 1 | gap | 5 5"; columns: 1 1 9 9 9 9 5 5 — the gap row eats the 9s
    rows = _seq([1, 1, 0, 5, 5])
    kinds = np.array([SPEECH, SPEECH, GAP, SPEECH, SPEECH], np.int8)
    cols = _seq([1, 1, 9, 9, 9, 9, 5, 5])
    costs = Costs(1.0, 0.1, 2.0)
    path = _path(*dtw_banded(rows, kinds, cols, LOUD[:8], LOUD[:8], costs))
    assert path == dtw_reference(rows, kinds, cols, LOUD[:8], LOUD[:8], costs)
    assert [j for i, j in path if i == 2] == [2, 3, 4, 5]
    assert [j for i, j in path if i == 3][0] == 6


def test_expensive_gap_is_not_taken():
    rows = _seq([1, 1, 0, 5, 5])
    kinds = np.array([SPEECH, SPEECH, GAP, SPEECH, SPEECH], np.int8)
    cols = _seq([1, 1, 5, 5])
    costs = Costs(100.0, 50.0, 100.0)
    path = _path(*dtw_banded(rows, kinds, cols, LOUD[:4], LOUD[:4], costs))
    assert path == dtw_reference(rows, kinds, cols, LOUD[:4], LOUD[:4], costs)
    assert [j for i, j in path if i == 2] == [1]


def test_pause_row_waits_through_a_quiet_stretch():
    # "1 1 | pause | 5 5" against 1 1 (quiet) (quiet) (quiet) 5 5: the word after the pause
    # starts at the first loud column after the quiet ones
    rows = _seq([1, 1, 0, 5, 5])
    kinds = np.array([SPEECH, SPEECH, PAUSE, SPEECH, SPEECH], np.int8)
    cols = _seq([1, 1, 3, 3, 3, 5, 5])
    quiet = np.array([0, 0, 1, 1, 1, 0, 0], np.float32)
    path = _path(*dtw_banded(rows, kinds, cols, quiet, LOUD[:7], Costs(5.0, 0.0, 3.0)))
    assert [j for i, j in path if i == 2] == [2, 3, 4]
    assert [j for i, j in path if i == 3][0] == 5


@pytest.mark.parametrize("metric", [EUCLIDEAN, NEG_DOT])
@pytest.mark.parametrize("seed", range(25))
def test_banded_kernel_agrees_with_reference(seed, metric):
    rng = np.random.default_rng(seed)
    m, n = rng.integers(2, 14, size=2)
    rows = rng.normal(size=(m, 3)).astype(np.float32)
    if metric == NEG_DOT and seed % 2:
        rows[rng.random((m, 3)) < 0.6] = 0.0  # sparse rows (some all zero): the kernel skips zeros
    cols = rng.normal(size=(n, 3)).astype(np.float32)
    kinds = rng.choice([SPEECH, SPEECH, SPEECH, GAP, PAUSE], size=m).astype(np.int8)
    quiet = rng.random(n).astype(np.float32)
    nonspeech = (rng.random(n) < 0.3).astype(np.float32)
    gap, pause_hi, pause_lo = sorted(rng.uniform(0.1, 3.0, size=3))[::-1]
    costs = Costs(gap, pause_lo, pause_hi, music=float(rng.uniform(0, 2)),
                  vertical=float(rng.uniform(0, 1)), horizontal=float(rng.uniform(0, 1)), metric=metric,
                  gap_quiet=float(rng.uniform(0, 1)) if seed % 2 else None)
    # two factors (speech, music) or three (and a voice between music, where ``vocal`` says)
    gap_scale = rng.uniform(0.5, 3.0, size=(m, 2 + seed % 2)).astype(np.float32)
    vocal = (rng.random(n) < 0.4).astype(np.float32) if seed % 3 else None
    # turns left out at a price per speech row (some GAP rows not to be skipped into)
    skip = skip_prices(kinds, float(rng.uniform(0, 1)), rng.random(m) < 0.3) if seed % 4 < 2 else None
    ri, rj = dtw_banded(rows, kinds, cols, quiet, nonspeech, costs, gap_scale=gap_scale, vocal=vocal, skip=skip)
    ref = dtw_reference(rows, kinds, cols, quiet, nonspeech, costs, gap_scale, vocal, skip)
    voiced = np.zeros(n) if vocal is None else vocal

    def step(a, b):
        if b[0] - a[0] > 1:  # a skip: from the GAP row before, at the same column
            assert b[1] == a[1] and previous_gap(kinds)[b[0]] == a[0]
            return skip[b[0]]
        return step_cost(kinds[b[0]], b[0] - a[0], b[1] - a[1], costs)

    # ties may be broken differently; the costs must be equal
    def cost(p):
        cells = sum(row_cost(kinds[i], rows[i], cols[j], quiet[j], nonspeech[j], costs, tuple(gap_scale[i]), voiced[j])
                    for i, j in p)
        return cells + sum(step(a, b) for a, b in zip(p, p[1:]))

    assert cost(_path(ri, rj)) == pytest.approx(cost(ref), rel=1e-5)
    assert (ri[0], rj[0]) == (0, 0) and (ri[-1], rj[-1]) == (m - 1, n - 1)
    steps = np.stack([np.diff(ri), np.diff(rj)], axis=1)
    assert set(map(tuple, steps.tolist())) <= {(1, 1), (1, 0), (0, 1)} | {(int(d), 0) for d in range(2, m)}


@pytest.mark.parametrize("metric", [EUCLIDEAN, NEG_DOT])
@pytest.mark.parametrize("seed", range(12))
def test_banded_kernel_agrees_with_reference_on_turns_left_out(seed, metric):
    """Rows laid out as turns between GAP rows, a recording that says some of them: the
    kernel with skips finds a path as cheap as the reference's, and leaves turns out."""
    rng = np.random.default_rng(200 + seed)
    turns = [rng.normal(size=(int(rng.integers(1, 4)), 3)).astype(np.float32) for _ in range(int(rng.integers(2, 5)))]
    said = [t for t in turns if rng.random() < 0.6] or turns[:1]
    rows = np.concatenate([r for t in turns for r in (np.zeros((1, 3), np.float32), t)] + [np.zeros((1, 3), np.float32)])
    kinds = np.concatenate([np.r_[GAP, np.full(len(t), SPEECH)] for t in turns] + [[GAP]]).astype(np.int8)
    cols = np.concatenate(said) + rng.normal(scale=0.1, size=(sum(map(len, said)), 3)).astype(np.float32)
    n = len(cols)
    quiet, nonspeech = np.zeros(n, np.float32), np.zeros(n, np.float32)
    costs = Costs(2.0, 0.2, 1.0, vertical=float(rng.uniform(0.5, 2)), metric=metric)
    skip = skip_prices(kinds, float(rng.uniform(0.5, 2)))
    ri, rj = dtw_banded(rows, kinds, cols, quiet, nonspeech, costs, skip=skip)
    ref = dtw_reference(rows, kinds, cols, quiet, nonspeech, costs, skip=skip)

    def cost(p):
        cells = sum(row_cost(kinds[i], rows[i], cols[j], quiet[j], nonspeech[j], costs) for i, j in p)
        return cells + sum(skip[b[0]] if b[0] - a[0] > 1 else step_cost(kinds[b[0]], b[0] - a[0], b[1] - a[1], costs)
                           for a, b in zip(p, p[1:]))

    assert cost(_path(ri, rj)) == pytest.approx(cost(ref), rel=1e-5)
    assert (ri[0], rj[0]) == (0, 0) and (ri[-1], rj[-1]) == (len(rows) - 1, n - 1)


def test_a_turn_the_recording_lacks_is_left_out():
    # turns "1 1", "5 5 5", "9 9" against a recording of "1 1 9 9": at a price per row
    # under what squeezing "5 5 5" costs, the path steps from the GAP row before it to the
    # one after it, at the same column; dearer, it squeezes the turn in
    rows = _seq([0, 1, 1, 0, 5, 5, 5, 0, 9, 9, 0])
    kinds = np.array([GAP, SPEECH, SPEECH, GAP, SPEECH, SPEECH, SPEECH, GAP, SPEECH, SPEECH, GAP], np.int8)
    cols = _seq([1, 1, 9, 9])
    costs = Costs(3.0, 0.1, 1.0, vertical=2.0)
    for price, left_out in ((1.0, True), (10.0, False)):
        skip = skip_prices(kinds, price)
        assert skip[7] == 3 * price and skip[3] == 2 * price and skip[10] == 2 * price and np.isinf(skip[:3]).all()
        path = _path(*dtw_banded(rows, kinds, cols, LOUD[:4], LOUD[:4], costs, skip=skip))
        assert path == dtw_reference(rows, kinds, cols, LOUD[:4], LOUD[:4], costs, skip=skip)
        assert ((3, 1) in path and (7, 1) in path and not any(4 <= i <= 6 for i, _ in path)) == left_out
        assert [j for i, j in path if i == 8][0] == 2
    # a turn that may not be left out (an anchor holds it) is squeezed in at any price
    kept = np.zeros(len(kinds), bool)
    kept[7] = True
    path = _path(*dtw_banded(rows, kinds, cols, LOUD[:4], LOUD[:4], costs, skip=skip_prices(kinds, 1.0, kept)))
    assert {4, 5, 6} <= {i for i, _ in path}


def test_rows_left_out_take_the_column_of_the_skip():
    from aligner.align.multilevel import row_spans

    pi = np.array([0, 1, 1, 2, 6, 7, 7])
    pj = np.array([0, 0, 1, 2, 2, 3, 4])
    first, last = row_spans(pi, pj, 8)
    assert first.tolist() == [0, 0, 2, 2, 2, 2, 2, 3] and last.tolist() == [0, 1, 2, 2, 2, 2, 2, 4]


def test_a_coarse_to_fine_search_leaves_out_the_turn_the_recording_lacks():
    """The finer levels search around the coarse path's skip (the rows left out get its
    column), and find the same path as a search of the whole matrix; a turn pinned by an
    anchor is not left out."""
    from aligner.align.multilevel import Block, align_blocks

    rng = np.random.default_rng(11)
    a, b, c = (rng.normal(size=(40, 3)).astype(np.float32) for _ in range(3))
    real = np.concatenate([a, c])
    quiet, ns = np.zeros(len(real), np.float32), np.zeros(len(real), np.float32)
    blocks = [Block(a, np.array([0, 20])), Block(b, np.array([0])), Block(c, np.array([0, 10]))]
    settings = dict(gap_quantile=0.3, vertical=2.0, skip=2.0)
    whole = align_blocks(blocks, real, quiet, ns, factors=(1,), radius_ms=(300,), **settings)
    banded = align_blocks(blocks, real, quiet, ns, factors=(8, 2, 1), radius_ms=(300, 100, 50), **settings)
    for rows, pi, pj in (whole, banded):
        gone = rows.word_rows[1][0]
        assert gone not in pi  # the second turn left out
        assert pj[pi == rows.word_rows[2][0]][0] == 40
    assert banded[1].tolist() == whole[1].tolist() and banded[2].tolist() == whole[2].tolist()
    rows, pi, pj = align_blocks(blocks, real, quiet, ns, factors=(8, 2, 1), radius_ms=(300, 100, 50),
                                pins=[(1, 0, 40, 100)], **settings)
    assert rows.word_rows[1][0] in pi


def test_music_penalty_keeps_speech_rows_off_music():
    # "1 | gap | 1" against 1 1 1 1: with the middle columns marked as music, the second
    # word must not start on them
    rows = _seq([1, 0, 1])
    kinds = np.array([SPEECH, GAP, SPEECH], np.int8)
    cols = _seq([1, 1, 1, 1])
    nonspeech = np.array([0, 1, 1, 0], np.float32)
    path = _path(*dtw_banded(rows, kinds, cols, LOUD[:4], nonspeech, Costs(0.5, 0.5, 0.5, music=10.0)))
    assert path == dtw_reference(rows, kinds, cols, LOUD[:4], nonspeech, Costs(0.5, 0.5, 0.5, music=10.0))
    assert [j for i, j in path if i == 2][0] == 3


def test_vertical_penalty_stops_squeezing():
    # synthetic "1 2 3 4" against recording "1 2 3 4 9 9": without a penalty the cheap gap
    # at the end lets the path squeeze the words; with one, the words keep their columns
    rows = _seq([1, 2, 3, 4, 0])
    kinds = np.array([SPEECH] * 4 + [GAP], np.int8)
    cols = _seq([1, 1.5, 2, 3, 4, 9])
    costs = Costs(0.1, 0.1, 0.1, vertical=5.0)
    path = _path(*dtw_banded(rows, kinds, cols, LOUD[:6], LOUD[:6], costs))
    assert path == dtw_reference(rows, kinds, cols, LOUD[:6], LOUD[:6], costs)
    assert [j for i, j in path if i == 3] == [4]


@pytest.mark.parametrize("metric", [EUCLIDEAN, NEG_DOT])
@pytest.mark.parametrize("seed", range(6))
def test_costs_beside_the_sums_chunk_by_chunk_give_the_same_path(seed, metric):
    """The cells' costs computed a chunk at a time beside the sums (as in long bands) give
    the path that all the costs first give, whatever the chunks' size."""
    from aligner.align.dtw import _feasible_band

    rng = np.random.default_rng(300 + seed)
    m, n = int(rng.integers(40, 90)), int(rng.integers(60, 120))
    rows = rng.normal(size=(m, 4)).astype(np.float32)
    if metric == NEG_DOT:
        rows[rng.random((m, 4)) < 0.5] = 0.0
    cols = rng.normal(size=(n, 4)).astype(np.float32)
    kinds = rng.choice([SPEECH, SPEECH, SPEECH, GAP, PAUSE], size=m).astype(np.int8)
    quiet, nonspeech = rng.random(n).astype(np.float32), (rng.random(n) < 0.3).astype(np.float32)
    costs = Costs(1.5, 0.2, 1.0, music=0.5, vertical=0.3, horizontal=0.2, metric=metric)
    centre = np.sort(rng.integers(0, n, m))
    lo, hi = _feasible_band(centre - rng.integers(0, 12, m), centre + rng.integers(1, 12, m), n)
    gap_scale = rng.uniform(0.5, 3.0, size=(m, 3)).astype(np.float32)
    vocal = (rng.random(n) < 0.4).astype(np.float32)
    skip = skip_prices(kinds, float(rng.uniform(0, 1)))
    args = (rows, kinds, cols, quiet, nonspeech, costs, lo, hi, gap_scale, vocal, skip)
    whole = dtw_banded(*args, chunk_cells=0)
    for chunk_cells in (1, 7, 50, 10_000):
        ri, rj = dtw_banded(*args, chunk_cells=chunk_cells)
        assert np.array_equal(ri, whole[0]) and np.array_equal(rj, whole[1])


def test_band_restricts_the_path():
    rng = np.random.default_rng(7)
    rows = rng.normal(size=(20, 2)).astype(np.float32)
    cols = rng.normal(size=(20, 2)).astype(np.float32)
    lo = np.maximum(0, np.arange(20) - 2)
    hi = np.minimum(20, np.arange(20) + 3)
    ri, rj = dtw_banded(rows, np.zeros(20, np.int8), cols, LOUD[:20], LOUD[:20], Costs(5.0, 1.0, 5.0), lo, hi)
    assert np.all(np.abs(ri - rj) <= 2)


@pytest.mark.parametrize("metric", [EUCLIDEAN, NEG_DOT])
@pytest.mark.parametrize("seed", range(20))
def test_banded_kernel_finds_the_cheapest_path_inside_a_narrow_band(seed, metric):
    """Random bands, a few columns wide and shifting by uneven steps: the kernel's path
    stays in the band and costs what the cheapest path inside it costs, found by the
    textbook recurrence over the band's cells alone."""
    from aligner.align.dtw import _feasible_band

    rng = np.random.default_rng(100 + seed)
    m, n = int(rng.integers(3, 16)), int(rng.integers(3, 20))
    rows = rng.normal(size=(m, 3)).astype(np.float32)
    cols = rng.normal(size=(n, 3)).astype(np.float32)
    kinds = rng.choice([SPEECH, SPEECH, GAP, PAUSE], size=m).astype(np.int8)
    quiet = rng.random(n).astype(np.float32)
    nonspeech = (rng.random(n) < 0.3).astype(np.float32)
    costs = Costs(1.5, 0.2, 1.0, music=0.5, vertical=float(rng.uniform(0, 1)), horizontal=float(rng.uniform(0, 1)),
                  metric=metric)
    centre = np.sort(rng.integers(0, n, m))
    lo, hi = _feasible_band(centre - rng.integers(0, 3, m), centre + rng.integers(1, 4, m), n)
    skip = skip_prices(kinds, float(rng.uniform(0, 1)))
    source = previous_gap(kinds)
    ri, rj = dtw_banded(rows, kinds, cols, quiet, nonspeech, costs, lo, hi, skip=skip)
    assert np.all((lo[ri] <= rj) & (rj < hi[ri]))
    scale = (1.0, 0.5)
    inf = float("inf")
    acc = {}
    for i in range(m):
        for j in range(int(lo[i]), int(hi[i])):
            own = row_cost(kinds[i], rows[i], cols[j], quiet[j], nonspeech[j], costs, scale)
            ways = [acc.get((i - di, j - dj), inf) + step_cost(kinds[i], di, dj, costs)
                    for di, dj in ((1, 1), (1, 0), (0, 1))]
            ways.append(acc.get((int(source[i]), j), inf) + skip[i])  # a turn left out
            acc[i, j] = own + (0.0 if i == j == 0 else min(ways))
    path = _path(ri, rj)
    cells = sum(row_cost(kinds[i], rows[i], cols[j], quiet[j], nonspeech[j], costs, scale) for i, j in path)
    steps = sum(skip[b[0]] if b[0] - a[0] > 1 else step_cost(kinds[b[0]], b[0] - a[0], b[1] - a[1], costs)
                for a, b in zip(path, path[1:]))
    assert cells + steps == pytest.approx(acc[m - 1, n - 1], rel=1e-5)


def test_rows_layout():
    from aligner.align.multilevel import Block, build_rows

    feats = np.arange(12, dtype=np.float32).reshape(6, 2)
    rows = build_rows([Block(feats, np.array([0, 2, 4])), Block(feats[:2], np.array([0]))], 1)
    # gap, f0, f1, pause, f2, f3, pause, f4, f5, gap, g0, g1, gap
    assert rows.kinds.tolist() == [GAP, SPEECH, SPEECH, PAUSE, SPEECH, SPEECH, PAUSE, SPEECH, SPEECH, GAP, SPEECH, SPEECH, GAP]
    assert [w.tolist() for w in rows.word_rows] == [[1, 4, 7], [10]]
    assert rows.end_rows.tolist() == [8, 11]
    assert np.all(np.diff(rows.position) > 0)
    pooled = build_rows([Block(feats, np.array([0, 2, 4]))], 2)
    assert pooled.kinds.tolist() == [GAP, SPEECH, PAUSE, SPEECH, PAUSE, SPEECH, GAP]
    assert pooled.features[1].tolist() == [1.0, 2.0]  # mean of frames 0 and 1


@pytest.mark.parametrize("seed", range(40))
def test_rows_of_all_blocks_at_once_match_the_block_by_block_reference(seed):
    from aligner.align.multilevel import Block, build_rows, build_rows_reference

    rng = np.random.default_rng(seed)
    blocks = []
    dims = (3, 13, 46)[seed % 3]
    for _ in range(int(rng.integers(1, 6))):
        n = int(rng.integers(1, 120))  # frames; words may share a pooled frame, or start it
        words = np.sort(rng.integers(0, n, int(rng.integers(1, 7))))
        words[0] = 0
        labels = rng.integers(0, 5, n) if rng.random() < 0.7 else None
        scale = tuple(rng.random(int(rng.integers(2, 4))))
        blocks.append(Block(rng.standard_normal((n, dims)).astype(np.float32), words, scale, labels))
    if seed % 4 == 3:  # a block laid out column by column: numpy, which may sum it pairwise, pools them all
        blocks[-1] = dataclasses.replace(blocks[-1], features=np.asfortranarray(blocks[-1].features))
    factor = int(rng.choice([1, 2, 3, 5, 10, 50]))
    tail = (float(rng.random()), float(rng.random()))
    gap = rng.standard_normal(3).astype(np.float32) if seed % 3 == 0 else None
    fast, plain = build_rows(blocks, factor, tail, gap), build_rows_reference(blocks, factor, tail, gap)
    for name in ("features", "kinds", "gap_scale", "labels", "position", "end_rows"):
        a, b = getattr(fast, name), getattr(plain, name)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), name  # the same numbers, bit for bit
    assert [w.tolist() for w in fast.word_rows] == [w.tolist() for w in plain.word_rows]


@pytest.mark.parametrize("seed", range(30))
def test_rows_pooled_from_labels_are_the_rows_pooled_from_their_one_hot_frames(seed):
    """The phoneme passes' turns given by their labels (``OneHot``: a phoneme per frame, some
    unlabelled, the speaker's weight in one more column) pool into the same rows, bit for
    bit, as their one-hot frames do, at every factor (short last groups, groups of eight or
    more frames); mixed with frames given as rows, all of them pool as rows."""
    from aligner.align.multilevel import Block, OneHot, build_rows

    rng = np.random.default_rng(500 + seed)
    width = int(rng.integers(8, 50))
    given, frames = [], []
    for k in range(int(rng.integers(1, 6))):
        n = int(rng.integers(1, 150))
        words = np.sort(rng.integers(0, n, int(rng.integers(1, 7))))
        words[0] = 0
        labels = rng.integers(-1, width - 3, n)
        extra = -1 if seed % 5 == 0 else int(rng.integers(width - 3, width))
        hot = OneHot(labels, width, extra, float(rng.random() * 0.7))
        assert hot.shape == (n, width) and len(hot) == n
        given.append(Block(hot, words, (1.0, 0.5), np.maximum(labels, 0)))
        frames.append(Block(np.asarray(hot), words, (1.0, 0.5), np.maximum(labels, 0)))
    assert np.asarray(given[0].features)[np.flatnonzero(given[0].features.labels < 0)][:, :width - 3].sum() == 0
    factor = int(rng.choice([1, 2, 3, 5, 8, 10, 20]))
    gap = np.zeros(width, np.float32)
    gap[-1] = 0.1
    fast, plain = build_rows(given, factor, gap_features=gap), build_rows(frames, factor, gap_features=gap)
    assert fast.features.tobytes() == plain.features.tobytes()
    mixed = build_rows([given[0], *frames[1:]], factor, gap_features=gap)
    assert mixed.features.tobytes() == plain.features.tobytes()


def test_negated_dot_product_follows_the_likeliest_phonemes():
    # rows say phonemes 0, 1, 2 (one-hot); columns hold log-probabilities where 1 is heard
    # only in column 3: the row saying it must land there
    rows = np.eye(3, dtype=np.float32)
    cols = np.log(np.array([[.9, .05, .05], [.9, .05, .05], [.9, .05, .05], [.05, .9, .05], [.05, .05, .9]], np.float32))
    kinds = np.full(3, SPEECH, np.int8)
    costs = Costs(5.0, 5.0, 5.0, metric=NEG_DOT)
    path = _path(*dtw_banded(rows, kinds, cols, LOUD[:5], LOUD[:5] * 0, costs))
    assert path == dtw_reference(rows, kinds, cols, LOUD[:5], LOUD[:5] * 0, costs)
    assert [j for i, j in path if i == 1] == [3]


def test_a_gap_row_pays_for_a_voice_that_the_text_holds():
    # "a | gap | b" in a phoneme pass; the third column of the rows and columns is the
    # log-probability of untranscribed audio. The two middle columns could be either word:
    # a cheap gap takes both, unless the gap row weighs that column and one of them is
    # surely a voice of the text (log p(untranscribed) = -10): then a word takes it
    cols = np.log(np.array([[.9, .05, 1], [.5, .5, 1], [.5, .5, np.exp(-10)], [.05, .9, 1]], np.float32))
    kinds = np.array([SPEECH, GAP, SPEECH], np.int8)
    costs = Costs(0.3, 0.1, 1.0, metric=NEG_DOT)
    for weight, gap_cols in ((0.0, [1, 2]), (0.1, [1])):
        rows = np.array([[1, 0, 0], [0, 0, weight], [0, 1, 0]], np.float32)
        path = _path(*dtw_banded(rows, kinds, cols, LOUD[:4], LOUD[:4] * 0, costs))
        assert path == dtw_reference(rows, kinds, cols, LOUD[:4], LOUD[:4] * 0, costs)
        assert [j for i, j in path if i == 1] == gap_cols


def test_a_gap_announced_as_music_takes_music_and_leaves_speech_to_the_text():
    # "a | gap | b" against a x x b with one middle column music and one speech: a gap that
    # is cheap on music only must take the music column, the other goes to a word
    rows = _seq([0, 0, 1])
    kinds = np.array([SPEECH, GAP, SPEECH], np.int8)
    cols = _seq([0, 0.4, 0.6, 1])
    for music_col, word_col in ((1, 2), (2, 1)):
        nonspeech = np.zeros(4, np.float32)
        nonspeech[music_col] = 1.0
        scales = np.array([[1, 0.5], [10.0, 0.1], [1, 0.5]], np.float32)
        costs = Costs(1.0, 0.1, 1.0)
        path = _path(*dtw_banded(rows, kinds, cols, LOUD[:4], nonspeech, costs, gap_scale=scales))
        assert path == dtw_reference(rows, kinds, cols, LOUD[:4], nonspeech, costs, scales)
        assert (1, music_col) in path and (1, word_col) not in path


def test_speech_over_music_costs_the_gap_its_third_factor():
    # "a | gap | b" against a v m b: m is music, v talk; a gap cheap on music and dear on
    # speech takes m and leaves v to word a, unless v is speech over music (a song's voice)
    # and the gap is cheap there, as after a music break or a jingle
    rows = _seq([0, 0, 1])
    kinds = np.array([SPEECH, GAP, SPEECH], np.int8)
    cols = _seq([0, 0.5, 0.5, 1])
    nonspeech = np.array([0, 0, 1, 0], np.float32)
    costs = Costs(1.0, 0.1, 1.0)
    for scales, vocal, gap_takes_it in (((10.0, 0.1, 0.1), 1.0, True), ((10.0, 0.1, 0.1), 0.0, False),
                                        ((10.0, 0.1), 1.0, False), ((10.0, 0.1, 10.0), 1.0, False)):
        gap_scale = np.array([(1.0, 0.5, 1.0)[:len(scales)], scales, (1.0, 0.5, 1.0)[:len(scales)]], np.float32)
        voiced = np.array([0, vocal, 0, 0], np.float32)
        path = _path(*dtw_banded(rows, kinds, cols, LOUD[:4], nonspeech, costs, gap_scale=gap_scale, vocal=voiced))
        assert path == dtw_reference(rows, kinds, cols, LOUD[:4], nonspeech, costs, gap_scale, voiced)
        assert (1, 2) in path and ((1, 1) in path) == gap_takes_it


def test_quiet_columns_can_be_free_between_turns_only():
    # a silence between word "a" and word "b" goes to the GAP row (free) and not to the
    # PAUSE row before "b", which every path crosses once
    rows = _seq([1, 0, 0, 1])
    kinds = np.array([SPEECH, GAP, PAUSE, SPEECH], np.int8)
    cols = _seq([1, 0, 0, 0, 1])
    quiet = np.array([0, 1, 1, 1, 0], np.float32)
    costs = Costs(5.0, 0.5, 5.0, gap_quiet=0.0)
    path = _path(*dtw_banded(rows, kinds, cols, quiet, LOUD[:5], costs))
    assert path == dtw_reference(rows, kinds, cols, quiet, LOUD[:5], costs)
    assert [j for i, j in path if i == 1] == [1, 2] and [j for i, j in path if i == 2] == [3]


def test_a_refining_pass_searches_around_the_earlier_path_at_any_level():
    from aligner.align.multilevel import Block, align_blocks, band_around, build_rows

    rng = np.random.default_rng(3)
    feats = rng.normal(size=(40, 2)).astype(np.float32)
    blocks = [Block(feats[:20], np.array([0, 10])), Block(feats[20:], np.array([0]))]
    filler = np.full((30, 2), 6.0, np.float32)  # untranscribed: far from every synthetic frame
    real = np.concatenate([filler, feats[:20], filler[:15], feats[20:]])
    quiet, ns = np.zeros(len(real), np.float32), np.zeros(len(real), np.float32)
    first = align_blocks(blocks, real, quiet, ns, factors=(1,), radius_ms=(300,), gap_quantile=0.3)
    # the band of a coarser level holds every column the earlier path used, and a radius
    coarse = build_rows(blocks, 5)
    lo, hi = band_around(first, coarse, -(-len(real) // 5), 2)
    rows, pi, pj = first
    for r, c in zip(pi, pj):
        k = np.searchsorted(coarse.position, rows.position[r], side="right") - 1
        assert lo[k] <= c // 5 < hi[k]
    # a refining pass around it finds the same path as the full search
    again = align_blocks(blocks, real, quiet, ns, factors=(5, 1), radius_ms=(1000, 300), gap_quantile=0.3, around=first)
    assert again[1].tolist() == pi.tolist() and again[2].tolist() == pj.tolist()
    assert pj[rows.word_rows[0][0] == pi][0] == 30 and pj[rows.word_rows[1][0] == pi][0] == 65


def test_an_anchor_pin_holds_its_word_near_the_time_and_the_path_around_it():
    from aligner.align.multilevel import Block, align_blocks

    # the same word said twice in the recording (columns 5 and 45): unpinned, the cheaper
    # first place wins; pinned near column 45, the word goes there
    word = np.array([[3.0, 0.0], [0.0, 3.0]], np.float32)
    real = np.zeros((60, 2), np.float32)
    real[5:7] = word
    real[45:47] = word * 0.9
    quiet = np.ones(60, np.float32)
    quiet[5:7] = quiet[45:47] = 0.0
    ns = np.zeros(60, np.float32)
    blocks = [Block(word, np.array([0]))]
    free = align_blocks(blocks, real, quiet, ns, factors=(1,), radius_ms=(300,), gap_quantile=0.3)
    pinned = align_blocks(blocks, real, quiet, ns, factors=(1,), radius_ms=(300,), gap_quantile=0.3, pins=[(0, 0, 44, 5)])
    for (rows, pi, pj), expected in ((free, 5), (pinned, 45)):
        assert pj[pi == rows.word_rows[0][0]][0] == expected


def test_the_talk_after_the_last_turn_is_cheaper_than_talk_between_turns():
    """A last turn whose words also fit later talk stays next to the turn before it as long
    as untranscribed talk after it costs less than between two turns (the engine's own
    factors); dearer, it goes to the later place."""
    from aligner.align.config import AlignConfig
    from aligner.align.multilevel import Block, align_blocks

    config = AlignConfig()
    between = (config.unannounced_gap, 0.5 * config.unannounced_gap)
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(12, 3)).astype(np.float32), rng.normal(size=(12, 3)).astype(np.float32)
    talk = rng.normal(size=(20, 3)).astype(np.float32) + 4.0  # untranscribed, matches neither
    real = np.concatenate([a, b, talk, b, talk])
    quiet, ns = np.zeros(len(real), np.float32), np.zeros(len(real), np.float32)
    blocks = [Block(a, np.array([0])), Block(b, np.array([0]), gap_scale=between)]
    for tail, expected in ((config.tail_gap, 12), (1.2 * config.unannounced_gap, 44)):
        rows, pi, pj = align_blocks(blocks, real, quiet, ns, factors=(1,), radius_ms=(300,), gap_quantile=0.3,
                                    tail_gap=(tail, 0.5 * tail))
        assert pj[pi == rows.word_rows[1][0]][0] == expected, tail


def test_levels_put_in_front_of_a_long_recording_search_wider(monkeypatch):
    """The coarser levels added when the first would not fit search ``coarse_radius_ms``
    around the coarsest path; the levels asked for keep their own radii."""
    from aligner.align import multilevel

    rng = np.random.default_rng(5)
    feats = rng.normal(size=(400, 2)).astype(np.float32)
    blocks = [multilevel.Block(feats[:200], np.array([0, 100])), multilevel.Block(feats[200:], np.array([0]))]
    real = np.concatenate([feats[:200], np.full((100, 2), 6.0, np.float32), feats[200:]])
    quiet = ns = np.zeros(len(real), np.float32)
    real_dtw = multilevel.dtw_banded

    def widths(coarse_radius_ms):
        seen = []

        def spy(rows, kinds, cols, *rest, **named):
            lo, hi = rest[-3], rest[-2]
            seen.append((len(cols), None if lo is None else int(np.median(hi - lo))))
            return real_dtw(rows, kinds, cols, *rest, **named)

        monkeypatch.setattr(multilevel, "dtw_banded", spy)
        multilevel.align_blocks(blocks, real, quiet, ns, factors=(4, 1), radius_ms=(200, 50), gap_quantile=0.3,
                                max_coarse_cells=2000, coarse_radius_ms=coarse_radius_ms)
        return seen

    wide, narrow = widths(1000), widths(80)
    assert [n for n, _ in wide] == [-(-len(real) // f) for f in (16, 8, 4, 1)]  # two levels put in front
    assert wide[0][1] is None  # the coarsest searches everything
    assert wide[1][1] >= 2 * 1000 // 80 > narrow[1][1]  # +-1 s at 80 ms a column
    assert wide[2:] == narrow[2:]  # the levels asked for: the same radii, the same paths


def test_pool_averages_each_group_of_frames():
    from aligner.align.multilevel import pool

    frames = np.random.default_rng(3).standard_normal((11, 4)).astype(np.float32)
    for factor in (1, 2, 3, 5):
        for by_column in (False, True):
            pooled = pool(frames, factor, by_column=by_column)
            expected = np.array([frames[k:k + factor].mean(axis=0) for k in range(0, len(frames), factor)])
            assert pooled.shape == expected.shape and pooled.dtype == np.float32
            np.testing.assert_allclose(pooled, expected, rtol=1e-6, atol=1e-7)
    assert pool(frames, 2, by_column=True).flags.f_contiguous  # the DTW kernel takes its transpose uncopied


@pytest.mark.parametrize("seed", range(3))
def test_pool_kernel_gives_numpys_sums_bit_for_bit(seed):
    """The recording's frames pooled by the numba kernel (several tiles of groups, a short
    last group, groups of eight or more) equal numpy's, bit for bit; other layouts, which
    numpy may sum pairwise, stay with numpy."""
    from aligner.align.multilevel import _pool_kernel, pool, pool_reference

    rng = np.random.default_rng(40 + seed)
    for factor in (2, 3, 10, 50):
        n = int(rng.integers(3 * 256 * factor, 4 * 256 * factor))
        for dims in (2, 13, 46):
            frames = (rng.standard_normal((n, dims)) * 10).astype(np.float32)
            expected = pool_reference(frames, factor, by_column=True)
            full = n // factor
            out = np.full(expected.shape, np.nan, np.float32, order="F")
            _pool_kernel(frames, factor, out)
            assert np.array_equal(out[:full], expected[:full]) and np.isnan(out[full:]).all()
            pooled = pool(frames, factor, by_column=True)
            assert pooled.flags.f_contiguous and np.array_equal(pooled, expected)
            for other in (np.asfortranarray(frames), frames[::2], frames[:, :1], frames.astype(np.float64)):
                assert np.array_equal(pool(other, factor, by_column=True), pool_reference(other, factor, by_column=True))


@pytest.mark.parametrize("seed", range(30))
def test_two_rows_at_a_time_give_the_sums_of_one_row_at_a_time(seed):
    """``_accumulate`` (two rows side by side, the steps unchecked inside the band) gives
    every cell the sum that the plain row-by-row loop gives, bit for bit, over random bands
    with turns left out, for any run of rows (an odd one out, a run not from row 0)."""
    from aligner.align.dtw import _accumulate, _accumulate_row_by_row, _feasible_band

    rng = np.random.default_rng(500 + seed)
    m, n = int(rng.integers(2, 60)), int(rng.integers(2, 80))
    kinds = rng.choice([SPEECH, SPEECH, SPEECH, GAP, PAUSE], size=m).astype(np.int8)
    centre = np.sort(rng.integers(0, n, m))
    lo, hi = _feasible_band(centre - rng.integers(0, 10, m), centre + rng.integers(1, 10, m), n)
    if seed % 3 == 0:  # whole rows: every step inside the band
        lo, hi = np.zeros(m, np.int64), np.full(m, n, np.int64)
    offsets = np.zeros(m + 1, np.int64)
    np.cumsum(hi - lo, out=offsets[1:])
    own = rng.uniform(0, 3, int(offsets[-1])).astype(np.float32)
    p = np.array([1.5, 0.2, 1.0, 0.5, rng.uniform(0, 1), rng.uniform(0, 1), 0.0, 0.2])
    skip = skip_prices(kinds, float(rng.uniform(0, 1)), rng.random(m) < 0.3) if seed % 2 else np.full(m, np.inf)
    source = previous_gap(kinds)
    cut = int(rng.integers(0, m + 1))  # two runs of rows, as the chunks of a long band
    sums = own.copy()
    _accumulate(kinds, p, lo, hi, offsets, sums, skip, source, 0, cut)
    _accumulate(kinds, p, lo, hi, offsets, sums, skip, source, cut, m)
    plain = own.copy()
    _accumulate_row_by_row(kinds, p, lo, hi, offsets, plain, skip, source, 0, m)
    assert np.isfinite(plain[-1]) and np.array_equal(sums, plain)


def _monotone_path(rng, rows: range, cols: range) -> tuple[list[int], list[int]]:
    """A random DTW path from the first row and column to the last (steps right, down, diagonal)."""
    i, j, pi, pj = rows.start, cols.start, [rows.start], [cols.start]
    while (i, j) != (rows.stop - 1, cols.stop - 1):
        step = rng.integers(3)
        i += step != 1 and i < rows.stop - 1
        j += step != 0 and j < cols.stop - 1
        pi.append(i)
        pj.append(j)
    return pi, pj


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("metric", [EUCLIDEAN, NEG_DOT])
def test_row_confidence_kept_for_the_rows_a_new_path_leaves_alike_is_what_it_computes_anew(seed, metric):
    from aligner.align.timings import _row_confidence
    from aligner.align.multilevel import Block, build_rows

    rng = np.random.default_rng(seed)
    blocks = [Block(rng.normal(size=(n, 6)).astype(np.float32), np.array([0, n // 2])) for n in (40, 30, 50)]
    rows = build_rows(blocks, 1)
    m, n = len(rows.kinds), 600
    real = rng.normal(size=(n, 6)).astype(np.float32)
    # two paths alike but in their middle, where the second one leaves some rows out
    head, mid, tail = m // 3, 2 * m // 3, m
    pi, pj = _monotone_path(rng, range(0, head + 1), range(0, 200))
    a = _monotone_path(rng, range(head, mid), range(199, 400))
    b = _monotone_path(rng, range(head, mid - 10), range(199, 400))
    ti, tj = _monotone_path(rng, range(mid, tail), range(400, n))
    path_a = (np.array(pi + a[0][1:] + ti), np.array(pj + a[1][1:] + tj))
    path_b = (np.array(pi + b[0][1:] + ti), np.array(pj + b[1][1:] + tj))
    before = _row_confidence(rows, *path_a, real, metric)
    fresh = _row_confidence(rows, *path_b, real, metric).values
    kept = _row_confidence(rows, *path_b, real, metric, before=before).values
    assert np.array_equal(kept, fresh, equal_nan=True)
    changed = ~np.isclose(before.values, fresh, equal_nan=True)
    assert changed[head:mid].any() and not changed[:head].any() and not changed[mid:].any()
    assert np.isnan(fresh[mid - 10:mid][rows.kinds[mid - 10:mid] == SPEECH]).all()  # the rows left out
    # the same rows over other frames: nothing is kept
    other = real + np.float32(0.5)
    assert np.array_equal(_row_confidence(rows, *path_b, other, metric, before=before).values,
                          _row_confidence(rows, *path_b, other, metric).values, equal_nan=True)


@pytest.mark.parametrize("seed", range(3))
def test_nonzero_columns_kernel_agrees_with_numpy(seed):
    from aligner.align.dtw import _nonzero_columns, _nonzero_columns_reference

    rng = np.random.default_rng(seed)
    rows = np.where(rng.random((300, 45)) < 0.08, rng.normal(size=(300, 45)), 0.0).astype(np.float32)
    rows[3] = 0.0  # a row with no column
    rows[4, 7], rows[5, :] = np.nan, -0.0  # NaN is not zero; -0 is
    rows[6] = 1.0  # every column
    fast = _nonzero_columns(rows, NEG_DOT)
    assert fast.shape == (300, 45) and np.array_equal(fast, _nonzero_columns_reference(rows))
    assert list(fast[4][fast[4] >= 0]).count(7) == 1 and (fast[3] == -1).all() and (fast[5] == -1).all()
    assert np.array_equal(_nonzero_columns(np.zeros((4, 45), np.float32), NEG_DOT), np.full((4, 1), -1))
    assert _nonzero_columns(rows, EUCLIDEAN).shape == (300, 0)


def test_a_pass_held_to_one_more_pin_moves_the_path_only_off_the_frames_it_follows():
    from aligner.align.multilevel import Block, align_blocks, row_spans

    # two turns: the first said once (columns 5-6), the second's word said twice (20-21
    # and 50-51); unpinned, the second goes to its cheaper first place
    first = np.array([[3.0, 0.0], [0.0, 3.0]], np.float32)
    second = np.array([[-3.0, 0.0], [0.0, -3.0]], np.float32)
    real = np.zeros((70, 2), np.float32)
    real[5:7], real[20:22], real[50:52] = first, second, second * 0.9
    quiet = np.ones(70, np.float32)
    quiet[5:7] = quiet[20:22] = quiet[50:52] = 0.0
    ns = np.zeros(70, np.float32)
    blocks = [Block(first, np.array([0])), Block(second, np.array([0]))]
    settings = dict(factors=(1,), radius_ms=(1000,), gap_quantile=0.3)
    free = align_blocks(blocks, real, quiet, ns, **settings)
    rows, pi, pj = free
    start = lambda path, block: int(path[2][path[1] == path[0].word_rows[block][0]][0])
    assert start(free, 0) == 5 and start(free, 1) == 20
    pin = [(1, 0, 50, 2)]
    follow = np.ones(70, bool)
    follow[15:] = False  # free from the second turn on: it moves to its pin, the first keeps its place
    held = align_blocks(blocks, real, quiet, ns, around=free, pins=pin, follow=follow, **settings)
    assert start(held, 1) == 50 and start(held, 0) == 5
    first_cols, _ = row_spans(held[1], held[2], len(rows.kinds))
    before_cols, _ = row_spans(pi, pj, len(rows.kinds))
    end_of_first = int(rows.end_rows[0])
    assert np.all(np.abs(first_cols[:end_of_first + 1] - before_cols[:end_of_first + 1]) <= 1)
    # every frame followed: the path keeps to the held one, though the word would rather go back
    stay = align_blocks(blocks, real, quiet, ns, around=held, follow=np.ones(70, bool), **settings)
    assert start(stay, 1) == 50
    assert start(align_blocks(blocks, real, quiet, ns, around=held, **settings), 1) == 20
