"""SubRip captions: the WebVTT cues, numbered, ``HH:MM:SS,mmm``; the speaker's name opens
the first cue of each turn (SRT has no voice tags)."""

from __future__ import annotations

from aligner.align.model import Alignment
from aligner.write.timefmt import clock
from aligner.write.vtt import PROFILES, Profile, split_turn, wrap


def compose(alignment: Alignment, profile: Profile = PROFILES["standard"]) -> str:
    blocks, n = [], 0
    for turn in alignment.turns:
        for k, cue in enumerate(split_turn(turn, profile)):
            n += 1
            text = wrap(cue.text, profile)
            if k == 0 and turn.speaker.strip():
                text = f"{' '.join(turn.speaker.split())}: {text}"
            text = "\n".join(line for line in text.split("\n") if line.strip()) or "…"
            blocks.append(f"{n}\n{clock(cue.start_ms, sep=',')} --> {clock(cue.end_ms, sep=',')}\n{text}\n")
    return "\n".join(blocks)
