"""Praat TextGrid (long text format): one interval tier per speaker, a turn placed per
interval, empty intervals in between."""

from __future__ import annotations

from aligner.align.model import Alignment


def _quote(text: str) -> str:
    return '"' + " ".join(text.split()).replace('"', '""') + '"'


def compose(alignment: Alignment) -> str:
    end = alignment.duration_ms / 1000
    turns = [t for t in alignment.turns if t.placed]
    speakers = list(dict.fromkeys(t.speaker or "speaker" for t in turns))
    lines = ['File type = "ooTextFile"', 'Object class = "TextGrid"', "", "xmin = 0", f"xmax = {end:.3f}",
             "tiers? <exists>", f"size = {len(speakers)}", "item []:"]
    for n, speaker in enumerate(speakers, start=1):
        intervals, pos = [], 0.0
        for t in turns:
            if (t.speaker or "speaker") != speaker:
                continue
            start, stop = max(pos, t.start_ms / 1000), max(pos, t.end_ms / 1000)
            if start > pos:
                intervals.append((pos, start, ""))
            if stop > start:
                intervals.append((start, stop, t.text))
                pos = stop
        if pos < end:
            intervals.append((pos, end, ""))
        lines += [f"    item [{n}]:", '        class = "IntervalTier"', f"        name = {_quote(speaker)}",
                  "        xmin = 0", f"        xmax = {end:.3f}", f"        intervals: size = {len(intervals)}"]
        for k, (a, b, text) in enumerate(intervals, start=1):
            lines += [f"        intervals [{k}]:", f"            xmin = {a:.3f}", f"            xmax = {b:.3f}",
                      f"            text = {_quote(text)}"]
    return "\n".join(lines) + "\n"
