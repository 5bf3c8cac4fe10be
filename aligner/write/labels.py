"""Audacity label track: one label per turn placed, ``start<TAB>end<TAB>speaker`` in seconds."""

from __future__ import annotations

from aligner.align.model import Alignment


def compose(alignment: Alignment) -> str:
    lines = [f"{t.start_ms / 1000:.3f}\t{t.end_ms / 1000:.3f}\t{' '.join(t.speaker.split()) or 'turn'}"
             for t in alignment.turns if t.placed]
    return "\n".join(lines) + ("\n" if lines else "")
