"""Podcasting 2.0 JSON transcript (``application/json``): ``version`` and ``segments``,
each with ``speaker``, ``startTime``, ``endTime`` (always present) and ``body``, one per
caption cue."""

from __future__ import annotations

import json

from aligner.align.model import Alignment
from aligner.write.timefmt import seconds
from aligner.write.vtt import Cue, cues


def compose(alignment: Alignment, *, per_turn: list[list[Cue]] | None = None) -> str:
    """``per_turn``: the standard captions' cues of each turn, when already worked out."""
    segments = [
        {"speaker": c.speaker, "startTime": seconds(c.start_ms), "endTime": seconds(c.end_ms), "body": c.text}
        for c in cues(alignment, per_turn=per_turn)
    ]
    return json.dumps({"version": "1.0.0", "segments": segments}, ensure_ascii=False, indent=1) + "\n"
