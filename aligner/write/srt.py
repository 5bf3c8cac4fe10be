"""SubRip captions: the WebVTT cues, numbered, ``HH:MM:SS,mmm``; the speaker's name opens
the first cue of each turn (SRT has no voice tags)."""

from __future__ import annotations

from aligner.align.model import Alignment
from aligner.write.timefmt import clock
from aligner.write.vtt import PROFILES, Cue, Profile, turn_cues, wrap


def compose(alignment: Alignment, profile: Profile = PROFILES["standard"], *,
            per_turn: list[list[Cue]] | None = None) -> str:
    blocks, n = [], 0
    for turn, cues in zip(alignment.turns, turn_cues(alignment, profile) if per_turn is None else per_turn):
        for k, cue in enumerate(cues):
            n += 1
            text = wrap(cue.text, profile)
            if k == 0 and turn.speaker.strip():
                text = f"{' '.join(turn.speaker.split())}: {text}"
            text = "\n".join(line for line in text.split("\n") if line.strip()) or "…"
            blocks.append(f"{n}\n{clock(cue.start_ms, sep=',')} --> {clock(cue.end_ms, sep=',')}\n{text}\n")
    return "\n".join(blocks)
