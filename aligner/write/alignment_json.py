"""The whole alignment as JSON (``<stem>.json``). Times are seconds with millisecond
precision.

    {"format": "aligner-alignment", "version": 1,
     "audio": {"path", "sha256", "duration"},
     "transcript": {"path", "format", "title", "date"},
     "turns": [{"speaker", "start", "end", "confidence", "line", "text",
                "words": [{"text", "start", "end", "confidence"}], ("placed": false)}],
     "anchors": [{"text", "line", "written", "measured", "delta", "ok"}],
     "uncovered": [{"start", "end", "kind"}]}

A word's ``confidence`` is the share of places 0.6 to 2 s away where its synthetic speech
matches the recording worse than where it was placed (about 0.5 when the text is not said
there, towards 1 when it clearly is); a turn's is the mean of its words', less 0.2 times
how far its length strays from what its text takes to say (the log of the ratio, from the
recording's usual one): a turn squeezed into too little time, or spread over too much, scores
lower even where its words match. A turn found nowhere in the audio (given less than a tenth
of the time its text takes, or left out with ``AlignConfig.cut``) has ``"placed": false``: its
times are where the alignment squeezed or left it out, and the captions leave it out.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from math import isfinite

from aligner.align.model import Alignment
from aligner.write.timefmt import seconds


def to_dict(a: Alignment) -> dict:
    t = a.transcript
    return {
        "format": "aligner-alignment",
        "version": 1,
        "audio": {"path": a.audio_source, "sha256": a.audio_sha256, "duration": seconds(a.duration_ms)},
        "transcript": {"path": t.source, "format": t.format, "title": t.metadata.title,
                       "date": t.metadata.date.isoformat() if t.metadata.date else None},
        "turns": [
            {"speaker": turn.speaker, "start": seconds(turn.start_ms), "end": seconds(turn.end_ms),
             "confidence": round(turn.confidence, 3), "line": t.items[turn.item].line, "text": turn.text,
             "words": [{"text": w.text, "start": seconds(w.start_ms), "end": seconds(w.end_ms),
                        "confidence": round(w.confidence, 3), **({} if w.placed else {"placed": False})}
                       for w in turn.words],
             **({} if turn.placed else {"placed": False})}
            for turn in a.turns
        ],
        "anchors": [
            {"text": c.anchor.written, "line": c.anchor.line, "written": seconds(c.anchor.time_ms),
             "measured": seconds(c.measured_ms), "delta": seconds(abs(c.delta_ms)) * (1 if c.delta_ms >= 0 else -1),
             "ok": c.ok}
            for c in a.anchors
        ],
        "uncovered": [{"start": seconds(r.start_ms), "end": seconds(r.end_ms), "kind": r.kind} for r in a.uncovered],
    }


def compose(a: Alignment) -> str:
    """``to_dict(a)`` as ``json.dumps(..., ensure_ascii=False, indent=1)`` writes it. The
    standard library indents in Python, 15 us a value; the words, nearly all of the values,
    are laid out here from the same pieces it uses (90 minutes: 0.22 -> 0.10 s, half of it
    building the dictionaries)."""
    doc = to_dict(a)
    words = [turn["words"] for turn in doc["turns"]]
    for turn in doc["turns"]:
        turn["words"] = []  # (the key keeps its place)
    # (a string holds no bare quote: only the turns' keys read so)
    parts = json.dumps(doc, ensure_ascii=False, indent=1).split(_NO_WORDS)
    out = [parts[0]]
    for turn_words, part in zip(words, parts[1:]):
        out.append(_words(turn_words) if turn_words else _NO_WORDS)
        out.append(part)
    return "".join(out) + "\n"


_NO_WORDS = '"words": []'
# (times are floats from integer milliseconds, always finite: ``%r`` writes them as json does)
_WORD = '    {\n     "text": %s,\n     "start": %r,\n     "end": %r,\n     "confidence": %s%s\n    }'
_UNPLACED = ',\n     "placed": false'  # a word given no time of its own


def _words(words: list[dict]) -> str:
    """A turn's ``"words": [...]`` at the depth where ``json.dumps(indent=1)`` puts them."""
    text, number = encode_basestring, _number
    laid = ",\n".join(_WORD % (text(w["text"]), w["start"], w["end"], number(w["confidence"]),
                                "" if w.get("placed", True) else _UNPLACED) for w in words)
    return '"words": [\n' + laid + "\n   ]"


def _number(x: float) -> str:
    return float.__repr__(x) if isfinite(x) else json.dumps(x)
