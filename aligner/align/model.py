"""What the align stage hands to the writers. Times are integer milliseconds."""

from __future__ import annotations

from dataclasses import dataclass

from aligner.transcript.model import Anchor, Transcript


@dataclass(frozen=True)
class WordTiming:
    """A written word (as in the transcript, characters ``start_char``..``end_char`` of its
    turn's text) and when it is said. ``placed`` is False for a word that the alignment gave
    no time of its own (squeezed to nothing between its neighbours): its start and end are
    where they meet, and its confidence is 0."""

    text: str
    start_ms: int
    end_ms: int
    confidence: float
    start_char: int = 0
    end_char: int = 0
    placed: bool = True


@dataclass(frozen=True)
class TurnTiming:
    """A turn placed in time. ``item`` is its index in ``Transcript.items``. ``placed`` is
    False for a turn that the alignment found nowhere in the audio (left out, when told that
    the recording may lack turns, or squeezed into almost no time between its neighbours):
    it keeps that place, but has no captions."""

    item: int
    speaker: str
    text: str
    start_ms: int
    end_ms: int
    confidence: float
    words: tuple[WordTiming, ...]
    placed: bool = True


@dataclass(frozen=True)
class AnchorCheck:
    """A timecode written in the transcript against where the audio puts it."""

    anchor: Anchor
    measured_ms: int
    tolerance_ms: int

    @property
    def delta_ms(self) -> int:
        return self.measured_ms - self.anchor.time_ms

    @property
    def ok(self) -> bool:
        return bool(abs(self.delta_ms) <= self.tolerance_ms)


@dataclass(frozen=True)
class Region:
    """Audio not covered by any turn: ``kind`` is ``untranscribed`` (between turns) or
    ``not_transcribed`` (after the transcript ends)."""

    start_ms: int
    end_ms: int
    kind: str


@dataclass(frozen=True)
class Alignment:
    """Every turn placed in time, anchors checked, and the audio left uncovered."""

    transcript: Transcript
    duration_ms: int
    turns: tuple[TurnTiming, ...]
    anchors: tuple[AnchorCheck, ...]
    uncovered: tuple[Region, ...]
    audio_sha256: str = ""
    audio_source: str = ""
    map_regions: tuple = ()  # the audio map's regions (speech, music, silence), for reviewing
    # the time (measured minus written) by which most timecodes are off alike, when the
    # alignment found them so and did not hold to them: a recording cut otherwise than the
    # show they were written for
    timecode_offset_ms: int | None = None

    @property
    def unplaced(self) -> tuple[TurnTiming, ...]:
        """The turns found nowhere in the audio (``TurnTiming.placed``)."""
        return tuple(t for t in self.turns if not t.placed)


def offset_words(offset_ms: int) -> str:
    """How timecodes off by ``offset_ms`` (measured minus written) stand to the recording."""
    return f"about {round(abs(offset_ms) / 1000)} s {'earlier' if offset_ms > 0 else 'later'} than the recording puts them"
