"""What the transcript says lies between two turns (music, a replay, nothing): the price of
untranscribed audio there, and which turns follow or precede music and replays.
"""

from __future__ import annotations

import dataclasses

from aligner.align.config import AlignConfig
from aligner.speak import SpokenTurn
from aligner.transcript.model import Direction, DirectionKind, Transcript, Turn


def _named_gaps(transcript: Transcript, blocks: list[SpokenTurn], kinds) -> list[bool]:
    """Whether a direction of one of these ``kinds`` lies in each stretch of items around
    the blocks: before the first (index 0), between block ``k - 1`` and block ``k`` (index
    ``k``), after the last (index ``len(blocks)``)."""
    bounds = [-1, *(b.item for b in blocks), len(transcript.items)]
    return [any(isinstance(i, Direction) and i.kind in kinds for i in transcript.items[a + 1:b])
            for a, b in zip(bounds, bounds[1:])]


def _after_directions(transcript: Transcript, blocks: list[SpokenTurn], kinds, *,
                      first: bool = False) -> list[int]:
    """The blocks after the first (and the first too, when ``first``: the items before it)
    that a direction of one of these ``kinds`` comes before (among the items since the
    block before)."""
    named = _named_gaps(transcript, blocks, kinds)
    return [k for k in range(0 if first else 1, len(blocks)) if named[k]]


def _before_directions(transcript: Transcript, blocks: list[SpokenTurn], kinds) -> list[int]:
    """The blocks that a direction of one of these ``kinds`` comes after (among the items up
    to the next block, or to the transcript's end after the last: a closing theme named
    after the last turn)."""
    named = _named_gaps(transcript, blocks, kinds)
    return [k for k in range(len(blocks)) if named[k + 1]]


_MUSIC = {DirectionKind.JINGLE, DirectionKind.SOUND_BREAK, DirectionKind.MUSIC_STING, DirectionKind.MUSIC_BREAK}


# the directions that name non-speech audio: whether a transcript names any
# (``_names_nonspeech``), and the turns after them tried one stretch of talk earlier or more
_NAMED_GAPS = _MUSIC | {DirectionKind.REPLAY}


def _direction_gap(item, config: AlignConfig) -> tuple[float, float, float]:
    """The gap cost factors (on speech, on music, on speech over music) where the
    transcript has ``item``."""
    if isinstance(item, Direction) and item.kind in _MUSIC:
        voiced = config.music_gap_on_speech if config.voice_over_music_gap is None else config.voice_over_music_gap
        return config.music_gap_on_speech, 0.5, voiced
    if isinstance(item, Direction) and item.kind == DirectionKind.REPLAY:
        return config.replay_gap_on_speech, 0.5, config.replay_gap_on_speech
    return 1.0, 0.5, 1.0


def _names_nonspeech(transcript: Transcript) -> bool:
    """Whether the transcript names music or a replay anywhere (a direction)."""
    return any(isinstance(i, Direction) and i.kind in _NAMED_GAPS for i in transcript.items)


def _unmarked(config: AlignConfig) -> AlignConfig:
    """``config`` for a transcript that names no music and no replay anywhere: the gaps
    between its turns priced ``unmarked_gap``, the phoneme passes led by a level twice as
    coarse as their first that looks ``unmarked_phone_radius_ms`` around the first pass."""
    if config.unmarked_gap is not None:
        config = dataclasses.replace(config, unannounced_gap=config.unmarked_gap)
    if config.unmarked_phone_radius_ms is not None:
        config = dataclasses.replace(config, phone_factors=(2 * config.phone_factors[0], *config.phone_factors),
                                     phone_radius_ms=(config.unmarked_phone_radius_ms, *config.phone_radius_ms))
    return config


def _gap_scales(transcript: Transcript, blocks: list[SpokenTurn], config: AlignConfig) -> list[tuple[float, float, float]]:
    """For each block, the cost factors (on speech, on music, on speech over music) of
    untranscribed audio just before it, from what the transcript says is there: music (a
    jingle, a music break) is cheap on music only, and on its voice (a song's) less dear; a
    replay, another direction, a section title alone or the start of the transcript allow
    anything; consecutive turns make any gap dear (less so where the transcript names no
    music and no replay anywhere: ``_unmarked``)."""
    out, prev = [], -1
    for b in blocks:
        between = [i for i in transcript.items[prev + 1:b.item] if not isinstance(i, Turn)]
        # a section title beside a direction is just a title: what fills the gap is what
        # the direction says (a music break then a new part is music, not talk)
        directions = [i for i in between if isinstance(i, Direction)]
        options = [_direction_gap(i, config) for i in (directions or between)]
        if prev < 0:
            options.append((config.head_gap_on_speech, 0.5, config.head_gap_on_speech))
        dear = config.unannounced_gap
        out.append(min(options) if options else (dear, 0.5 * dear, dear))
        prev = b.item
    return out
