"""From a path through the DTW matrix to word and turn times: each word's rows, confidences
measured against the same speech nearby, edges snapped to speech onsets and kept off music.
"""

from __future__ import annotations

import dataclasses
import weakref
from typing import NamedTuple

import numpy as np

from aligner.align import turn_edges
from aligner.align.config import AlignConfig
from aligner.align.dtw import NEG_DOT, SPEECH
from aligner.align.model import TurnTiming, WordTiming
from aligner.align.multilevel import row_spans
from aligner.align.retime import end_before
from aligner.audiomap import KINDS, MUSIC, AudioMap
from aligner.features import HOP_MS
from aligner.speak import SpokenTurn


def _path_starts(rows, pi: np.ndarray, pj: np.ndarray) -> np.ndarray:
    """Where a path starts each block's first word, in ms."""
    first_col, _ = row_spans(pi, pj, len(rows.kinds))
    return np.array([first_col[w[0]] for w in rows.word_rows], np.int64) * rows.factor * HOP_MS


def _path_end(rows, pi: np.ndarray, pj: np.ndarray) -> int:
    """Where a path ends the last block's last word, in ms."""
    _, last_col = row_spans(pi, pj, len(rows.kinds))
    return int(last_col[rows.end_rows[-1]] + 1) * rows.factor * HOP_MS


