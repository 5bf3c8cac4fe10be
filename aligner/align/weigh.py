"""How two alignments of the same transcript are compared: the turns one moves, how far their
lengths stray from their text's pace, their confidences, the turns left on music.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from aligner.align.model import TurnTiming
from aligner.audiomap import MUSIC, SPEECH_OVER_MUSIC, AudioMap
from aligner.features import HOP_MS
from aligner.speak import SpokenTurn
from aligner.transcript.model import Transcript

log = logging.getLogger(__name__)


_MOVED_MS = 500  # a turn that another alignment starts further away than this is placed elsewhere


def _moved(turns: tuple[TurnTiming, ...], other: tuple[TurnTiming, ...], at: str = "start_ms") -> list[int]:
    """The turns that ``other`` starts (``at``: ends) more than ``_MOVED_MS`` away from
    where ``turns`` does."""
    return [k for k, (a, b) in enumerate(zip(turns, other))
            if a.placed and b.placed and abs(getattr(a, at) - getattr(b, at)) > _MOVED_MS]


def _gain_where_moved(turns: tuple[TurnTiming, ...], other: tuple[TurnTiming, ...], blocks: list[SpokenTurn],
                      weight: float, ends: bool = False) -> float:
    """How much better ``other`` matches than ``turns`` on the turns that it places
    elsewhere (``_moved``; with those it ends elsewhere too when ``ends``): their mean
    confidence there minus here, each less ``weight`` times how far its length strays from
    what its text takes (the log of its length over eSpeak's, from the recording's usual
    ratio): confidence alone does not see a turn squeezed into a third of its time."""
    moved = _moved(turns, other)
    if not moved:
        return 0.0
    if ends:
        moved = sorted(set(moved) | set(_moved(turns, other, at="end_ms")))
    here, there = _strays(turns, blocks), _strays(other, blocks)
    return float(np.mean([(other[k].confidence - weight * there[k]) - (turns[k].confidence - weight * here[k])
                          for k in moved]))


def _paces(turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn]) -> np.ndarray:
    """Each turn's length against what its text takes: the log of its length over eSpeak's,
    less the median of that over all turns (the recording's usual ratio). Negative: faster
    than usual."""
    said = np.array([b.end_frame * HOP_MS for b in blocks], np.float64)
    ratio = np.log(np.maximum([t.end_ms - t.start_ms for t in turns], HOP_MS) / np.maximum(said, HOP_MS))
    return ratio - np.median(ratio)


def _strays(turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn]) -> np.ndarray:
    """How far each turn's length strays from what its text takes (``_paces``, either way)."""
    return np.abs(_paces(turns, blocks))


def _squeezed(turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], share: float) -> list[int]:
    """The turns placed in less than ``share`` of the time their text takes at the
    recording's usual pace."""
    return np.flatnonzero(_paces(turns, blocks) < np.log(share)).tolist()


def _mark_unplaced(turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], transcript: Transcript,
                   share: float | None) -> tuple[TurnTiming, ...]:
    """The turns with those placed in less than ``share`` of the time their text takes
    (``_squeezed``) marked as not placed, as those the path left out are: the alignment
    found no audio for them (a passage cut from the recording and left in its transcript,
    as a podcast cut from a broadcast)."""
    squeezed = set(_squeezed(turns, blocks, share)) if share is not None and turns else set()
    for k, t in enumerate(turns):
        if k in squeezed or not t.placed:
            log.info("line %d (%s): not found in the audio; no captions for it",
                     transcript.items[t.item].line, t.speaker)
    return tuple(dataclasses.replace(t, placed=False) if k in squeezed else t for k, t in enumerate(turns))


def _mark_unplaced_words(turns: tuple[TurnTiming, ...]) -> tuple[TurnTiming, ...]:
    """The turns with the words of those placed that were given no time (squeezed to
    nothing between their neighbours: a loosely transcribed turn's words that the speaker
    did not say, a word the path ran across) marked as not placed, their confidence 0: what
    their rows matched, nowhere in particular, says nothing of where they are."""
    out, unplaced = [], 0
    for t in turns:
        timeless = [w.end_ms <= w.start_ms for w in t.words] if t.placed else []
        if any(timeless):
            words = tuple(dataclasses.replace(w, placed=False, confidence=0.0) if none else w
                          for w, none in zip(t.words, timeless))
            unplaced += sum(timeless)
            t = dataclasses.replace(t, words=words)
        out.append(t)
    if unplaced:
        log.info("%d words given no time of their own: \"placed\": false in the alignment JSON", unplaced)
    return tuple(out)


def _doubtful(turns: tuple[TurnTiming, ...], drop: float) -> list[int]:
    """The turns placed whose confidence is ``drop`` or more under their median."""
    placed = [k for k, t in enumerate(turns) if t.placed]
    if not placed:
        return []
    confidence = np.array([turns[k].confidence for k in placed])
    return [placed[i] for i in np.flatnonzero(confidence < np.median(confidence) - drop)]


def _squeeze_aware(turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], weight: float) -> tuple[TurnTiming, ...]:
    """The turns with the confidence they report: their words' mean, less ``weight``
    times ``_strays`` (a turn squeezed into a third of its time matches its words well
    there all the same)."""
    if weight <= 0 or not turns:
        return turns
    return tuple(dataclasses.replace(t, confidence=round(float(np.clip(t.confidence - weight * s, 0.0, 1.0)), 3))
                 for t, s in zip(turns, _strays(turns, blocks)))


def _on_music(turns: tuple[TurnTiming, ...], audio_map: AudioMap, share: float) -> list[int]:
    """The turns that lie on frames the map labels music for ``share`` of their length or more."""
    music, n = _music_sums(audio_map), len(audio_map.labels)
    out = []
    for k, t in enumerate(turns):
        a, b = min(n, t.start_ms // HOP_MS), min(n, t.end_ms // HOP_MS)
        if b > a and music[b] - music[a] >= share * (b - a):
            out.append(k)
    return out


def _music_sums(audio_map: AudioMap, voiced: bool = False) -> np.ndarray:
    """How many frames the map labels music (or speech over music too, when ``voiced``)
    before each frame (one more than frames)."""
    music = audio_map.labels == MUSIC
    if voiced:
        music |= audio_map.labels == SPEECH_OVER_MUSIC
    return np.concatenate([[0], np.cumsum(music)])


def _mean_confidence(turns: tuple[TurnTiming, ...], among: tuple[TurnTiming, ...] | None = None) -> float:
    """The mean confidence of the turns placed (in ``among`` too, another alignment of the
    same text, when given): a turn that an alignment left out has none to weigh."""
    placed = [t.confidence for k, t in enumerate(turns) if t.placed and (among is None or among[k].placed)]
    return float(np.mean(placed)) if placed else 0.0
