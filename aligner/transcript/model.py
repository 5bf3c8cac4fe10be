"""Typed, immutable values that the transcript stage hands to the aligner.

Every item keeps the 1-based source line it was read from, so that errors and reports
can point back into the transcript. Times are integer milliseconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


class DirectionKind(str, Enum):
    """What a stage direction says the recording holds at that place."""

    JINGLE = "jingle"  # [Jingle]
    SOUND_BREAK = "sound_break"  # [Virgule sonore]
    MUSIC_STING = "music_sting"  # [Virgule musicale]
    MUSIC_BREAK = "music_break"  # Pause musicale : Title par Artist.
    REPLAY = "replay"  # a bare URL: a replayed segment whose text is not given
    OTHER = "other"  # any other bracketed line, e.g. [Applaudissements]


@dataclass(frozen=True)
class Span:
    """Characters ``start`` (inclusive) to ``end`` (exclusive) of a text."""

    start: int
    end: int


@dataclass(frozen=True)
class Anchor:
    """A timecode written in the transcript: the audio should be at ``time_ms`` there.

    ``item`` is the index in ``Transcript.items`` of the turn or section it is written in;
    ``offset`` is the character offset in that turn's text where the anchored speech
    begins (0 for a section title: the section starts with its next turn).
    """

    written: str
    time_ms: int
    line: int
    item: int
    offset: int = 0


@dataclass(frozen=True)
class Turn:
    """A speaker turn: ``speaker`` says ``text`` (paragraphs joined by a newline).

    ``uncertain`` spans (``???``, ``[inaudible]``, ``[rires]``) are kept in the text but
    are not to align on.
    """

    speaker: str
    text: str
    line: int
    end_line: int
    uncertain: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Direction:
    """A stage direction: non-speech audio (or speech without text) at that place."""

    kind: DirectionKind
    text: str
    line: int
    title: str | None = None  # music break: the piece played
    artist: str | None = None
    url: str | None = None  # replay: where the replayed segment is published


@dataclass(frozen=True)
class Section:
    """A section title (used for chapters)."""

    title: str
    line: int


Item = Turn | Direction | Section


@dataclass(frozen=True)
class Metadata:
    """What the header of a transcript says about the show."""

    title: str | None = None
    speakers: tuple[str, ...] = ()
    place: str | None = None
    date: dt.date | None = None
    duration_ms: int | None = None
    licence: str | None = None
    note: str | None = None
    extra: tuple[tuple[str, str], ...] = ()  # other `Key : value` header lines, in order


@dataclass(frozen=True)
class Transcript:
    """A whole transcript: header metadata, then items in reading order, then anchors."""

    format: str
    metadata: Metadata = field(default_factory=Metadata)
    items: tuple[Item, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    source: str | None = None  # the path read, for messages
    cue_times_ms: tuple[tuple[int, int] | None, ...] = ()  # SRT/VTT input: each item's old times

    @property
    def turns(self) -> tuple[Turn, ...]:
        return tuple(i for i in self.items if isinstance(i, Turn))

    @property
    def directions(self) -> tuple[Direction, ...]:
        return tuple(i for i in self.items if isinstance(i, Direction))

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(i for i in self.items if isinstance(i, Section))

    @property
    def speakers(self) -> tuple[str, ...]:
        """Speakers in order of first turn."""
        return tuple(dict.fromkeys(t.speaker for t in self.turns))