def _timings(blocks: list[SpokenTurn], rows, pi: np.ndarray, pj: np.ndarray, real: np.ndarray, metric: int,
             audio_map: AudioMap, config: AlignConfig, memo: list | None = None,
             talk: np.ndarray | None = None) -> tuple[TurnTiming, ...]:
    """Turn and word times (and confidences) from the finest path. ``memo``: a list that
    holds what the last call computed (``_Timed``), updated: a turn whose rows have the
    same frames and confidences as then comes out the same, and is kept (the calls of one
    ``align``, with the same blocks, map and settings). ``talk``: the map's
    ``turn_edges.talk_frames``, when the caller keeps them (computed here otherwise)."""
    first_col, last_col = row_spans(pi, pj, len(rows.kinds))
    first_col, last_col = first_col * rows.factor, (last_col + 1) * rows.factor - 1
    prior = memo[0] if memo else None
    conf = _row_confidence(rows, pi, pj, real, metric, before=prior.conf if prior else None)
    row_conf = conf.values
    alike = np.zeros(len(blocks), bool)
    if prior is not None and prior.conf.over(rows, real, metric):
        same = ((first_col == prior.first) & (last_col == prior.last)
                & ((row_conf == prior.conf.values) | (np.isnan(row_conf) & np.isnan(prior.conf.values))))
        differ = np.concatenate([[0], np.cumsum(~same)])  # rows that differ, up to each row
        alike = np.array([differ[w[0]] == differ[e + 1] for w, e in zip(rows.word_rows, rows.end_rows)], bool)
    edges = _edges(audio_map.quiet, _music_regions(audio_map))
    sure = np.concatenate([[0], np.cumsum((audio_map.quiet > 0.5) | (audio_map.music >= 0.8))])
    turns = [prior.turns[k] if alike[k] else
             _turn_timing(b, rows.word_rows[k], rows.end_rows[k], first_col, last_col, row_conf, edges, sure,
                          snap=config.snap_ms // HOP_MS, reach=config.resume_reach_ms // HOP_MS)
             for k, b in enumerate(blocks)]
    if memo is not None:
        memo[:] = [_Timed(conf, first_col, last_col, turns)]
    on_path = np.zeros(len(rows.kinds), bool)
    on_path[pi] = True
    # the turns that the path left out (``AlignConfig.cut``): not placed
    turns = [t if on_path[rows.word_rows[k][0]] else dataclasses.replace(t, placed=False) for k, t in enumerate(turns)]
    if config.spurt_back_ms > 0:
        talk = turn_edges.talk_frames(audio_map) if talk is None else talk
        spurts = turn_edges.spurt_onsets(audio_map, min_silence=config.spurt_silence_ms // HOP_MS, talk=talk)
        orphans = None
        if config.spurt_orphan_talk_ms > 0:
            orphans = (talk, audio_map.labels == MUSIC, config.spurt_orphan_talk_ms // HOP_MS)
        turns = turn_edges.to_spurt_onsets(turns, spurts, config.spurt_back_ms // HOP_MS, held=config.spurt_held_share,
                                           orphans=orphans)
    return tuple(turns)


_SHIFTS = np.array([-200, -150, -100, -60, 60, 100, 150, 200])  # frames: 0.6 to 2 s


def _distance(a: np.ndarray, b: np.ndarray, metric: int) -> np.ndarray:
    return -np.sum(a * b, axis=1) if metric == NEG_DOT else np.linalg.norm(a - b, axis=1)


class _RowConfidence(NamedTuple):
    """``_row_confidence``'s result, with what it was computed from: the recording's frames
    (a weak reference: the phoneme passes' log-probabilities, 100 MB an hour, are not kept
    alive by it), the metric, the rows' kinds and factor, and each row's cells on the path."""

    real: weakref.ref
    metric: int
    kinds: np.ndarray
    factor: int
    cells: tuple[np.ndarray, np.ndarray]
    values: np.ndarray

    def over(self, rows, real: np.ndarray, metric: int) -> bool:
        """Whether these were computed over the same frames, metric and rows as asked now."""
        return (self.real() is real and self.metric == metric and self.factor == rows.factor
                and np.array_equal(self.kinds, rows.kinds))


class _Timed(NamedTuple):
    """``_timings``'s last row confidences, the first and last frame of each row, and each
    turn as ``_turn_timing`` gave it: what the next call keeps for the turns whose rows are
    alike."""

    conf: _RowConfidence
    first: np.ndarray
    last: np.ndarray
    turns: list[TurnTiming]


def _row_confidence(rows, pi: np.ndarray, pj: np.ndarray, real: np.ndarray, metric: int,
                    before: _RowConfidence | None = None) -> _RowConfidence:
    """Per row, how much better its synthetic frame matches the recording where the path
    put it than 0.6 to 2 s away: the share of those shifted places that match worse
    (about 0.5 for text that is not said there, near 1 for text that is). NaN off speech.

    ``before``: the result for another path over the same rows and frames (a hypothesis
    tried by one more pass around the last path changes the cells of a few rows): the rows
    whose cells are the same keep their values, the same numbers as computed anew, since a
    row's value is the mean over its own cells, in their order (0.13 s a path at 90 minutes)."""
    m = len(rows.kinds)
    cells = row_spans(pi, pj, m, fill=False)
    out = np.full(m, np.nan)
    redo = np.ones(m, bool)
    if before is not None and before.over(rows, real, metric):
        redo = (cells[0] != before.cells[0]) | (cells[1] != before.cells[1])
        out[~redo] = before.values[~redo]
    speech = (rows.kinds[pi] == SPEECH) & redo[pi]
    r, c = pi[speech], np.minimum(pj[speech] * rows.factor, len(real) - 1)
    better = np.zeros(len(r))
    for a in range(0, len(r), 100_000):  # in chunks: rows can be 45 wide on 500k path cells
        b = a + 100_000
        said = rows.features[r[a:b]]
        here = _distance(said, real[c[a:b]], metric)
        for shift in _SHIFTS:
            better[a:b] += _distance(said, real[np.clip(c[a:b] + shift, 0, len(real) - 1)], metric) > here
    counts = np.bincount(r, minlength=m)
    sums = np.bincount(r, weights=better / len(_SHIFTS), minlength=m)
    has = counts > 0
    out[has] = sums[has] / counts[has]
    return _RowConfidence(weakref.ref(real), metric, rows.kinds, rows.factor, cells, out)


def _music_regions(audio_map: AudioMap) -> np.ndarray:
    """Frames inside the map's music regions. Unlike its labels, these end at the music's
    last note when a pause follows soon after (what sounds on between is its tail)."""
    out = np.zeros(len(audio_map.quiet), bool)
    for r in audio_map.regions:
        if r.kind == KINDS[MUSIC]:
            out[r.start_ms // HOP_MS:r.end_ms // HOP_MS] = True
    return out


class _Edges(NamedTuple):
    """Frames where speech starts after a pause (onsets) and stops before one (offsets),
    which frames are quiet; frames where sound that is not music starts after a pause or
    after music (resumes) and where it stops before one (stops), which frames are a pause
    or music (off), and which are inside the map's music regions (music)."""

    onsets: np.ndarray
    offsets: np.ndarray
    quiet: np.ndarray
    resumes: np.ndarray
    off: np.ndarray
    music: np.ndarray
    stops: np.ndarray


def _edges(quiet: np.ndarray, music: np.ndarray) -> _Edges:
    """The edges of talk, from the map's ``quiet`` frames and its ``music`` regions."""
    q = quiet > 0.5
    off = q | music
    return _Edges(onsets=np.flatnonzero(q[:-1] & ~q[1:]) + 1, offsets=np.flatnonzero(~q[:-1] & q[1:]) + 1, quiet=q,
                  resumes=np.flatnonzero(off[:-1] & ~off[1:]) + 1, off=off, music=music,
                  stops=np.flatnonzero(~off[:-1] & off[1:]) + 1)


def _snap(frame: int, edges: np.ndarray, window: int) -> int:
    """The edge nearest ``frame`` within ``window`` frames, else ``frame``."""
    if window <= 0 or len(edges) == 0:
        return frame
    k = int(np.searchsorted(edges, frame))
    near = [e for e in edges[max(0, k - 1):k + 1] if abs(int(e) - frame) <= window]
    return int(min(near, key=lambda e: abs(int(e) - frame))) if near else frame


def _out_of_pauses(frames: list[int], end: int, onsets: np.ndarray, quiet: np.ndarray, reach: int,
                   sure: np.ndarray | None = None) -> list[int]:
    """A word that the path starts in a pause (or music: ``quiet`` marks both) starts
    where speech resumes, if that is before the next word started in speech (the path may
    put a word's first, quiet frames anywhere in the pause before it, and the first words
    of a loosely transcribed turn into the tail of the music before it: those all start
    where the talk does). A word more than ``reach`` frames before that moves only across
    frames that are surely silence or music (``sure``: their running count, from 0): the
    map may call speech over a loud bed music, and a whole turn said there would shrink to
    nothing at the end of it."""
    out = list(frames)
    limit = end
    for i in range(len(out) - 1, -1, -1):
        f = out[i]
        if f < len(quiet) and quiet[f]:
            k = int(np.searchsorted(onsets, f))
            if k < len(onsets) and onsets[k] < limit and _may_move(f, int(onsets[k]), reach, sure):
                out[i] = int(onsets[k])
        else:
            limit = f
    return out


def _may_move(start: int, stop: int, reach: int, sure: np.ndarray | None) -> bool:
    if stop - start <= reach:
        return True
    return sure is not None and sure[stop] - sure[start] >= 0.9 * (stop - start)


def _word_confidences(row_conf: np.ndarray, first_rows: np.ndarray, stop_row: int) -> np.ndarray:
    """The mean confidence of each word's rows (``first_rows[i]`` to the next word's first
    row, the last word to ``stop_row``), NaN rows left out; 0 for a word without any."""
    bounds = np.append(first_rows, stop_row)
    values = np.append(row_conf[bounds[0]:stop_row], np.nan)  # a last, unknown row: no range runs off the end
    known = ~np.isnan(values)
    starts = bounds[:-1] - bounds[0]
    sums = np.add.reduceat(np.where(known, values, 0.0), starts)
    counts = np.add.reduceat(known.astype(np.int64), starts)
    empty = bounds[1:] <= bounds[:-1]  # reduceat gives the start row itself for an empty range
    sums[empty], counts[empty] = 0.0, 0
    return np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)


def _turn_timing(block: SpokenTurn, word_rows: np.ndarray, end_row: int, first_col, last_col,
                 row_conf: np.ndarray, edges: _Edges, sure: np.ndarray, *, snap: int,
                 reach: int) -> TurnTiming:
    """Word and turn times from the path; the turn's start and end snap to the nearest
    onset and offset of speech around a pause (within ``snap`` frames). ``sure`` counts the
    frames that are surely silence or music (see ``_out_of_pauses``)."""
    onsets, offsets, quiet, resumes, off = edges.onsets, edges.offsets, edges.quiet, edges.resumes, edges.off
    frames = [int(first_col[r]) for r in word_rows]
    last = int(last_col[end_row]) + 1
    frames = _out_of_pauses(frames, last, resumes, off, reach, sure)
    frames[0] = _snap(frames[0], onsets, snap)
    frames = [int(f) for f in np.maximum.accumulate(frames)]
    if quiet[min(last, len(quiet)) - 1]:  # the turn ends in a pause: back to where speech stopped
        k = int(np.searchsorted(offsets, last)) - 1
        if k >= 0 and offsets[k] > frames[-1]:
            last = int(offsets[k])
    end_frame = max(frames[-1] + 1, _snap(last, offsets, snap))
    confidences = _word_confidences(row_conf, np.asarray(word_rows), end_row + 1)
    words = []
    for i, w in enumerate(block.words):
        stop = frames[i + 1] if i + 1 < len(frames) else end_frame
        words.append(WordTiming(w.written, frames[i] * HOP_MS, max(frames[i], stop) * HOP_MS,
                                round(float(confidences[i]), 3), w.start, w.end))
    confidence = round(float(np.mean([w.confidence for w in words])), 3) if words else 0.0
    turn = TurnTiming(block.item, block.turn.speaker, block.turn.text, frames[0] * HOP_MS, end_frame * HOP_MS, confidence, tuple(words))
    return _end_before_music(turn, edges, sure, reach)


def _end_before_music(turn: TurnTiming, edges: _Edges, sure: np.ndarray, reach: int) -> TurnTiming:
    """A turn that ends in music which follows a pause ends where its talk stopped before
    that pause, its last words sharing the time left to them: the path may stretch a last
    word over the pause into a jingle. Music straight after talk is left alone (the map
    may call the end of speech over a loud bed music), as is a move further than ``reach``
    frames across frames that are not surely pause or music (see ``_out_of_pauses``).
    Bench (5- and 20-minute episodes, seeds 1-45 and the mixes, 4034 turns): turns on
    music or untranscribed audio 32 -> 25, ends within 0.5 s 3817 -> 3825, no start moved;
    without the pause (any music at the end) 7 ends worse by 0.5-3 s, speech over beds."""
    end = turn.end_ms // HOP_MS
    if end < 1 or not edges.music[min(end, len(edges.music)) - 1]:
        return turn
    k = int(np.searchsorted(edges.stops, end)) - 1
    if k < 0:
        return turn
    stop = int(edges.stops[k])
    if not edges.quiet[stop] or not _may_move(stop, end, reach, sure):
        return turn
    return end_before(turn, stop * HOP_MS) or turn  # None when the turn starts after ``stop``
