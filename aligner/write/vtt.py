"""WebVTT captions: a cue per phrase, ``<v Speaker>`` on every cue, at most two lines of
42 characters and 7 seconds, split at sentence, then clause, then word boundaries using the
word times. No cue crosses a turn."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aligner import __version__
from aligner.align.model import Alignment, TurnTiming
from aligner.write.timefmt import clock

MAX_LINE = 42
MAX_LINES = 2
MAX_MS = 7_000
MIN_MS = 800
_SENTENCE = re.compile(r"[.!?…]+[»\"”)]*$")
_CLAUSE = re.compile(r"[,;:]$")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    speaker: str
    text: str


def escape(text: str) -> str:
    """Cue text with ``&``, ``<`` and ``>`` escaped (WebVTT cue text rules)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _voice(name: str) -> str:
    # an annotation may not hold '>' nor start or end with spaces; newlines break the cue
    return escape(" ".join(name.split())).replace("-->", "--&gt;")


def _written_words(turn: TurnTiming) -> list[tuple[str, int, int]]:
    """The turn's text split at white space, each piece timed by the aligned words inside
    it; a piece without one (``???``, a dash) takes the time where the previous one ends."""
    out = []
    for m in re.finditer(r"\S+", turn.text):
        inside = [w for w in turn.words if w.start_char < m.end() and m.start() < w.end_char]
        if inside:
            out.append((m.group(0), inside[0].start_ms, max(w.end_ms for w in inside)))
        else:
            at = out[-1][2] if out else turn.start_ms
            out.append((m.group(0), at, at))
    return out


def split_turn(turn: TurnTiming) -> list[Cue]:
    """Cues for one turn."""
    pieces = _written_words(turn)
    cues, current = [], []

    def flush():
        if current:
            start, end = current[0][1], max(current[-1][2], current[0][1] + 1)
            cues.append(Cue(start, min(end, turn.end_ms) if end > start else end, turn.speaker, " ".join(p[0] for p in current)))
            current.clear()

    for piece in pieces:
        text_len = len(" ".join(p[0] for p in current + [piece]))
        duration = piece[2] - current[0][1] if current else 0
        if current and (text_len > MAX_LINE * MAX_LINES or duration > MAX_MS):
            flush()
        current.append(piece)
        length = len(" ".join(p[0] for p in current))
        if _SENTENCE.search(piece[0]) and length >= MAX_LINE // 2:
            flush()
        elif _CLAUSE.search(piece[0]) and length >= MAX_LINE * 3 // 2:
            flush()
    flush()
    return _fix_times(cues, turn)


def _fix_times(cues: list[Cue], turn: TurnTiming) -> list[Cue]:
    """Each cue ends where the next begins (or the turn ends), lasts at least ``MIN_MS``
    when there is room, and never runs past the turn."""
    out = []
    for i, c in enumerate(cues):
        limit = cues[i + 1].start_ms if i + 1 < len(cues) else max(turn.end_ms, c.end_ms)
        end = max(c.end_ms, min(limit, c.start_ms + MIN_MS))
        end = min(end, limit) if limit > c.start_ms else c.start_ms + 1
        out.append(Cue(c.start_ms, max(end, c.start_ms + 1), c.speaker, c.text))
    return out


def wrap(text: str) -> str:
    """At most two lines of about ``MAX_LINE`` characters, balanced."""
    if len(text) <= MAX_LINE:
        return text
    words = text.split(" ")
    best, best_score = text, None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        score = max(len(a), len(b))
        if best_score is None or score < best_score:
            best, best_score = f"{a}\n{b}", score
    return best


def cues(alignment: Alignment) -> list[Cue]:
    out = []
    for turn in alignment.turns:
        out += split_turn(turn)
    return out


def compose(alignment: Alignment) -> str:
    """The WebVTT file."""
    lines = ["WEBVTT", "", f"NOTE made by aligner {__version__}; audio sha256 {alignment.audio_sha256 or 'unknown'}", ""]
    for cue in cues(alignment):
        voice = f"<v {_voice(cue.speaker)}>" if cue.speaker.strip() else ""
        lines += [f"{clock(cue.start_ms)} --> {clock(cue.end_ms)}", voice + escape(wrap(cue.text)).replace("-->", "--&gt;"), ""]
    return "\n".join(lines)
