"""Turn changes where the voice changes: the last step of the align stage.

The passes weigh who is speaking over a second of sound, so at a change of speaker they
cannot tell the last words of one turn from the first of the next when the text does not
(a loosely transcribed turn's first words given to the turn before, or the reverse). Here a
classifier of the speakers' voices, learnt from the aligned turns over a shorter window,
looks at the pauses near each change of speaker: the change moves to the pause that parts
the two voices best, when the speech it moves sounds clearly like the speaker it goes to.

Two speaker names need not be two voices (a host named two ways, two similar voices): the
classifier then tells them apart by what they say, a weak difference, under the margin.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.ndimage import uniform_filter1d

from aligner.align.model import TurnTiming
from aligner.align.retime import end_before, start_after, start_earlier
from aligner.audiomap import AudioMap, runs
from aligner.discriminant import LinearDiscriminant
from aligner.features import HOP_MS


def voice_features(cepstra: np.ndarray, window_ms: int) -> np.ndarray:
    """Cepstra (without the loudness) averaged over ``window_ms``, standardised: who is
    speaking (the passes' speaker classifier weighs a second, this module half of one)."""
    x = uniform_filter1d(cepstra[:, 1:], max(1, window_ms // HOP_MS), axis=0)
    return ((x - x.mean(axis=0)) / (x.std(axis=0) + 1e-5)).astype(np.float32)


def to_voice_changes(turns: tuple[TurnTiming, ...], cepstra: np.ndarray, audio_map: AudioMap, *,
                     window_ms: int, reach_ms: int, min_pause_ms: int, min_moved_ms: int,
                     margin: float, max_gap_ms: int = 1500) -> tuple[TurnTiming, ...]:
    """``turns`` with each change of speaker moved, within ``reach_ms``, to the onset after
    a pause of ``min_pause_ms`` or more where the voices part best (the sum over the speech
    between of the log-likelihood ratio of the two speakers' voices), when that moves at
    least ``min_moved_ms`` of speech whose mean ratio is ``margin`` or more."""
    names = {s: k for k, s in enumerate(dict.fromkeys(t.speaker for t in turns))}
    if len(names) < 2 or len(turns) < 2:
        return turns
    talk = (audio_map.quiet < 0.5) & (audio_map.music < 0.5)
    n = min(len(talk), len(cepstra))
    talk = talk[:n]
    frames, labels = [], []
    for t in turns:
        f = np.arange(t.start_ms // HOP_MS, min(n, t.end_ms // HOP_MS))
        f = f[talk[f]]
        frames.append(f)
        labels.append(np.full(len(f), names[t.speaker], np.int64))
    frames, labels = np.concatenate(frames), np.concatenate(labels)
    if np.bincount(labels, minlength=len(names)).min() < 100:  # a speaker too short to learn
        return turns
    voice = voice_features(cepstra[:n], window_ms)
    logp = LinearDiscriminant(len(names), 0).fit(voice, frames, labels).log_proba(voice)
    pauses = [(a, b) for a, b in runs(audio_map.quiet[:n] >= 0.5, min_pause_ms // HOP_MS) if b < n]
    onsets = np.array([b for _, b in pauses], np.int64)
    pause_starts = np.array([a for a, _ in pauses], np.int64)
    reach, least = reach_ms // HOP_MS, min_moved_ms // HOP_MS
    out = list(turns)
    for k in range(1, len(out)):
        before, turn = out[k - 1], out[k]
        cur = turn.start_ms // HOP_MS
        left_out = int(talk[min(n, before.end_ms // HOP_MS):cur].sum())
        if before.speaker == turn.speaker or not turn.words or left_out > max_gap_ms // HOP_MS:
            continue  # the same speaker, or talk left out between (a replay, an ad): no change of voice
        lo, hi = max(before.start_ms // HOP_MS + 1, cur - reach), min(turn.end_ms // HOP_MS, cur + reach, n)
        candidates = onsets[(onsets > lo) & (onsets < hi)]
        if not len(candidates) or hi <= lo:
            continue
        ratio = np.where(talk[lo:hi], logp[lo:hi, names[turn.speaker]] - logp[lo:hi, names[before.speaker]], 0.0)
        spoken = np.concatenate([[0], np.cumsum(ratio)])  # the next speaker's evidence before each frame
        said = np.concatenate([[0], np.cumsum(talk[lo:hi])])
        at = int(candidates[np.argmin(spoken[candidates - lo])])
        now = min(max(cur, lo), hi)
        a, b = sorted((at, now))
        moved = int(said[b - lo] - said[a - lo])
        # the evidence for the split at ``at`` over the split now: the speech moved sounds
        # like the speaker it goes to (either way, this is the drop of ``spoken``)
        gain = float(spoken[now - lo] - spoken[at - lo])
        if at == cur or moved < least or gain < margin * moved:
            continue
        stop = int(pause_starts[np.searchsorted(onsets, at)])  # the pause before ``at`` begins
        moved_pair = _move_change(before, turn, stop * HOP_MS, at * HOP_MS)
        if moved_pair is not None:
            out[k - 1], out[k] = moved_pair
    return tuple(out)


def _move_change(before: TurnTiming, turn: TurnTiming, stop_ms: int, start_ms: int) -> tuple[TurnTiming, TurnTiming] | None:
    """``before`` ending at ``stop_ms`` and ``turn`` starting at ``start_ms``: the words that
    fall across the new change share the time left to them. None when a turn would lose all
    its words."""
    if start_ms < turn.start_ms:  # earlier: the turn before gives up its end
        shorter = end_before(before, stop_ms)
        return (shorter, start_earlier(turn, start_ms)) if shorter else None
    # later: the turn gives up its start to the one before, whose last word runs on to the pause
    shorter = start_after(turn, start_ms)
    if shorter is None or not before.words or stop_ms <= before.end_ms:
        return (before, shorter) if shorter else None
    last = dataclasses.replace(before.words[-1], end_ms=stop_ms)
    return dataclasses.replace(before, end_ms=stop_ms, words=before.words[:-1] + (last,)), shorter
